"""A LoRA adapter file checked before llama.cpp sees it: llama.cpp trusts the file it is given,
and a truncated or foreign one can crash the process instead of raising an error.

Reads the GGUF header (version, key-value pairs, tensor infos) with bounds checks, requires
general.type "adapter" and adapter.type "lora", and that every tensor's data lies inside the
file. Tensor types are limited to the float ones an adapter is written in."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any, BinaryIO

from .errors import ModelUnavailable

# GGUF value types: sizes of the fixed-width ones
_SCALARS = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
_STRING, _ARRAY = 8, 9
_TENSOR_BYTES = {0: 4.0, 1: 2.0, 30: 2.0}  # f32, f16, bf16 (bytes per element)
MAX_ITEMS = 1_000_000


class _Reader:
    def __init__(self, handle: BinaryIO, size: int):
        self.handle, self.size = handle, size

    def take(self, fmt: str) -> Any:
        width = struct.calcsize(fmt)
        data = self.handle.read(width)
        if len(data) != width:
            raise ValueError("the file ends inside its header")
        return struct.unpack(fmt, data)[0]

    def string(self) -> str:
        length = self.take("<Q")
        if length > self.size:
            raise ValueError("a string longer than the file")
        return self.handle.read(length).decode("utf-8", "replace")

    def value(self, kind: int) -> Any:
        if kind in _SCALARS:
            return self.take(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item_kind, count = self.take("<I"), self.take("<Q")
            if count > MAX_ITEMS:
                raise ValueError("an array too long for an adapter")
            return [self.value(item_kind) for _ in range(count)]
        raise ValueError(f"unknown value type {kind}")


def check_adapter(path: Path) -> None:
    """Nothing when `path` is a complete GGUF LoRA adapter; else ModelUnavailable saying why."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            reader = _Reader(handle, size)
            if handle.read(4) != b"GGUF":
                raise ValueError("not a GGUF file")
            if reader.take("<I") not in (2, 3):
                raise ValueError("an unknown GGUF version")
            tensors, pairs = reader.take("<Q"), reader.take("<Q")
            if tensors > MAX_ITEMS or pairs > MAX_ITEMS:
                raise ValueError("implausible tensor or key counts")
            meta = {reader.string(): reader.value(reader.take("<I")) for _ in range(pairs)}
            if meta.get("general.type") != "adapter" or meta.get("adapter.type") != "lora":
                raise ValueError("not a LoRA adapter (general.type / adapter.type)")
            ends = []
            for _ in range(tensors):
                reader.string()
                dims = [reader.take("<Q") for _ in range(reader.take("<I"))]
                kind, offset = reader.take("<I"), reader.take("<Q")
                if kind not in _TENSOR_BYTES:
                    raise ValueError(f"tensor type {kind} is not one an adapter is written in")
                elements = 1
                for dim in dims:
                    elements *= dim
                ends.append(offset + int(elements * _TENSOR_BYTES[kind]))
            alignment = int(meta.get("general.alignment", 32))
            start = -(-handle.tell() // alignment) * alignment
            if start + max(ends, default=0) > size:
                raise ValueError("the file is shorter than its tensors")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise ModelUnavailable(f"LoRA adapter {path} unusable ({exc})") from None
