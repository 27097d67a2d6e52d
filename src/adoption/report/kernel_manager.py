"""The kernel manager the build hands to papermill, and its client.

`PreloadedKernelManager` asks the build's kernel server (see `kernel_server`) for a
kernel and manages the forked process it gets as jupyter_client manages one it
started; without a server, or for a kernel the server cannot give, it starts one
the usual way.
"""

from __future__ import annotations

import os
import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Type

from adoption.report.kernel_server import START_TIMEOUT, ForkedKernel, request_kernel


class ReportKernelClient(AsyncKernelClient):
    """jupyter_client's client, ready as soon as the kernel answers.

    jupyter_client's `wait_for_ready` ends by draining IOPub until it has been silent
    for 0.2 s, to drop the status messages of its `kernel_info` request: a fifth of a
    second per report. nbclient already ignores messages that answer another request,
    so here the wait ends with the reply (and one IOPub message, which shows that
    IOPub is connected).
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        seconds = START_TIMEOUT if timeout is None else timeout
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
                if reply["msg_type"] == "kernel_info_reply":
                    await self.iopub_channel.get_msg(timeout=0.2)
                    self._handle_kernel_info_reply(reply)
                    return
            except Empty:
                pass
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
        raise RuntimeError(f"Kernel didn't respond in {seconds:g} seconds")


class PreloadedKernelManager(AsyncKernelManager):
    """The kernel manager of report builds: a kernel forked from the build's kernel
    server when there is one, a kernel started the usual way otherwise."""

    client_factory = Type(ReportKernelClient, klass=AsyncKernelClient)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: object) -> None:
        kernel = None
        if isinstance(self.provisioner, LocalProvisioner):
            kernel = request_kernel(kernel_cmd, kw.get("env"), kw.get("cwd"))
        if kernel is None:
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        # What LocalProvisioner.launch_kernel records about a process it started.
        provisioner = self.provisioner
        provisioner.process = kernel
        provisioner.pid = kernel.pid
        provisioner.pgid = kernel.pid  # the kernel leads its own session and group
        provisioner.cwd = kw.get("cwd") or os.getcwd()
        self._reconcile_connection_info(provisioner.connection_info)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # A forked kernel says when it ends: no need to poll it ten times a second.
        kernel = getattr(self.provisioner, "process", None)
        if isinstance(kernel, ForkedKernel):
            await kernel.ended()
        await super()._async_wait(pollinterval)
