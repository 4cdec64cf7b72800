"""Validation with openapi-spec-validator, offline: a remote `$ref` is reported, never fetched."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
)

MAX_ERRORS = 20


class RemoteRefRefused(Exception):
    pass


def _refuse(uri: str) -> Any:
    raise RemoteRefRefused(f"remote $ref not fetched (offline): {uri}")


_OFFLINE_HANDLERS: Any = {scheme: _refuse for scheme in ("<all_urls>", "http", "https", "file")}


class _OfflineV2(OpenAPIV2SpecValidator):
    resolver_handlers = _OFFLINE_HANDLERS


class _OfflineV30(OpenAPIV30SpecValidator):
    resolver_handlers = _OFFLINE_HANDLERS


class _OfflineV31(OpenAPIV31SpecValidator):
    resolver_handlers = _OFFLINE_HANDLERS


def validate_document(doc: dict[str, Any], max_errors: int = MAX_ERRORS) -> list[str]:
    """One line per validation error (at most `max_errors`); empty when the spec is valid."""
    version = str(doc.get("openapi") or doc.get("swagger") or "")
    validator_cls: type
    if version.startswith("2"):
        validator_cls = _OfflineV2
    elif version.startswith("3.0"):
        validator_cls = _OfflineV30
    elif version.startswith("3.1"):
        validator_cls = _OfflineV31
    else:
        return [f"unsupported OpenAPI version {version!r}"]
    errors: list[str] = []
    try:
        for error in validator_cls(doc).iter_errors():
            where = "/".join(str(p) for p in getattr(error, "path", ()) or ())
            message = str(getattr(error, "message", error)).splitlines()[0][:300]
            errors.append(f"{where}: {message}" if where else message)
            if len(errors) >= max_errors:
                errors.append("(more errors not shown)")
                break
    except RemoteRefRefused as exc:
        errors.append(str(exc))
    except RecursionError:
        errors.append("validation stopped: references nest too deeply")
    except Exception as exc:  # the validator itself failing must not lose the spec
        errors.append(f"validation stopped: {type(exc).__name__}: {str(exc)[:200]}")
    return errors
