"""The idiomatic targets, named after the LSP language id they are the default for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .go import go_net_http
from .javascript import javascript_axios, javascript_fetch
from .jvm import java_http_client, kotlin_okhttp
from .model import IdiomaticRequest, Snippet
from .native import (
    c_libcurl_env,
    csharp_http_client,
    rust_reqwest,
    swift_urlsession,
)
from .python import python_httpx_env, python_requests_env
from .scripting import php_curl_env, ruby_net_http, shell_curl_env


@dataclass(frozen=True)
class IdiomaticTarget:
    name: str
    language: str
    library: str
    render: Callable[[IdiomaticRequest], Snippet]


IDIOMATIC_TARGETS: dict[str, IdiomaticTarget] = {
    t.name: t
    for t in (
        IdiomaticTarget("python", "python", "requests", python_requests_env),
        IdiomaticTarget("javascript", "javascript", "fetch", javascript_fetch),
        IdiomaticTarget("typescript", "typescript", "fetch", javascript_fetch),
        IdiomaticTarget("go", "go", "net/http", go_net_http),
        IdiomaticTarget("java", "java", "java.net.http", java_http_client),
        IdiomaticTarget("ruby", "ruby", "net/http", ruby_net_http),
        IdiomaticTarget("php", "php", "ext-curl", php_curl_env),
        IdiomaticTarget("swift", "swift", "URLSession", swift_urlsession),
        IdiomaticTarget("c", "c", "libcurl", c_libcurl_env),
        IdiomaticTarget("shellscript", "shellscript", "curl", shell_curl_env),
        IdiomaticTarget("csharp", "csharp", "HttpClient", csharp_http_client),
        IdiomaticTarget("kotlin", "kotlin", "OkHttp", kotlin_okhttp),
        IdiomaticTarget("rust", "rust", "reqwest", rust_reqwest),
        # Chosen instead of the language default when the file already imports the client.
        IdiomaticTarget("python_httpx", "python", "httpx", python_httpx_env),
        IdiomaticTarget("javascript_axios", "javascript", "axios", javascript_axios),
    )
}
