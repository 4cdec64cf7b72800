"""The targets: openapi-snippet's (conformant with its output) and the idiomatic ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .prepare import PreparedRequest
from .targets.c import c_libcurl
from .targets.go import go_native
from .targets.java import java_okhttp
from .targets.javascript import javascript_xhr
from .targets.node import node_native, node_request
from .targets.php import php_curl
from .targets.python import python_python3, python_requests
from .targets.ruby import ruby_native
from .targets.shell import shell_curl
from .targets.swift import swift_nsurlsession


@dataclass(frozen=True)
class SnippetTarget:
    name: str
    language: str
    library: str
    render: Callable[[PreparedRequest], str]


SNIPPET_TARGETS: dict[str, SnippetTarget] = {
    t.name: t
    for t in (
        SnippetTarget("shell_curl", "shellscript", "curl", shell_curl),
        SnippetTarget("c_libcurl", "c", "libcurl", c_libcurl),
        SnippetTarget("java_okhttp", "java", "OkHttp", java_okhttp),
        SnippetTarget("node_native", "javascript", "Node http", node_native),
        SnippetTarget("node_request", "javascript", "request", node_request),
        SnippetTarget("python_python3", "python", "http.client", python_python3),
        SnippetTarget("python_requests", "python", "requests", python_requests),
        SnippetTarget("go_native", "go", "net/http", go_native),
        SnippetTarget("ruby_native", "ruby", "net/http", ruby_native),
        SnippetTarget("php_curl", "php", "ext-curl", php_curl),
        SnippetTarget("swift_nsurlsession", "swift", "NSURLSession", swift_nsurlsession),
        SnippetTarget("javascript_xhr", "javascript", "XMLHttpRequest", javascript_xhr),
    )
}
