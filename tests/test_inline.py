"""Queries known to be cheap are evaluated in the web process (sparql/inline.py), through the
endpoint: the same bytes as from a query process, never a query that was not cheap, bounded
in the jobs remembered, and never across builds."""

from __future__ import annotations

from typing import Any

from citygraph.sparql.engine import Answer, QueryJob
from citygraph.sparql.inline import MAX_QUERY, CheapJobs

LOOKUP = 'SELECT ?p ?o WHERE { ?s ?lp "Szczecin"@en . ?s ?p ?o }'
RUNAWAY = ('SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f '
           'FILTER(REGEX(CONCAT(STR(?c), STR(?f)), "x{1,40}y")) }')
FORMATS = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values")


def _inline_count(client: Any) -> float:
    metrics = client.get("/metrics").get_data(as_text=True)
    lines = [line for line in metrics.splitlines()
             if line.startswith("citygraph_inline_queries_total")]
    return sum(float(line.rsplit(" ", 1)[1]) for line in lines)


def _get(client: Any, query: str, accept: str = FORMATS[0]) -> Any:
    return client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})


def test_a_cheap_query_runs_inline_the_second_time_with_the_same_bytes(
        make_app: Any) -> None:
    client = make_app(cache_entries=0).test_client()
    for accept in FORMATS:
        first = _get(client, LOOKUP, accept)  # a query process: it is learned as cheap
        before = _inline_count(client)
        again = _get(client, LOOKUP, accept)  # evaluated here, JSON by Oxigraph's writer
        assert _inline_count(client) == before + 1, accept
        assert first.status_code == again.status_code == 200
        assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
        assert again.content_type == first.content_type
    assert _get(client, LOOKUP).get_json()["results"]["bindings"]


def test_a_query_that_ran_out_of_time_never_runs_inline(make_app: Any) -> None:
    client = make_app(cache_entries=0, query_timeout=1.0).test_client()
    for _ in range(2):  # each time in a query process, killed at the limit
        response = _get(client, RUNAWAY)
        assert response.status_code == 503
        assert "query_timeout" in response.get_data(as_text=True)
    assert _inline_count(client) == 0


def test_cut_answers_and_unstable_queries_are_written_by_the_row_cutting_writer(
        make_app: Any) -> None:
    client = make_app(cache_entries=0, max_rows=3).test_client()
    cut = "SELECT ?s WHERE { ?s a ?type } LIMIT 10"
    first, again = _get(client, cut), _get(client, cut)
    assert _inline_count(client) == 1
    assert first.status_code == again.status_code == 206  # cut at 3 rows, and said so
    assert len(again.get_json()["results"]["bindings"]) == 3 and again.data == first.data
    unstable = "SELECT ?s (RAND() AS ?r) WHERE { ?s a ?type } LIMIT 2"
    _get(client, unstable)
    assert len(_get(client, unstable).get_json()["results"]["bindings"]) == 2
    assert _inline_count(client) == 2


def test_inline_jobs_are_bounded_and_can_be_switched_off(make_app: Any) -> None:
    bounded = make_app(cache_entries=0, inline_jobs=2).test_client()
    queries = [f"{LOOKUP} # {n}" for n in range(3)]
    for query in queries + queries[1:] + queries[:1]:  # the first is dropped for the third
        _get(bounded, query)
    assert _inline_count(bounded) == 2
    off = make_app(cache_entries=0, inline_jobs=0).test_client()
    for _ in range(3):
        assert _get(off, LOOKUP).status_code == 200
    assert _inline_count(off) == 0


def test_what_is_learned_and_written_natively() -> None:
    jobs = CheapJobs({}, entries=8)
    stable, unstable, remote = (QueryJob(LOOKUP, build_path="b1"),
                                QueryJob("SELECT (NOW() AS ?t) {}", build_path="b1"),
                                QueryJob(LOOKUP))
    answer = Answer(b"{}", "json", "select", 5, False)
    jobs.learn(stable, answer, 0.001, 0)
    jobs.learn(unstable, answer, 0.001, 0)
    jobs.learn(remote, answer, 0.001, 0)  # no build path: a remote backend, never inline
    assert jobs.known(stable) and jobs.known(unstable) and not jobs.known(remote)
    assert jobs.native_rows(stable) == 5 and jobs.native_rows(unstable) is None
    assert not jobs.known(QueryJob(LOOKUP, build_path="b2"))  # another build: learned anew
    long = QueryJob(LOOKUP + " #" + "x" * MAX_QUERY, build_path="b1")  # bounds the table
    jobs.learn(long, answer, 0.001, 0)
    assert not jobs.known(long)
    slow, big, large = (QueryJob(f"{LOOKUP} # {n}", build_path="b1") for n in range(3))
    jobs.learn(slow, answer, 0.5, 0)
    jobs.learn(big, answer, 0.001, 1 << 30)
    jobs.learn(large, Answer(b"x" * (2 << 20), "json", "select", 5, False), 0.001, 0)
    assert not any(jobs.known(job) for job in (slow, big, large))
    # the web process has a network: nothing that could name a federated query runs there
    federated = (QueryJob("SELECT * { SERVICE SILENT <http://example.org/s> { ?s ?p ?o } }",
                          build_path="b1"),
                 QueryJob("SELECT * { SERV\\u0049CE <http://example.org/s> { ?s ?p ?o } }",
                          build_path="b1"))
    for job in federated:
        jobs.learn(job, answer, 0.001, 0)
    assert not any(jobs.known(job) for job in federated)
