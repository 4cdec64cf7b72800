"""node_native and node_request (httpsnippet's node/native and node/request)."""

from __future__ import annotations

from ..codebuilder import CodeBuilder, stringify_object
from ..jsvalues import encode_uri_component, js_truthy, json_stringify
from ..prepare import PreparedRequest
from ..strings import JAVASCRIPT, JAVASCRIPT_SINGLE


def node_native(source: PreparedRequest) -> str:
    code = CodeBuilder("  ")
    options = {
        "method": source.method,
        "hostname": source.uri.hostname,
        "port": source.uri.port,
        "path": source.uri.path,
        "headers": source.all_headers,
    }
    code.push("const http = require(%s);", JAVASCRIPT.literal(source.uri.protocol.replace(":", "")))
    code.blank().push("const options = %s;", json_stringify(options, "  "))
    code.blank().push("const req = http.request(options, function (res) {")
    code.push(1, "const chunks = [];").blank()
    code.push(1, 'res.on("data", function (chunk) {').push(2, "chunks.push(chunk);").push(1, "});")
    code.blank().push(1, 'res.on("end", function () {')
    code.push(2, "const body = Buffer.concat(chunks);").push(2, "console.log(body.toString());")
    code.push(1, "});").push("});").blank()
    post = source.post_data
    if post.mime_type == "application/x-www-form-urlencoded":
        if post.params_obj is not None:
            code.unshift('const qs = require("querystring");')
            code.push("req.write(qs.stringify(%s));", stringify_object(post.params_obj))
    elif post.mime_type == "application/json":
        if js_truthy(post.json_obj):
            code.push("req.write(JSON.stringify(%s));", stringify_object(post.json_obj))
    elif post.text:
        code.push("req.write(%s);", json_stringify(post.text, "  "))
    code.push("req.end();")
    return code.join()


def node_request(source: PreparedRequest) -> str:
    code = CodeBuilder("  ")
    code.push("const request = require('request');").blank()
    options: dict = {"method": source.method, "url": source.url}
    if source.query_obj:
        options["qs"] = source.query_obj
    if source.headers_obj:
        options["headers"] = source.headers_obj
    post = source.post_data
    if post.mime_type == "application/x-www-form-urlencoded":
        options["form"] = post.params_obj
    elif post.mime_type == "application/json":
        if js_truthy(post.json_obj):
            options["body"] = post.json_obj
            options["json"] = True
    elif post.mime_type == "multipart/form-data":
        options["formData"] = {name: value for name, value in post.params or []}
    elif post.text:
        options["body"] = post.text
    if source.cookies:
        options["jar"] = "JAR"
        code.push("const jar = request.jar();")
        for name, value in source.cookies:
            code.push(
                "jar.setCookie(request.cookie('%s=%s'), '%s');",
                JAVASCRIPT_SINGLE.inner(encode_uri_component(name)),
                JAVASCRIPT_SINGLE.inner(encode_uri_component(value)),
                JAVASCRIPT_SINGLE.inner(source.url),
            )
        code.blank()
    code.push("const options = %s;", stringify_object(options)).blank()
    code.push("request(options, function (error, response, body) {")
    code.push(1, "if (error) throw new Error(error);").blank()
    code.push(1, "console.log(body);").push("});").blank()
    # httpsnippet replaces '"JAR"', which its single-quoted output never contains.
    return code.join().replace('"JAR"', "jar", 1)
