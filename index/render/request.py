"""The request model: an operation record -> HAR-like requests, one per request body type.

The rules follow openapi-snippet 0.14.0 (openapi-to-har.js), the generator of the API Pack paper's
ground truth: first server URL, parameter serialisation styles, example -> default -> placeholder
values, REPLACE_* security placeholders, bodies sampled with openapi-sampler's rules.
Where openapi-snippet throws (relative or templated servers, `security: [{}]`, parameters with
`content`, OAS 3.1 type arrays, unknown security schemes), a sensible request is built instead
and the fix is listed in `notes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from ..records import OperationRecord
from .jsvalues import (
    UNDEFINED,
    encode_uri_component,
    is_primitive,
    js_object_items,
    js_string,
    json_stringify,
)
from .sampler import sample_schema

PLACEHOLDER_HOST = "https://api.example.com"
BODY_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


@dataclass
class PostData:
    mime_type: str
    text: str | None = None
    params: list[tuple[str, str]] | None = None
    value: Any = UNDEFINED  # the sampled (or given) body, for idiomatic renderers


@dataclass
class HarRequest:
    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    query: list[tuple[str, str]] = field(default_factory=list)
    cookies: list[tuple[str, str]] = field(default_factory=list)
    post_data: PostData | None = None
    notes: list[str] = field(default_factory=list)
    auth: AuthPlaceholder | None = None


@dataclass(frozen=True)
class AuthPlaceholder:
    """Which credential the request carries, for renderers that read it from the environment."""

    kind: str  # basic | api_key | bearer
    header: str  # header name
    scheme: str  # security scheme name


def build_requests(
    record: OperationRecord,
    arguments: dict[str, Any] | None = None,
    *,
    resolve_server_variables: bool = False,
) -> list[HarRequest]:
    """The requests for an operation; `arguments` override values by parameter name, and
    `arguments["body"]` is merged into the sampled body. openapi-snippet keeps a templated
    server URL as it is; idiomatic code wants its variables substituted."""
    arguments = arguments or {}
    notes: list[str] = []
    base = base_url(record, notes)
    if resolve_server_variables and record.servers:
        base = substitute_server_variables(base, record.servers[0].get("variables") or {})
    params = [_normalised_parameter(p, notes) for p in record.parameters]
    path = record.path
    for name, value in _collect(params, "path", arguments):
        path = path.replace("{" + name + "}", value)
    headers = list(_collect(params, "header", arguments))
    auth = _auth_placeholder(record, notes)
    if auth is not None:
        headers.append(
            (
                auth.header,
                {"basic": "Basic REPLACE_BASIC_AUTH", "api_key": "REPLACE_KEY_VALUE"}.get(
                    auth.kind, "Bearer REPLACE_BEARER_TOKEN"
                ),
            )
        )
    template = HarRequest(
        method=record.method.upper(),
        url=base + path,
        headers=headers,
        query=list(_collect(params, "query", arguments)),
        cookies=list(_collect(params, "cookie", arguments)),
        notes=notes,
        auth=auth,
    )
    bodies = _payloads(record, arguments.get("body", UNDEFINED))
    if not bodies:
        return [template]
    requests = []
    for body in bodies:
        request = HarRequest(
            method=template.method,
            url=template.url,
            headers=[*template.headers, ("content-type", body.mime_type)],
            query=list(template.query),
            cookies=list(template.cookies),
            post_data=body,
            notes=list(notes),
            auth=auth,
        )
        requests.append(request)
    return requests


def base_url(record: OperationRecord, notes: list[str]) -> str:
    """openapi-snippet's first server URL; made absolute where it would not be a valid URI."""
    servers = record.servers or []
    if not servers:
        notes.append(f"the spec has no server: {PLACEHOLDER_HOST} stands for its host")
        return PLACEHOLDER_HOST
    server = servers[0]
    url = str(server.get("url", ""))
    if _is_absolute_uri(url):
        return url
    variables = server.get("variables") or {}
    substituted = substitute_server_variables(url, variables)
    if substituted != url:
        notes.append(f"server variables in {url} replaced by their defaults")
    if _is_absolute_uri(substituted):
        return substituted
    if substituted.startswith("//"):
        notes.append(f"protocol-relative server URL {url!r}: https assumed")
        return "https:" + substituted
    notes.append(f"relative server URL {url!r}: {PLACEHOLDER_HOST} stands for its host")
    return PLACEHOLDER_HOST + ("/" + substituted.lstrip("/") if substituted.strip("/") else "")


