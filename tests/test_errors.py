"""One enum of error codes; errors raised in a query process keep their type, code and
headers across the pipe to the web process."""

from __future__ import annotations

from typing import Any

import pytest

from citygraph.errors import BadQuery, ErrorCode, TooManyRequests, error_class
from citygraph.sparql.engine import Dataset, QueryJob
from citygraph.sparql.executor import Executor


def test_a_query_process_error_keeps_its_type(app: Any) -> None:
    executor: Executor = app.extensions["citygraph"].executor
    with pytest.raises(BadQuery) as caught:
        executor.run(QueryJob("SELECT ?s WHERE { ?s ?p }", Dataset(), ("json",)))
    assert caught.value.code is ErrorCode.SYNTAX_ERROR
    assert caught.value.status == 400


def test_headers_and_type_survive_the_pipe_message() -> None:
    payload = ("TooManyRequests", "slow down", 429, "too_many_requests", {"Retry-After": "7"})
    with pytest.raises(TooManyRequests) as caught:
        Executor._unpack("error", payload)
    assert caught.value.headers == {"Retry-After": "7"}
    assert caught.value.code is ErrorCode.TOO_MANY_REQUESTS


def test_unknown_error_names_fall_back_to_the_base_type() -> None:
    assert error_class("NoSuchError").__name__ == "CitygraphError"
    assert error_class("print").__name__ == "CitygraphError"


def test_json_error_bodies_carry_enum_codes(client: Any) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p"},
                          headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["code"] == ErrorCode.SYNTAX_ERROR.value
    missing = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert missing.get_json() == {"status": 404, "code": "not_found",
                                  "message": missing.get_json()["message"]}


def test_the_runtime_refuses_a_job_that_skipped_the_guard(app: Any) -> None:
    from citygraph.sparql.guard import check_query
    from citygraph.sparql.runtime import UncheckedQuery

    runtime = app.extensions["citygraph"]
    job = QueryJob("ASK { ?s ?p ?o }", Dataset(), ("json",))
    with pytest.raises(UncheckedQuery):
        runtime.answer(job, "192.0.2.1", False, None)
    other = check_query("ASK { ?s a ?o }", runtime.limits)
    with pytest.raises(UncheckedQuery):
        runtime.answer(job, "192.0.2.1", False, other)
    answer, _ = runtime.answer(job, "192.0.2.1", False, check_query(job.query, runtime.limits))
    assert b"true" in answer.body
