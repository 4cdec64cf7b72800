"""What every idiomatic renderer reads: one request with its credential and body laid out."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from ...records import OperationRecord
from ..jsvalues import UNDEFINED, js_string
from ..request import AuthPlaceholder, HarRequest


@dataclass(frozen=True)
class Credential:
    """A credential read from the environment instead of an inline secret."""

    kind: str  # api_key | bearer | basic
    header: str
    env_var: str  # for basic: the username variable
    password_env_var: str = ""


@dataclass
class IdiomaticRequest:
    method: str
    url: str  # without the query string
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]  # without the credential header
    credential: Credential | None
    body_mime: str | None
    body_value: Any  # JSON value for JSON, dict for forms, UNDEFINED without a body
    body_text: str | None  # the body as sent (JSON or urlencoded text)
    notes: list[str] = field(default_factory=list)

    @property
    def url_with_query(self) -> str:
        if not self.query:
            return self.url
        return self.url + "?" + urlencode(self.query)

    @property
    def json_body(self) -> bool:
        return self.body_mime == "application/json"

    @property
    def form_fields(self) -> list[tuple[str, str]]:
        value = self.body_value
        if isinstance(value, dict):
            return [(str(k), _field_text(v)) for k, v in value.items() if v is not UNDEFINED]
        return []


@dataclass(frozen=True)
class Snippet:
    """Code split into the imports it needs and the statements themselves."""

    imports: list[str]
    body: str

    @property
    def text(self) -> str:
        if not self.imports:
            return self.body
        return "\n".join(self.imports) + "\n\n" + self.body


def env_var_prefix(record: OperationRecord) -> str:
    """`STRIPE` for stripe.com, `PETSTORE` for petstore.example.com, else from the API title."""
    source = record.api_provider or ""
    labels = [p for p in re.split(r"[.:]", source.lower()) if p]
    if len(labels) > 1:
        labels = labels[:-1]  # the top-level domain
    generic = {"api", "apis", "www", "com", "net", "org", "co", "example", "local", "localhost"}
    meaningful = [p for p in labels if p not in generic and not p.isdigit()]
    base = meaningful[-1] if "." in source and meaningful else record.api_name
    name = re.sub(r"[^A-Za-z0-9]+", "_", base).strip("_").upper()
    if not name:
        return "API"
    # Every target names the variable in code (process.env.X, ${X}): it must be an identifier.
    return f"API_{name}" if name[0].isdigit() else name


def credential_for(record: OperationRecord, auth: AuthPlaceholder | None) -> Credential | None:
    if auth is None:
        return None
    prefix = env_var_prefix(record)
    if auth.kind == "basic":
        return Credential("basic", "Authorization", f"{prefix}_USERNAME", f"{prefix}_PASSWORD")
    return Credential(auth.kind, auth.header, f"{prefix}_API_KEY")


def idiomatic_request(record: OperationRecord, har: HarRequest) -> IdiomaticRequest:
    credential = credential_for(record, har.auth)
    headers = [
        (name, value)
        for name, value in har.headers
        if not (credential and name == credential.header) and name.lower() != "content-type"
    ]
    if har.cookies:
        headers.append(("Cookie", "; ".join(f"{n}={v}" for n, v in har.cookies)))
    body_mime = har.post_data.mime_type if har.post_data else None
    body_value = har.post_data.value if har.post_data else UNDEFINED
    body_text: str | None = None
    if body_mime == "application/json":
        body_text = json.dumps(_plain(body_value), ensure_ascii=False, separators=(",", ":"))
    elif body_mime == "application/x-www-form-urlencoded" and isinstance(body_value, dict):
        body_text = urlencode([(str(k), _field_text(v)) for k, v in body_value.items()])
    elif body_mime == "multipart/form-data" and isinstance(body_value, dict):
        body_text = multipart_text(
            [(str(k), _field_text(v)) for k, v in body_value.items() if v is not UNDEFINED]
        )
    if body_mime == "multipart/form-data":
        headers.append(("Content-Type", f"multipart/form-data; boundary={MULTIPART_BOUNDARY}"))
    elif body_mime:
        headers.append(("Content-Type", body_mime))
    return IdiomaticRequest(
        method=har.method,
        url=har.url,
        query=list(har.query),
        headers=headers,
        credential=credential,
        body_mime=body_mime,
        body_value=_plain(body_value),
        body_text=body_text,
        notes=list(har.notes),
    )


MULTIPART_BOUNDARY = "apicall-7MA4YWxkTrZu0gW"


def multipart_text(fields: list[tuple[str, str]]) -> str:
    """A multipart/form-data body for languages whose standard client has no form builder."""
    parts = [
        f'--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n"
        for name, value in fields
    ]
    return "".join(parts) + f"--{MULTIPART_BOUNDARY}--\r\n"


def without_content_type(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """For clients that build multipart bodies themselves and set the boundary."""
    return [(n, v) for n, v in headers if n.lower() != "content-type"]


def _plain(value: Any) -> Any:
    """JSON-ready: JavaScript's undefined dropped from objects, null in arrays."""
    if value is UNDEFINED:
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if v is not UNDEFINED}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _field_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))
    return js_string(value)
