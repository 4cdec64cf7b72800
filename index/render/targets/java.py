"""java_okhttp (httpsnippet's java/okhttp)."""

from __future__ import annotations

from ..codebuilder import CodeBuilder
from ..prepare import PreparedRequest
from ..strings import JAVA


def java_okhttp(source: PreparedRequest) -> str:
    code = CodeBuilder("  ")
    methods = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD")
    with_body = ("POST", "PUT", "DELETE", "PATCH")
    method = source.method.upper()
    post = source.post_data
    code.push("OkHttpClient client = new OkHttpClient();").blank()
    if post.text:
        if post.boundary:
            media = JAVA.literal(f"{post.mime_type}; boundary={post.boundary}")
        else:
            media = JAVA.literal(post.mime_type)
        code.push("MediaType mediaType = MediaType.parse(%s);", media)
        code.push("RequestBody body = RequestBody.create(mediaType, %s);", JAVA.literal(post.text))
    code.push("Request request = new Request.Builder()")
    code.push(1, ".url(%s)", JAVA.literal(source.full_url))
    if method not in methods:
        code.push(1, ".method(%s, %s)", JAVA.literal(method), "body" if post.text else "null")
    elif method in with_body:
        code.push(1, ".%s(%s)", method.lower(), "body" if post.text else "null")
    else:
        code.push(1, ".%s()", method.lower())
    for key, value in source.all_headers.items():
        code.push(1, ".addHeader(%s, %s)", JAVA.literal(key), JAVA.literal(value))
    code.push(1, ".build();").blank()
    code.push("Response response = client.newCall(request).execute();")
    return code.join()
