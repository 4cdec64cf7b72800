"""One record per operation: the API Pack paper's "API DB" fields plus what rendering needs.

Swagger 2 documents are normalised to the OpenAPI 3 shape here (servers, request bodies,
security schemes), so that everything downstream reads one model.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlparse

from .refs import RefResolver

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_API_DESCRIPTION = 1000
MAX_DESCRIPTION = 2000


@dataclass
class OperationRecord:
    id: str
    api_name: str
    api_provider: str
    api_description: str
    api_version: str
    endpoint_name: str
    operation_id: str
    functionality: str
    description: str
    path: str
    method: str
    servers: list[dict[str, Any]]
    parameters: list[dict[str, Any]]
    request_body: dict[str, Any] | None
    request_content_types: list[str]
    security: list[dict[str, list[str]]] | None
    security_schemes: dict[str, Any]
    tags: list[str]
    deprecated: bool
    spec_key: str
    spec_hash: str
    spec_version: str
    embedding_text: str = ""
    search_text: str = ""
    param_names: str = ""  # parameter and top-level body property names, for ranking

    def to_row(self) -> dict[str, Any]:
        """A flat row for the index; nested fields are stored as JSON text."""
        row = asdict(self)
        for name in ("servers", "parameters", "request_body", "security", "security_schemes"):
            row[name] = json.dumps(row[name], separators=(",", ":"), ensure_ascii=False)
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> OperationRecord:
        values = {name: row[name] for name in cls.__dataclass_fields__ if name in row}
        for name in ("servers", "parameters", "request_body", "security", "security_schemes"):
            if isinstance(values.get(name), str):
                values[name] = json.loads(values[name])
        values["tags"] = list(values.get("tags") or [])
        return cls(**values)


@dataclass
class ExtractResult:
    records: list[OperationRecord]
    warnings: list[str] = field(default_factory=list)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def spec_version(doc: dict[str, Any]) -> str:
    if "openapi" in doc:
        return f"openapi {doc['openapi']}"
    return f"swagger {doc.get('swagger')}"


DEFAULT_BODY_BUDGET = 2500
DEFAULT_REF_DEPTH = 8


def extract_operations(
    doc: dict[str, Any],
    spec_key: str,
    spec_hash: str,
    body_budget: int = DEFAULT_BODY_BUDGET,
    max_ref_depth: int = DEFAULT_REF_DEPTH,
) -> ExtractResult:
    """Every operation of a parsed document as a record.

    `body_budget` caps the schema nodes inlined per request body and `max_ref_depth` the nested
    references followed, which keeps index rows small; rendering straight from a spec file can
    afford more of both.
    """
    resolver = RefResolver(doc, max_depth=max_ref_depth)
    info: dict[str, Any] = doc["info"] if isinstance(doc.get("info"), dict) else {}
    is_swagger2 = "swagger" in doc and "openapi" not in doc
    servers = _swagger2_servers(doc) if is_swagger2 else _oas3_servers(doc.get("servers"))
    api_name = _text(info.get("title")) or spec_key.rsplit("/", 1)[-1]
    provider = _text(info.get("x-providerName")) or _provider_from_servers(servers) or api_name
    api_description = _truncate(_text(info.get("description")), MAX_API_DESCRIPTION)
    schemes = _security_schemes(doc, is_swagger2, resolver)
    global_security = doc.get("security") if isinstance(doc.get("security"), list) else None
    version = spec_version(doc)

    records: list[OperationRecord] = []
    paths = doc.get("paths") or {}
    for path, raw_item in paths.items():
        if not isinstance(path, str) or not path.startswith("/"):
            continue
        item = resolver.shallow(raw_item)
        if not isinstance(item, dict):
            continue
        shared_params: list[Any] = (
            item["parameters"] if isinstance(item.get("parameters"), list) else []
        )
        item_servers = (
            _oas3_servers(item.get("servers")) if not is_swagger2 and item.get("servers") else None
        )
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            records.append(
                _record(
                    doc=doc,
                    op=op,
                    path=path,
                    method=method,
                    shared_params=shared_params,
                    servers=_oas3_servers(op.get("servers"))
                    if not is_swagger2 and op.get("servers")
                    else item_servers or servers,
                    resolver=resolver,
                    body_budget=body_budget,
                    is_swagger2=is_swagger2,
                    global_security=global_security,
                    schemes=schemes,
                    api_name=api_name,
                    provider=provider,
                    api_description=api_description,
                    api_version=_text(info.get("version")),
                    spec_key=spec_key,
                    spec_hash=spec_hash,
                    version=version,
                )
            )
    warnings = [f"remote $ref left unresolved: {ref}" for ref in sorted(resolver.remote_refs)]
    warnings += [f"$ref target not found: {ref}" for ref in sorted(resolver.missing_refs)]
    return ExtractResult(records, warnings)


def _record(
    *,
    doc: dict[str, Any],
    op: dict[str, Any],
    path: str,
    method: str,
    shared_params: list[Any],
    servers: list[dict[str, Any]],
    resolver: RefResolver,
    body_budget: int,
    is_swagger2: bool,
    global_security: list[Any] | None,
    schemes: dict[str, Any],
    api_name: str,
    provider: str,
    api_description: str,
    api_version: str,
    spec_key: str,
    spec_hash: str,
    version: str,
) -> OperationRecord:
    params = _merge_parameters(shared_params, op.get("parameters"), resolver)
    request_body: dict[str, Any] | None
    if is_swagger2:
        params, request_body = _swagger2_body(params, op, doc, resolver, body_budget)
        params = [_swagger2_parameter(p) for p in params]
    else:
        request_body = _oas3_body(op.get("requestBody"), resolver, body_budget)
    params = [_resolve_parameter(p, resolver) for p in params]
    security = op.get("security") if isinstance(op.get("security"), list) else global_security
    used = {name for req in security or [] if isinstance(req, dict) for name in req}
    operation_id = _text(op.get("operationId"))
    summary = _text(op.get("summary"))
    description = _truncate(_text(op.get("description")), MAX_DESCRIPTION)
    tags = [t for t in op.get("tags") or [] if isinstance(t, str)]
    record = OperationRecord(
        id=hashlib.sha1(f"{spec_key}\0{method}\0{path}".encode()).hexdigest(),
        api_name=api_name,
        api_provider=provider,
        api_description=api_description,
        api_version=api_version,
        endpoint_name=operation_id or endpoint_name_from(method, path),
        operation_id=operation_id,
        functionality=summary,
        description=description,
        path=path,
        method=method.upper(),
        servers=servers,
        parameters=params,
        request_body=request_body,
        request_content_types=list((request_body or {}).get("content", {}).keys()),
        security=security,
        security_schemes={name: schemes[name] for name in sorted(used) if name in schemes},
        tags=tags,
        deprecated=bool(op.get("deprecated")),
        spec_key=spec_key,
        spec_hash=spec_hash,
        spec_version=version,
    )
    record.param_names = param_names(record)
    record.embedding_text = embedding_text(record)
    record.search_text = search_text(record)
    return record


def _resolve_parameter(param: dict[str, Any], resolver: RefResolver) -> dict[str, Any]:
    resolved = dict(param)
    for key, budget in (("schema", 300), ("examples", 100), ("content", 300)):
        if key in resolved:
            resolved[key] = resolver.resolve(resolved[key], budget=budget)
    return resolved


def endpoint_name_from(method: str, path: str) -> str:
    """A stable name for an operation without operationId: `get_users_by_username_repos`."""
    parts = []
    for segment in path.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            parts.append("by_" + segment[1:-1])
        elif segment:
            parts.append(segment)
    name = "_".join([method.lower(), *parts]) if parts else method.lower() + "_root"
    return re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_")


@functools.lru_cache(maxsize=131072)
def humanise_identifier(identifier: str) -> str:
    """`repos/list-for-user` or `listForUser` -> `repos list for user`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", identifier)
    return re.sub(r"[^A-Za-z0-9]+", " ", spaced).strip().lower()


