"""The access log of a real `citygraph serve`: Apache's combined format, one line per request
in the order they were answered, quotes in client values escaped, lines gathered for at most
half a second and written before a stopping worker exits, which it does cleanly
(citygraph/accesslog.py, citygraph/server.py)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests

from citygraph.accesslog import FLUSH_SECONDS
from tests.helpers import serve_logged

pytestmark = pytest.mark.server

COMBINED = re.compile(r'^(?P<h>\S+) - (?P<u>\S+) \[(?P<t>[^\]]+)\] "(?P<r>(?:[^"\\]|\\.)*)" '
                      r'(?P<s>\d{3}) (?P<b>\d+|-) "(?P<f>(?:[^"\\]|\\.)*)" '
                      r'"(?P<a>(?:[^"\\]|\\.)*)"$')


def _access_lines(log: Path) -> list[re.Match[str]]:
    lines = log.read_text(errors="replace").splitlines()
    return [m for m in map(COMBINED.match, lines) if m is not None]


def test_requests_are_logged_in_the_combined_format(store_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    process, base = serve_logged(store_dir, log)
    try:
        agent = 'probe "quoted" 1.0'
        with requests.Session() as session:
            for n in range(5):
                answer = session.get(f"{base}/sparql", params={"query": f"ASK {{}} # {n}"},
                                     headers={"User-Agent": agent, "Referer": "https://a.test/"},
                                     timeout=30)
                assert answer.status_code == 200
            assert session.get(f"{base}/no-such-page", timeout=30).status_code == 404
        # gathered, then written within FLUSH_SECONDS; wait for it (not a measurement)
        written = time.monotonic() + FLUSH_SECONDS + 10
        while len([m for m in _access_lines(log) if "/sparql" in m["r"]]) < 5 \
                and time.monotonic() < written:
            time.sleep(0.1)
        queries = [m for m in _access_lines(log) if "/sparql" in m["r"]]
        numbers = [re.findall(r"%23\+(\d)", m["r"]) for m in queries]
        assert numbers == [["0"], ["1"], ["2"], ["3"], ["4"]]  # in the order answered
        first = queries[0]
        assert first["h"] == "127.0.0.1" and first["s"] == "200" and int(first["b"]) > 0
        assert first["a"] == 'probe \\"quoted\\" 1.0' and first["f"] == "https://a.test/"
        # the last request before a stop is written by the stopping worker
        assert requests.get(f"{base}/sparql", params={"query": "ASK {} # last"},
                            timeout=30).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    text = log.read_text(errors="replace")
    lines = _access_lines(log)
    assert any("last" in m["r"] for m in lines), text[-2000:]
    # the worker ended cleanly: no crash of native code while the interpreter shut down
    assert process.returncode == 0 and "was sent SIG" not in text, text[-2000:]
    assert any(m["r"].startswith("GET /no-such-page ") and m["s"] == "404" for m in lines)
