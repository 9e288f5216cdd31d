"""Progress of one long ``Store.bulk_load``: share of the file read, triples/s and an ETA.

``bulk_load(path=...)`` reads the file in Rust and releases the GIL, so a daemon thread can
watch it without slowing it down: the offset of the file descriptor Oxigraph opened for the
path is in ``/proc/self/fdinfo``. Where that does not exist (not Linux), loads run silently
as before. Quick loads say nothing: the first line comes after one interval.

``CITYGRAPH_PROGRESS_SECONDS`` sets the interval (default 5; 0 turns the lines off).

The ETA is for reading the file. Oxigraph indexes what it has read in batches of a million
triples, in parallel with the reading, and finishes the last batches after the file is read
(a file of up to a million triples is read first and indexed after); the lines say so.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

Progress = Callable[[str], None]
PROGRESS_ENV = "CITYGRAPH_PROGRESS_SECONDS"
DEFAULT_SECONDS = 5.0
FDINFO = Path("/proc/self/fdinfo")
SAMPLE_BYTES = 1 << 20  # enough lines for a stable bytes-per-triple estimate, read in ~1 ms
# Oxigraph reads a batch ahead and then waits for its indexing threads, so the read offset
# moves in jumps; a rate over the last half minute smooths them out (and the fast start).
WINDOW_SECONDS = 30.0


def interval_from_env(env: dict[str, str] | os._Environ[str] = os.environ) -> float:
    """Seconds between progress lines; an unusable value keeps the default."""
    try:
        seconds = float(env.get(PROGRESS_ENV, DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS
    return seconds if seconds >= 0 else DEFAULT_SECONDS


def bytes_per_triple(path: Path, fmt: ox.RdfFormat) -> float | None:
    """Average line length of a line-based file (one triple a line), else None."""
    if fmt not in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        return None
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    lines = sample.count(b"\n")
    return len(sample) / lines if lines else None


def read_offset(path: Path) -> int | None:
    """How far this process has read `path`, from the fd opened for it; None if not open."""
    target = str(path.resolve())
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") != target:
                continue
            with open(FDINFO / fd, encoding="ascii") as info:
                return int(info.readline().split()[1])  # first line: "pos:\t<offset>"
        except (OSError, ValueError, IndexError):
            continue  # fds come and go while Oxigraph works
    return None


def duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def progress_line(name: str, done: int, size: int, rate: float,
                  per_triple: float | None) -> str:
    """'data/x.nt: 42% read (700/1,659 MB), reading ~66,000 triples/s, reading ETA 1 min 20 s'.

    `rate` is in bytes/s; triples/s only where a line is a triple. Both the rate and the ETA
    are the reading's: the indexing of the last batches comes after (see the module doc).
    """
    speed = (f"~{rate / per_triple:,.0f} triples/s" if per_triple
             else f"{rate / 1e6:,.1f} MB/s")
    eta = duration((size - done) / rate) if rate > 0 else "unknown"
    return (f"{name}: {done / size:.0%} read ({done / 1e6:,.0f}/{size / 1e6:,.0f} MB), "
            f"reading {speed}, reading ETA {eta}")


class LoadProgress:
    """Context manager around one bulk_load; reports every `interval` seconds from a thread."""

    def __init__(self, path: Path, fmt: ox.RdfFormat, name: str, report: Progress,
                 interval: float | None = None) -> None:
        self.path, self.name, self.report = path, name, report
        self.interval = interval_from_env() if interval is None else interval
        self.fmt = fmt
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> LoadProgress:
        if self.interval > 0 and FDINFO.is_dir():
            self._thread = threading.Thread(target=self._watch, daemon=True,
                                            name="citygraph-load-progress")
            self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _watch(self) -> None:
        started = time.monotonic()
        try:
            size = self.path.stat().st_size
            per_triple = bytes_per_triple(self.path, self.fmt)
        except OSError:
            return  # bulk_load reports an unreadable file itself
        samples: deque[tuple[float, int]] = deque([(0.0, 0)])
        while not self._stop.wait(self.interval):
            elapsed = time.monotonic() - started
            done = read_offset(self.path)
            if done is not None and size > 0:
                while len(samples) > 1 and samples[1][0] <= elapsed - WINDOW_SECONDS:
                    samples.popleft()
                then, before = samples[0]
                samples.append((elapsed, done))
                rate = (done - before) / max(elapsed - then, 1e-9)
                self.report(progress_line(self.name, done, size, rate, per_triple))
            else:  # Oxigraph opens the file at once, so it is closed now: read to the end
                self.report(f"{self.name}: file read, finishing the indexes "
                            f"({duration(elapsed)} so far)")
