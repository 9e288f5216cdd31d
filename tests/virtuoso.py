"""Throwaway services for tests and benchmarks: a Virtuoso server from Debian's
``virtuoso-opensource`` package on 127.0.0.1, in a temporary directory, with free ports."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"


def vad_dir() -> str:
    """Where the installed Virtuoso package keeps its VAD packages: beside its server binary's
    prefix (``<prefix>/share/virtuoso-opensource-*/vad``), found rather than assumed."""
    server = shutil.which("virtuoso-t")
    prefix = Path(server).resolve().parent.parent if server else Path(".")
    found = sorted((prefix / "share").glob("virtuoso-opensource-*/vad"))
    return str(found[-1] if found else prefix / "share" / "virtuoso-opensource-7" / "vad")

INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = ., {d}, {vad}{extra}
VADInstallDir = {vad}
CheckpointInterval = 60

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
MaxClientConnections = 8
ServerThreads = 8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
DefaultQuery = SELECT * WHERE {{ ?s ?p ?o }} LIMIT 10
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def virtuoso_available() -> str:
    """'' when Virtuoso can be started here, else the reason it cannot."""
    for tool in (VIRTUOSO, ISQL):
        if shutil.which(tool) is None:
            return f"{tool} not found (Debian package virtuoso-opensource)"
    return ""


@dataclass
class Virtuoso:
    directory: Path
    sql_port: int
    http_port: int
    process: subprocess.Popen[bytes]

    @property
    def sparql_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def isql(self, statements: str, timeout: float = 600) -> str:
        result = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True, text=True, timeout=timeout, check=False)
        if result.returncode != 0 or "*** Error" in result.stdout:
            raise RuntimeError(f"isql failed: {result.stdout[-500:]} {result.stderr[-500:]}")
        return result.stdout

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def write_ini(directory: Path, sql_port: int, http_port: int, memory_gb: float = 2.0,
              readable: tuple[Path, ...] = ()) -> Path:
    """A virtuoso.ini for a throwaway server in `directory`; `readable` dirs for ld_dir."""
    buffers = int(memory_gb * 85_000)
    extra = "".join(f", {path}" for path in readable)
    ini = directory / "virtuoso.ini"
    ini.write_text(INI.format(d=directory, sql_port=sql_port, http_port=http_port,
                              buffers=buffers, dirty=buffers * 3 // 4, vad=vad_dir(),
                              extra=extra))
    return ini


def start_virtuoso(directory: Path, *, memory_gb: float = 2.0,
                   allow_updates: bool = True) -> Virtuoso:
    """Start Virtuoso in the foreground on loopback ports; allow SPARQL Update on /sparql."""
    directory.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = _free_port(), _free_port()
    ini = write_ini(directory, sql_port, http_port, memory_gb)
    process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)],
                               cwd=directory, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    server = Virtuoso(directory, sql_port, http_port, process)
    try:
        _wait(server)
        if allow_updates:
            server.isql('GRANT SPARQL_UPDATE TO "SPARQL"; '
                        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);")
    except BaseException:
        server.stop()
        raise
    return server


def _wait(server: Virtuoso, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    url = server.sparql_url + "?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            log = server.directory / "virtuoso.log"
            tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
            raise RuntimeError(f"virtuoso exited with {server.process.returncode}: {tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"virtuoso did not answer within {seconds:g} s")
