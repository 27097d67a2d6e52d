"""The kernel manager the build hands to papermill, its client, and its kernel provisioner.

jupyter_client starts a kernel through a *kernel provisioner*, chosen by the
kernel spec's `metadata.kernel_provisioner.provisioner_name` among those
registered under the entry point group `jupyter_client.kernel_provisioners`.
The project registers `ForkedKernelProvisioner` there (pyproject.toml), as
`adoption-forked-kernel`: jupyter_client's `LocalProvisioner`, except that it
asks the build's kernel server (see `kernel_server`) for the kernel process and
falls back to starting one itself when the server cannot give it.

`PreloadedKernelManager` names that provisioner in the `python3` kernel spec it
reads while a kernel server runs; otherwise it is jupyter_client's own manager.
Everything here goes through jupyter_client's public, documented extension
points: provisioners, kernel spec managers, client classes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from functools import cache
from importlib.metadata import entry_points
from queue import Empty
from typing import Any

from jupyter_client import protocol_version_info
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import KernelProvisionerFactory, LocalProvisioner
from traitlets import Type, default

from adoption.report.kernel_server import (
    SERVER_VARIABLE,
    START_TIMEOUT,
    ForkedKernel,
    forking_available,
    request_kernel,
)

PROVISIONER = "adoption-forked-kernel"  # its name in pyproject.toml's entry points
KERNEL = "python3"


class ForkedKernelProvisioner(LocalProvisioner):
    """A local kernel whose process the build's kernel server forks, or, when it
    cannot (no server, another interpreter's kernel, a different environment, a
    server running threads), one started the usual way."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        kernel = request_kernel(cmd, kwargs.get("env"), kwargs.get("cwd"))
        if kernel is None:
            return await super().launch_kernel(cmd, **kwargs)
        # What LocalProvisioner records about a process it started.
        self.process = kernel
        self.pid = kernel.pid
        self.pgid = kernel.pid  # the kernel leads its own session and group
        self.cwd = kwargs.get("cwd") or os.getcwd()
        return self.connection_info

    async def wait(self) -> int | None:
        # A forked kernel says when it ends: no need to poll it ten times a second.
        if isinstance(self.process, ForkedKernel):
            await self.process.ended()
        return await super().wait()

    async def kill(self, restart: bool = False) -> None:
        """Kill the kernel, and return once it has ended. The kernel manager polls a
        killed kernel every tenth of a second until it is gone; a forked kernel says
        at once when it is, which saves that tenth on every report."""
        await super().kill(restart=restart)
        if isinstance(self.process, ForkedKernel):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.process.ended(), timeout=5)


class ReportKernelSpecManager(KernelSpecManager):
    """Kernel specs as jupyter_client finds them, with the forked-kernel provisioner
    named in the `python3` spec while the build runs a kernel server."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        if (kernel_name == KERNEL and os.environ.get(SERVER_VARIABLE) and forking_available()
                and "kernel_provisioner" not in spec.metadata and provisioner_registered()):
            spec.metadata["kernel_provisioner"] = {"provisioner_name": PROVISIONER,
                                                   "config": {}}
        return spec


@cache
def provisioner_registered() -> bool:
    """Whether the installed project registers the provisioner (a source tree run
    without `pip install` does not; its kernels then start the usual way)."""
    group = KernelProvisionerFactory.GROUP_NAME
    return bool(entry_points(group=group, name=PROVISIONER))


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
                    self._adapt_protocol(reply)
                    return
            except Empty:
                pass
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
        raise RuntimeError(f"Kernel didn't respond in {seconds:g} seconds")

    def _adapt_protocol(self, reply: dict) -> None:
        """Speak the kernel's protocol version, as jupyter_client does on this reply."""
        version = int(reply["content"]["protocol_version"].split(".")[0])
        if version != protocol_version_info[0]:
            self.session.adapt_version = version


class PreloadedKernelManager(AsyncKernelManager):
    """The kernel manager of report builds: a kernel forked from the build's kernel
    server when there is one, a kernel started the usual way otherwise."""

    client_factory = Type(ReportKernelClient, klass=AsyncKernelClient)

    @default("kernel_spec_manager")
    def _report_kernel_specs(self) -> KernelSpecManager:
        return ReportKernelSpecManager(data_dir=self.data_dir)
