"""Run one report, in a worker process: papermill, then nbconvert, into a staging folder.

Nothing here touches the published files under `reports/`: the build moves the
staged files into place only when the whole report succeeded (see `build`).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from adoption.report.lifeline import end_with_build
from adoption.report.parameters import parameter_problems

PARAMETERS_TAG = "parameters"
OUTPUT_DIR_PARAMETER = "output_dir"
KERNEL = "python3"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Job:
    """Everything a worker needs, picklable."""

    name: str
    title: str
    notebook: Path
    parameters: dict[str, object]
    language: str
    staging: Path
    cwd: Path
    cell_timeout: int
    links: dict[str, object] = field(default_factory=dict)
    config_file: str = "reports.toml"  # for messages: where the report is declared
    line: int = 0
    parameter_lines: dict[str, int] = field(default_factory=dict)

    @property
    def executed_path(self) -> Path:
        return self.staging / f"{self.name}.ipynb"

    @property
    def html_path(self) -> Path:
        return self.staging / f"{self.name}.html"

    @property
    def charts_dir(self) -> Path:
        return self.staging / "charts"


@dataclass(frozen=True)
class Outcome:
    """How a report's build went. `error` is for the terminal, with every detail;
    `note`, for the public index, says the same without the build machine's paths
    or excerpts of the notebook or data."""

    name: str
    ok: bool
    seconds: float
    error: str = ""
    note: str = ""


def run_job(job: Job, environment: Mapping[str, str] | None = None) -> Outcome:
    """Execute the notebook and convert it; never raises (failures are outcomes).

    `environment`: the build's, for a worker that did not inherit it (forked from
    multiprocessing's fork server, which started with the first build).
    """
    started = time.perf_counter()
    if environment is not None:
        os.environ.clear()
        os.environ.update(environment)
    try:
        error, note = _run(job)
    except Exception as unexpected:  # a worker must report, not crash the pool
        kind = type(unexpected).__name__
        error = f"Report '{job.name}' could not be built: {kind}: {unexpected}"
        note = f"Report '{job.name}' could not be built: {kind}."
    return Outcome(job.name, not error, time.perf_counter() - started, error, note)


# In a build's worker: whether it is running a report now (see `start_worker`).
_running_a_report = False


def start_worker(build_pid: int) -> None:
    """A build worker's first step: end with the build (see `lifeline`), and take
    Ctrl-C only while it runs a report.

    The terminal sends Ctrl-C to every process of the build. A worker running a
    report stops it, as a build in one process does; a worker waiting for its next
    report leaves it to the build, which then stops the pool (else the pool's queue
    would print a traceback of the interrupted wait)."""
    end_with_build(build_pid)
    signal.signal(signal.SIGINT, _interrupt_a_running_report)


def _interrupt_a_running_report(signum: int, frame: object) -> None:
    if _running_a_report:
        raise KeyboardInterrupt


def run_in_worker(job: Job, environment: Mapping[str, str]) -> Outcome:
    """`run_job` in a build's worker (started by `start_worker`)."""
    global _running_a_report
    _running_a_report = True
    try:
        return run_job(job, environment)
    finally:
        _running_a_report = False


def _without_a_second_kernel_died_line(record: logging.LogRecord) -> bool:
    """nbclient logs "Kernel died while waiting for execute reply." through papermill's
    logger; the report's failure says so already, with the likely causes. Papermill's
    other messages (a notebook without a parameters cell, say) still reach the user."""
    return not record.getMessage().startswith("Kernel died")


