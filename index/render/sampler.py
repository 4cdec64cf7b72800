"""Example values sampled from JSON schemas, following openapi-sampler 1.7.9 (skipReadOnly).

Schemas here are already resolved by `index.refs`; a reference that was cut (cycle, depth or size)
is a marker and samples like openapi-sampler's circular case: {} for objects, [] for arrays.
"""

from __future__ import annotations

from typing import Any

from ..refs import UNRESOLVED, UNRESOLVED_TYPE, infer_schema_type
from .jsvalues import UNDEFINED

MAX_SAMPLE_DEPTH = 15
_SKIP: Any = object()


class Sample:
    """A sampled value and what openapi-sampler keeps beside it (a slotted class: one per node)."""

    __slots__ = ("read_only", "type", "value", "write_only")

    def __init__(
        self,
        value: Any,
        read_only: bool = False,
        write_only: bool = False,
        type: str | None = None,
    ) -> None:
        self.value = value
        self.read_only = read_only
        self.write_only = write_only
        self.type = type


def sample_schema(schema: Any) -> Any:
    """The example value of a schema (UNDEFINED where openapi-sampler gives undefined)."""
    if not isinstance(schema, dict):
        return UNDEFINED
    return _traverse(schema, None).value


class _Context:
    """Where in the schema the sampler is (a plain class: made once per schema node)."""

    __slots__ = ("all_of_child", "depth", "property_name")

    def __init__(
        self, depth: int = 1, property_name: str | None = None, all_of_child: bool = False
    ) -> None:
        self.depth = depth
        self.property_name = property_name
        self.all_of_child = all_of_child


def _circular(kind: str | None) -> Sample:
    return Sample({} if kind == "object" else [] if kind == "array" else UNDEFINED)


def _infer_example(schema: dict[str, Any]) -> Any:
    if "const" in schema:
        return schema["const"]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    if "default" in schema:
        return schema["default"]
    return UNDEFINED


def _try_infer(schema: dict[str, Any]) -> Sample | None:
    example = _infer_example(schema)
    if example is UNDEFINED:
        return None
    return Sample(example, bool(schema.get("readOnly")), bool(schema.get("writeOnly")), None)


def _traverse(schema: dict[str, Any], context: _Context | None) -> Sample:
    if context is not None and context.depth > MAX_SAMPLE_DEPTH:
        return _circular(infer_schema_type(schema))
    if UNRESOLVED in schema:
        return _circular(schema.get(UNRESOLVED_TYPE))
    read_only, write_only = bool(schema.get("readOnly")), bool(schema.get("writeOnly"))
    if "example" in schema:
        return Sample(schema["example"], read_only, write_only, _type_of(schema))
    if isinstance(schema.get("allOf"), list):
        inferred = _try_infer(schema)
        if inferred is not None:
            return inferred
        into = {k: v for k, v in schema.items() if k != "allOf"}
        return _all_of(into, schema["allOf"], context)
    for combinator in ("oneOf", "anyOf"):
        options = schema.get(combinator)
        if isinstance(options, list) and options and isinstance(options[0], dict):
            if combinator == "anyOf" and isinstance(schema.get("oneOf"), list):
                break
            inferred = _try_infer(schema)
            if inferred is not None:
                return inferred
            first = {"readOnly": schema.get("readOnly"), "writeOnly": schema.get("writeOnly")}
            first = {k: v for k, v in first.items() if v is not None}
            first.update(options[0])
            local = _traverse(
                {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}, context
            )
            chosen = _traverse(first, context)
            if isinstance(local.value, (dict, list)) and isinstance(chosen.value, (dict, list)):
                chosen.value = _merge_deep(local.value, chosen.value)
            return chosen
    if isinstance(schema.get("if"), dict) and isinstance(schema.get("then"), dict):
        rest = {k: v for k, v in schema.items() if k not in ("if", "then")}
        return _traverse(_merge_deep(rest, schema["if"], schema["then"]), context)

    example = _infer_example(schema)
    kind: str | None = None
    if example is UNDEFINED:
        example = None
        kind = _type_of(schema) or infer_schema_type(schema)
        sampler = _SAMPLERS.get(kind or "")
        if sampler is not None:
            example = sampler(schema, context)
    return Sample(example, read_only, write_only, kind)


