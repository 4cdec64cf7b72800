"""httpsnippet 2.0's request preparation, with Node's legacy url.parse/url.format.

The conformant targets print URLs exactly as Node's legacy URL parser rewrites them (braces
escaped, a templated host split at its first brace), so that part is reproduced here too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from .jsvalues import UNDEFINED, encode_uri_component, json_stringify, qs_stringify
from .request import HarRequest

MULTIPART_BOUNDARY = "---011000010111000001101001"
_NON_HOST_CHARS = set("%/?;#'{}|\\^`<>\" \r\n\t")
_AUTO_ESCAPE = {
    "\t": "%09",
    "\n": "%0A",
    "\r": "%0D",
    " ": "%20",
    '"': "%22",
    "'": "%27",
    "<": "%3C",
    ">": "%3E",
    "\\": "%5C",
    "^": "%5E",
    "`": "%60",
    "{": "%7B",
    "|": "%7C",
    "}": "%7D",
}
_HOST_PART = re.compile(r"^[+a-z0-9A-Z_-]{0,63}$")
_HOST_PART_START = re.compile(r"^([+a-z0-9A-Z_-]{0,63})(.*)$")
_SLASHED = {"http:", "https:", "ftp:", "gopher:", "file:", "ws:", "wss:"}


@dataclass
class NodeUrl:
    protocol: str = ""
    slashes: bool = False
    auth: str = ""
    host: str = ""
    port: str | None = None
    hostname: str = ""
    pathname: str = ""
    search: str = ""
    query: dict[str, Any] = field(default_factory=dict)
    hash: str = ""

    @property
    def path(self) -> str:
        return self.pathname + self.search

    def format(self, with_query: bool = True) -> str:
        auth = ""
        if self.auth:
            auth = encode_uri_component(self.auth).replace("%3A", ":", 1) + "@"
        host = ""
        if self.host:
            host = auth + self.host
        elif self.hostname:
            host = auth + self.hostname + (":" + self.port if self.port else "")
        search = ""
        if with_query:
            query = qs_stringify(self.query) if self.query else ""
            search = self.search or (query and "?" + query) or ""
        pathname = re.sub(r"[?#]", lambda m: encode_uri_component(m.group(0)), self.pathname)
        protocol = self.protocol
        if (self.slashes or protocol in _SLASHED) and (self.slashes or host):
            if pathname and not pathname.startswith("/"):
                pathname = "/" + pathname
            host = "//" + host
        search = search.replace("#", "%23")
        hash_ = self.hash
        if hash_ and not hash_.startswith("#"):
            hash_ = "#" + hash_
        if search and not search.startswith("?"):
            search = "?" + search
        return protocol + host + pathname + search + hash_


def parse_url(url: str) -> NodeUrl:
    """Node's legacy url.parse(url, true, true) for absolute URLs."""
    rest = url.strip()
    result = NodeUrl()
    match = re.match(r"^([a-z0-9.+-]+:)", rest, re.I)
    if match:
        result.protocol = match.group(1).lower()
        rest = rest[len(match.group(1)) :]
    if rest.startswith("//"):
        result.slashes = True
        rest = rest[2:]
    if result.slashes:
        host_end = next((i for i, ch in enumerate(rest) if ch in "/?#"), len(rest))
        at = rest.rfind("@", 0, host_end)
        if at != -1:
            result.auth = unquote_plus(rest[:at])
            rest = rest[at + 1 :]
        host_end = next((i for i, ch in enumerate(rest) if ch in _NON_HOST_CHARS), len(rest))
        host = rest[:host_end]
        rest = rest[host_end:]
        port_match = re.search(r":[0-9]*$", host)
        if port_match:
            port = port_match.group(0)
            if port != ":":
                result.port = port[1:]
            host = host[: port_match.start()]
        hostname = host
        if not (hostname.startswith("[") and hostname.endswith("]")):
            parts = hostname.split(".")
            for index, part in enumerate(parts):
                if not part or _HOST_PART.match(part):
                    continue
                candidate = "".join("x" if ord(c) > 127 else c for c in part)
                if _HOST_PART.match(candidate):
                    continue
                valid = parts[:index]
                not_host = parts[index + 1 :]
                bit = _HOST_PART_START.match(part)
                if bit:
                    valid.append(bit.group(1))
                    not_host.insert(0, bit.group(2))
                if not_host:
                    rest = "/" + ".".join(not_host) + rest
                hostname = ".".join(valid)
                break
        result.hostname = hostname.lower() if len(hostname) <= 255 else ""
        result.host = result.hostname + (":" + result.port if result.port else "")
    rest = "".join(_AUTO_ESCAPE.get(ch, ch) for ch in rest)
    hash_index = rest.find("#")
    if hash_index != -1:
        result.hash = rest[hash_index:]
        rest = rest[:hash_index]
    question = rest.find("?")
    if question != -1:
        result.search = rest[question:]
        result.query = _parse_query(rest[question + 1 :])
        rest = rest[:question]
    result.pathname = rest
    if result.protocol in _SLASHED and result.hostname and not result.pathname:
        result.pathname = "/"
    return result


