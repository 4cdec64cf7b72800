"""Argument types shared by the commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from apicall.index.errors import ApicallError

MAX_RESULTS = 1000


def result_count(text: str) -> int:
    """A number of results to return: 1 to MAX_RESULTS."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_RESULTS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_RESULTS}, not {value}")
    return value


def existing_index(index: str | None, flags: str) -> Path:
    """The --index folder of a run that learns over an existing index (`flags` name that run)."""
    if not index or not (Path(index) / "apicall-index.json").is_file():
        raise ApicallError(f"{flags} need --index DIR of an existing index")
    return Path(index)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value
