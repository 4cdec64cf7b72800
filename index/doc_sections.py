"""One section of a Markdown document, between `<!-- name:start -->` and `<!-- name:end -->`:
the benchmarks, `apicall eval` and `apicall train --model` each rewrite their own and leave the
rest of the document as it is."""

from __future__ import annotations

import re
from pathlib import Path


def write_section(path: Path, name: str, body: str, header: str) -> None:
    """`body` as the section `name` of `path` (appended where the document has none; a new
    document starts with `header`)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text() if path.exists() else header
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
