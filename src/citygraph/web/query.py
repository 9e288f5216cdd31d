"""The one public query path, for every view that executes text a client sent (/sparql, the
Graph Store, the workbench): check → client identity → job → runtime answer → response.

Fair use is checked first (a client over its budget costs no CPU, not even the guard's), then
the guard, so a bad query is a 4xx whatever the Accept header says; the runtime
refuses a job whose text did not pass it (``Runtime.answer`` takes the guard's ``Checked``).
Fair use charges the client address (after ProxyFix, the real client behind trusted proxies);
loopback clients are exempt unless ``fair_use_loopback`` is set.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable

from flask import Response, request

from citygraph.formats import by_name
from citygraph.sparql.engine import Answer, Dataset, QueryJob
from citygraph.store import BuildInfo
from citygraph.web.conditional import respond
from citygraph.web.current import runtime


def client_identity() -> tuple[str, bool]:
    """(client address, exempt from fair use)."""
    addr = request.remote_addr or "unknown"
    return addr, is_loopback(addr) and not runtime().config.fair_use_loopback


@functools.lru_cache(maxsize=1024)
def is_loopback(addr: str) -> bool:
    """Whether an address is a loopback one; remembered, as parsing it costs more than the
    rest of a client's identity (a bounded table: many addresses only evict each other)."""
    try:
        return ipaddress.ip_address(addr).is_loopback
    except ValueError:
        return False


def run_query(query: str, accept: Callable[[], tuple[str, ...]], *,
              dataset: Dataset | None = None, max_rows: int | None = None,
              base_iri: str | None = None) -> tuple[Answer, BuildInfo, QueryJob]:
    """Run a client's query; ``accept`` is asked only after the query passed the guard."""
    rt = runtime()
    client, exempt = client_identity()
    checked = rt.admit(query, client, exempt)  # fair use first, then the guard
    job = QueryJob(query=query, dataset=dataset or Dataset(), accept=accept(),
                   max_rows=rt.config.max_rows if max_rows is None else max_rows,
                   base_iri=base_iri)
    answer, info = rt.answer(job, client, exempt, checked)
    return answer, info, job


def answer_response(answer: Answer, info: BuildInfo, job: QueryJob) -> Response:
    """The answer with validators naming this query's representation; a cut result is a 206
    with a header naming the limit (never a silent cut)."""
    media = by_name(answer.media)
    assert media is not None
    representation = repr((job.query, job.dataset, job.max_rows, job.base_iri))
    response = respond(answer.body, media, info, representation,
                       status=206 if answer.truncated else 200)
    if answer.truncated:
        limit = runtime().config.max_rows
        response.headers["Citygraph-Truncated"] = f"rows={answer.rows}; max-rows={limit}"
    return response