def substitute_server_variables(url: str, variables: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        spec = variables.get(match.group(1))
        if isinstance(spec, dict) and spec.get("default") is not None:
            return str(spec["default"])
        if isinstance(spec, dict) and spec.get("enum"):
            return str(spec["enum"][0])
        return match.group(0)

    return re.sub(r"\{([^{}]+)\}", value, url)


def _is_absolute_uri(url: str) -> bool:
    """What the HAR validator accepts as format "uri": a scheme, and no characters it rejects."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url):
        return False
    try:
        parsed = urlparse(url)
    except ValueError:  # "https://[not-an-address]"
        return False
    return bool(parsed.scheme) and "{" not in parsed.scheme


def _normalised_parameter(param: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    if "schema" not in param and isinstance(param.get("content"), dict) and param["content"]:
        media = next(iter(param["content"].values()))
        schema = media.get("schema", {}) if isinstance(media, dict) else {}
        notes.append(f"parameter {param.get('name')} uses 'content': its first schema is used")
        return {**param, "schema": schema}
    return param


def _placeholder_type(param: dict[str, Any]) -> str:
    schema: dict[str, Any] = param["schema"] if isinstance(param.get("schema"), dict) else {}
    kind = param.get("type") or schema.get("type")
    if isinstance(kind, list):
        kind = next((t for t in kind if t != "null"), kind[0] if kind else None)
    return str(kind or "object").upper()


def parameter_value(param: dict[str, Any], arguments: dict[str, Any]) -> Any:
    """openapi-snippet's order: caller's value, example, first of examples, schema example,
    parameter default, else a placeholder (`{name}` in paths, SOME_TYPE_VALUE elsewhere)."""
    name = param["name"]
    if name in arguments:
        return arguments[name]
    if "example" in param:
        return param["example"]
    examples = param.get("examples")
    if isinstance(examples, dict) and examples:
        first = next(iter(examples.values()))
        if isinstance(first, dict) and "value" in first:
            return first["value"]
    schema = param.get("schema")
    if isinstance(schema, dict) and "example" in schema:
        return schema["example"]
    if "default" in param:
        return param["default"]
    if param.get("in") == "path":
        return "{" + str(name) + "}"
    return f"SOME_{_placeholder_type(param)}_VALUE"


def _collect(
    params: list[dict[str, Any]], location: str, arguments: dict[str, Any]
) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for param in params:
        if str(param.get("in", "")).lower() != location:
            continue
        pairs.extend(serialise_parameter(param, parameter_value(param, arguments)))
    return pairs


def serialise_parameter(param: dict[str, Any], value: Any) -> list[tuple[str, str]]:
    """openapi-snippet's createHarParameterObjects: OpenAPI styles and explode."""
    name = str(param["name"])
    location = str(param.get("in", "")).lower()
    style = param.get("style")
    prefix = {"label": ".", "matrix": ";"}.get(style or "", "")
    param_id = f"{name}=" if style == "matrix" else ""
    if is_primitive(value):
        return [(name, prefix + param_id + js_string(value))]
    style = style or ("simple" if location in ("path", "header") else "form")
    explode = param.get("explode")
    if explode is None:
        explode = style == "form"
    if location in ("query", "cookie"):
        separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
        if isinstance(value, list):
            if explode:
                return [(name, js_string(v)) for v in value]
            return [(name, separator.join(js_string(v) for v in value))]
        if style == "deepObject":
            return [(f"{name}[{k}]", js_string(v)) for k, v in js_object_items(value)]
        if explode:
            return [(k, js_string(v)) for k, v in js_object_items(value)]
        return [(name, ",".join(f"{k},{js_string(v)}" for k, v in js_object_items(value)))]
    if location in ("path", "header"):
        separator = {"label": ".", "matrix": ";"}.get(style, ",")
        if isinstance(value, list):
            joiner = separator + param_id if explode else ","
            return [(name, prefix + param_id + joiner.join(js_string(v) for v in value))]
        pairs = js_object_items(value)
        if explode:
            return [(name, prefix + separator.join(f"{k}={js_string(v)}" for k, v in pairs))]
        return [(name, prefix + param_id + ",".join(f"{k},{js_string(v)}" for k, v in pairs))]
    return []


def _auth_placeholder(record: OperationRecord, notes: list[str]) -> AuthPlaceholder | None:
    """openapi-snippet's rule: of the first scheme of each requirement, basic beats an API key
    in a header beats OAuth2/bearer."""
    basic = api_key = bearer = None
    for requirement in record.security or []:
        if not isinstance(requirement, dict) or not requirement:
            if isinstance(requirement, dict):
                notes.append("an empty security requirement makes authentication optional")
            continue
        scheme_name = next(iter(requirement))
        definition = record.security_schemes.get(scheme_name)
        if not isinstance(definition, dict):
            notes.append(f"security scheme {scheme_name!r} is not defined: ignored")
            continue
        kind = str(definition.get("type", "")).lower()
        http_scheme = str(definition.get("scheme") or "").lower()
        if kind == "basic" or (kind == "http" and http_scheme == "basic"):
            basic = basic or AuthPlaceholder("basic", "Authorization", scheme_name)
        elif kind == "apikey":
            if definition.get("in") == "header" and not api_key:
                api_key = AuthPlaceholder("api_key", str(definition.get("name")), scheme_name)
        elif kind == "oauth2" or (kind == "http" and http_scheme == "bearer"):
            bearer = bearer or AuthPlaceholder("bearer", "Authorization", scheme_name)
    return basic or api_key or bearer


def _payloads(record: OperationRecord, body_argument: Any) -> list[PostData]:
    body = record.request_body
    if not body:
        return []
    content = body.get("content") or {}
    if body.get("x-apicall-swagger2") == "formData":
        return []  # openapi-snippet ignores Swagger 2 form parameters
    if body.get("x-apicall-swagger2") == "body":
        first: dict[str, Any] = next(iter(content.values()), {})
        schema = first.get("schema", {})
        value = _with_argument(sample_schema(schema), body_argument)
        return [PostData("application/json", json_stringify(value), value=value)]
    payloads = []
    for mime_type in BODY_TYPES:
        media = content.get(mime_type)
        if not isinstance(media, dict) or "schema" not in media:
            continue
        value = _with_argument(sample_schema(media["schema"]), body_argument)
        if mime_type == "application/json":
            payloads.append(PostData(mime_type, json_stringify(value), value=value))
        elif mime_type == "multipart/form-data":
            if value is UNDEFINED:
                continue
            params = [
                (str(k), v if isinstance(v, str) else json_stringify(v) or "")
                for k, v in _entries(value)
            ]
            payloads.append(PostData(mime_type, params=params, value=value))
        else:
            if value is UNDEFINED:
                continue
            params = [
                (
                    encode_uri_component(str(k)).replace("%20", "+"),
                    encode_uri_component(js_string(v)).replace("%20", "+"),
                )
                for k, v in _entries(value)
            ]
            payloads.append(PostData(mime_type, params=params, value=value))
    return payloads


def _entries(value: Any) -> list[tuple[str, Any]]:
    """Object.keys(value) with value[key], for any JavaScript value."""
    if isinstance(value, dict):
        return js_object_items(value)
    if isinstance(value, list):
        return [(str(i), v) for i, v in enumerate(value)]
    if isinstance(value, str):
        return [(str(i), ch) for i, ch in enumerate(value)]
    return []


def _with_argument(sampled: Any, argument: Any) -> Any:
    if argument is UNDEFINED:
        return sampled
    if isinstance(sampled, dict) and isinstance(argument, dict):
        return {**sampled, **argument}
    return argument
