"""The one link-to-page helper: a data IRI under the configured base → its local page
(``/doc/{type}/{slug}``), only for keys that pass ``iris.parse_key`` (so nothing a client
wrote reaches a URL unchecked); other IRIs have no local page."""

from __future__ import annotations

from flask import request, url_for

from citygraph.linkeddata import iris
from citygraph.web.current import runtime


def local_page(iri: str, lang: str | None = None) -> str | None:
    """The local page of a data IRI (``?lang=`` when given), None for foreign IRIs."""
    key = iris.key_of(iri, runtime().config.base_iri)
    if key is None:
        return None
    return url_for("linkeddata.document", type_=key.type, slug=key.slug, lang=lang or None)


def page_link(iri: str) -> str | None:
    """``local_page`` keeping the request's explicit ``?lang=``."""
    return local_page(iri, request.args.get("lang"))


# Only these IRIs become links: a result may hold any IRI, and javascript: or data: in an href
# would run in the page (OWASP XSS prevention cheat sheet, rule 5).
LINK_SCHEMES = ("http://", "https://", "mailto:")


def safe_href(iri: str) -> str | None:
    """The IRI itself as a link target when it is http(s) or mailto, else None (shown as
    text only)."""
    return iri if iri.lower().startswith(LINK_SCHEMES) else None
