"""Scenario 3 of load_test.py: hostile request mixes next to a normal client.

Each attack comes from 127.0.0.2 (the server applies fair use to loopback clients here, see
load_test.py), the normal client from 127.0.0.1. For each attack: the normal client's p99
alone and under the attack, and the peak RSS of all server processes (master, workers, query
processes) against the unloaded run. An attack passes when the normal client got only 200s,
its p99 stayed within --attack-p99-ratio of the unloaded one and the peak RSS within the
server's memory budget.
"""

from __future__ import annotations

import argparse
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import HTTPAdapter

ATTACKER, VICTIM = "127.0.0.2", "127.0.0.1"
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


class SourceAdapter(HTTPAdapter):
    """Connections from one loopback address: the server tells the clients apart."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def session(source: str) -> requests.Session:
    result = requests.Session()
    result.mount("http://", SourceAdapter(source))
    return result


def doubling(times: int) -> str:
    binds = ['BIND("0123456789abcdef" AS ?x0)']
    binds += [f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(times)]
    return f"SELECT (STRLEN(?x{times}) AS ?n) WHERE {{ {' '.join(binds)} }}"


SLOW_CPU = ('SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f '
            'FILTER(REGEX(CONCAT(STR(?c), STR(?f)), "x{1,40}y")) }')


def _post_loop(url: str, until: float, body: Callable[[], dict[str, Any]],
               statuses: Counter[int]) -> None:
    with session(ATTACKER) as client:
        while time.monotonic() < until:
            try:
                statuses[client.post(url + "/sparql", timeout=60, **body()).status_code] += 1
            except requests.RequestException:
                statuses[0] += 1


def dataset_flood(url: str, until: float, statuses: Counter[int]) -> None:
    """Form POSTs with 200 000 named-graph-uri values (9 MB each): item 4 of the issue."""
    data = "query=ASK%7B%7D" + "&named-graph-uri=http%3A%2F%2Fx.example%2Fg" * 200_000
    _post_loop(url, until, lambda: {"data": data, "headers": {
        "Content-Type": "application/x-www-form-urlencoded"}}, statuses)


def memory_bomb(url: str, until: float, statuses: Counter[int]) -> None:
    """A string doubled 26 times (1 GB): item 5."""
    _post_loop(url, until, lambda: {"data": {"query": doubling(26)},
                                    "headers": {"Accept": ACCEPT}}, statuses)


def guard_burner(url: str, until: float, statuses: Counter[int]) -> None:
    """20 KB of 'a.' after the query: item 7."""
    query = "SELECT * {} " + "a." * 9990
    _post_loop(url, until, lambda: {"data": {"query": query}}, statuses)


def slot_hog(url: str, until: float, statuses: Counter[int]) -> None:
    """16 slow queries at once from one address, each sent again when the last ends or
    after the Retry-After of a 429: item 8. (Re-sending at once after a 429 is a request
    flood, for the reverse proxy's rate limit: SECURITY.md.)"""

    def hog() -> None:
        with session(ATTACKER) as client:
            while time.monotonic() < until:
                try:
                    response = client.post(url + "/sparql", timeout=60, data={
                        "query": SLOW_CPU + f" # {random.random()}"})
                except requests.RequestException:
                    statuses[0] += 1
                    continue
                statuses[response.status_code] += 1
                if response.status_code == 429:
                    time.sleep(float(response.headers.get("Retry-After", "1")))

    threads = [threading.Thread(target=hog) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def slow_bodies(url: str, until: float, statuses: Counter[int]) -> None:
    """16 connections sending one byte every 2 s: item 9."""
    host, port = url.rsplit("/", 1)[1].split(":")

    def one() -> None:
        while time.monotonic() < until:
            try:
                with socket.create_connection((host, int(port)), timeout=30,
                                              source_address=(ATTACKER, 0)) as sock:
                    sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                 b"application/sparql-query\r\nContent-Length: 1000\r\n\r\n")
                    while time.monotonic() < until:
                        sock.sendall(b"A")
                        time.sleep(2)
            except OSError:
                statuses[0] += 1  # cut off by the server's read deadline
    threads = [threading.Thread(target=one, daemon=True) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(until - time.monotonic(), 0) + 5)


ATTACKS: dict[str, Callable[[str, float, Counter[int]], None]] = {
    "dataset parameters": dataset_flood, "memory": memory_bomb, "guard CPU": guard_burner,
    "query slots": slot_hog, "slow bodies": slow_bodies}


def victim(url: str, until: float, queries: list[str], seconds: list[float],
           statuses: Counter[int]) -> None:
    with session(VICTIM) as client:
        while time.monotonic() < until:
            query = random.choice(queries) + f"\n# {random.random()}"  # never from the cache
            started = time.monotonic()
            try:
                status = client.post(url + "/sparql", data={"query": query},
                                     headers={"Accept": ACCEPT}, timeout=60).status_code
            except requests.RequestException:
                status = 0
            seconds.append(time.monotonic() - started)
            statuses[status] += 1


def measure(url: str, pid: int, seconds: float, queries: list[str], rss: Callable[[int], int],
            attack: Callable[[str, float, Counter[int]], None] | None
            ) -> tuple[list[float], Counter[int], Counter[int], int]:
    until = time.monotonic() + seconds
    times: list[float] = []
    normal, hostile = Counter[int](), Counter[int]()
    threads = [threading.Thread(target=victim, args=(url, until, queries, times, normal))]
    if attack is not None:
        threads.append(threading.Thread(target=attack, args=(url, until, hostile)))
    for thread in threads:
        thread.start()
    peak = 0
    while any(t.is_alive() for t in threads):
        peak = max(peak, rss(pid))
        time.sleep(0.2)
    return times, normal, hostile, peak


def scenario3(url: str, pid: int, args: argparse.Namespace, queries: list[str],
              rss: Callable[[int], int], pct: Callable[[list[float], float], float],
              failures: list[str]) -> None:
    budget = args.memory_budget * 2**20
    print(f"\n## Scenario 3: attack mixes ({args.attack_seconds:g} s each), one normal client "
          f"from {VICTIM}, the attack from {ATTACKER}; memory_budget {args.memory_budget} MB, "
          f"query timeout {args.attack_timeout:g} s")
    measure(url, pid, args.attack_seconds, queries, rss, None)  # warm-up, unreported
    base, _, _, base_peak = measure(url, pid, args.attack_seconds, queries, rss, None)
    base_p99 = pct(base, 99)
    print(f"unloaded: normal p99 {base_p99:.3f} s, peak RSS {base_peak / 2**20:.0f} MB")
    for name, attack in ATTACKS.items():
        time.sleep(args.attack_pause)  # stopped processes replaced, windows of fair use past
        times, normal, hostile, peak = measure(url, pid, args.attack_seconds, queries, rss,
                                               attack)
        ratio = pct(times, 99) / base_p99
        print(f"{name}: normal p99 {pct(times, 99):.3f} s ({ratio:.2f}x unloaded), statuses "
              f"{dict(normal)}; attack statuses {dict(sorted(hostile.items()))}; peak RSS "
              f"{peak / 2**20:.0f} MB ({peak / max(base_peak, 1):.2f}x unloaded)")
        if set(normal) - {200}:
            failures.append(f"scenario 3 ({name}): the normal client got {dict(normal)}")
        if ratio > args.attack_p99_ratio:
            failures.append(f"scenario 3 ({name}): normal p99 {ratio:.2f}x the unloaded one")
        if peak > budget:
            failures.append(f"scenario 3 ({name}): peak RSS {peak / 2**20:.0f} MB over the "
                            f"memory budget")