def embedding_text(record: OperationRecord) -> str:
    """The short text that is embedded: API, what it does, its id in words, and the endpoint."""
    what = (
        record.functionality
        or first_sentence(record.description)
        or humanise_identifier(record.endpoint_name)
    )
    named = humanise_identifier(record.operation_id)
    return f"{record.api_name}: {what}. {named}. {record.method} {record.path}"[:300]


_SKIPPED_PARAMETERS = {"authorization", "accept", "content-type", "user-agent"}


def param_names(record: OperationRecord, limit: int = 30) -> str:
    """Names of the operation's parameters and top-level body properties ("find the order by its
    tracking number" is the list with a `tracking_number` filter)."""
    names = [
        str(p.get("name", ""))
        for p in record.parameters
        if str(p.get("name", "")).lower() not in _SKIPPED_PARAMETERS
    ]
    body = record.request_body or {}
    for media in (body.get("content") or {}).values():
        schema = media.get("schema") if isinstance(media, dict) else None
        properties = schema.get("properties") if isinstance(schema, dict) else None
        if isinstance(properties, dict):
            names += [str(k) for k in properties]
            break
    unique = list(dict.fromkeys(n for n in names if n))
    return " ".join(unique[:limit])


def first_sentence(text: str, limit: int = 160) -> str:
    """The first sentence of a description, without markdown links or HTML tags."""
    plain = re.sub(r"<[^>]+>|\[([^\]]*)\]\([^)]*\)", r"\1", text).strip()
    sentence = re.split(r"(?<=[.!?])\s|\n", plain, maxsplit=1)[0].strip()
    return sentence[:limit]


