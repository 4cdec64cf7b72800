"""When two indexed operations are the same HTTP call: what the engine shows once and what the
evaluation counts as the answer."""

from __future__ import annotations

import json

CallKey = tuple[str, str, str]


def same_call_keys(api_name: str, servers_json: str, method: str, path: str) -> tuple[CallKey, ...]:
    """What makes two indexed operations the same call: the API's name with the method and path,
    or the concrete servers with the method and path."""
    keys = [("api:" + api_name, method.upper(), path)]
    urls = concrete_urls(servers_json)
    if urls:
        keys.append(("servers:" + " ".join(urls), method.upper(), path))
    return tuple(keys)


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
