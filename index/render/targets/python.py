"""python_python3 and python_requests (httpsnippet's python targets)."""

from __future__ import annotations

from ..codebuilder import CodeBuilder, literal_python
from ..jsvalues import js_truthy, json_stringify
from ..prepare import PreparedRequest
from ..strings import PYTHON, PYTHON_SINGLE


def python_python3(source: PreparedRequest) -> str:
    code = CodeBuilder()
    code.push("import http.client").blank()
    connection = "HTTPSConnection" if source.uri.protocol == "https:" else "HTTPConnection"
    code.push("conn = http.client.%s(%s)", connection, PYTHON.literal(source.uri.host)).blank()
    text = source.post_data.text
    payload = PYTHON.literal(text) if text is not None else None
    if payload:
        code.push("payload = %s", payload).blank()
    headers = source.all_headers
    if len(headers) == 1:
        for key, value in headers.items():
            code.push("headers = { %s: %s }", PYTHON_SINGLE.literal(key), PYTHON.literal(value))
            code.blank()
    elif len(headers) > 1:
        code.push("headers = {")
        for index, (key, value) in enumerate(headers.items(), start=1):
            comma = "," if index != len(headers) else ""
            code.push("    %s: %s" + comma, PYTHON_SINGLE.literal(key), PYTHON.literal(value))
        code.push("    }").blank()
    method, path = PYTHON.inner(source.method), PYTHON.inner(source.uri.path)
    if payload and headers:
        code.push('conn.request("%s", "%s", payload, headers)', method, path)
    elif payload:
        code.push('conn.request("%s", "%s", payload)', method, path)
    elif headers:
        code.push('conn.request("%s", "%s", headers=headers)', method, path)
    else:
        code.push('conn.request("%s", "%s")', method, path)
    code.blank().push("res = conn.getresponse()").push("data = res.read()").blank()
    code.push('print(data.decode("utf-8"))')
    return code.join()


def python_requests(source: PreparedRequest) -> str:
    indent = "    "
    code = CodeBuilder(indent)
    code.push("import requests").blank()
    code.push("url = %s", PYTHON.literal(source.url)).blank()
    has_query = bool(source.query_obj)
    if has_query:
        code.push("querystring = " + (json_stringify(source.query_obj) or "{}")).blank()
    has_payload = json_payload = False
    post = source.post_data
    if post.mime_type == "application/json":
        if js_truthy(post.json_obj):
            code.push("payload = %s", literal_python(post.json_obj, indent))
            json_payload = has_payload = True
    else:
        if post.text is not None:
            code.push("payload = %s", PYTHON.literal(post.text))
            has_payload = True
    headers = source.all_headers
    if len(headers) == 1:
        for key, value in headers.items():
            code.push("headers = {%s: %s}", PYTHON.literal(key), PYTHON.literal(value)).blank()
    elif len(headers) > 1:
        code.push("headers = {")
        for index, (key, value) in enumerate(headers.items(), start=1):
            comma = "," if index != len(headers) else ""
            code.push(1, "%s: %s" + comma, PYTHON.literal(key), PYTHON.literal(value))
        code.push("}").blank()
    request = f"response = requests.request({PYTHON.literal(source.method)}, url"
    if has_payload:
        request += ", json=payload" if json_payload else ", data=payload"
    if headers:
        request += ", headers=headers"
    if has_query:
        request += ", params=querystring"
    request += ")"
    code.push(request).blank().push("print(response.text)")
    return code.join()
