"""Memory of the query processes: a hard limit per process and the budget of a whole server.

Each query process gets an address-space limit (setrlimit(2) RLIMIT_AS) of its size when
ready plus its share of the budget, so an allocation beyond it fails and Oxigraph aborts
the process; the web process also watches the anonymous resident memory it gained since it was ready
(RssAnon in /proc/PID/status; the store's file pages are reclaimable cache, not a query's) while
it waits and kills a process that outgrows its share. Either way the client gets 503
``query_memory_limit`` and the process is replaced; one whose peak passed half its limit is
replaced after its answer too, because freed memory is not always returned to the system.
See docs/operations.md.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal

from citygraph.errors import CitygraphError, ErrorCode

MB = 1 << 20
# What a web worker holds besides its result cache and request bodies (Flask, rdflib,
# templates), and the gunicorn master; measured, with margin (docs/operations.md).
WEB_PROCESS_BYTES = 256 * MB
MASTER_BYTES = 64 * MB
MIN_QUERY_BYTES = 96 * MB  # below this even a small query fails: refuse to start
# A query evaluated in the web process (inline.py) is one a query process answered within
# INLINE_QUERY_BYTES of peak memory; each request thread may run one. The web process also
# keeps a store handle and the table of such queries: INLINE_STORE_BYTES, measured, with margin.
INLINE_QUERY_BYTES = 8 * MB
INLINE_STORE_BYTES = 16 * MB
RECYCLE_SHARE = 0.5  # a process whose peak passed this share of its limit is replaced
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class QueryMemoryLimit(CitygraphError):
    status = 503
    code = ErrorCode.QUERY_MEMORY_LIMIT


def over_limit(limit: int) -> QueryMemoryLimit:
    return QueryMemoryLimit(
        f"the query was stopped: it needed more than {limit // MB} MB, the memory limit of a "
        "query on this endpoint; narrow it down (LIMIT, fewer or shorter values)",
        headers={"Retry-After": "10"})


def rss(pid: int) -> int:
    """Resident bytes of a process; 0 when it is gone or /proc is not there."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _status_kb(pid: int, field: bytes) -> int:
    """A kB field of /proc/PID/status in bytes; 0 when unknown. Read as bytes in one call:
    the web process asks after every query, and decoding the file line by line cost twice
    as much."""
    try:
        fd = os.open(f"/proc/{pid}/status", os.O_RDONLY)
        try:
            data = os.read(fd, 16384)
        finally:
            os.close(fd)
        at = data.index(field) + len(field)
        return int(data[at:data.index(b"kB", at)]) * 1024
    except (OSError, ValueError):
        return 0


def anon_rss(pid: int) -> int:
    """Resident anonymous bytes of a process (RssAnon): the memory a query allocates. Pages
    of the store's files are left out: they are shared page cache the kernel can reclaim,
    and a large store touches many of them without any query being large. 0 when unknown."""
    return _status_kb(pid, b"RssAnon:")


def peak_rss(pid: int) -> int:
    """Highest resident bytes a process has had (VmHWM); 0 when unknown."""
    return _status_kb(pid, b"VmHWM:")


def _virtual_size() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def limit_address_space(extra: int) -> None:
    """In a query process, once it is ready: allow ``extra`` bytes beyond its size now.

    Only the soft limit is set, so that the process can lift it again to open the store of
    a new build (``lift_address_space_limit``); a SPARQL query has no way to call setrlimit."""
    if extra <= 0:
        return
    size = _virtual_size()
    if size:
        with contextlib.suppress(ValueError, OSError):
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            soft = size + extra if hard == resource.RLIM_INFINITY else min(size + extra, hard)
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def lift_address_space_limit() -> None:
    """Before opening another build's store: opening maps files and starts threads, which
    is the process's own need, not a query's (the limit is set again afterwards)."""
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def died_of_memory(exitcode: int | None) -> bool:
    """An allocation refused by RLIMIT_AS aborts Oxigraph (SIGABRT); the kernel's OOM
    killer sends SIGKILL."""
    return exitcode in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV)


def query_share(budget_mb: int, workers: int, threads: int, cache_bytes: int,
                body_bytes: int) -> int:
    """Bytes one query process may use so that the worst case of all processes fits the
    budget: master + workers × (web process + its store handle + cache + a body and an inline
    query per thread) + workers × threads query processes (one per request thread, the pool
    never holds more)."""
    web = (WEB_PROCESS_BYTES + INLINE_STORE_BYTES + cache_bytes
           + threads * (body_bytes + INLINE_QUERY_BYTES))
    left = budget_mb * MB - MASTER_BYTES - workers * web
    return left // max(workers * threads, 1)
