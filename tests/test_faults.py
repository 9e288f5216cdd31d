"""Fault injection: SIGKILL of the server, of one worker and of a build; rebuilds while a server
runs (refused, and picked up); broken store paths on the command line; a full disk.

Every test works on its own copy of ontology/, shapes/ and data/ (CITYGRAPH_PROJECT_DIR) and
its own store, and starts its own server, so a fault never reaches the session's server.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.helpers import ROOT, LiveServer, run_cli, start_server, stop_server

pytestmark = pytest.mark.server

QUERY_TIMEOUT = 3.0  # conftest's start_server
JSON_RESULTS = "application/sparql-results+json"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
MARKER_QUERY = "SELECT ?v WHERE { <urn:citygraph-test:marker> <urn:citygraph-test:value> ?v }"
TRACEBACK = ("Traceback", 'File "')


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------

def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def descendants(pid: int) -> list[int]:
    result, todo = [], [pid]
    while todo:
        for child in children_of(todo.pop()):
            result.append(child)
            todo.append(child)
    return result


def alive(pid: int) -> bool:
    """Running and not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(predicate, timeout: float, step: float = 0.1) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


def kill(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def gunicorn_workers(server: LiveServer) -> list[int]:
    return [p for p in children_of(server.process.pid) if alive(p)]


def select(server: LiveServer, query: str, timeout: float = 30) -> requests.Response:
    return requests.get(server.sparql, params={"query": query},
                        headers={"Accept": JSON_RESULTS}, timeout=timeout)


def values(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text[:500]
    return sorted(b[k]["value"] for b in response.json()["results"]["bindings"] for k in b)


def health(server: LiveServer) -> dict[str, object]:
    response = requests.get(server.url + "/healthz", timeout=10)
    assert response.status_code == 200, response.text
    doc: dict[str, object] = response.json()
    return doc


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    for marker in TRACEBACK:
        assert marker not in result.stderr + result.stdout, result.stderr


def marker_file(project: Path, value: str) -> None:
    (project / "data" / "zz-marker.ttl").write_text(
        f'<urn:citygraph-test:marker> <urn:citygraph-test:value> "{value}" .\n', encoding="utf-8")


@pytest.fixture(scope="module")
def base_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """Built once per module: a copy of ontology/, shapes/ and data/ with a marker triple
    (value v1), and a store built from it. Tests get their own copies of both."""
    root = tmp_path_factory.mktemp("faults")
    project = root / "project"
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / name, project / name)
    marker_file(project, "v1")
    store = root / "store"
    return project, store, build(project, store)


@pytest.fixture()
def project(base_build: tuple[Path, Path, str], tmp_path: Path) -> Path:
    """A private copy of the project that a test may break."""
    return Path(shutil.copytree(base_build[0], tmp_path / "project"))


def cli(project: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {"CITYGRAPH_PROJECT_DIR": str(project)}
    return run_cli(*args, env=env, process=True, **kwargs)  # type: ignore[arg-type]


def build(project: Path, store: Path, *extra: str) -> str:
    result = cli(project, "build", "--store", str(store), *extra)
    assert result.returncode == 0, result.stderr
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("built ")), "")
    assert line, result.stdout
    return line.split()[1].rstrip(":")


@pytest.fixture()
def built(base_build: tuple[Path, Path, str], tmp_path: Path) -> tuple[Path, str]:
    """A private copy of the module's store (its current build has the marker value v1)."""
    store = tmp_path / "store"
    shutil.copytree(base_build[1], store, symlinks=True)
    return store, base_build[2]


@pytest.fixture()
def server(built: tuple[Path, str]) -> Iterator[LiveServer]:
    live = start_server(built[0])
    yield live
    stop_server(live)
    kill([p for p in descendants(live.process.pid) if alive(p)])


def current_target(store: Path) -> str:
    return os.readlink(store / "current")


def query_processes(server: LiveServer) -> list[int]:
    """The workers' query processes (multiprocessing spawn children), not its helpers."""
    found = []
    for worker in gunicorn_workers(server):
        for pid in children_of(worker):
            with contextlib.suppress(OSError):
                if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes() and alive(pid):
                    found.append(pid)
    return found


