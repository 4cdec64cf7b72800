"""shell_curl (httpsnippet's shell/curl)."""

from __future__ import annotations

import re

from ..codebuilder import CodeBuilder
from ..prepare import PreparedRequest
from ..strings import shell_word

_SAFE = re.compile(r"^[a-z0-9-_/.@%^=:]+$", re.I)


def shell_quote(value: str) -> str:
    if not _SAFE.match(value):
        return shell_word(value)
    return value


def shell_curl(source: PreparedRequest) -> str:
    code = CodeBuilder("  ", " \\\n  ")
    code.push("curl %s %s", "--request", source.method)
    code.push("--url " + shell_quote(source.full_url))
    for key in sorted(source.headers_obj):
        code.push("%s %s", "--header", shell_quote(f"{key}: {source.headers_obj[key]}"))
    if "cookie" in source.all_headers:
        code.push("%s %s", "--cookie", shell_quote(source.all_headers["cookie"]))
    post = source.post_data
    if post.mime_type == "multipart/form-data":
        for name, value in post.params or []:
            code.push("%s %s", "--form", shell_quote(f"{name}={value}"))
    elif post.mime_type == "application/x-www-form-urlencoded":
        if post.params is not None:
            for name, value in post.params:
                code.push("%s %s", "--data", shell_quote(f"{name}={value}"))
        else:
            code.push("%s %s", "--data", shell_quote(post.text or ""))
    elif post.text:
        code.push("%s %s", "--data", shell_quote(post.text))
    return code.join()
