"""A peft LoRA written as a llama.cpp GGUF LoRA adapter (what `lora_path` loads).

llama.cpp's adapter format: general.type "adapter", adapter.type "lora", adapter.lora.alpha, and
for each adapted weight `blk.N.<name>.weight` the pair `...weight.lora_a` (rank x in) and
`...weight.lora_b` (out x rank), as peft keeps them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from apicall.index.errors import ApicallError

# transformers' module names -> llama.cpp's tensor names (llama architecture)
GGUF_NAMES = {
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
_PEFT_NAME = re.compile(r"layers\.(\d+)\.(.+)\.lora_([AB])\.weight$")


def gguf_tensors(state: dict[str, Any]) -> dict[str, Any]:
    """llama.cpp's names for a peft state dict's LoRA tensors (numpy float32)."""
    tensors = {}
    for name, tensor in state.items():
        match = _PEFT_NAME.search(name)
        if match is None:
            continue
        layer, module, side = match.groups()
        if module in ("self_attn.q_proj", "self_attn.k_proj"):
            raise ApicallError(
                f"{module}: q/k are permuted between transformers and GGUF; not exported"
            )
        if module not in GGUF_NAMES:
            raise ApicallError(f"no GGUF name for the adapted module {module}")
        tensors[f"blk.{layer}.{GGUF_NAMES[module]}.weight.lora_{side.lower()}"] = (
            tensor.detach().float().cpu().numpy()
        )
    if not tensors:
        raise ApicallError("the model holds no LoRA tensors to export")
    return tensors


def write_gguf_adapter(peft_model: Any, alpha: float, path: Path, name: str) -> Path:
    import gguf
    from peft import get_peft_model_state_dict

    tensors = gguf_tensors(get_peft_model_state_dict(peft_model))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    writer = gguf.GGUFWriter(str(tmp), arch="llama")
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_name(name)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(alpha))
    for tensor_name, array in sorted(tensors.items()):
        writer.add_tensor(tensor_name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.replace(path)
    return path
