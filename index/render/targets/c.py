"""c_libcurl (httpsnippet's c/libcurl)."""

from __future__ import annotations

from index.render.codebuilder import CodeBuilder
from index.render.prepare import PreparedRequest


def c_libcurl(source: PreparedRequest) -> str:
    code = CodeBuilder()
    code.push("CURL *hnd = curl_easy_init();").blank()
    code.push('curl_easy_setopt(hnd, CURLOPT_CUSTOMREQUEST, "%s");', source.method.upper())
    code.push('curl_easy_setopt(hnd, CURLOPT_URL, "%s");', source.full_url)
    if source.headers_obj:
        code.blank().push("struct curl_slist *headers = NULL;")
        for key, value in source.headers_obj.items():
            code.push('headers = curl_slist_append(headers, "%s: %s");', key, value)
        code.push("curl_easy_setopt(hnd, CURLOPT_HTTPHEADER, headers);")
    if "cookie" in source.all_headers:
        code.blank().push(
            'curl_easy_setopt(hnd, CURLOPT_COOKIE, "%s");', source.all_headers["cookie"]
        )
    if source.post_data.text:
        code.blank().push(
            "curl_easy_setopt(hnd, CURLOPT_POSTFIELDS, %s);", source.post_data.text_json
        )
    code.blank().push("CURLcode ret = curl_easy_perform(hnd);")
    return code.join()
