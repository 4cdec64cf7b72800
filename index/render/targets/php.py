"""php_curl (httpsnippet's php/curl)."""

from __future__ import annotations

from ..codebuilder import CodeBuilder
from ..jsvalues import encode_uri_component, json_stringify
from ..prepare import PreparedRequest
from ..strings import PHP_DOUBLE


def php_curl(source: PreparedRequest) -> str:
    code = CodeBuilder("  ")
    code.push("<?php").blank().push("$curl = curl_init();").blank()
    options: list[tuple[str, object, bool]] = [
        ("CURLOPT_PORT", source.uri.port, True),
        ("CURLOPT_URL", source.full_url, True),
        ("CURLOPT_RETURNTRANSFER", "true", False),
        ("CURLOPT_ENCODING", "", True),
        ("CURLOPT_MAXREDIRS", 10, False),
        ("CURLOPT_TIMEOUT", 30, False),
        ("CURLOPT_HTTP_VERSION", "CURL_HTTP_VERSION_1_1", False),
        ("CURLOPT_CUSTOMREQUEST", source.method, True),
        ("CURLOPT_POSTFIELDS", source.post_data.text, True),
    ]
    code.push("curl_setopt_array($curl, [")
    curlopts = CodeBuilder("  ", "\n  ")
    for name, value, escape in options:
        if value is None:
            continue
        if not escape:
            shown = str(value)
        elif isinstance(value, str):
            shown = PHP_DOUBLE.literal(value)  # JSON's quoting, plus `$`: PHP interpolates it
        else:
            shown = json_stringify(value) or ""
        curlopts.push(f"{name} => {shown},")
    if source.cookies:
        cookies = "; ".join(
            f"{encode_uri_component(n)}={encode_uri_component(v)}" for n, v in source.cookies
        )
        curlopts.push(f"CURLOPT_COOKIE => {PHP_DOUBLE.literal(cookies)},")
    headers = [
        PHP_DOUBLE.literal(f"{key}: {source.headers_obj[key]}")
        for key in sorted(source.headers_obj)
    ]
    if headers:
        curlopts.push("CURLOPT_HTTPHEADER => [")
        curlopts.push(1, ",\n    ".join(headers))
        curlopts.push("],")
    code.push(1, curlopts.join()).push("]);").blank()
    code.push("$response = curl_exec($curl);").push("$err = curl_error($curl);").blank()
    code.push("curl_close($curl);").blank().push("if ($err) {")
    code.push(1, 'echo "cURL Error #:" . $err;').push("} else {").push(1, "echo $response;")
    code.push("}")
    return code.join()
