"""Builds that meet: two at once into one folder, a build killed outright, files
deleted by hand, and what the public index may show."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from filelock import FileLock
from test_report_build import FIXTURES, build, report, write_config

from adoption.cli import main
from adoption.report.execute import SOCKETS_PREFIX, clear_abandoned_sockets
from adoption.report.kernel_server import SWITCH_VARIABLE, forking_available
from adoption.report.lock import LOCK_FILE, OWNER_FILE
from adoption.report.state import STATE_DIR

CHART_FILES = ("{}.png", "{}-large.png", "{}.svg", "{}.csv")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "notebooks")
    return tmp_path


def chart_reports(seconds: float = 0) -> list[str]:
    """Three reports of one chart each: 3 charts, 12 chart files."""
    return [report(name, "charting", prefix=name, charts=1, seconds=seconds)
            for name in ("north", "south", "west")]


def command(project: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "adoption", "report", "--config",
            str(project / "reports.toml"), "--out", str(project / "reports"), *options]


def manifest_charts(out: Path) -> list[str]:
    manifest = json.loads((out / "charts" / "manifest.json").read_text())
    return [chart["name"] for chart in manifest["charts"]]


def wait_for(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_two_builds_into_one_folder_take_turns(project):
    write_config(project, *chart_reports(seconds=2))
    out = project / "reports"
    first = subprocess.Popen(command(project, "--jobs", "2"), stderr=subprocess.PIPE, text=True)
    wait_for(lambda: (out / STATE_DIR / OWNER_FILE).is_file())  # the first holds the lock
    second = subprocess.Popen(command(project, "--jobs", "2", "--force"),
                              stderr=subprocess.PIPE, text=True)
    _, first_err = first.communicate(timeout=300)
    _, second_err = second.communicate(timeout=300)
    assert (first.returncode, second.returncode) == (0, 0), first_err + second_err
    assert f"another build (process {first.pid}, since " in second_err
    assert f"is writing into {out}; waiting for it to finish, at most 600 s" in second_err
    assert "3 built, 0 up to date" in first_err and "3 built, 0 up to date" in second_err
    # Every chart is listed once, and every file listed is there: 3 charts, 12 files.
    names = ["north-0", "south-0", "west-0"]
    assert manifest_charts(out) == names
    listed = {file for name in names for file in (pattern.format(name)
                                                  for pattern in CHART_FILES)}
    assert {path.name for path in (out / "charts").iterdir()} == listed | {"manifest.json"}
    assert sorted(path.name for path in (out / STATE_DIR).iterdir()) == [LOCK_FILE,
                                                                         "state.json"]
    again = subprocess.run(command(project), capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "0 built, 3 up to date" in again.stderr


def test_a_build_refuses_or_gives_up_waiting_for_another(project, capsys):
    write_config(project, report("hi", "greeting"))
    out = project / "reports"
    (out / STATE_DIR).mkdir(parents=True)
    with FileLock(out / STATE_DIR / LOCK_FILE):  # as another build would hold it
        code = main(["report", "--config", str(project / "reports.toml"), "--out", str(out),
                     "--wait", "0"])
        err = capsys.readouterr().err
        assert code == 1
        assert f"adoption: another build is writing into {out}; nothing was built " \
               "(--wait SECONDS waits for it)" in err
        code = main(["report", "--config", str(project / "reports.toml"), "--out", str(out),
                     "--wait", "0.5"])
        err = capsys.readouterr().err
        assert code == 1
        assert "waiting for it to finish, at most 0.5 s" in err
        assert f"another build was still writing into {out} after 0.5 s; nothing was built" \
               in err
        assert "Traceback" not in err
    assert not (out / "hi.html").exists() and not (out / "index.html").exists()
    assert build(project, wait=0).built == ["hi"]  # free again


def test_a_missing_output_file_is_rebuilt_by_a_plain_build(project):
    """A chart's PNG, another's SVG, a page, an executed notebook: each deleted, each
    report rebuilt, and only those."""
    lost = {"north": "charts/north-0.png", "south": "charts/south-0.svg",
            "west": "west.html", "east": "executed/east.ipynb"}
    write_config(project, *[report(name, "charting", prefix=name, charts=1) for name in lost],
                 report("hi", "greeting"))
    out = project / "reports"
    assert build(project).ok
    for path in lost.values():
        (out / path).unlink()
    again = build(project)
    assert (sorted(again.built), again.up_to_date) == (sorted(lost), ["hi"])
    assert all((out / path).is_file() for path in lost.values())


def test_the_manifest_lists_only_files_that_are_there(project):
    write_config(project, report("north", "charting", prefix="north"))
    out = project / "reports"
    assert build(project).ok
    (out / "charts" / "manifest.json").unlink()
    assert build(project).up_to_date == ["north"]
    assert manifest_charts(out) == ["north-0", "north-1"]  # written again
    # A file goes missing and the report cannot be rebuilt: its chart is not listed.
    (out / "charts" / "north-1.png").unlink()
    write_config(project, report("north", "charting", prefix="north", charts="two"))
    assert not build(project).ok
    assert manifest_charts(out) == ["north-0"]


def test_what_a_killed_build_left_is_cleared_by_the_next(project):
    write_config(project, report("hi", "greeting"))
    out = project / "reports"
    assert build(project).ok
    leftovers = [out / STATE_DIR / "hi" / "charts" / "half.png", out / ".index.html.partial",
                 out / STATE_DIR / ".state.json.partial", out / "charts" / ".x.png.k2j3.tmp",
                 out / STATE_DIR / "gone" / "gone.ipynb"]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half")
    # Kernel sockets of a process that has ended, and of one that runs (this one).
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    abandoned = Path(tempfile.mkdtemp(prefix=f"{SOCKETS_PREFIX}{ended.pid}-"))
    (abandoned / "kernel-1").write_text("")
    in_use = Path(tempfile.mkdtemp(prefix=f"{SOCKETS_PREFIX}{os.getpid()}-"))
    try:
        assert build(project).up_to_date == ["hi"]
        assert not abandoned.exists() and in_use.is_dir()
    finally:
        shutil.rmtree(in_use)
    assert not any(path.exists() for path in leftovers)
    assert sorted(p.name for p in (out / STATE_DIR).iterdir()) == [LOCK_FILE, "state.json"]


def test_the_index_shows_no_machine_path_and_no_excerpt(project, capsys):
    missing = project / "private" / "figures.csv"
    write_config(project, report("rows", "reader", data_file=str(missing)),
                 report("data", "failing"))
    code = main(["report", "--config", str(project / "reports.toml"),
                 "--out", str(project / "reports"), "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 1
    index = (project / "reports" / "index.html").read_text()
    assert str(project) not in index and "/tmp" not in index
    for excerpt in ("from pathlib import Path", "if fail:", "no 2009 figures", "No such file"):
        assert excerpt not in index
        assert excerpt in err  # the terminal keeps every detail
    assert "<code>&#34;private/figures.csv&#34;</code>" in index  # the parameter, relative
    assert "failed in cell 3 of failing.ipynb: ValueError. The executed notebook is kept " \
           "as executed/data.failed.ipynb." in index
    assert "failed in cell 2 of reader.ipynb: FileNotFoundError." in index


def processes_marked(token: str) -> list[str]:
    """The processes whose environment holds `token` (every process a build starts
    inherits it), as 'pid command'."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and token.encode() in (entry / "environ").read_bytes():
                command_line = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
                found.append(f"{entry.name} {command_line.decode(errors='replace')[:100]}")
        except OSError:  # ended meanwhile, or a zombie
            continue
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="processes are tied to the build on Linux")
@pytest.mark.parametrize(("jobs", "fork", "processes"), [
    ("1", "1", 3),  # the build, the kernel server, a kernel
    ("2", "1", 6),  # the build, the fork server, two workers, the kernel server, two kernels
    ("1", "0", 2),  # the build, a kernel
    ("2", "0", 5),  # the build, the fork server, two workers, two kernels
])
def test_no_process_outlives_a_killed_build(project, jobs, fork, processes):
    if fork == "1" and not forking_available():
        pytest.skip("kernels are forked on Linux only")
    write_config(project, report("a", "sleepy", seconds=120), report("b", "sleepy", seconds=120))
    token = uuid.uuid4().hex
    environment = {**os.environ, "ADOPTION_TEST_BUILD": token, SWITCH_VARIABLE: fork}
    build_process = subprocess.Popen(command(project, "--jobs", jobs), env=environment,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging = project / "reports" / STATE_DIR
    try:
        wait_for(lambda: len(processes_marked(token)) >= processes)
        time.sleep(1)  # the kernels are now in their 120-second cells
        started = processes_marked(token)
        # The kernel server's private folder (its working folder), for its socket.
        folders = {Path(os.readlink(f"/proc/{process.split()[0]}/cwd")) for process in started}
        folders = {folder for folder in folders if folder.name.startswith("adoption-kernels-")}
        assert len(folders) == (fork == "1")
        # Each report's socket folder, named after the process that made it. Counted while
        # the build runs: once it is killed, any build starting (another test's, in the
        # suite's other process) may already remove them, as the next build should.
        pids = {process.split()[0] for process in started}
        sockets = [folder for folder in Path(tempfile.gettempdir()).glob(f"{SOCKETS_PREFIX}*")
                   if folder.name.removeprefix(SOCKETS_PREFIX).split("-")[0] in pids]
        assert len(sockets) == int(jobs)
        build_process.kill()  # as the out-of-memory killer would
        build_process.wait()
        deadline = time.monotonic() + 10
        while processes_marked(token) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes_marked(token) == [], f"of {started}"
        assert not any(folder.exists() for folder in folders)
        # The killed build could not remove its socket folders: the next build does.
        clear_abandoned_sockets()
        assert not any(folder.exists() for folder in sockets)
    finally:
        for survivor in processes_marked(token):  # leave nothing behind whatever happens
            os.kill(int(survivor.split()[0]), signal.SIGKILL)
    assert list(staging.glob("*/")), "the killed build's staging folder"
    write_config(project, report("a", "sleepy", seconds=0))
    assert build(project).ok
    assert sorted(p.name for p in staging.iterdir()) == [LOCK_FILE, "state.json"]


@pytest.mark.skipif(sys.platform != "linux", reason="a kernel's parent is found through /proc")
def test_a_killed_worker_fails_the_build_with_a_message_not_a_traceback(project):
    """As the out-of-memory killer would end a worker: the build says so, exits 1,
    and publishes nothing half-built."""
    write_config(project, report("a", "sleepy", seconds=120), report("b", "sleepy", seconds=120))
    token = uuid.uuid4().hex
    # Kernels started the usual way are their worker's children: a way to find one.
    environment = {**os.environ, "ADOPTION_TEST_BUILD": token, SWITCH_VARIABLE: "0"}
    log = project / "build.log"  # a file: a pipe stays open while any child lives
    with log.open("w") as stderr:
        build_process = subprocess.Popen(command(project, "--jobs", "2"), env=environment,
                                         stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        wait_for(lambda: len(kernels_marked(token)) == 2)
        kernel = kernels_marked(token)[0]
        worker = int(re.search(r"^PPid:\s+(\d+)", Path(f"/proc/{kernel}/status").read_text(),
                               re.MULTILINE).group(1))
        os.kill(worker, signal.SIGKILL)
        build_process.wait(timeout=60)
        err = log.read_text()
    finally:
        build_process.kill()
        for survivor in processes_marked(token):
            os.kill(int(survivor.split()[0]), signal.SIGKILL)
    assert build_process.returncode == 1, err
    assert "Traceback" not in err
    assert "ended abruptly (killed, or out of memory)" in err
    assert not (project / "reports" / "a.html").exists()
    assert not (project / "reports" / "b.html").exists()


def kernels_marked(token: str) -> list[str]:
    """The process ids of the build's kernels."""
    return [process.split()[0] for process in processes_marked(token)
            if "ipykernel_launcher" in process]
