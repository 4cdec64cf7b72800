"""Finding the comment a developer wrote, in every supported language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from apicall.index.languages import UNKNOWN
from apicall.index.languages import language as language_table


@dataclass(frozen=True)
class CommentBlock:
    text: str  # the comment's words, markers removed, lines joined with spaces
    start_line: int
    end_line: int  # inclusive
    indent: str  # the indentation of the comment's first line


def _line_comment(line: str, markers: tuple[str, ...]) -> str | None:
    stripped = line.strip()
    for marker in markers:
        if stripped.startswith(marker) and not stripped.startswith("#!"):
            return stripped[len(marker) :].lstrip("/#-! ").strip()
    return None


def find_comment(lines: list[str], line_no: int, language: str) -> CommentBlock | None:
    """The comment block that contains `line_no`, if any."""
    if not 0 <= line_no < len(lines):
        return None
    spoken = language_table(language)
    markers = spoken.line_comments or UNKNOWN.line_comments
    if _line_comment(lines[line_no], markers) is not None:
        start = line_no
        while start > 0 and _line_comment(lines[start - 1], markers) is not None:
            start -= 1
        end = line_no
        while end + 1 < len(lines) and _line_comment(lines[end + 1], markers) is not None:
            end += 1
        words = [_line_comment(lines[i], markers) or "" for i in range(start, end + 1)]
        return _block(lines, start, end, words)
    if spoken.block_comments:
        found = _block_comment(lines, line_no)
        if found:
            return found
    if spoken.docstrings:
        return _docstring(lines, line_no)
    return None


def find_comment_above(lines: list[str], line_no: int, language: str) -> CommentBlock | None:
    """The comment that ends right above `line_no` (the line a developer types the call on)."""
    if line_no <= 0 or line_no > len(lines):
        return None
    if (
        line_no < len(lines)
        and lines[line_no].strip()
        and not _is_comment_line(lines[line_no], language)
    ):
        return None
    return find_comment(lines, line_no - 1, language)


def _is_comment_line(line: str, language: str) -> bool:
    markers = language_table(language).line_comments or UNKNOWN.line_comments
    return _line_comment(line, markers) is not None


def _block_comment(lines: list[str], line_no: int) -> CommentBlock | None:
    start = line_no
    while start >= 0 and "/*" not in lines[start]:
        if "*/" in lines[start] and start != line_no:
            return None
        start -= 1
    if start < 0:
        return None
    end = start
    while (
        end < len(lines)
        and "*/" not in lines[end][lines[end].find("/*") + 2 if end == start else 0 :]
    ):
        end += 1
    if end >= len(lines) or end < line_no:
        return None
    text = "\n".join(lines[start : end + 1])
    inner = text[text.find("/*") + 2 : text.rfind("*/")]
    words = [re.sub(r"^\s*\*+\s?", "", part).strip() for part in inner.splitlines()]
    return _block(lines, start, end, words)


def _docstring(lines: list[str], line_no: int) -> CommentBlock | None:
    """A triple-quoted string that stands alone as a statement, around `line_no`."""
    for quote in ('"""', "'''"):
        start = line_no
        while start >= 0 and quote not in lines[start]:
            start -= 1
        if start < 0 or not lines[start].strip().startswith(quote):
            continue
        opening = lines[start].strip()
        if opening.count(quote) >= 2 and len(opening) > 3:
            end = start
        else:
            end = start + 1
            while end < len(lines) and quote not in lines[end]:
                end += 1
        if end >= len(lines) or end < line_no:
            continue
        text = "\n".join(lines[start : end + 1]).strip()[3:-3]
        return _block(lines, start, end, [w.strip() for w in text.splitlines()])
    return None


def _block(lines: list[str], start: int, end: int, words: list[str]) -> CommentBlock | None:
    text = " ".join(w for w in words if w).strip()
    if not text:
        return None
    indent = lines[start][: len(lines[start]) - len(lines[start].lstrip())]
    return CommentBlock(text, start, end, indent)