def _parse_query(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in text.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        _reduce(out, unquote_plus(name), unquote_plus(value))
    return out


def _reduce(target: dict[str, Any], name: str, value: Any) -> None:
    if name not in target:
        target[name] = value
    elif isinstance(target[name], list):
        target[name].append(value)
    else:
        target[name] = [target[name], value]


@dataclass
class PreparedPostData:
    mime_type: str = "application/octet-stream"
    text: str | None = None  # None where JavaScript has undefined
    params: list[tuple[str, str]] | None = None
    json_obj: Any = False
    params_obj: dict[str, Any] | None = None
    boundary: str = ""
    _text_json: str | None = None

    @property
    def text_json(self) -> str | None:
        """JSON.stringify(text): most targets print it, so it is encoded once per request."""
        if self._text_json is None and self.text is not None:
            self._text_json = json_stringify(self.text)
        return self._text_json


@dataclass
class PreparedRequest:
    """What httpsnippet's targets read: `source` in their code."""

    method: str
    url: str
    full_url: str
    uri: NodeUrl
    query_obj: dict[str, Any]
    headers_obj: dict[str, str]
    all_headers: dict[str, str]
    cookies: list[tuple[str, str]]
    post_data: PreparedPostData
    har: HarRequest


def prepare(har: HarRequest) -> PreparedRequest:
    query_obj: dict[str, Any] = {}
    for name, value in har.query:
        _reduce(query_obj, name, value)
    headers_obj: dict[str, str] = {}
    for name, value in har.headers:
        headers_obj[name] = value
    all_headers: dict[str, str] = {}
    if har.cookies:
        all_headers["cookie"] = "; ".join(
            f"{encode_uri_component(n)}={encode_uri_component(v)}" for n, v in har.cookies
        )
    post = PreparedPostData()
    if har.post_data is not None:
        post.mime_type = har.post_data.mime_type
        post.text = har.post_data.text
        post.params = har.post_data.params
    mime = post.mime_type
    if mime in (
        "multipart/mixed",
        "multipart/related",
        "multipart/form-data",
        "multipart/alternative",
    ):
        post.text = ""
        post.mime_type = "multipart/form-data"
        if post.params is not None:
            post.text = "".join(
                f"--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; "
                f'name="{name}"\r\n\r\n{value}\r\n'
                for name, value in post.params
            )
            post.text += f"--{MULTIPART_BOUNDARY}--\r\n"
            post.boundary = MULTIPART_BOUNDARY
            # httpsnippet sets the boundary here and its first target (shell_curl) strips it
            # again from the shared request, so every conformant snippet shows it without.
            key = next((k for k in headers_obj if k.lower() == "content-type"), "content-type")
            headers_obj[key] = "multipart/form-data"
    elif mime == "application/x-www-form-urlencoded":
        if post.params is None:
            post.text = ""
        else:
            post.params_obj = {}
            for name, value in post.params:
                _reduce(post.params_obj, name, value)
            post.text = qs_stringify(post.params_obj)
    elif mime in ("text/json", "text/x-json", "application/json", "application/x-json"):
        post.mime_type = "application/json"
        if post.text:
            try:
                post.json_obj = json.loads(post.text)
            except ValueError:
                post.mime_type = "text/plain"
    all_headers.update(headers_obj)
    uri = parse_url(har.url)
    query_obj.update(uri.query)
    uri.query = {}
    uri.search = ""
    url = uri.format(with_query=False)
    uri.query = query_obj
    uri.search = qs_stringify(query_obj)
    if uri.search:
        uri.search = "?" + uri.search
    full_url = uri.format()
    return PreparedRequest(
        method=har.method,
        url=url,
        full_url=full_url,
        uri=uri,
        query_obj=query_obj,
        headers_obj=headers_obj,
        all_headers=all_headers,
        cookies=list(har.cookies),
        post_data=post,
        har=har,
    )


__all__ = ["UNDEFINED", "PreparedRequest", "parse_url", "prepare"]
