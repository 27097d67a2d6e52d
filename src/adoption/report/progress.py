"""What a build shows while it runs: which reports run, which are done, how many are left.

On a terminal, one status line rewritten in place; elsewhere (CI logs), one line
per event, so the log reads top to bottom.
"""

from __future__ import annotations

from typing import TextIO


class Progress:
    def __init__(self, names: list[str], stream: TextIO):
        self.total = len(names)
        self.left = list(names)
        self.running: list[str] = []
        self.done = 0
        self.stream = stream
        self.live = hasattr(stream, "isatty") and stream.isatty()

    def started(self, name: str) -> None:
        self.left.remove(name)
        self.running.append(name)
        self._show(f"start {name}")

    def finished(self, outcome) -> None:
        self.running.remove(outcome.name)
        self.done += 1
        word = "done " if outcome.ok else "FAILED"
        self._show(f"{word} {outcome.name} ({outcome.seconds:.1f} s)")

    def failure(self, paragraph: str) -> None:
        self._clear()
        print(f"\n{paragraph}\n", file=self.stream)

    def summary(self, outcome, seconds: float) -> None:
        self._clear()
        parts = [f"{len(outcome.built)} built", f"{len(outcome.up_to_date)} up to date"]
        if outcome.failed:
            names = ", ".join(result.name for result in outcome.failed)
            parts.append(f"{len(outcome.failed)} failed ({names})")
        print(f"reports: {', '.join(parts)} in {seconds:.1f} s", file=self.stream)

    def _show(self, event: str) -> None:
        status = (f"[{self.done}/{self.total}] running: {', '.join(self.running) or '-'}; "
                  f"left: {len(self.left)}")
        if self.live:
            self._clear()
            print(f"  {event}", file=self.stream)
            print(status, end="", file=self.stream, flush=True)
        else:
            print(f"  {event:<40} {status}", file=self.stream, flush=True)

    def _clear(self) -> None:
        if self.live:
            print("\r\033[K", end="", file=self.stream)
