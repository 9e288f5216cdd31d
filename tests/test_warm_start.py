"""`citygraph serve` warms its query processes and the store before it answers anything: the
first request (here /healthz, as a load balancer sends it) is answered only after the warm-up."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from tests.helpers import serve_logged

pytestmark = pytest.mark.server


def test_server_is_ready_only_after_the_warm_up(store_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    process, url = serve_logged(store_dir, log)
    try:
        assert requests.get(f"{url}/healthz", timeout=10).status_code == 200, \
            log.read_text(errors="replace")
        # Logged before the worker took any request; allow the log a moment to reach the file.
        flushed = time.monotonic() + 5
        while "warmed up" not in log.read_text(errors="replace") and time.monotonic() < flushed:
            time.sleep(0.1)
        lines = log.read_text(errors="replace").splitlines()
        warmed = [i for i, line in enumerate(lines) if "warmed up" in line]
        answered = [i for i, line in enumerate(lines) if '"GET /healthz' in line]
        assert warmed, "\n".join(lines)
        assert not answered or warmed[0] < answered[0]
    finally:
        process.terminate()
        process.wait(timeout=15)
