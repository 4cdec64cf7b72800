"""When two indexed operations are the same HTTP call: what the engine shows once and what the
evaluation counts as the answer."""

from __future__ import annotations

import json

CallKey = tuple[str, str, str]


def same_call_keys(api_name: str, servers_json: str, method: str, path: str) -> tuple[CallKey, ...]:
    """What makes two indexed operations the same call: the API's name with the method and path,
    or the concrete servers with the method and path."""
    verb = call_method(method, path)
    keys = [("api:" + api_name, verb, path)]
    urls = concrete_urls(servers_json)
    if urls:
        keys.append(("servers:" + " ".join(urls), verb, path))
    return tuple(keys)


# AWS's query APIs take an action by GET or POST alike ("Query requests are HTTP or HTTPS
# requests that use the HTTP verb GET or POST and a Query parameter named Action"), and their
# specs list both (GET and POST /#Action=CreateVerifiedAccessInstance): one call.
_QUERY_ACTION = "#Action="
_QUERY_METHODS = frozenset({"GET", "POST"})


def call_method(method: str, path: str) -> str:
    """The method as far as the call is concerned: GET|POST for an AWS query action."""
    upper = method.upper()
    if _QUERY_ACTION in path and upper in _QUERY_METHODS:
        return "GET|POST"
    return upper


def same_method(path: str, one: str, other: str) -> bool:
    return call_method(one, path) == call_method(other, path)


def templated_server(servers_json: str) -> bool:
    """The operation (its servers as stored in the index) has no server, or one with template
    variables (a self-hosted edition's `{protocol}://{hostname}/api/v3`)."""
    return not concrete_urls(servers_json)


def concrete_urls(servers_json: str) -> tuple[str, ...]:
    """The operation's server URLs, or none when it has none or one is a template."""
    try:
        servers = json.loads(servers_json) if servers_json else []
    except ValueError:
        return ()
    if not isinstance(servers, list):
        return ()
    urls = [str(s.get("url", "")).rstrip("/") for s in servers if isinstance(s, dict)]
    if not urls or any("{" in url or not url for url in urls):
        return ()
    return tuple(sorted(urls))