def test_query_pool_is_full_from_the_start_and_stays_full(built: tuple[Path, str]) -> None:
    """Each worker starts all its query processes at once (memory is taken at start, not as
    traffic grows), and a process killed at the time limit is replaced before it is needed."""
    server = start_server(built[0], CITYGRAPH_THREADS="3")
    try:
        assert wait_for(lambda: len(query_processes(server)) == 6, 30), query_processes(server)
        before = set(query_processes(server))
        assert select(server, RUNAWAY).status_code == 503
        assert wait_for(lambda: len(query_processes(server)) == 6
                        and set(query_processes(server)) != before, 10), query_processes(server)
        assert values(select(server, MARKER_QUERY)) == ["v1"]
        assert len(query_processes(server)) == 6
    finally:
        stop_server(server)
        kill([p for p in descendants(server.process.pid) if alive(p)])


# ------------------------------------------------------------------------------------------
# SIGKILL
# ------------------------------------------------------------------------------------------

def test_sigkill_of_the_whole_server_during_a_request(built: tuple[Path, str]) -> None:
    store, build_id = built
    server = start_server(store)
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        try:
            outcome["status"] = select(server, RUNAWAY, timeout=30).status_code
        except requests.RequestException as exc:
            outcome["error"] = type(exc).__name__
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(1.0)  # the query is running in a query process now
    tree = descendants(server.process.pid)
    assert len(tree) >= 3, tree  # two workers and at least one query process
    kill([server.process.pid, *children_of(server.process.pid)])  # master and workers
    server.process.wait(timeout=10)
    thread.join(timeout=15)
    assert not thread.is_alive(), "the client hung after the server was killed"
    assert "error" in outcome or outcome.get("status") == 503, outcome
    assert float(outcome["seconds"]) < QUERY_TIMEOUT + 5  # type: ignore[arg-type]

    # The store is untouched and a new server on it answers at once.
    assert current_target(store).endswith(build_id)
    restarted = start_server(store)
    try:
        assert health(restarted)["build"] == build_id
        assert values(select(restarted, MARKER_QUERY)) == ["v1"]
        assert select(restarted, RUNAWAY).status_code == 503  # the timeout still holds
    finally:
        stop_server(restarted)
        leftovers = [p for p in tree if alive(p)]
        kill(leftovers + [p for p in descendants(restarted.process.pid) if alive(p)])


def test_no_query_process_outlives_a_killed_server(built: tuple[Path, str]) -> None:
    server = start_server(built[0])
    def runaway() -> None:
        with contextlib.suppress(requests.RequestException):
            select(server, RUNAWAY, 30)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(1.0)
    tree = descendants(server.process.pid)
    kill([server.process.pid, *children_of(server.process.pid)])
    server.process.wait(timeout=10)
    thread.join(timeout=15)
    try:
        orphans = []
        if not wait_for(lambda: not any(alive(p) for p in tree), QUERY_TIMEOUT + 5):
            orphans = [p for p in tree if alive(p)]
        assert orphans == [], f"processes left running after SIGKILL of the server: {orphans}"
    finally:
        kill([p for p in tree if alive(p)])


def test_sigkill_of_one_worker(server: LiveServer) -> None:
    workers = gunicorn_workers(server)
    assert len(workers) == 2, workers
    assert values(select(server, MARKER_QUERY)) == ["v1"]
    victim = workers[0]
    victim_tree = descendants(victim)
    kill([victim])
    # Requests keep being answered while the master replaces the worker.
    statuses = []
    deadline = time.monotonic() + 4
    for n in range(1000):
        if time.monotonic() > deadline:
            break
        response = select(server, f"{MARKER_QUERY} # {n}", timeout=10)
        statuses.append(response.status_code)
        assert values(response) == ["v1"]
    assert statuses and set(statuses) == {200}, statuses
    assert wait_for(lambda: len(gunicorn_workers(server)) == 2
                    and victim not in gunicorn_workers(server), 20), gunicorn_workers(server)
    # The killed worker's idle query process noticed and went away.
    assert wait_for(lambda: not any(alive(p) for p in victim_tree), 10), \
        [p for p in victim_tree if alive(p)]
    assert health(server)["status"] == "ok"


