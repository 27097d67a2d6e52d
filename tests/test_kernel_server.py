"""Report kernels forked from the build's kernel server are kernels like any other.

A build runs each report in a kernel forked from one warm process. These tests
check what a user would notice if that went wrong: a kernel that sees another
report's variables, a different working folder, path, hash seed or plotting
backend, different report bytes, or processes left behind.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_client.provisioning import LocalProvisioner
from test_report_build import report, write_config

from adoption.report.build import build_reports
from adoption.report.execute import kernel_environment
from adoption.report.kernel_manager import (
    PROVISIONER,
    ForkedKernelProvisioner,
    PreloadedKernelManager,
)
from adoption.report.kernel_server import (
    SERVER_VARIABLE,
    SWITCH_VARIABLE,
    ForkedKernel,
    forking_available,
    kernel_server,
    request_kernel,
)

pytestmark = pytest.mark.skipif(not forking_available(),
                                reason="kernels are forked on Linux only")
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


@pytest.fixture
def probe_project(tmp_path: Path) -> Path:
    (tmp_path / "notebooks").mkdir()
    for name in ("kernel_probe", "greeting"):
        (tmp_path / "notebooks" / f"{name}.ipynb").write_bytes(
            (FIXTURES / f"{name}.ipynb").read_bytes())
    write_config(tmp_path, report("first", "kernel_probe", label="first"),
                 report("second", "kernel_probe", label="second"))
    return tmp_path


def probe_facts(project: Path, monkeypatch, *, fork: bool, jobs: int = 1) -> dict[str, dict]:
    """Build the two probe reports with forked (or usual) kernels; what each kernel saw."""
    monkeypatch.setenv(SWITCH_VARIABLE, "1" if fork else "0")
    monkeypatch.delenv("MPLBACKEND", raising=False)  # `make test` sets Agg: kernels' default
    out = project / ("forked" if fork else "usual")
    outcome = build_reports(project / "reports.toml", out, jobs=jobs)
    assert outcome.ok, outcome.failed
    facts = {}
    for name in ("first", "second"):
        cells = json.loads((out / "executed" / f"{name}.ipynb").read_text())["cells"]
        text = "".join("".join(o.get("text", "")) for c in cells for o in c.get("outputs", []))
        line = next(line for line in text.splitlines() if line.startswith("FACTS "))
        facts[name] = json.loads(line.removeprefix("FACTS "))
        facts[name]["figure_shown"] = any(
            "image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", []))
    return facts


@pytest.mark.parametrize("jobs", [1, 2])
def test_forked_kernels_see_what_a_new_kernel_sees(probe_project, monkeypatch, jobs):
    forked = probe_facts(probe_project, monkeypatch, fork=True, jobs=jobs)
    usual = probe_facts(probe_project, monkeypatch, fork=False, jobs=jobs)
    for name in ("first", "second"):
        assert forked[name].pop("preloaded") is True  # it did come from the warm server
        assert usual[name].pop("preloaded") is False
        assert forked[name] == usual[name]
        assert forked[name]["left_over"] is False  # no report sees another's variables
        assert forked[name]["cwd"] == str(probe_project)
        assert forked[name]["backend"] == "module://matplotlib_inline.backend_inline"
        assert forked[name]["figure_shown"] is True  # the inline backend hooks in
        assert forked[name]["threads_setting"] == "1"
        assert forked[name]["own_session"] is True  # Ctrl-C at the terminal is the build's


def test_a_report_is_byte_identical_with_either_kind_of_kernel(monkeypatch, tmp_path):
    """A real report: same page, same executed notebook, same chart files."""
    from adoption.paths import PROJECT_ROOT

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    outputs = {}
    for fork in ("1", "0"):
        monkeypatch.setenv(SWITCH_VARIABLE, fork)
        out = tmp_path / "reports"  # the same folder: the notebook names it
        # A build of one report starts no server of its own: this one forks its kernel.
        with kernel_server(kernel_environment()):
            outcome = build_reports(PROJECT_ROOT / "reports.toml", out, jobs=1, force=True,
                                    only=["ngo-practitioner-surveys"])
        assert outcome.ok, outcome.failed
        # Everything but the indexes, which say how long each report took.
        outputs[fork] = {path.relative_to(out): path.read_bytes()
                         for path in sorted(out.rglob("*")) if path.is_file()
                         and ".build" not in path.parts and not path.name.startswith("index")}
    assert outputs["1"].keys() == outputs["0"].keys()
    assert any(path.suffix == ".png" for path in outputs["1"])
    for path, data in outputs["1"].items():
        assert data == outputs["0"][path], path


def test_kernels_and_server_end_with_the_build():
    environment = kernel_environment()

    async def one_kernel() -> ForkedKernel:
        manager = PreloadedKernelManager(kernel_name="python3")
        await manager.start_kernel(cwd=os.getcwd(), env=environment)
        assert type(manager.provisioner) is ForkedKernelProvisioner
        kernel = manager.provisioner.process
        assert isinstance(kernel, ForkedKernel)
        assert kernel.poll() is None
        await manager.shutdown_kernel(now=True)
        return kernel

    with kernel_server(environment):
        address = os.environ[SERVER_VARIABLE]
        kernel = asyncio.run(one_kernel())
        assert kernel.poll() is not None  # stopped, and seen to be
    assert SERVER_VARIABLE not in os.environ
    assert not Path(address).exists()
    with pytest.raises(ProcessLookupError):
        os.kill(kernel.pid, 0)


def test_the_server_refuses_a_kernel_it_cannot_give():
    """A different environment (PYTHONHASHSEED, thread counts take effect when Python
    starts) or another interpreter's kernel: the manager then starts one itself."""
    environment = kernel_environment()
    command = [sys.executable, "-m", "ipykernel_launcher", "-f", "kernel.json"]
    with kernel_server(environment):
        other = {**environment, "PYTHONHASHSEED": "1"}
        assert request_kernel(command, other, os.getcwd()) is None
        assert request_kernel(["/usr/bin/env", "python3", *command[1:]], environment,
                              os.getcwd()) is None
        assert request_kernel(command[:3], "not a mapping", os.getcwd()) is None
    assert request_kernel(command, environment, os.getcwd()) is None  # no server now


