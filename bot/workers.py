"""Worker processes for CPU-heavy index builds that never outlive the process that started them.

A full build of a large corpus analyses text in a `ProcessPoolExecutor`. If the parent is
killed (``kill -9``, the OOM killer, a container stop that escalates), its workers would go
on computing and then wait forever; `process_pool` gives each worker `exit_with_parent` as
its initializer, so each ends within about a second of its parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1  # prctl(2) option: the signal this process gets when its parent dies
_POLL_SECONDS = 0.5


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` spawned processes that exit when this process dies.

    ``spawn`` (not ``fork``) keeps the event loop's threads and locks out of the workers.
    """
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=exit_with_parent, initargs=(os.getpid(),))


def exit_with_parent(parent: int) -> None:
    """Pool initializer: end this worker as soon as process ``parent`` is gone.

    On Linux the kernel sends SIGKILL when the parent dies (``prctl(PR_SET_PDEATHSIG)``);
    everywhere a daemon thread also checks every half second whether the worker was
    re-parented, and exits the worker if so.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above ran
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="newsdesk-parent-watch",
                     daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_POLL_SECONDS)
    os._exit(1)
