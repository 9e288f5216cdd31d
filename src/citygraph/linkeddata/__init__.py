"""Linked-data pages of citygraph: Cool URIs (303 from /id to /doc), content-negotiated
documents, entity pages, the home page and class listings.

Flask-free: ``iris`` (request paths ↔ data IRIs, retired IRIs), ``describe`` (the document's
CONSTRUCT query and page model), ``rdfterms`` (the parsed document graph), ``facts`` (key facts
per class), ``home`` and ``listing`` (their queries) and
``i18n`` (English and German interface texts). ``pages`` builds template contexts and ``views``
holds the one Blueprint.
"""
