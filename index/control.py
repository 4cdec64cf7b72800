"""Cancellation and deadlines of one request, for every layer: the engine checks them between
steps, the model runtime between tokens, the server sets them from `$/cancelRequest`."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from .errors import ApicallError


class Cancelled(ApicallError):
    """The caller cancelled the request; work stopped at the next check."""


class TimeBudgetExceeded(ApicallError):
    """The request ran past its time budget."""


@dataclass
class RequestControl:
    """Cancellation and a deadline for one request, checked between tokens."""

    cancel_event: threading.Event = field(default_factory=threading.Event)
    deadline: float | None = None
    cancelled_at: float | None = None

    @classmethod
    def with_budget(cls, seconds: float | None) -> RequestControl:
        return cls(deadline=time.monotonic() + seconds if seconds else None)

    def cancel(self) -> None:
        self.cancelled_at = time.monotonic()
        self.cancel_event.set()

    def should_stop(self) -> bool:
        return self.cancel_event.is_set() or (
            self.deadline is not None and time.monotonic() > self.deadline
        )

    def raise_if_stopped(self) -> None:
        if self.cancel_event.is_set():
            raise Cancelled("the request was cancelled")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TimeBudgetExceeded("the model ran out of its time budget")