def test_build_processes_do_not_pay_for_iri_checks():
    """nbformat still validates notebooks, without the 2 s grammar compilation."""
    code = ("from adoption.report.execute import without_iri_format_checks\n"
            "without_iri_format_checks()\n"
            "import sys, nbformat\n"
            "from nbformat.v4 import new_notebook\n"
            "nbformat.validate(new_notebook())\n"
            "bad = new_notebook(); bad['cells'] = [{'cell_type': 'nonsense'}]\n"
            "try:\n    nbformat.validate(bad)\nexcept nbformat.ValidationError:\n"
            "    print('invalid notebook refused')\n"
            "print('lark' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["invalid", "notebook", "refused", "False"]


def test_the_command_line_and_the_build_process_stay_light():
    """The build's main process reads chart manifests, and every command registers
    `adoption snapshots`; loading pandas or matplotlib for that would cost a no-op
    build most of its time, and a full build a second between reports."""
    code = ("import sys\nfrom adoption.charts import read_manifest\n"
            "from adoption.report.index import index_pages\n"
            "from adoption.cli import build_parser\nbuild_parser()\n"
            "print('matplotlib' in sys.modules, 'pandas' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "False"]


def test_commands_and_import_workers_do_not_read_the_package_metadata():
    """Searching the installed packages for the version costs 60 ms, which a command
    and each import worker would pay before their work; `--version` still says it."""
    code = ("import sys\nfrom adoption.cli import build_parser\nbuild_parser()\n"
            "import adoption.snapshots.parallel\n"
            "print('importlib.metadata' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False"]
    shown = subprocess.run([sys.executable, "-m", "adoption.cli", "--version"],
                           capture_output=True, text=True, check=True)
    assert shown.stdout == f"adoption {importlib.metadata.version('adoption')}\n"


def test_the_fork_is_a_provisioner_registered_through_the_entry_point():
    """jupyter_client finds it by name among the installed kernel provisioners."""
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.provisioning import KernelProvisionerFactory

    spec = KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher"], display_name="x",
                      metadata={"kernel_provisioner": {"provisioner_name": PROVISIONER}})
    provisioner = KernelProvisionerFactory.instance().create_provisioner_instance(
        "some-id", spec, parent=None)
    assert type(provisioner) is ForkedKernelProvisioner


def test_the_build_names_the_provisioner_only_while_a_server_runs():
    environment = kernel_environment()

    async def provisioner_of_a_kernel() -> object:
        manager = PreloadedKernelManager(kernel_name="python3")
        await manager.start_kernel(cwd=os.getcwd(), env=environment)
        try:
            return manager.provisioner
        finally:
            await manager.shutdown_kernel(now=True)

    with kernel_server(environment):
        forked = asyncio.run(provisioner_of_a_kernel())
    usual = asyncio.run(provisioner_of_a_kernel())
    assert type(forked) is ForkedKernelProvisioner
    assert type(usual) is LocalProvisioner


def test_the_server_counts_native_threads_and_refuses_to_fork_with_more_than_one():
    """pyarrow's jemalloc starts a thread `threading` does not see; the build's kernel
    environment turns it off, and a server with a thread of any kind does not fork."""
    code = ("import threading\nimport pyarrow\n"
            "from adoption.report.kernel_server import _cannot_fork, _threads\n"
            "print(_threads(), threading.active_count())\n"
            "stop = threading.Event()\n"
            "threading.Thread(target=stop.wait).start()\n"
            "print(repr(_cannot_fork({}, {}, set())))\nstop.set()\n")
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    environment.pop("JE_ARROW_MALLOC_CONF", None)
    default = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env=environment).stdout.splitlines()
    assert default[0] == "2 1"  # the jemalloc thread, unseen by threading
    quiet = {**environment, "JE_ARROW_MALLOC_CONF":
             kernel_environment()["JE_ARROW_MALLOC_CONF"]}
    told = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=quiet).stdout.splitlines()
    assert told == ["1 1", "'the server runs 2 threads'"]


