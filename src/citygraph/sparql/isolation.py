"""What a query process does to itself before its first query: leave the network, and die
with its parent. Linux only (unshare(2), prctl(2)): elsewhere isolate_network answers False
(and `serve` refuses to start, see server.check_startup) and die_with_parent does nothing."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def isolate_network() -> bool:
    """Move this process into a network namespace of its own, which has no usable interface.

    Defence in depth behind the SERVICE check: Oxigraph would contact any host named in
    SERVICE, and this way it cannot reach one, not even 127.0.0.1. unshare(2) needs root or
    unprivileged user namespaces; where neither is available the query check still holds.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        flags = CLONE_NEWNET if os.geteuid() == 0 else CLONE_NEWUSER | CLONE_NEWNET
        return int(libc.unshare(flags)) == 0
    except (OSError, AttributeError):
        return False


PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (prctl(2) PR_SET_PDEATHSIG):
    a web worker killed with SIGKILL must not leave a runaway query burning CPU. The signal
    follows the thread that started the child: gunicorn's request threads live as long as
    their worker, and a child orphaned by an ending thread is simply replaced."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
