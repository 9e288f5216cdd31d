"""The researchers' workbench: the example-query library, the query page with server-rendered
results and views (table, map, timeline, relation graph) and the glance page ("{focal city}
at a glance").

Modules: ``library`` (the canned queries of ``citygraph/queries``), ``table`` (SPARQL JSON
results as sortable rows), ``figures`` (map, timeline and graph geometry), ``glance`` (the
overview page's figures), ``i18n`` (page strings) and ``views`` (the Flask blueprint).
"""
