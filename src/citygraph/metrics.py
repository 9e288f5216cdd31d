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
        pid = str(os.getpid())
        out = [
            "# HELP citygraph_requests_total HTTP requests by endpoint and status.",
            "# TYPE citygraph_requests_total counter",
            "# HELP citygraph_query_timeouts_total Queries stopped at the time limit.",
            "# TYPE citygraph_query_timeouts_total counter",
            "# HELP citygraph_rejected_queries_total Queries refused before evaluation.",
            "# TYPE citygraph_rejected_queries_total counter",
            "# HELP citygraph_cache_hits_total Answers served from the result cache.",
            "# TYPE citygraph_cache_hits_total counter",
        ]
        with self._lock:
            for (name, labels), value in sorted(self.counters.items()):
                out.append(f"{name}{_fmt((*labels, ('pid', pid)))} {value:g}")
            out += ["# HELP citygraph_request_duration_seconds Request latency.",
                    "# TYPE citygraph_request_duration_seconds histogram"]
            for labels, row in sorted(self.buckets.items()):
                for bound, count in zip(BUCKETS, row, strict=True):
                    le = (*labels, ("le", f"{bound:g}"), ("pid", pid))
                    out.append(f"citygraph_request_duration_seconds_bucket{_fmt(le)} {count}")
                inf = (*labels, ("le", "+Inf"), ("pid", pid))
                total = self.counts[labels]
                full = (*labels, ("pid", pid))
                out += [f"citygraph_request_duration_seconds_bucket{_fmt(inf)} {total}",
                        f"citygraph_request_duration_seconds_sum{_fmt(full)} "
                        f"{self.sums[labels]:.6f}",
                        f"citygraph_request_duration_seconds_count{_fmt(full)} {total}"]
        return "\n".join(out) + "\n"


def _fmt(labels: Labels) -> str:
    inner = ",".join(f'{k}="{v}"' for k, v in labels)
    return "{" + inner + "}" if inner else ""