def _run(job: Job) -> tuple[str, str]:
    """Run the report; ('', '') on success, else the failure's error and note."""
    without_iri_format_checks()
    logging.getLogger("papermill").addFilter(_without_a_second_kernel_died_line)
    # Deferred: nbformat and papermill and traitlets only when this runs.
    import nbformat
    import papermill
    from traitlets.config import Config

    # Deferred: it loads jupyter_client; only when this runs.
    from adoption.report.kernel_manager import PreloadedKernelManager

    job.charts_dir.mkdir(parents=True, exist_ok=True)
    declared = papermill.inspect_notebook(str(job.notebook))
    problems = parameter_problems(job.parameters, declared, job.notebook.name)
    if problems:
        return _refusal(job, problems, job.config_file), _refusal(
            job, problems, os.path.basename(job.config_file))
    notebook_path = _in_language(job)
    parameters = dict(job.parameters)
    if OUTPUT_DIR_PARAMETER in declared:
        parameters[OUTPUT_DIR_PARAMETER] = os.path.relpath(job.charts_dir, job.cwd)
    os.environ.update(kernel_environment())  # kernels inherit it
    with _kernel_sockets() as sockets:
        try:
            notebook = papermill.execute_notebook(
                str(notebook_path), str(job.executed_path), parameters=parameters,
                kernel_name=KERNEL, progress_bar=False, cwd=str(job.cwd),
                execution_timeout=job.cell_timeout, start_timeout=120,
                # Saved once at the end (or on failure), not after every cell.
                request_save_on_cell_execute=False,
                # The kernel's own log (not cell output) would reach the user's terminal,
                # e.g. a traceback when Ctrl-C stops it mid-reply; cell errors still
                # reach the report through the notebook.
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                config=Config({"KernelManager": {"transport": "ipc", "ip": sockets}}),
                kernel_manager_class=PreloadedKernelManager,
                # Once the last cell has answered, the kernel has nothing left to save.
                shutdown_kernel="immediate")
        except Exception as error:
            return _failure_paragraph(job, error), _failure_note(job, error)
    _drop_run_metadata(notebook, job)
    nbformat.write(notebook, job.executed_path)
    # Deferred: it loads nbconvert and jupyter_client; only when this runs.
    from adoption.report.html import notebook_html

    page = notebook_html(notebook, job.title, job.language, job.links, job.charts_dir)
    job.html_path.write_text(page, encoding="utf-8")
    return "", ""


def _in_language(job: Job) -> Path:
    """The notebook to run: as it is for English; for another language, a copy whose prose
    cells are in that language (`adoption.text.notebooks`), so the page and the executed
    notebook read in one language throughout."""
    if job.language == "en":
        return job.notebook
    from adoption.text.notebooks import write_translated  # nbformat: loaded by then anyway

    folder = job.staging / "source"
    folder.mkdir(parents=True, exist_ok=True)
    return write_translated(job.notebook, job.language, folder)


