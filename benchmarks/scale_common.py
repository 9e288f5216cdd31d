"""Shared pieces of the scale benchmark: fresh measured processes, synthetic data, statistics."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


class TimedOut(Exception):
    """A measured process ran past its cap and was killed."""


def run_json(cmd: list[str], *, timeout: float, env: dict[str, str] | None = None,
             cwd: Path | None = None) -> dict[str, object]:
    """Run cmd in its own process group; its last stdout line is a JSON object.

    The group is killed on timeout, on error and on Ctrl-C, so no measured process outlives
    the benchmark.
    """
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env, cwd=cwd, start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TimedOut(f"{cmd[-1]} exceeded {timeout:.0f} s") from None
    finally:
        kill_group(process)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} failed ({process.returncode}): {err[-800:]}")
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def kill_group(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def synth(triples: int, work: Path) -> tuple[Path, int]:
    """The synthetic N-Triples file of about `triples` triples (made once) and its line count."""
    out = work / f"synth-{triples}.nt"
    if not out.exists():
        part = out.with_suffix(".part")
        subprocess.run([PY, "-m", "citygraph", "synth", "--triples", str(triples), "--out",
                        str(part)], check=True, capture_output=True, cwd=ROOT)
        part.rename(out)
    with out.open("rb") as handle:
        count = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return out, count


def stat(values: list[float], digits: int = 1) -> str:
    """'median (min–max)' over the runs, or the single value of one run."""
    if not values:
        return "–"
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:,.{digits}f}"
    return f"{med:,.{digits}f} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