def test_sigkill_during_build_leaves_the_store_usable(project: Path, built: tuple[Path, str]
                                                     ) -> None:
    store, old_id = built
    before = json.loads((store / "builds" / f"{old_id}.json").read_text())
    # A bigger file makes the load last long enough to be interrupted.
    synth = cli(project, "synth", "--triples", "300000", "--out",
                str(project / "data" / "zz-synth.nt"))
    assert synth.returncode == 0, synth.stderr
    existing = set((store / "builds").iterdir())
    process = subprocess.Popen(
        [sys.executable, "-m", "citygraph", "build", "--skip-validation", "--store", str(store)],
        env={**os.environ, "CITYGRAPH_PROJECT_DIR": str(project)}, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    started = wait_for(lambda: any(p.is_dir() for p in set((store / "builds").iterdir())
                                   - existing), 60, step=0.01)
    assert started and process.poll() is None, "the build finished before it could be killed"
    time.sleep(0.3)
    process.kill()
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL

    # The previous build is still current and complete.
    assert current_target(store).endswith(old_id)
    result = cli(project, "query", "--store", str(store), "--format", "json", MARKER_QUERY)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["results"]["bindings"][0]["v"]["value"] == "v1"
    count = cli(project, "query", "--store", str(store), "--format", "json", COUNT_TRIPLES)
    assert int(json.loads(count.stdout)["results"]["bindings"][0]["n"]["value"]) \
        == before["triples"]

    # No lock blocks the next build, which also removes the crashed build's directory.
    (project / "data" / "zz-synth.nt").unlink()
    marker_file(project, "v2")
    new_id = build(project, store)
    assert new_id != old_id and current_target(store).endswith(new_id)
    leftovers = [p.name for p in (store / "builds").iterdir()
                 if p.is_dir() and not p.with_suffix(".json").exists()]
    assert leftovers == []
    result = cli(project, "query", "--store", str(store), "--format", "json", MARKER_QUERY)
    assert json.loads(result.stdout)["results"]["bindings"][0]["v"]["value"] == "v2"
    assert (store / "builds" / old_id).is_dir()  # kept for servers still reading it


# ------------------------------------------------------------------------------------------
# Rebuilds while a server runs
# ------------------------------------------------------------------------------------------

BROKEN_FILES = {
    "syntax_error": (b"<urn:a> <urn:b> \"unterminated .\n", "zz-broken.ttl"),
    "invalid_utf8": (b"<urn:a> <urn:b> \"\xff\xfe\" .\n", "zz-broken.ttl"),
    "shape_violation": (None, "zz-violation.ttl"),
    "dangling_symlink": (None, "zz-dangling.ttl"),
    "directory": (None, "zz-dir.ttl"),
}


@pytest.mark.parametrize("kind", list(BROKEN_FILES))
def test_failed_rebuild_keeps_the_server_on_the_old_data(project: Path, built: tuple[Path, str],
                                                         server: LiveServer, kind: str) -> None:
    store, old_id = built
    content, name = BROKEN_FILES[kind]
    target = project / "data" / name
    if kind == "shape_violation":
        fixture = sorted((ROOT / "tests" / "fixtures" / "invalid").glob("*.ttl"))[0]
        shutil.copy(fixture, target)
    elif kind == "dangling_symlink":
        target.symlink_to(project / "data" / "does-not-exist.ttl")
    elif kind == "directory":
        target.mkdir()
    else:
        assert content is not None
        target.write_bytes(content)
    marker_file(project, "v2")

    result = cli(project, "build", "--store", str(store))
    assert result.returncode == 1, result.stdout + result.stderr
    no_traceback(result)
    report = result.stderr + result.stdout
    assert name in report or "does not conform" in report, report
    assert current_target(store).endswith(old_id)
    assert health(server)["build"] == old_id
    assert values(select(server, MARKER_QUERY)) == ["v1"]


def test_successful_rebuild_is_picked_up_without_restart(project: Path, built: tuple[Path, str],
                                                         server: LiveServer) -> None:
    store, old_id = built
    assert values(select(server, MARKER_QUERY)) == ["v1"]
    master_workers = gunicorn_workers(server)
    expected = {old_id: ["v1"]}
    seen: list[tuple[str, list[str]]] = []
    stop = threading.Event()

    def hammer(name: str) -> None:
        n = 0
        while not stop.is_set():
            n += 1  # a new query text each time: no cached answer
            response = select(server, f"{MARKER_QUERY} # {name}{n}", timeout=10)
            etag = response.headers.get("ETag", "").strip('W/"')
            seen.append((etag.rsplit("-", 1)[0], values(response)))  # {build id}-{digest}

    threads = [threading.Thread(target=hammer, args=(str(i),)) for i in range(2)]
    for thread in threads:
        thread.start()
    try:
        marker_file(project, "v2")
        new_id = build(project, store)
        expected[new_id] = ["v2"]
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=15)

    assert new_id != old_id
    assert health(server)["build"] == new_id
    assert values(select(server, MARKER_QUERY)) == ["v2"]
    assert gunicorn_workers(server) == master_workers  # no restart
    # Never mixed: every answer carries the build it came from, and has that build's value.
    assert seen, "no request was answered during the rebuild"
    mixed = [(build_id, got) for build_id, got in seen if expected.get(build_id) != got]
    assert mixed == [], mixed[:5]
    assert any(build_id == new_id for build_id, _ in seen)


