"""c_libcurl (httpsnippet's c/libcurl)."""

from __future__ import annotations

from ..codebuilder import CodeBuilder
from ..prepare import PreparedRequest
from ..strings import C


def c_libcurl(source: PreparedRequest) -> str:
    code = CodeBuilder()
    code.push("CURL *hnd = curl_easy_init();").blank()
    code.push("curl_easy_setopt(hnd, CURLOPT_CUSTOMREQUEST, %s);", C.literal(source.method.upper()))
    code.push("curl_easy_setopt(hnd, CURLOPT_URL, %s);", C.literal(source.full_url))
    if source.headers_obj:
        code.blank().push("struct curl_slist *headers = NULL;")
        for key, value in source.headers_obj.items():
            code.push("headers = curl_slist_append(headers, %s);", C.literal(f"{key}: {value}"))
        code.push("curl_easy_setopt(hnd, CURLOPT_HTTPHEADER, headers);")
    if "cookie" in source.all_headers:
        code.blank().push(
            "curl_easy_setopt(hnd, CURLOPT_COOKIE, %s);", C.literal(source.all_headers["cookie"])
        )
    if source.post_data.text:
        code.blank().push(
            "curl_easy_setopt(hnd, CURLOPT_POSTFIELDS, %s);", C.literal(source.post_data.text)
        )
    code.blank().push("CURLcode ret = curl_easy_perform(hnd);")
    return code.join()
