"""Python with requests."""

from __future__ import annotations

from ..strings import json_text
from .literals import python_literal
from .model import IdiomaticRequest, Snippet, without_content_type

_SHORTCUTS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


def python_requests_env(req: IdiomaticRequest) -> Snippet:
    return _python_client(req, "requests")


def python_httpx_env(req: IdiomaticRequest) -> Snippet:
    """httpx keeps requests' call shape; only its request() takes content/data/files alike."""
    return _python_client(req, "httpx")


def _python_client(req: IdiomaticRequest, module: str) -> Snippet:
    imports = [f"import {module}"]
    plain_headers = (
        without_content_type(req.headers) if req.body_mime == "multipart/form-data" else req.headers
    )
    headers = [f"{_q(n)}: {_q(v)}" for n, v in plain_headers]
    auth_arg = None
    cred = req.credential
    if cred is not None:
        imports.insert(0, "import os")
        imports.insert(1, "")
        if cred.kind == "basic":
            auth_arg = f'(os.environ["{cred.env_var}"], os.environ["{cred.password_env_var}"])'
        elif cred.kind == "bearer":
            headers.insert(0, f'"Authorization": f"Bearer {{os.environ[\'{cred.env_var}\']}}"')
        else:
            headers.insert(0, f'{_q(cred.header)}: os.environ["{cred.env_var}"]')
    method = req.method.upper()
    shortcut = method in _SHORTCUTS and not (
        module == "httpx" and req.body_mime and method in {"GET", "DELETE", "HEAD", "OPTIONS"}
    )
    call = f"{module}.{method.lower()}(" if shortcut else f"{module}.request("
    args = [] if shortcut else [_q(method)]
    args.append(_q(req.url))
    if req.query:
        args.append("params=" + python_literal(dict(req.query), level=1))
    if headers:
        args.append("headers={" + ", ".join(headers) + "}")
    if auth_arg:
        args.append("auth=" + auth_arg)
    if req.body_mime == "application/json":
        args.append("json=" + python_literal(req.body_value, level=1))
    elif req.body_mime == "multipart/form-data":
        shown = ", ".join(f"{_q(n)}: (None, {_q(v)})" for n, v in req.form_fields)
        args.append("files={" + shown + "}")
    elif req.form_fields:
        args.append("data=" + python_literal(dict(req.form_fields), level=1))
    lines = [f"response = {call}"] + [f"    {a}," for a in args] + [")"]
    lines += ["response.raise_for_status()", "print(response.text)"]
    return Snippet(imports, "\n".join(lines))


def _q(text: str) -> str:
    return json_text(text)
