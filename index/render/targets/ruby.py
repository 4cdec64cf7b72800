"""ruby_native (httpsnippet's ruby/native)."""

from __future__ import annotations

from ..codebuilder import CodeBuilder
from ..prepare import PreparedRequest
from ..strings import RUBY_DOUBLE, RUBY_SINGLE

_KNOWN = {"GET", "POST", "HEAD", "DELETE", "PATCH", "PUT", "OPTIONS", "COPY", "LOCK", "UNLOCK"}
_KNOWN |= {"MOVE", "TRACE"}


def ruby_native(source: PreparedRequest) -> str:
    code = CodeBuilder()
    code.push("require 'uri'").push("require 'net/http'")
    https = source.uri.protocol == "https:"
    if https:
        code.push("require 'openssl'")
    code.blank()
    method = source.method.upper()
    cap = method[0] + method[1:].lower()
    if method not in _KNOWN:
        code.push("class Net::HTTP::%s < Net::HTTPRequest", cap)
        code.push("  METHOD = %s", RUBY_SINGLE.literal(method))
        code.push("  REQUEST_HAS_BODY = '%s'", "true" if source.post_data.text else "false")
        code.push("  RESPONSE_HAS_BODY = true").push("end").blank()
    code.push("url = URI(%s)", RUBY_DOUBLE.literal(source.full_url)).blank()
    code.push("http = Net::HTTP.new(url.host, url.port)")
    if https:
        code.push("http.use_ssl = true").push("http.verify_mode = OpenSSL::SSL::VERIFY_NONE")
    code.blank().push("request = Net::HTTP::%s.new(url)", cap)
    for key, value in source.all_headers.items():
        code.push("request[%s] = %s", RUBY_DOUBLE.literal(key), RUBY_SINGLE.literal(value))
    if source.post_data.text:
        code.push("request.body = %s", RUBY_DOUBLE.literal(source.post_data.text))
    code.blank().push("response = http.request(request)").push("puts response.read_body")
    return code.join()
