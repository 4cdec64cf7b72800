"""A one-line progress bar on stderr for long index builds."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, label: str, stream: TextIO | None = None, width: int = 28):
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self.last_draw = 0.0
        self.interactive = self.stream.isatty()

    def __call__(self, done: int, total: int, operations: int, failures: int) -> None:
        now = time.monotonic()
        final = done == total
        if not final and now - self.last_draw < (0.1 if self.interactive else 5.0):
            return
        self.last_draw = now
        elapsed = max(now - self.started, 1e-6)
        filled = int(self.width * done / total) if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        line = (
            f"{self.label} [{bar}] {done}/{total} specs, {operations:,} operations, "
            f"{operations / elapsed:,.0f} ops/s, {failures} skipped, {elapsed:.0f}s"
        )
        if self.interactive:
            self.stream.write("\r" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
