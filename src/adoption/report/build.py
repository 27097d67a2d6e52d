"""`adoption report`: build every report that is out of date, in parallel, safely.

0. Take the output folder's lock (see `lock`): a second build into the same
   folder waits for the first (`--wait`), then clears what a killed build left.
1. Read `reports.toml`; hash each report's inputs (see `fingerprint`); skip the
   ones already built from the same inputs and whose files are all in place
   (unless `--force`).
2. Run the rest in separate processes (`--jobs`, default: the number of cores),
   each into its own staging folder `reports/.build/<name>/`.
3. Publish each report that succeeded by moving its files into place (`os.replace`,
   atomic per file; Ctrl-C is held off while a report's files move). A failed
   report keeps its last good page; its executed notebook is kept as
   `executed/<name>.failed.ipynb` for inspection.
4. Write the charts manifest, the build state and `index.html` and `index-fr.html`. The manifest
   and the index list only files that are there.

The build goes on past a failed report and exits 1 at the end, naming each
failure in one paragraph, with every detail; the index says the same without
the machine's paths or excerpts of notebooks and data (`Outcome.note`).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from multiprocessing import active_children, get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path

from adoption import __version__
from adoption.charts.export import read_manifest, write_manifest
from adoption.files import write_text
from adoption.problems import DataError, problem
from adoption.report.citations import INDEX_PAGES
from adoption.report.config import BuildConfig, ReportSpec, load_config, with_base_url
from adoption.report.data_package import publish_dataset
from adoption.report.execute import (
    Job,
    Outcome,
    clear_abandoned_sockets,
    kernel_environment,
    run_in_worker,
    run_job,
    start_worker,
)
from adoption.report.findings import key_findings
from adoption.report.fingerprint import data_inputs, library_digest, report_digest, shown_notebook
from adoption.report.lock import DEFAULT_WAIT, clean_leftovers, output_lock
from adoption.report.progress import Progress
from adoption.report.state import STATE_DIR, BuildState

EXECUTED_DIR = "executed"
WATCH_SECONDS = 1.0  # how often a parallel build checks that its workers live
CHARTS_DIR = "charts"
MANIFEST = "manifest.json"


@dataclass
class BuildOutcome:
    built: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def build_reports(config_path: str | Path | BuildConfig, out_dir: str | Path, *,
                  jobs: int | None = None, only: Iterable[str] = (), force: bool = False,
                  stream=None, wait: float = DEFAULT_WAIT,
                  base_url: str | None = None) -> BuildOutcome:
    """Build the reports of `config_path` (a reports.toml, or a config made in memory,
    e.g. by `own_data`) into `out_dir`; see the module docstring.

    `wait`: seconds to wait for another build writing into `out_dir` (0: refuse at
    once); raises `lock.BuildBusy` when it has not finished by then. `base_url`: where
    the folder is published (else the config's, else $ADOPTION_BASE_URL)."""
    started = time.perf_counter()
    config = config_path if isinstance(config_path, BuildConfig) else load_config(config_path)
    config = with_base_url(config, base_url)
    selected = _select(config, list(only))
    out = Path(out_dir).resolve()
    stream = stream or sys.stderr
    with output_lock(out, wait, stream):
        clean_leftovers(out)
        clear_abandoned_sockets()
        return _build(config, selected, out, jobs, force, only, stream, started)


def _build(config: BuildConfig, selected: list[ReportSpec], out: Path, jobs: int | None,
           force: bool, only: Iterable[str], stream, started: float) -> BuildOutcome:
    state = BuildState.load(out)
    library = library_digest()
    outcome = BuildOutcome()
    plan: list[tuple[ReportSpec, str]] = []
    for spec in selected:
        digest = report_digest(spec, config, library)
        if not force and state.is_current(spec.name, digest):
            outcome.up_to_date.append(spec.name)
        else:
            plan.append((spec, digest))
    plan.sort(key=lambda item: _longest_first(state, item[0], config))
    progress = Progress([spec.name for spec, _ in plan], stream)
    if plan:
        _run_plan(plan, config, out, state, outcome, progress, jobs or os.cpu_count() or 1)
    forgotten = _forget_removed_reports(config, state) if not only else []
    written = (*INDEX_PAGES.values(), f"{CHARTS_DIR}/{MANIFEST}")
    if plan or forgotten or not all((out / path).is_file() for path in written):
        _write_outputs(config, state, out, stream)
    progress.summary(outcome, time.perf_counter() - started)
    return outcome


def _longest_first(state: BuildState, spec: ReportSpec, config: BuildConfig) -> tuple:
    """Sort key: the reports expected to take longest first, so that no worker is left
    with a long report at the end while the others idle. Expected: what the report took
    last time; a report never built (a fresh clone, CI) counts as the longest, and
    among those, the one with more data to read."""
    seconds = float(state.reports.get(spec.name, {}).get("seconds", float("inf")))
    data_bytes = sum(path.stat().st_size for path in spec.data_files(config.root)
                     if path.is_file())
    return (-seconds, -data_bytes)


def _select(config: BuildConfig, only: list[str]) -> list[ReportSpec]:
    if not only:
        return list(config.reports)
    names = {spec.name for spec in config.reports}
    unknown = [name for name in only if name not in names]
    if unknown:
        raise DataError([problem(config.path, f"no report named '{name}'",
                                 expected="one of " + ", ".join(sorted(names)))
                         for name in unknown])
    return [spec for spec in config.reports if spec.name in only]


def _run_plan(plan: list[tuple[ReportSpec, str]], config: BuildConfig, out: Path,
              state: BuildState, outcome: BuildOutcome, progress: Progress, jobs: int) -> None:
    digests = {spec.name: digest for spec, digest in plan}
    specs = {spec.name: spec for spec, _ in plan}
    work = [_job(spec, config, out) for spec, _ in plan]
    from adoption.report.kernel_server import kernel_server  # jupyter_client: not for no-op builds

    try:
        # Every report's kernel forks from one process that imported the stack once.
        # For a single kernel that gains nothing (the server imports what the kernel
        # would), and costs a notebook that needs little the server's imports.
        server = kernel_server(kernel_environment()) if len(work) > 1 else nullcontext()
        with server:
            for result in _execute(work, jobs, progress):
                progress.finished(result)
                with _sigint_held():
                    if result.ok:
                        published = _publish(specs[result.name], digests[result.name], result,
                                             config, out, state)
                        if published.ok:
                            outcome.built.append(result.name)
                            continue
                        result = published
                    result = _keep_failure(result, out, state)
                    outcome.failed.append(result)
                progress.failure(result.error)
    finally:
        for job in work:
            shutil.rmtree(job.staging, ignore_errors=True)
        state.save()


def _execute(work: list[Job], jobs: int, progress: Progress) -> Iterator[Outcome]:
    """Outcomes as reports finish; one process per report at a time, `jobs` at once."""
    if jobs <= 1 or len(work) == 1:
        for job in work:
            progress.started(job.name)
            yield run_job(job)
        return
    others = set(active_children())  # not the pool's (a notebook calling us may have some)
    # Workers end with the build, even when it is killed (see `lifeline`).
    with ProcessPoolExecutor(max_workers=min(jobs, len(work)), mp_context=_worker_context(),
                             initializer=start_worker, initargs=(os.getpid(),)) as pool:
        pending: dict[Future, str] = {}
        queue = list(work)

        def fill() -> None:
            while queue and len(pending) < jobs:
                job = queue.pop(0)
                progress.started(job.name)
                try:
                    future = pool.submit(run_in_worker, job, dict(os.environ))
                except BrokenProcessPool as broken:  # a worker was killed: see `_result`
                    future = Future()
                    future.set_exception(broken)
                pending[future] = job.name

        workers: set[BaseProcess] = set()  # the pool's, known from when they start
        try:
            fill()
            while pending:
                _wake_the_pool_if_a_worker_died(workers, others)
                done, _ = wait(pending, timeout=WATCH_SECONDS, return_when=FIRST_COMPLETED)
                if not done:
                    continue
                names = {future: pending.pop(future) for future in done}
                fill()  # every worker busy again before this process publishes
                for future, name in names.items():
                    yield _result(future, name)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _wake_the_pool_if_a_worker_died(workers: set[BaseProcess],
                                    others: set[BaseProcess]) -> None:
    """End the other workers when one has died, so that the pool notices.

    The pool watches the workers it knew of when it last woke, and (Python 3.11)
    starts them as reports are submitted, after waking: a worker started then and
    killed outright (the out-of-memory killer) can go unnoticed, and the build
    would wait for ever. Ending the others wakes it: it then fails every report in
    flight with BrokenProcessPool (see `_result`), as it does when it notices."""
    workers.update(set(active_children()) - others)
    if any(worker.exitcode is not None for worker in workers):
        for worker in workers:
            if worker.exitcode is None:
                worker.terminate()


def _result(future: Future, name: str) -> Outcome:
    """A worker's outcome; a failure of the report when its worker was killed (the out-
    of-memory killer, say), which also ends the other workers and the reports after."""
    try:
        return future.result()
    except BrokenProcessPool:
        error = (f"Report '{name}' was not built: the process building it, or another "
                 "of the build's, ended abruptly (killed, or out of memory).")
        return Outcome(name, False, 0.0, error, error)


def _worker_context() -> BaseContext:
    """Workers are fresh processes, with no state copied from this one: forked from
    multiprocessing's fork server, which imports what they need once
    (`adoption.report.worker`), or, where there is none (Windows), new interpreters.

    The fork server lives as long as this process, so in a long session its copy of
    the build's own code (not the notebooks': kernels get theirs from each build's
    kernel server) is the one of the first build; it has its own environment, hence
    `run_job`'s."""
    if "forkserver" not in get_all_start_methods():
        return get_context("spawn")
    context = get_context("forkserver")
    context.set_forkserver_preload(["adoption.report.worker"])
    return context


def _job(spec: ReportSpec, config: BuildConfig, out: Path) -> Job:
    staging = out / STATE_DIR / spec.name
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    links = {
        "index_href": INDEX_PAGES.get(spec.language, INDEX_PAGES["en"]),
        "other_languages": [{"language": other.language, "href": f"{other.name}.html"}
                            for other in config.translations(spec)],
        "notebook_href": f"{EXECUTED_DIR}/{spec.name}.ipynb",
        "data": data_inputs(spec, config),
        "version": __version__,
    }
    return Job(spec.name, spec.title, spec.notebook, spec.parameters, spec.language, staging,
               config.root, config.cell_timeout, links, str(config.path), spec.line,
               spec.parameter_lines)


def _publish(spec: ReportSpec, digest: str, result: Outcome, config: BuildConfig, out: Path,
             state: BuildState) -> Outcome:
    """Move a successful report's files into place and record them."""
    staging = out / STATE_DIR / spec.name
    charts = _staged_charts(staging / CHARTS_DIR)
    for chart in charts:
        owner = state.chart_owner(chart["name"])
        if owner not in (None, spec.name):
            error = (f"Report '{spec.name}' draws chart '{chart['name']}', which report "
                     f"'{owner}' already publishes; give one of them another name.")
            return Outcome(spec.name, False, result.seconds, error, error)
    old_files = set(state.files_of(spec.name))
    (out / EXECUTED_DIR).mkdir(parents=True, exist_ok=True)
    (out / CHARTS_DIR).mkdir(parents=True, exist_ok=True)
    for chart in charts:
        for file in chart["files"].values():
            os.replace(staging / CHARTS_DIR / file, out / CHARTS_DIR / file)
    os.replace(staging / f"{spec.name}.ipynb", out / EXECUTED_DIR / f"{spec.name}.ipynb")
    os.replace(staging / f"{spec.name}.html", out / f"{spec.name}.html")
    (out / EXECUTED_DIR / f"{spec.name}.failed.ipynb").unlink(missing_ok=True)
    state.reports[spec.name] = {
        "digest": digest,
        "title": spec.title,
        "notebook": shown_notebook(spec.notebook, config.root),
        "parameters": spec.parameters,
        "language": spec.language,
        "data": data_inputs(spec, config),
        "html": f"{spec.name}.html",
        "executed": f"{EXECUTED_DIR}/{spec.name}.ipynb",
        "charts": charts,
        "findings": key_findings(out / EXECUTED_DIR / f"{spec.name}.ipynb"),
        "built_at": _now(),
        "seconds": round(result.seconds, 1),
    }
    for stale in old_files - set(state.files_of(spec.name)):
        (out / stale).unlink(missing_ok=True)
    return result


def _staged_charts(charts_dir: Path) -> list[dict]:

    manifest = charts_dir / MANIFEST
    return read_manifest(manifest) if manifest.is_file() else []


def _keep_failure(result: Outcome, out: Path, state: BuildState) -> Outcome:
    """Keep the failed notebook for inspection; say where it is and what still stands:
    in full in the terminal, with paths relative to the output folder in the index."""
    executed = out / STATE_DIR / result.name / f"{result.name}.ipynb"
    kept = Path(EXECUTED_DIR) / f"{result.name}.failed.ipynb"
    previous = Path(f"{result.name}.html")
    error, note = result.error, result.note or f"Report '{result.name}' failed."
    if executed.is_file():
        (out / kept).parent.mkdir(parents=True, exist_ok=True)
        os.replace(executed, out / kept)
        error += f" The executed notebook is kept at {out / kept}."
        note += f" The executed notebook is kept as {kept.as_posix()}."
    if (out / previous).is_file():
        error += f" The last good page, {out / previous}, is unchanged."
        note += f" The last good page, {previous}, is unchanged."
    state.reports.setdefault(result.name, {})["failure"] = note
    return replace(result, error=error, note=note)


def _forget_removed_reports(config: BuildConfig, state: BuildState) -> list[str]:
    """A report taken out of reports.toml takes its files with it."""
    names = {spec.name for spec in config.reports}
    removed = [name for name in state.reports if name not in names]
    for name in removed:
        for path in state.files_of(name):
            (state.out_dir / path).unlink(missing_ok=True)
        (state.out_dir / EXECUTED_DIR / f"{name}.failed.ipynb").unlink(missing_ok=True)
        del state.reports[name]
    if removed:
        state.save()
    return removed


def _write_outputs(config: BuildConfig, state: BuildState, out: Path, stream) -> None:
    # Deferred: it loads Jinja; only when this runs.
    from adoption.report.index import index_pages

    # Only charts whose files are all there: a file deleted by hand since (its report
    # failed to rebuild, or was left out with --only) is not promised to readers.
    charts = [chart for record in state.reports.values() for chart in record.get("charts", [])
              if all((out / CHARTS_DIR / file).is_file() for file in chart["files"].values())]
    (out / CHARTS_DIR).mkdir(parents=True, exist_ok=True)
    write_manifest(out / CHARTS_DIR / MANIFEST, charts)
    publish_dataset(config, out, stream)
    for name, page in index_pages(config, state, charts, built_at=_now()).items():
        write_text(out / name, page)


@contextmanager
def _sigint_held() -> Iterator[None]:
    """Ctrl-C waits until the current report's files have all moved into place."""
    received: list[object] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda *args: received.append(args))
    except ValueError:  # not the main thread: nothing to hold off
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt


def _now() -> str:
    """The build time; SOURCE_DATE_EPOCH fixes it, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