# ------------------------------------------------------------------------------------------
# Broken store paths on the command line
# ------------------------------------------------------------------------------------------

def test_missing_store(project: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "store"
    for args in (("query", "ASK {}"), ("export",)):
        result = cli(project, *args, "--store", str(missing))
        assert result.returncode == 1, result.stderr
        no_traceback(result)
        assert "citygraph build" in result.stderr and str(missing) in result.stderr
    assert not missing.exists()


def test_store_path_is_a_file(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "store"
    path.write_text("not a store\n")
    for args in (("query", "ASK {}"), ("export",), ("build", "--skip-validation"),
                 ("serve", "--port", "1")):
        result = cli(project, *args, "--store", str(path), timeout=120)
        assert result.returncode == 1, (args, result.stderr)
        no_traceback(result)
        assert result.stderr.startswith("citygraph: ") or "\ncitygraph: " in result.stderr
        assert str(path) in result.stderr, result.stderr
    assert path.read_text() == "not a store\n"


@pytest.fixture()
def read_only_store(built: tuple[Path, str], tmp_path: Path) -> Iterator[Path]:
    """The built store, seen through a read-only bind mount (root) or with mode 0555."""
    store = built[0]
    if os.geteuid() != 0:
        for path in [store, *store.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o555)
        yield store
        for path in [store, *store.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        return
    view = tmp_path / "ro-store"
    view.mkdir()
    mounted = subprocess.run(["mount", "--bind", "-o", "ro", str(store), str(view)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot make a read-only mount here: {mounted.stderr.strip()}")
    try:
        probe = view / ".write-probe"
        try:
            probe.write_text("x")
            probe.unlink()
            pytest.skip("the bind mount is not read-only here")
        except OSError:
            pass
        yield view
    finally:
        subprocess.run(["umount", str(view)], capture_output=True)


def test_read_only_store(project: Path, read_only_store: Path) -> None:
    result = cli(project, "query", "--store", str(read_only_store), "--format", "json",
                 MARKER_QUERY)
    assert result.returncode == 0, result.stderr  # reading needs no write access
    assert json.loads(result.stdout)["results"]["bindings"][0]["v"]["value"] == "v1"
    before = os.readlink(read_only_store / "current")
    result = cli(project, "build", "--skip-validation", "--store", str(read_only_store))
    assert result.returncode == 1, result.stdout + result.stderr
    no_traceback(result)
    assert result.stderr.startswith("citygraph: ") and str(read_only_store) in result.stderr
    assert os.readlink(read_only_store / "current") == before


def test_disk_full_during_build(project: Path, built: tuple[Path, str]) -> None:
    """A rebuild on a full disk fails with a message; the previous build stays current."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount = Path(tempfile.mkdtemp(prefix="citygraph-full-"))
    used = sum(f.stat().st_size for f in (built[0] / "builds").rglob("*") if f.is_file())
    size_kb = used // 1024 + 3000  # room for the copied store, then filled up below
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs",
                              str(mount)], capture_output=True, text=True)
    if mounted.returncode != 0:
        mount.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        store = mount / "store"
        store.mkdir()
        old_id = built[1]
        shutil.copytree(built[0] / "builds", store / "builds", symlinks=True)
        os.symlink(f"builds/{old_id}", store / "current")
        free = shutil.disk_usage(mount).free
        # Fill the disk but for a little room: not enough for a new build.
        with open(mount / "filler", "wb") as filler:
            filler.write(b"\0" * max(free - 200_000, 0))
        result = cli(project, "build", "--skip-validation", "--store", str(store))
        assert result.returncode == 1, result.stdout + result.stderr
        no_traceback(result)
        assert result.stderr.startswith("citygraph: "), result.stderr
        assert "space" in result.stderr.lower(), result.stderr
        assert os.readlink(store / "current") == f"builds/{old_id}"
        (mount / "filler").unlink()
        query = cli(project, "query", "--store", str(store), "--format", "json", MARKER_QUERY)
        assert query.returncode == 0, query.stderr
        assert json.loads(query.stdout)["results"]["bindings"][0]["v"]["value"] == "v1"
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)
        mount.rmdir()