def search_text(record: OperationRecord) -> str:
    """The text of the keyword index: names, ids and paths verbatim, plus their word forms."""
    pieces = [
        record.api_name,
        record.api_provider,
        record.functionality,
        record.operation_id,
        humanise_identifier(record.endpoint_name),
        record.method,
        record.path,
        humanise_identifier(record.path),
        " ".join(record.tags),
        record.param_names,
        humanise_identifier(record.param_names),
        record.description[:300],
    ]
    return " ".join(p for p in pieces if p)


def _merge_parameters(shared: list[Any], own: Any, resolver: RefResolver) -> list[dict[str, Any]]:
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*shared, *(own if isinstance(own, list) else [])]:
        param = resolver.shallow(raw)
        if not isinstance(param, dict) or "name" not in param or "in" not in param:
            continue
        merged[(str(param["in"]), str(param["name"]))] = dict(param)
    return list(merged.values())


def _oas3_body(raw: Any, resolver: RefResolver, budget: int) -> dict[str, Any] | None:
    body = resolver.shallow(raw)
    if not isinstance(body, dict) or not isinstance(body.get("content"), dict):
        return None
    content: dict[str, Any] = {}
    for media_type, media in body["content"].items():
        media = resolver.shallow(media) if isinstance(media, dict) else {}
        entry: dict[str, Any] = {}
        if isinstance(media, dict):
            if "schema" in media:
                entry["schema"] = resolver.resolve(media["schema"], budget=budget)
            if "example" in media:
                entry["example"] = media["example"]
            elif isinstance(media.get("examples"), dict):
                first = next(iter(media["examples"].values()), None)
                first = resolver.shallow(first)
                if isinstance(first, dict) and "value" in first:
                    entry["example"] = first["value"]
            if isinstance(media.get("encoding"), dict):
                entry["encoding"] = media["encoding"]
        content[str(media_type)] = entry
    return {
        "required": bool(body.get("required")),
        "description": _text(body.get("description")),
        "content": content,
    }


