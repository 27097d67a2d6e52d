"""Report kernels that start in a fraction of a second: forked from a warm server.

A new kernel normally starts a new Python, which then spends about two seconds
importing pandas, matplotlib, scipy, statsmodels and IPython before a notebook's
first cell does any work. Over the default report set that is most of a build.

So the build starts one *kernel server* (`kernel_server`), a process that imports
those modules once, then forks a new kernel process from itself for each report.
Each kernel is still a new process running a new IPython kernel: its own
namespace, session, working folder and environment; nothing one notebook does
reaches another. What it inherits are modules imported before any notebook ran,
as a new kernel would have them after its imports.

The build's kernels start through a jupyter_client kernel provisioner,
`kernel_manager.ForkedKernelProvisioner` (registered as `adoption-forked-kernel`),
which asks the server for a kernel when the build runs one
(ADOPTION_KERNEL_SERVER names its socket), the kernel is this interpreter's
standard `python3` kernel and the environment matches the server's; otherwise, or
with ADOPTION_FORK_KERNELS=0, or where there is no fork (Windows, macOS), the
kernel starts the usual way. The server forks only while it has a single thread
(counted by the system, native threads included): a forked child would inherit
locks held by threads that do not exist in it.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import importlib
import importlib.util
import json
import logging
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import NoReturn

from adoption.report.lifeline import end_with_parent

SERVER_VARIABLE = "ADOPTION_KERNEL_SERVER"
SWITCH_VARIABLE = "ADOPTION_FORK_KERNELS"
# What the report notebooks import: the server imports it once for every kernel.
PRELOADED = ("ipykernel.kernelapp", "IPython.display", "adoption.charts", "adoption.stats",
             "adoption.present", "adoption.snapshots", "adoption.survey", "adoption.table")
# A kernel's environment must be the server's, since some of it (PYTHONHASHSEED, the
# thread counts) only takes effect when an interpreter starts; except these: set by
# jupyter_client for each kernel, by the build for the server, or the terminal's size
# (which some tools set in the processes they start).
PER_KERNEL_VARIABLES = frozenset({"JPY_PARENT_PID", "JPY_SESSION_NAME", SERVER_VARIABLE,
                                  "LINES", "COLUMNS"})
# What ipykernel sets before a notebook runs; matplotlib reads it when imported.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
START_TIMEOUT = 120  # seconds to wait for the server to finish its imports


def forking_available() -> bool:
    """Kernels are forked on Linux (where a forked process can be watched through a
    pidfd), unless ADOPTION_FORK_KERNELS=0."""
    return (sys.platform == "linux" and hasattr(os, "pidfd_open")
            and os.environ.get(SWITCH_VARIABLE, "1") != "0")


@contextmanager
def kernel_server(environment: Mapping[str, str]) -> Iterator[None]:
    """Run a kernel server for the block: kernels started in it, by this process or
    by worker processes it starts, fork from the server.

    `environment` is the kernels' environment. The socket is created here, before
    the server starts, so that a kernel asked for early waits for the server's
    imports instead of finding no socket; it lives in a private folder.
    """
    if not forking_available():
        yield
        return
    folder = tempfile.mkdtemp(prefix="adoption-kernels-")
    address = os.path.join(folder, "server")
    env = {name: value for name, value in environment.items()
           if name not in PER_KERNEL_VARIABLES}
    command = [sys.executable, "-c", "from adoption.report.kernel_server import serve; serve()"]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
            listener.bind(address)
            listener.listen(16)
            # stdin is the server's lifeline: it exits when we close it, or die.
            server = subprocess.Popen([*command, str(listener.fileno()), str(os.getpid())],
                                      env=env, cwd=folder, stdin=subprocess.PIPE,
                                      pass_fds=[listener.fileno()])
        # The listener is the server's alone now: if it dies, asking for a kernel fails
        # at once instead of waiting in the queue.
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        yield
        return
    previous = os.environ.get(SERVER_VARIABLE)
    os.environ[SERVER_VARIABLE] = address
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(SERVER_VARIABLE, None)
        else:
            os.environ[SERVER_VARIABLE] = previous
        server.stdin.close()
        # Not waiting for it to notice: a build that ran no kernel (its reports refused,
        # say) would otherwise wait for the server's imports to finish (2 to 3 s).
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(folder, ignore_errors=True)


def request_kernel(kernel_cmd: list[str], env: object, cwd: object) -> ForkedKernel | None:
    """Ask the build's kernel server for a kernel; None when there is no server, it
    cannot serve this kernel, or it is gone (the caller then starts one itself)."""
    address = os.environ.get(SERVER_VARIABLE)
    arguments = _ipykernel_arguments(kernel_cmd)
    if not (address and forking_available() and arguments is not None
            and isinstance(env, Mapping)):
        return None
    request = {"arguments": arguments, "cwd": str(cwd or os.getcwd()), "env": dict(env)}
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(START_TIMEOUT)
            connection.connect(address)
            connection.sendall(json.dumps(request).encode() + b"\n")
            reply = json.loads(connection.makefile("rb").readline() or b"{}")
    except (OSError, ValueError):
        return None
    pid = reply.get("pid")
    if isinstance(pid, int):
        with contextlib.suppress(OSError):  # gone already: start one the usual way
            return ForkedKernel(pid)
    logging.getLogger(__name__).debug("kernel started the usual way: %s",
                                      reply.get("refused", "no answer"))
    return None


def _ipykernel_arguments(kernel_cmd: list[str]) -> list[str] | None:
    """The arguments after `python -m ipykernel_launcher`, when `kernel_cmd` starts
    this very interpreter's ipykernel; None for any other kernel."""
    if len(kernel_cmd) < 3 or kernel_cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return None
    try:
        same = os.path.samefile(kernel_cmd[0], sys.executable)
    except OSError:
        same = False
    return list(kernel_cmd[3:]) if same else None


