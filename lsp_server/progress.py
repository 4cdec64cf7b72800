"""The command line's progress bars: index builds (fed by the builder's callback) and the stages of
`apicall train`."""

from __future__ import annotations

import sys
from collections.abc import Callable

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


class StageBars:
    """One tqdm bar per stage, on stderr."""

    def __init__(self) -> None:
        self.bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int, message: str) -> None:
        bar = self.bars.get(stage)
        if bar is not None and done < bar.n:  # the same stage again (the next fold)
            bar.close()
            bar = None
        if bar is None:
            for other in self.bars.values():
                other.close()
            bar = self.bars[stage] = tqdm(total=total, desc=stage, file=sys.stderr, mininterval=1)
        bar.total = total
        bar.update(done - bar.n)
        if message:
            bar.set_postfix_str(message, refresh=False)

    def ticker(self, stage: str, total: int) -> Callable[[], None]:
        """A callback to call once per item of `stage`: the bar moves every 25 items."""
        done = [0]

        def tick() -> None:
            done[0] += 1
            if done[0] % 25 == 0 or done[0] == total:
                self(stage, done[0], total, "")

        return tick

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
