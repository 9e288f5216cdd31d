"""The query mix of the HTTP benchmark and how each server is asked (targets, requests).

Five competency-question shapes on the synthetic graph; the mix rotates the city and the
search prefix. Used over HTTP (httpbench_load) and in-process (httpbench_inproc).
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from urllib.parse import urlencode

from citygraph.synth import DEFAULT_BASE, city_iri

GRAPH = f"{DEFAULT_BASE}graph/synthetic"
JSON_RESULTS = "application/sparql-results+json"
PREFIXES = """PREFIX cg: <https://w3id.org/citygraph/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
"""


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    method: str  # GET for the small lookups, POST (form) for the heavier ones, as clients do


def lookup(city: str) -> str:
    return PREFIXES + f"SELECT ?label WHERE {{ <{city}> rdfs:label ?label }}"


def one_hop(city: str) -> str:
    return PREFIXES + f"""SELECT ?partner ?label ?start WHERE {{
  ?rel a cg:Partnership ; cg:partner <{city}> , ?partner ; schema:startDate ?start .
  FILTER(?partner != <{city}>)
  ?partner rdfs:label ?label . FILTER(LANG(?label) = "en")
}} ORDER BY ?start ?partner"""


def two_hop(city: str) -> str:
    return PREFIXES + f"""SELECT DISTINCT ?city ?label WHERE {{
  <{city}> cg:partnerCity/cg:partnerCity ?city . FILTER(?city != <{city}>)
  ?city rdfs:label ?label . FILTER(LANG(?label) = "en")
}} ORDER BY ?label LIMIT 200"""


def regex_search(prefix: str) -> str:
    return PREFIXES + f"""SELECT ?city ?label WHERE {{
  ?city a cg:City ; rdfs:label ?label .
  FILTER(LANG(?label) = "en" && REGEX(?label, "^{prefix}", "i"))
}} ORDER BY ?label LIMIT 50"""


GROUP_BY = PREFIXES + """SELECT ?country (COUNT(DISTINCT ?rel) AS ?partnerships) WHERE {
  ?rel a cg:Partnership ; cg:partner ?city .
  ?city schema:containedInPlace ?country .
} GROUP BY ?country ORDER BY DESC(?partnerships) ?country"""

# Hubs and ordinary cities: the generator links low numbers more often.
PROBES = (1, 2, 3, 5, 8, 13, 21, 34, 55, 89)
SEARCHES = ("synthtown ka", "synthtown lo", "synthtown mi", "synthtown ra", "synthtown te")
# One cycle of ten requests: 3 lookups, 3 one-hops, 2 two-hops, 1 search, 1 GROUP BY.
CYCLE = ("lookup", "one-hop", "two-hop", "lookup", "regex", "one-hop", "lookup", "two-hop",
         "one-hop", "group-by")


def representative() -> list[Query]:
    """One instance of each query shape (for the per-query latencies and the row check)."""
    return [_instance(name, city_iri(PROBES[1]), SEARCHES[0])
            for name in ("lookup", "one-hop", "two-hop", "regex", "group-by")]


def mix(cities: int) -> list[Query]:
    """The fixed request sequence every load client cycles through (100 requests)."""
    probes = [p for p in PROBES if p <= cities] or [1]
    return [_instance(name, city_iri(probes[k % len(probes)]), SEARCHES[k % len(SEARCHES)])
            for k in range(10) for name in CYCLE]


def _instance(name: str, city: str, search: str) -> Query:
    if name == "lookup":
        return Query(name, lookup(city), "GET")
    if name == "one-hop":
        return Query(name, one_hop(city), "GET")
    if name == "two-hop":
        return Query(name, two_hop(city), "GET")
    if name == "regex":
        return Query(name, regex_search(search), "POST")
    return Query(name, GROUP_BY, "POST")



@dataclass(frozen=True)
class Target:
    """Where a server answers SPARQL, and how it must be asked."""

    name: str
    port: int
    path: str = "/sparql"
    params: tuple[tuple[str, str], ...] = ()  # e.g. Virtuoso's default-graph-uri
    close: bool = False  # send Connection: close (rdflib-endpoint, see README)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]


def to_request(target: Target, query: Query) -> Request:
    params = urlencode([("query", query.text), *target.params])
    headers = {"Accept": JSON_RESULTS}
    if target.close:
        headers["Connection"] = "close"
    if query.method == "GET":
        return Request("GET", f"{target.path}?{params}", None, headers)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return Request("POST", target.path, params.encode(), headers)


def fetch(port: int, req: Request, timeout: float = 60.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(req.method, req.path, body=req.body, headers=req.headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def row_count(body: bytes) -> int:
    data = json.loads(body)
    return len(data["results"]["bindings"]) if "results" in data else 1
