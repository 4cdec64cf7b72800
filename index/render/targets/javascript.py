"""javascript_xhr (httpsnippet's javascript/xhr)."""

from __future__ import annotations

from ..codebuilder import CodeBuilder
from ..jsvalues import json_stringify
from ..prepare import PreparedRequest


def javascript_xhr(source: PreparedRequest) -> str:
    code = CodeBuilder("  ")
    headers = dict(source.all_headers)
    post = source.post_data
    if post.mime_type == "application/json":
        shown = json_stringify(post.json_obj, "  ") if post.json_obj is not False else "false"
        code.push("const data = JSON.stringify(%s);", shown).push(None)
    elif post.mime_type == "multipart/form-data":
        code.push("const data = new FormData();")
        for name, value in post.params or []:
            code.push("data.append(%s, %s);", json_stringify(name), json_stringify(value or ""))
        # httpsnippet drops the content-type so that the browser sets the boundary.
        key = next((k for k in headers if k.lower() == "content-type"), None)
        if key is not None and headers[key].find("boundary") != 0:
            del headers[key]
        code.blank()
    else:
        code.push("const data = %s;", json_stringify(post.text or None)).blank()
    code.push("const xhr = new XMLHttpRequest();").push("xhr.withCredentials = true;").blank()
    code.push('xhr.addEventListener("readystatechange", function () {')
    code.push(1, "if (this.readyState === this.DONE) {").push(2, "console.log(this.responseText);")
    code.push(1, "}").push("});").blank()
    code.push("xhr.open(%s, %s);", json_stringify(source.method), json_stringify(source.full_url))
    for key, value in headers.items():
        code.push("xhr.setRequestHeader(%s, %s);", json_stringify(key), json_stringify(value))
    code.blank().push("xhr.send(data);")
    return code.join()