def _swagger2_body(
    params: list[dict[str, Any]],
    op: dict[str, Any],
    doc: dict[str, Any],
    resolver: RefResolver,
    budget: int,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    consumes = op.get("consumes") or doc.get("consumes") or []
    body_params = [p for p in params if p.get("in") == "body"]
    form_params = [p for p in params if p.get("in") == "formData"]
    rest = [p for p in params if p.get("in") not in ("body", "formData")]
    if body_params:
        body_schema = resolver.resolve(body_params[0].get("schema", {}), budget=budget)
        types = [c for c in consumes if isinstance(c, str)] or ["application/json"]
        return rest, {
            "required": bool(body_params[0].get("required")),
            "description": _text(body_params[0].get("description")),
            "content": {t: {"schema": body_schema} for t in types},
            "x-apicall-swagger2": "body",
        }
    if form_params:
        properties = {p["name"]: _swagger2_schema(p) for p in form_params}
        required = [p["name"] for p in form_params if p.get("required")]
        has_file = any(p.get("type") == "file" for p in form_params)
        default = "multipart/form-data" if has_file else "application/x-www-form-urlencoded"
        types = [c for c in consumes if "form" in str(c)] or [default]
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return rest, {
            "required": bool(required),
            "description": "",
            "content": {t: {"schema": schema} for t in types},
            "x-apicall-swagger2": "formData",
        }
    return rest, None


def _swagger2_schema(param: dict[str, Any]) -> dict[str, Any]:
    keys = ("type", "format", "items", "enum", "default", "minimum", "maximum", "pattern")
    schema = {k: param[k] for k in keys if k in param}
    if schema.get("type") == "file":
        schema = {"type": "string", "format": "binary"}
    return schema


def _swagger2_parameter(param: dict[str, Any]) -> dict[str, Any]:
    if "schema" in param:
        return param
    out = {
        k: v
        for k, v in param.items()
        if k in ("name", "in", "description", "required", "x-example", "example", "default")
    }
    out["schema"] = _swagger2_schema(param)
    fmt = param.get("collectionFormat")
    if fmt == "multi":
        out["style"], out["explode"] = "form", True
    elif fmt in ("csv", "ssv", "pipes", "tsv"):
        out["style"] = {"csv": "form", "ssv": "spaceDelimited", "pipes": "pipeDelimited"}.get(
            fmt, "form"
        )
        out["explode"] = False
    return out


def _oas3_servers(raw: Any) -> list[dict[str, Any]]:
    servers = []
    for server in raw if isinstance(raw, list) else []:
        if isinstance(server, dict) and isinstance(server.get("url"), str):
            entry: dict[str, Any] = {"url": server["url"]}
            if isinstance(server.get("variables"), dict):
                entry["variables"] = {
                    str(name): {
                        k: v for k, v in var.items() if k in ("default", "enum", "description")
                    }
                    for name, var in server["variables"].items()
                    if isinstance(var, dict)
                }
            if server.get("description"):
                entry["description"] = _text(server["description"])
            servers.append(entry)
    return servers


def _swagger2_servers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    host = doc.get("host")
    base = doc.get("basePath") or ""
    base = "" if base == "/" else base
    if not isinstance(host, str) or not host:
        return [{"url": base or "/"}]
    schemes = [s for s in doc.get("schemes") or [] if s in ("http", "https", "ws", "wss")]
    return [{"url": f"{scheme}://{host}{base}"} for scheme in schemes or ["http"]]


def _security_schemes(
    doc: dict[str, Any], is_swagger2: bool, resolver: RefResolver
) -> dict[str, Any]:
    if is_swagger2:
        raw = doc.get("securityDefinitions") or {}
    else:
        components: dict[str, Any] = (
            doc["components"] if isinstance(doc.get("components"), dict) else {}
        )
        raw = components.get("securitySchemes") or {}
    schemes: dict[str, Any] = {}
    for name, scheme in raw.items() if isinstance(raw, dict) else []:
        scheme = resolver.shallow(scheme)
        if not isinstance(scheme, dict):
            continue
        kept = {
            k: v
            for k, v in scheme.items()
            if k in ("type", "scheme", "in", "name", "bearerFormat", "flow", "openIdConnectUrl")
        }
        if is_swagger2 and kept.get("type") == "basic":
            kept = {"type": "http", "scheme": "basic"}
        schemes[str(name)] = kept
    return schemes


def _provider_from_servers(servers: list[dict[str, Any]]) -> str:
    for server in servers:
        try:
            host = urlparse(server["url"]).hostname
        except ValueError:  # "https://[not-an-address]/"
            continue
        if host:
            return host
    return ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
