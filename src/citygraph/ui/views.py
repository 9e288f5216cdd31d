"""The ui blueprint (the site frame): what every HTML page shares (header context, language
kept across pages) and the pages of the frame itself: ``/search`` (HTML and JSON), ``/lists``,
``/about``.

The language switch is kept by adding the explicit ``?lang=`` of the current request to every
link built with ``url_for`` to an HTML page (Flask URL defaults).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    has_request_context,
    jsonify,
    render_template,
    request,
    url_for,
)

from citygraph.errors import CitygraphError
from citygraph.formats import by_name
from citygraph.ui import humane
from citygraph.ui import kinds as kinds_mod
from citygraph.ui import search as search_mod
from citygraph.ui.texts import NAV, site_texts
from citygraph.web.conditional import respond
from citygraph.web.current import runtime
from citygraph.web.i18n import LANGUAGES, choose_language
from citygraph.web.negotiation import best_mime

bp = Blueprint("ui", __name__)
READ = ["GET", "HEAD"]
# HTML pages whose links keep an explicit ?lang= of the current page.
HTML_ENDPOINTS = frozenset({
    "linkeddata.index", "linkeddata.document", "linkeddata.listing", "workbench.query_page",
    "workbench.glance_page", "workbench.queries", "ui.search", "ui.lists", "ui.about",
    "publishing.dumps_index", "publishing.catalog", "publishing.void", "publishing.ontology",
    "network.index", "network.ego", "network.path", "network.members", "network.countries",
    "network.year", "network.timeline", "network.ranking",
})
_INDEX: search_mod.PerBuild[list[search_mod.Entry]] = search_mod.PerBuild()
_KINDS: search_mod.PerBuild[dict[str, kinds_mod.Kind]] = search_mod.PerBuild()


def page_language() -> str:
    return choose_language(request.args.get("lang"), request.accept_languages)


@bp.app_url_defaults
def _keep_language(endpoint: str, values: dict[str, Any]) -> None:
    if "lang" in values or endpoint not in HTML_ENDPOINTS:
        return
    lang = request.args.get("lang") if request else None
    if lang in LANGUAGES:
        values["lang"] = lang


def other_language_url(lang: str) -> str:
    args = request.args.to_dict()
    args["lang"] = "de" if lang == "en" else "en"
    return f"{request.script_root}{request.path}?{urlencode(args)}"


def _nav(lang: str) -> list[dict[str, Any]]:
    t = site_texts(lang)
    here = request.endpoint or ""
    return [{"label": t[key], "href": url_for(endpoint), "current": here in current.split()}
            for key, endpoint, current in NAV]


bp.add_app_template_filter(humane.human_date, "human_date")
bp.add_app_template_filter(humane.human_dates, "human_dates")
bp.add_app_template_filter(humane.address_name, "address_name")


@bp.app_context_processor
def _frame() -> dict[str, Any]:
    """Header data for every template; a page's own ``lang`` (if passed) wins in Jinja."""
    if not has_request_context():
        return {}
    lang = page_language()
    other = "de" if lang == "en" else "en"
    return {"frame": {"lang": lang, "t": site_texts(lang), "nav": _nav(lang), "other": other,
                     "other_url": other_language_url(lang), "q": request.args.get("q", "")[:200],
                     "search_url": url_for("ui.search")}}


def kinds() -> dict[str, kinds_mod.Kind]:
    rt = runtime()
    base = rt.config.base_iri
    return _KINDS.get(rt.build().build_id,
                      lambda: kinds_mod.build_kinds(rt.select(kinds_mod.kinds_query(base))))


@bp.app_template_global()
def kind_name(type_: str, lang: str) -> str:
    """The name of a kind of thing (``city`` → "City"/"Stadt"), from the ontology's labels."""
    try:
        known = kinds()
    except CitygraphError:  # an error page must render even when the store cannot answer
        return type_
    return known[type_].name(lang) if type_ in known else type_


def _entries() -> list[search_mod.Entry]:
    rt = runtime()
    base = rt.config.base_iri
    return _INDEX.get(rt.build().build_id, lambda: search_mod.build_index(
        rt.select(search_mod.index_query(base)), base))


def _page_of(entry: search_mod.Entry) -> str:
    type_, _, slug = entry.iri.rpartition("/id/")[2].partition("/")
    return url_for("linkeddata.document", type_=type_, slug=slug)


def _wants_json(suffix: str | None) -> bool:
    if suffix == "json" or request.args.get("format") == "json":
        return True
    best = best_mime(["text/html", "application/json"])
    return best == "application/json"


@bp.route("/search", methods=READ)
@bp.route("/search.<suffix>", methods=READ)
def search(suffix: str | None = None) -> Response:
    if suffix not in (None, "json"):
        from citygraph.errors import NotFound

        raise NotFound(f"there is no search format '{suffix}'; use /search or /search.json")
    lang = page_language()
    text = request.args.get("q", "")[:search_mod.MAX_QUERY]
    hits = search_mod.search(_entries(), text)
    known = kinds()
    results = [{"iri": h.entry.iri, "page": _page_of(h.entry), "label": h.entry.label(lang),
                "matched": h.matched, "matched_lang": h.matched_lang, "type": h.entry.type,
                "type_label": known[h.entry.type].name(lang) if h.entry.type in known
                else h.entry.type} for h in hits]
    if _wants_json(suffix):
        response = jsonify({"query": text, "results": results})
        response.vary.add("Accept")
        return response
    html = render_template("ui/search.html", lang=lang, q=text, results=results)
    return _html(html, f"search/{lang}/{text}")


def _html(body: str, tag: str) -> Response:
    media = by_name("html")
    assert media is not None
    return respond(body, media, runtime().build(), tag, vary=("Accept", "Accept-Language"))


@bp.route("/lists", methods=READ)
def lists() -> Response:
    lang = page_language()
    items = sorted(kinds().values(), key=lambda k: k.name(lang).casefold())
    html = render_template("ui/lists.html", lang=lang, kinds=items)
    return _html(html, f"lists/{lang}")


@bp.route("/about", methods=READ)
def about() -> Response:
    lang = page_language()
    return _html(render_template("ui/about.html", lang=lang), f"about/{lang}")
