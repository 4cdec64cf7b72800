"""JavaScript and TypeScript with fetch (Node 18+ and browsers)."""

from __future__ import annotations

from ..strings import json_text
from .literals import js_literal
from .model import IdiomaticRequest, Snippet, without_content_type


def javascript_axios(req: IdiomaticRequest) -> Snippet:
    headers = [f"    {json_text(n)}: {json_text(v)}," for n, v in req.headers]
    cred = req.credential
    lines = [
        "const response = await axios.request({",
        f"  method: {json_text(req.method)},",
        f"  url: {json_text(req.url)},",
    ]
    if req.query:
        lines.append(f"  params: {js_literal(dict(req.query), level=1)},")
    if cred is not None:
        if cred.kind == "basic":
            lines.append(
                f"  auth: {{ username: process.env.{cred.env_var}, "
                f"password: process.env.{cred.password_env_var} }},"
            )
        elif cred.kind == "bearer":
            headers.insert(0, f'    "Authorization": `Bearer ${{process.env.{cred.env_var}}}`,')
        else:
            headers.insert(0, f"    {json_text(cred.header)}: process.env.{cred.env_var},")
    if headers:
        lines += ["  headers: {", *headers, "  },"]
    if req.body_mime == "application/json":
        lines.append(f"  data: {js_literal(req.body_value, level=1)},")
    elif req.form_fields:
        lines.append(f"  data: {js_literal(dict(req.form_fields), level=1)},")
    lines += ["});", "console.log(response.data);"]
    return Snippet(['import axios from "axios";'], "\n".join(lines))


def javascript_fetch(req: IdiomaticRequest) -> Snippet:
    plain_headers = (
        without_content_type(req.headers) if req.body_mime == "multipart/form-data" else req.headers
    )
    headers = [f"    {json_text(n)}: {json_text(v)}," for n, v in plain_headers]
    cred = req.credential
    if cred is not None:
        if cred.kind == "basic":
            value = (
                f"`Basic ${{btoa(`${{process.env.{cred.env_var}}}:"
                f"${{process.env.{cred.password_env_var}}}`)}}`"
            )
        elif cred.kind == "bearer":
            value = f"`Bearer ${{process.env.{cred.env_var}}}`"
        else:
            value = f"process.env.{cred.env_var}"
        headers.insert(0, f"    {json_text(cred.header)}: {value},")
    url = json_text(req.url)
    if req.query:
        params = js_literal(dict(req.query), level=0)
        lines = [f'const url = {url} + "?" + new URLSearchParams({params});']
    else:
        lines = [f"const url = {url};"]
    lines.append("const response = await fetch(url, {")
    lines.append(f"  method: {json_text(req.method)},")
    if headers:
        lines += ["  headers: {", *headers, "  },"]
    if req.body_mime == "application/json":
        lines.append(f"  body: JSON.stringify({js_literal(req.body_value, level=1)}),")
    elif req.body_mime == "multipart/form-data":
        lines.insert(0, "const form = new FormData();")
        for offset, (name, value) in enumerate(req.form_fields, start=1):
            lines.insert(offset, f"form.append({json_text(name)}, {json_text(value)});")
        lines.append("  body: form,")
    elif req.form_fields:
        lines.append(f"  body: new URLSearchParams({js_literal(dict(req.form_fields), level=1)}),")
    lines.append("});")
    lines.append("if (!response.ok) throw new Error(`HTTP ${response.status}`);")
    lines.append("console.log(await response.text());")
    return Snippet([], "\n".join(lines))
