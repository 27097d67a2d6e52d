"""A build's helper processes end when the build does, however it ends.

A build starts processes of its own: workers (forked from multiprocessing's
fork server), the kernel server, and the kernels. When the build's main process
is killed outright (SIGKILL, the out-of-memory killer), nothing in it runs to
stop them, and a worker or kernel in the middle of a notebook would otherwise
run on for minutes, holding memory.

So each of them ends when the process it depends on does:

- the kernel server, with the build, and forked kernels, with the kernel server:
  each asks Linux to signal it when its parent ends (`prctl` with PR_SET_PDEATHSIG;
  "parent" means the thread that started it, which for the kernel server is the
  one that entered `kernel_server`, and lives as long as the server). Kernels are
  killed; the server is sent SIGTERM, removes its socket's folder and exits;
- workers, with the build, which they watch through a pidfd. Their parent is
  multiprocessing's fork server, which outlives the build as long as any worker
  lives (each worker holds the pipe that would tell the fork server to stop),
  and a worker waiting for its next report would wait for ever; once the
  workers are gone, the fork server and multiprocessing's resource tracker see
  their pipes close and end too;
- kernels started the usual way, with their parent, which they watch themselves
  (ipykernel's parent poller, through JPY_PARENT_PID).

Elsewhere than Linux this does nothing.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def end_with_parent(parent_pid: int, signum: int = signal.SIGKILL) -> None:
    """Have this process sent `signum` (by default killed) when its parent ends; exit
    now if `parent_pid`, the parent this process was started by, has ended already
    (before this call, the kernel would not tell us)."""
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
        return  # refused (a sandbox): the parent's own clean-up still applies
    if os.getppid() != parent_pid:
        os._exit(1)


def end_with_build(build_pid: int) -> None:
    """For a worker: end as soon as the build's main process does, whatever becomes
    of the fork server in between (a thread waits on a pidfd of the build)."""
    if not hasattr(os, "pidfd_open"):
        return
    try:
        build = os.pidfd_open(build_pid)
    except ProcessLookupError:  # the build ended before this worker started
        os._exit(1)

    def watch() -> None:
        select.select([build], [], [])
        os._exit(1)  # no clean-up: the next build clears what this one staged

    threading.Thread(target=watch, name="adoption-build-watch", daemon=True).start()