def _type_of(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        return str(kind[0]) if kind else None
    return kind if isinstance(kind, str) else None


def _all_of(into: dict[str, Any], children: list[Any], context: _Context | None) -> Sample:
    result = _traverse(into, None)
    sub_samples = []
    for child in children:
        if not isinstance(child, dict):
            continue
        child_schema = child if "$ref" in child else {"type": result.type, **child}
        if child_schema.get("type") is None and "type" not in child:
            child_schema.pop("type", None)
        child_context = _Context(
            depth=context.depth if context else 1,
            property_name=context.property_name if context else None,
            all_of_child=True,
        )
        sample = _traverse(child_schema, child_context)
        if result.type and sample.type and sample.type != result.type:
            result.type = sample.type
        result.type = result.type or sample.type
        result.read_only = result.read_only or sample.read_only
        result.write_only = result.write_only or sample.write_only
        if sample.value is not None and sample.value is not UNDEFINED:
            sub_samples.append(sample.value)
    if result.type == "object":
        base = result.value if isinstance(result.value, dict) else {}
        merged = _merge_deep(base, *[s for s in sub_samples if isinstance(s, (dict, list))])
        if isinstance(merged, dict):
            merged = {k: v for k, v in merged.items() if v is not _SKIP}
        result.value = merged
        return result
    if sub_samples:
        result.value = sub_samples[-1]
    return result


def _merge_deep(*objects: Any) -> Any:
    result: Any = [] if isinstance(objects[-1], list) else {}
    for obj in objects:
        items = enumerate(obj) if isinstance(obj, list) else (obj or {}).items()
        for key, value in items:
            key = str(key) if isinstance(result, dict) else key
            previous = _get(result, key)
            if isinstance(previous, (dict, list)) and previous and isinstance(value, (dict, list)):
                _set(result, key, _merge_deep(previous, value))
            else:
                _set(result, key, value)
    return result


def _get(container: Any, key: Any) -> Any:
    if isinstance(container, dict):
        return container.get(key)
    if isinstance(container, list) and isinstance(key, int) and key < len(container):
        return container[key]
    return None


def _set(container: Any, key: Any, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
    elif isinstance(key, int):
        while len(container) <= key:
            container.append(UNDEFINED)
        container[key] = value


def _sample_object(schema: dict[str, Any], context: _Context | None) -> Any:
    result: dict[str, Any] = {}
    depth = context.depth if context else 1
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, prop in properties.items():
            if not isinstance(prop, dict):
                continue
            sample = _traverse(prop, _Context(depth=depth + 1, property_name=name))
            if sample.read_only:
                if context is not None and context.all_of_child:
                    result[name] = _SKIP
                continue
            result[name] = sample.value
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        name = str(extra.get("x-additionalPropertiesName", "property"))
        result[f"{name}1"] = _traverse(extra, _Context(depth=depth + 1)).value
        result[f"{name}2"] = _traverse(extra, _Context(depth=depth + 1)).value
    max_props = schema.get("maxProperties")
    if isinstance(properties, dict) and isinstance(max_props, int) and len(result) > max_props:
        required = [r for r in schema.get("required") or [] if r in result]
        kept = {r: result[r] for r in required}
        for key, value in result.items():
            if len(kept) < max_props and key not in kept:
                kept[key] = value
        result = kept
    return result


def _sample_array(schema: dict[str, Any], context: _Context | None) -> Any:
    depth = context.depth if context else 1
    max_items = schema.get("maxItems")
    min_items = schema.get("minItems") or 1
    length = min(max_items if isinstance(max_items, int) else 10**9, min_items)
    items = schema.get("prefixItems") or schema.get("items") or schema.get("contains")
    if isinstance(items, list):
        length = max(length, len(items))
    if not items:
        return []
    out = []
    for index in range(length):
        if isinstance(items, list):
            item = items[index] if index < len(items) else {}
        else:
            item = items
        out.append(
            _traverse(item if isinstance(item, dict) else {}, _Context(depth=depth + 1)).value
        )
    return out


def _sample_number(schema: dict[str, Any], context: _Context | None) -> Any:
    result: Any = 0
    if schema.get("type") == "number" and schema.get("format") in ("float", "double"):
        result = 0.1
    minimum: Any = schema.get("minimum")
    maximum: Any = schema.get("maximum")
    ex_min: Any = schema.get("exclusiveMinimum")
    ex_max: Any = schema.get("exclusiveMaximum")
    finite = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
    if isinstance(ex_min, bool) or isinstance(ex_max, bool):
        if finite(maximum) and finite(minimum):
            result = (int(minimum // 1) + 1) if ex_min else minimum
            if (ex_max and result >= maximum) or (not ex_max and result > maximum):
                result = (maximum + minimum) / 2
            return result
        if finite(minimum):
            return int(minimum // 1) + 1 if ex_min else minimum
        if finite(maximum):
            if ex_max:
                return 0 if maximum > 0 else int(maximum // 1) - 1
            return 0 if maximum > 0 else maximum
    else:
        if finite(minimum):
            return minimum
        if finite(ex_min):
            result = int(ex_min // 1) + 1
            if result == ex_max:
                result = (result + int(ex_max // 1) - 1) / 2
        elif finite(ex_max):
            result = int(ex_max // 1) - 1
        elif finite(maximum):
            result = maximum
    return result


def _sample_boolean(schema: dict[str, Any], context: _Context | None) -> Any:
    return True


_STRING_FORMATS = {
    "email": "user@example.com",
    "idn-email": "пошта@укр.нет",
    "date-time": "2019-08-24T14:15:22Z",
    "date": "2019-08-24",
    "time": "14:15:22Z",
    "ipv4": "192.168.0.1",
    "ipv6": "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
    "hostname": "example.com",
    "idn-hostname": "приклад.укр",
    "iri": "http://example.com/entity/1",
    "iri-reference": "/entity/1",
    "uri": "http://example.com",
    "uri-reference": "../dictionary",
    "uri-template": "http://example.com/{endpoint}",
    "json-pointer": "/json/pointer",
    "relative-json-pointer": "1/relative/json/pointer",
    "regex": "/regex/",
}


def _sample_string(schema: dict[str, Any], context: _Context | None) -> Any:
    fmt = schema.get("format") or "default"
    min_length = schema.get("minLength") or 0
    max_length = schema.get("maxLength")
    if fmt in _STRING_FORMATS:
        return _STRING_FORMATS[fmt]
    if fmt == "password":
        value = "pa$$word"
        if isinstance(min_length, int) and min_length > len(value):
            value += (
                "_"
                + _ensure_min_length("qwerty!@#$%^123456", min_length - len(value) - 1)[
                    : min_length - len(value) - 1
                ]
            )
        return value
    if fmt == "uuid":
        return _uuid(context.property_name if context and context.property_name else "id")
    value = _ensure_min_length("string", min_length if isinstance(min_length, int) else 0)
    if isinstance(max_length, int) and max_length and len(value) > max_length:
        value = value[:max_length]
    return value


def _ensure_min_length(sample: str, minimum: int) -> str:
    if minimum > len(sample):
        return (sample * (minimum // len(sample) + 1))[:minimum]
    return sample


def _to_int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - 0x100000000 if value & 0x80000000 else value


def _uuid(text: str) -> str:
    """openapi-sampler's deterministic uuid: a jsf32 generator seeded with a string hash."""
    seed = 0
    for char in text:
        seed = _to_int32((seed << 5) - seed + ord(char))
    a = b = c = d = seed

    def random() -> float:
        nonlocal a, b, c, d
        t = _to_int32(a - _to_int32((b << 27) | ((b & 0xFFFFFFFF) >> 5)))
        a = b ^ _to_int32((c << 17) | ((c & 0xFFFFFFFF) >> 15))
        b = _to_int32(c + d)
        c = _to_int32(d + t)
        d = _to_int32(a + t)
        return (d & 0xFFFFFFFF) / 4294967296

    out = []
    for ch in "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx":
        if ch in "xy":
            r = int((random() * 16) % 16)
            out.append(format(r if ch == "x" else (r & 0x3 | 0x8), "x"))
        else:
            out.append(ch)
    return "".join(out)


_SAMPLERS = {
    "array": _sample_array,
    "boolean": _sample_boolean,
    "integer": _sample_number,
    "number": _sample_number,
    "object": _sample_object,
    "string": _sample_string,
}
