"""Text edits that insert a snippet below its comment, and the imports it needs at the top."""

from __future__ import annotations

import re
from dataclasses import dataclass

from apicall.index.languages import language as language_table

HEADER_LINE = re.compile(r"^(#!|<\?php|package\s|# -\*-|#\s*(vim|coding)[:=])")


@dataclass(frozen=True)
class Insertion:
    line: int  # insert before this line (0-based)
    text: str  # ends with a newline


def snippet_insertion(lines: list[str], after_line: int, indent: str, body: str) -> Insertion:
    """The snippet on the lines after `after_line`, each line indented like the comment."""
    indented = "\n".join(indent + line if line.strip() else line for line in body.splitlines())
    return Insertion(after_line + 1, indented + "\n")


def import_insertion(lines: list[str], language: str, imports: list[str]) -> Insertion | None:
    """The imports the snippet needs that the file lacks, placed with the file's imports."""
    wanted = [i for i in imports if i.strip()]
    if not wanted:
        return None
    spoken = language_table(language)
    if spoken.import_style == "go":
        return _go_imports(lines, wanted)
    present = {line.strip() for line in lines}
    missing = [i for i in wanted if i.strip() not in present]
    if not missing:
        return None
    pattern = spoken.import_pattern
    last_import = -1
    if pattern is not None:
        for number, line in enumerate(lines):
            if pattern.match(line):
                last_import = number
    if last_import >= 0:
        return Insertion(last_import + 1, "\n".join(missing) + "\n")
    at = _after_header(lines, language)
    return Insertion(at, "\n".join(missing) + "\n" + ("\n" if at < len(lines) else ""))


def _after_header(lines: list[str], language: str) -> int:
    at = 0
    while at < len(lines) and HEADER_LINE.match(lines[at]):
        at += 1
    if (
        language_table(language).docstrings
        and at < len(lines)
        and lines[at].lstrip().startswith(('"""', "'''"))
    ):
        quote = lines[at].lstrip()[:3]
        if lines[at].count(quote) >= 2 and len(lines[at].strip()) > 3:
            return at + 1
        end = at + 1
        while end < len(lines) and quote not in lines[end]:
            end += 1
        return min(end + 1, len(lines))
    return at


def _go_imports(lines: list[str], imports: list[str]) -> Insertion | None:
    names = [m.group(1) for i in imports if (m := re.match(r'import\s+"([^"]+)"', i.strip()))]
    source = "\n".join(lines)
    missing = [n for n in names if f'"{n}"' not in source]
    if not missing:
        return None
    for number, line in enumerate(lines):
        if line.strip().startswith("import ("):
            close = number + 1
            while close < len(lines) and lines[close].strip() != ")":
                close += 1
            return Insertion(close, "".join(f'\t"{n}"\n' for n in missing))
    last_single = max((n for n, line in enumerate(lines) if line.startswith("import ")), default=-1)
    if last_single >= 0:
        return Insertion(last_single + 1, "".join(f'import "{n}"\n' for n in missing))
    package = next((n for n, line in enumerate(lines) if line.startswith("package ")), -1)
    block = "import (\n" + "".join(f'\t"{n}"\n' for n in missing) + ")\n"
    return Insertion(package + 1, "\n" + block)
