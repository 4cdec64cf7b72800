"""The command line's progress bar for index builds: tqdm, fed by the builder's callback."""

from __future__ import annotations

import sys

from tqdm import tqdm


class ProgressBar:
    """A `ProgressCallback` (done, total, operations, skipped) drawing one tqdm bar on stderr."""

    def __init__(self, label: str):
        self.bar = tqdm(desc=label, unit="specs", file=sys.stderr, mininterval=0.5)

    def __call__(self, done: int, total: int, operations: int, failures: int) -> None:
        self.bar.total = total
        self.bar.set_postfix_str(f"{operations:,} operations, {failures} skipped", refresh=False)
        self.bar.update(done - self.bar.n)
        if done >= total:
            self.bar.close()