@pytest.mark.parametrize("fork", ["1", "0"])
def test_a_kernel_that_dies_or_exits_fails_its_report_alone(tmp_path, fork):
    """os._exit kills the kernel mid-cell; sys.exit is an error in a cell (IPython
    catches it). Either way the report fails with a clear paragraph, the other
    reports are built, and no process is left: with forked kernels or without."""
    from test_report_safety import processes_marked

    (tmp_path / "notebooks").mkdir()
    for name in ("dying", "greeting"):
        (tmp_path / "notebooks" / f"{name}.ipynb").write_bytes(
            (FIXTURES / f"{name}.ipynb").read_bytes())
    write_config(tmp_path, report("died", "dying", how="exit"),
                 report("exited", "dying", how="sys_exit"), report("hi", "greeting"))
    token = f"kernel-ends-{fork}-{os.getpid()}"
    result = subprocess.run(
        [sys.executable, "-m", "adoption", "report", "--config", str(tmp_path / "reports.toml"),
         "--out", str(tmp_path / "reports"), "--jobs", "1"],
        env={**os.environ, SWITCH_VARIABLE: fork, "ADOPTION_TEST_BUILD": token},
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "Report 'died' failed while running dying.ipynb: DeadKernelError: Kernel died " \
           "(its process ended during a cell" in result.stderr
    assert "Report 'exited' failed in cell 3 (`import os`) of dying.ipynb: SystemExit: 3." \
           in result.stderr
    assert "1 built, 0 up to date, 2 failed (died, exited)" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Kernel died while waiting" not in result.stderr  # said once, by the build
    assert (tmp_path / "reports" / "hi.html").is_file()
    assert processes_marked(token) == []


def test_a_forked_kernel_that_cannot_start_is_refused_quietly(tmp_path, capfd):
    """Its sockets cannot be made (as when the build is interrupted while a kernel
    starts, and its socket folder is gone): the manager is told there is no kernel,
    and nothing reaches the terminal."""
    environment = kernel_environment()
    (tmp_path / "file").write_text("not a folder")
    connection = {"transport": "ipc", "ip": str(tmp_path / "file" / "kernel"), "key": "",
                  "signature_scheme": "hmac-sha256", "kernel_name": "python3",
                  **{f"{channel}_port": number for number, channel in enumerate(
                      ("shell", "iopub", "stdin", "control", "hb"), start=1)}}
    (tmp_path / "kernel.json").write_text(json.dumps(connection))
    command = [sys.executable, "-m", "ipykernel_launcher", "-f", str(tmp_path / "kernel.json")]
    with kernel_server(environment):
        assert request_kernel(command, environment, os.getcwd()) is None
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out