class ForkedKernel:
    """What jupyter_client uses of a kernel's `Popen`, for a kernel that is the
    server's child rather than ours: poll, wait, signals.

    A pidfd tells when the process ends, without the race of a recycled pid. Its
    exit status belongs to the server, which reaps it; `returncode` is 0 once it
    has ended, or minus the signal that this object sent to end it.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._pidfd = os.pidfd_open(pid)
        self._signal = 0

    def poll(self) -> int | None:
        return self.wait(timeout=0, raise_on_timeout=False)

    def wait(self, timeout: float | None = None, *,
             raise_on_timeout: bool = True) -> int | None:
        if self.returncode is None:
            ended, _, _ = select.select([self._pidfd], [], [], timeout)
            if not ended:
                if raise_on_timeout:
                    raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
                return None
            os.close(self._pidfd)
            self.returncode = -self._signal
        return self.returncode

    async def ended(self) -> None:
        """Return once the kernel process has ended."""
        if self.poll() is not None:
            return
        loop = asyncio.get_running_loop()
        readable = loop.create_future()
        loop.add_reader(self._pidfd, lambda: readable.done() or readable.set_result(None))
        try:
            await readable
        finally:
            loop.remove_reader(self._pidfd)
        self.poll()

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            signal.pidfd_send_signal(self._pidfd, signum)
            if signum in (signal.SIGKILL, signal.SIGTERM):
                self._signal = signum

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


# The server side: runs in the process `kernel_server` starts.


def serve() -> NoReturn:
    """Import the report stack once, then fork a kernel for each request, until the
    build closes our stdin (or dies: see `lifeline`)."""
    listener = socket.socket(fileno=int(sys.argv[1]))
    # A build that dies cannot remove the socket's private folder: we do, then end.
    folder = os.path.dirname(listener.getsockname())
    signal.signal(signal.SIGTERM, lambda *_: _end(folder))
    end_with_parent(int(sys.argv[2]), signal.SIGTERM)
    started_with = dict(os.environ)
    # Ctrl-C is for the build to handle (the terminal sends it to us too). Kernels
    # that end are reaped at once: their managers watch them through pidfds.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    if sys.path and sys.path[0] == "":  # `-c` put it there; each kernel sets its own
        del sys.path[0]
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for name in PRELOADED:
        module = importlib.import_module(name)
        for public in getattr(module, "__all__", ()):  # packages that load names on use
            getattr(module, public)
    # What every kernel's environment must match: what the build gave us, except what
    # importing set (a new kernel's imports set the same, e.g. debugpy's settings).
    environment = {name: value for name, value in started_with.items()
                   if name not in PER_KERNEL_VARIABLES and os.environ.get(name) == value}
    set_by_imports = {name for name in os.environ if os.environ[name] != started_with.get(name)}
    while True:
        ready, _, _ = select.select([sys.stdin, listener], [], [])
        if sys.stdin in ready:
            # The build is done, or died: a dying build's files close before Linux
            # sends us SIGTERM, so the folder is removed here too. Nothing else to
            # save or close: skip tearing down the modules (half a second).
            _end(folder, status=0)
        connection, _ = listener.accept()
        connection.settimeout(10)  # a client sends its request at once
        with connection, contextlib.suppress(OSError, ValueError):  # a client gone: next
            _serve_one(connection, listener, environment, set_by_imports)


def _end(folder: str, status: int = 1) -> NoReturn:
    shutil.rmtree(folder, ignore_errors=True)
    os._exit(status)


def _serve_one(connection: socket.socket, listener: socket.socket,
               environment: dict[str, str], set_by_imports: set[str]) -> None:
    request = json.loads(connection.makefile("rb").readline() or b"{}")
    reason = _cannot_fork(request, environment, set_by_imports)
    if reason:
        connection.sendall(json.dumps({"refused": reason}).encode() + b"\n")
        return
    started_read, started_write = os.pipe()
    server = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.close(started_read)
        connection.close()
        listener.close()
        _become_kernel(request, started_write, server)
    os.close(started_write)
    # Answer once the kernel listens: a client that connects earlier waits for zmq's
    # next reconnection attempt, a tenth of a second later, on every socket.
    started = os.read(started_read, 1) == b"1"  # or the kernel ended first
    os.close(started_read)
    reply = {"pid": pid} if started else {"refused": "the forked kernel could not start"}
    connection.sendall(json.dumps(reply).encode() + b"\n")


def _cannot_fork(request: dict, environment: dict[str, str], set_by_imports: set[str]) -> str:
    """Why this server cannot give the kernel asked for, or '' when it can."""
    threads = _threads()
    if threads > 1:  # a forked child gets one thread; locks others held stay held
        return f"the server runs {threads} threads"
    ignored = PER_KERNEL_VARIABLES | set_by_imports
    asked = {k: v for k, v in request.get("env", {}).items() if k not in ignored}
    differing = sorted(name for name in {*asked, *environment}
                       if asked.get(name) != environment.get(name))
    if differing:
        return f"the kernel's environment differs from the server's in {', '.join(differing)}"
    return ""


def _threads() -> int:
    """This process's threads, native ones included (`threading` sees only Python's):
    a library may start one on import (pyarrow's jemalloc does, unless told not to,
    see `execute.kernel_environment`)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _become_kernel(request: dict, started: int, server: int) -> None:
    """In the forked child: set up as `python -m ipykernel_launcher` would, run the
    kernel, exit as Python would; never returns."""
    code = 1
    try:
        end_with_parent(server)  # a kernel of a killed build has no one to answer to
        os.setsid()  # its own session and group, as jupyter_client starts kernels
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the server's, not a kernel's
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the notebook may wait on children
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)  # jupyter_client gives kernels a closed stdin
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(server)  # as jupyter_client's launcher sets it
        # The kernel watches its parent, this server, and ends if it goes away.
        arguments = [*request["arguments"], f"--IPKernelApp.parent_handle={server}"]
        sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *arguments]
        _reseed_numpy()
        _run_kernel(arguments, started)
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        atexit._run_exitfuncs()
        os._exit(code)


def _run_kernel(arguments: list[str], started: int) -> None:
    """What `ipykernel_launcher` does (`IPKernelApp.launch_instance`), telling the
    server once the kernel's sockets are bound (or, by ending, that it could not).
    The launcher first takes the working folder off `sys.path`, which `python -c`
    (the server) did not put there."""
    # Deferred: ipykernel only when this runs.
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    try:
        app.initialize(arguments)
    except Exception:
        # Say nothing: the server tells the kernel manager, which starts a kernel the
        # usual way, and that one reports what is wrong. (Often nothing is: the build
        # was interrupted and the kernel's socket folder is gone already.)
        os._exit(1)
    os.write(started, b"1")
    os.close(started)
    app.start()


def _reseed_numpy() -> None:
    """numpy's legacy global generator was seeded when the server imported it; a new
    kernel's would be seeded afresh (Python's `random` reseeds itself after a fork)."""
    random = sys.modules.get("numpy.random")
    if random is not None:
        random.seed()
