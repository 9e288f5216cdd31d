"""The floor: the least a SPARQL endpoint on Flask + gunicorn + pyoxigraph can cost.

No limits, no timeout, no cache, no content negotiation, no logging: the query goes to
Oxigraph and the answer comes back as SPARQL JSON. Run with 2 sync workers, like citygraph:
    FLOOR_STORE=STORE/current gunicorn -w 2 -b 127.0.0.1:PORT --chdir benchmarks floor_app:app
"""

from __future__ import annotations

import os

import pyoxigraph as ox
from flask import Flask, Response, request

app = Flask(__name__)
_store: ox.Store | None = None


def store() -> ox.Store:
    global _store
    if _store is None:  # opened in each worker after gunicorn forks, never shared
        _store = ox.Store.read_only(os.environ["FLOOR_STORE"])
    return _store


@app.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    query = request.values.get("query") or request.get_data(as_text=True)
    # Union default graph, as citygraph does without default-graph-uri.
    result = store().query(query, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryTriples):  # CONSTRUCT/DESCRIBE: not in the benchmark mix
        return Response(result.serialize(format=ox.RdfFormat.N_TRIPLES), mimetype="text/plain")
    body = result.serialize(format=ox.QueryResultsFormat.JSON)
    return Response(body, mimetype="application/sparql-results+json")