def without_iri_format_checks() -> None:
    """Spare this process the 2 s that importing nbformat can take.

    nbformat validates notebooks with jsonschema, which on import loads every format
    checker installed. JupyterLab brings `rfc3987_syntax`, whose checker for IRIs
    compiles 38 grammars on import: 2 s, more than a kernel's start
    (python-jsonschema/jsonschema#1428). Notebook schemas check no IRI, so a process
    that builds reports does without that one checker: jsonschema skips a checker
    whose module cannot be imported.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def kernel_environment() -> dict[str, str]:
    """The environment report kernels run in: this process's, with hashing and set
    ordering identical on every build, and one thread of linear algebra per kernel,
    since the build already runs one kernel per core."""
    environment = dict(os.environ)
    environment["PYTHONHASHSEED"] = "0"
    environment.update({name: "1" for name in THREAD_VARIABLES})
    # ipykernel's debugger otherwise warns on every kernel start about frozen modules.
    environment.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # pyarrow's bundled jemalloc otherwise starts a thread when loaded, and the kernel
    # server, which loads it, must have a single thread to fork kernels safely.
    environment.setdefault("JE_ARROW_MALLOC_CONF", "background_thread:false")
    return environment


SOCKETS_PREFIX = "adoption-sockets-"  # then the owner's process id, a dash, random


@contextmanager
def _kernel_sockets() -> Iterator[str]:
    """A private place for the kernel's Unix sockets.

    Kernel and client run on one machine, so they talk over Unix sockets rather
    than open TCP ports. Each report gets its own short folder in the temporary
    folder: kernels started at the same moment must not pick the same socket names,
    and a socket path must stay under about 100 characters. The folder is named
    after this process, so that the next build can remove it should this process
    be killed before it does (`clear_abandoned_sockets`).
    """
    folder = tempfile.mkdtemp(prefix=f"{SOCKETS_PREFIX}{os.getpid()}-")
    try:
        yield os.path.join(folder, "kernel")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def clear_abandoned_sockets() -> None:
    """Remove the socket folders of killed builds: those whose process has ended.

    A folder whose process id is running again (recycled) is kept: it is removed by a
    later build, never one in use. Only where a process can be asked whether it
    runs without being signalled (on Windows `os.kill` would end it)."""
    if os.name != "posix":
        return
    for folder in Path(tempfile.gettempdir()).glob(f"{SOCKETS_PREFIX}*-*"):
        owner = folder.name.removeprefix(SOCKETS_PREFIX).partition("-")[0]
        if owner.isdigit() and not _running(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Whether the process has ended but not been reaped (a killed build's workers can
    stay so where the system's first process does not reap orphans, as in containers)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # not Linux, or gone meanwhile
        return False
    return status.rpartition(")")[2].split()[:1] == ["Z"]


def _refusal(job: Job, problems: dict[str, str], config_file: str) -> str:
    """One line per parameter problem, `FILE:LINE: report 'NAME': ...`."""
    def line(name: str) -> int:
        return job.parameter_lines.get(name) or job.line

    lines = [f"{config_file}:{line(name)}: report '{job.name}': {problems[name]}"
             for name in sorted(problems, key=lambda name: (line(name), name))]
    return "\n".join(lines) + "\nFix the parameters in the config; nothing was run."


def _failure_note(job: Job, error: Exception) -> str:
    """The failure for the public index: the cell and the kind of error, without the
    cell's code or the error's text (which may hold paths and data)."""
    cell = _source_cell_number(job, getattr(error, "cell_index", None))
    where = f"in cell {cell} of" if cell else "while running"
    ename = getattr(error, "ename", type(error).__name__)
    return f"Report '{job.name}' failed {where} {job.notebook.name}: {ename}."


def _failure_paragraph(job: Job, error: Exception) -> str:
    """One readable paragraph: which report, which cell, what went wrong."""
    cell = _source_cell_number(job, getattr(error, "cell_index", None))
    source = (getattr(error, "source", "") or "").strip().splitlines()
    where = f"in cell {cell}" if cell else "while running"
    if source:
        where += f" (`{source[0][:80]}`)"
    where += " of" if cell else ""
    ename = getattr(error, "ename", type(error).__name__)
    evalue = getattr(error, "evalue", str(error))
    evalue = " ".join(str(evalue).split()).rstrip(".")
    if ename == "DeadKernelError":
        evalue += " (its process ended during a cell: a crash, os._exit, or no memory left)"
    return f"Report '{job.name}' failed {where} {job.notebook.name}: {ename}: {evalue}."


def _source_cell_number(job: Job, executed_index: int | None) -> int | None:
    """The failing cell's number as the notebook in `notebooks/` counts it (from 1),
    leaving out the cell papermill injected with the report's parameters."""
    if executed_index is None or not job.executed_path.is_file():
        return None
    # Deferred: nbformat only when this runs.
    import nbformat

    cells = nbformat.read(job.executed_path, as_version=4).cells[:executed_index + 1]
    injected = sum("injected-parameters" in c.metadata.get("tags", []) for c in cells)
    return len(cells) - injected


def _drop_run_metadata(notebook, job: Job) -> None:
    """Timings, machine paths and random ids change on every run; a report's files
    must not. Warnings a cell printed (a DataWarning about a figure, a library's notice)
    name files by their path on this machine: they are for the terminal, and the page
    states its caveats in words."""
    notebook.metadata.pop("papermill", None)
    notebook.metadata["adoption"] = {"report": job.name, "parameters": job.parameters}
    for cell in notebook.cells:
        if cell.get("outputs"):
            cell.outputs = [output for output in cell.outputs
                            if not (output.get("output_type") == "stream"
                                    and output.get("name") == "stderr")]
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id

