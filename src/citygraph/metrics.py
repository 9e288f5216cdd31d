"""Prometheus metrics of one worker process, in the text exposition format.

https://prometheus.io/docs/instrumenting/exposition_formats/ — counters and one latency
histogram; each worker process reports its own (the ``pid`` label tells them apart).
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
Labels = tuple[tuple[str, str], ...]
FAMILIES = {
    "citygraph_requests_total": ("counter", "HTTP requests by endpoint and status."),
    "citygraph_query_timeouts_total": ("counter", "Queries stopped at the time limit."),
    "citygraph_rejected_queries_total": ("counter", "Queries refused before evaluation."),
    "citygraph_cache_hits_total": ("counter", "Answers served from the result cache."),
    "citygraph_inline_queries_total": ("counter", "Queries known to be cheap, evaluated in "
                                       "the web process without a query process."),
    "citygraph_request_duration_seconds": ("histogram", "Request latency in seconds."),
}


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counters: dict[tuple[str, Labels], float] = defaultdict(float)
        self.buckets: dict[Labels, list[int]] = defaultdict(lambda: [0] * len(BUCKETS))
        self.sums: dict[Labels, float] = defaultdict(float)
        self.counts: dict[Labels, int] = defaultdict(int)

    def inc(self, name: str, **labels: str) -> None:
        with self._lock:
            self.counters[(name, tuple(sorted(labels.items())))] += 1

    def observe(self, seconds: float, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            row = self.buckets[key]
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    row[i] += 1
            self.sums[key] += seconds
            self.counts[key] += 1

    def render(self) -> str:
        """Each family as one group: HELP, TYPE, then its samples."""
        pid = ("pid", str(os.getpid()))
        out: list[str] = []
        with self._lock:
            for name, (kind, text) in FAMILIES.items():
                out += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
                if kind == "counter":
                    out += [f"{n}{_fmt((*labels, pid))} {value:g}"
                            for (n, labels), value in sorted(self.counters.items()) if n == name]
                else:
                    out += self._histogram(name, pid)
        return "\n".join(out) + "\n"

    def _histogram(self, name: str, pid: tuple[str, str]) -> list[str]:
        out = []
        for labels, row in sorted(self.buckets.items()):
            for bound, count in zip(BUCKETS, row, strict=True):
                out.append(f"{name}_bucket{_fmt((*labels, ('le', f'{bound:g}'), pid))} {count}")
            total = self.counts[labels]
            out += [f"{name}_bucket{_fmt((*labels, ('le', '+Inf'), pid))} {total}",
                    f"{name}_sum{_fmt((*labels, pid))} {self.sums[labels]:.6f}",
                    f"{name}_count{_fmt((*labels, pid))} {total}"]
        return out


def _fmt(labels: Labels) -> str:
    inner = ",".join(f'{k}="{v}"' for k, v in labels)
    return "{" + inner + "}" if inner else ""
