"""The fine-tuning pipeline on toy data, with the real parts: the bundled GGUF dequantized into
transformers, a few LoRA steps with peft, the GGUF adapter export, llama.cpp loading it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from apicall.index.control import RequestControl
from apicall.index.learning.data import Comment, Operation, TrainingData
from apicall.model_runtime.choose import choose_candidate
from apicall.model_runtime.config import ModelConfig, bundled_model_path
from apicall.model_runtime.freegen import generate_call
from apicall.model_runtime.generation import complete
from apicall.model_runtime.prompts import choice_messages, paper_prompt
from apicall.model_runtime.runtime import ModelRuntime
from apicall.model_runtime.training.adapter import write_gguf_adapter
from apicall.model_runtime.training.lora import LoraRecipe, load_base, train_lora
from apicall.model_runtime.training.tasks import TaskItem, fill_items

from tests.conftest import FIXTURES, SPECS
from tests.test_cli import apicall

LINES = [
    "GET /pets: List pets (Petstore)",
    "POST /pets: Add a pet (Petstore)",
    "DELETE /pets/{id}: Remove a pet (Petstore)",
]
COMMENT = "frobnicate the zebra"


def choice_of(lora: Path | None) -> tuple[int, list[float], str | None]:
    config = ModelConfig(lora_path=lora, base_only=lora is None, request_timeout_s=60)
    runtime = ModelRuntime(config)
    runtime.start_loading()
    runtime.wait_ready(120)
    try:
        choice = choose_candidate(runtime, COMMENT, LINES)
        return choice.index, choice.probabilities, runtime.adapter_error
    finally:
        runtime.close()


@pytest.fixture(scope="module")
def adapter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few LoRA steps that teach one answer ("3") to one choice prompt, exported as GGUF."""
    model, tokenizer = load_base(bundled_model_path())
    items = [TaskItem("choose", COMMENT, choice_messages(COMMENT, LINES), "3")] * 8
    trained = train_lora(
        model, tokenizer, items, LoraRecipe(epochs=2, batch_size=4, learning_rate=1e-3)
    )
    assert trained.losses[-1] < trained.losses[0]
    path = tmp_path_factory.mktemp("lora") / "toy.gguf"
    return write_gguf_adapter(trained.model, trained.recipe.alpha, path, "toy")


@pytest.mark.slow
def test_llama_cpp_loads_the_exported_adapter_and_answers_as_trained(adapter):
    assert adapter.read_bytes()[:4] == b"GGUF"
    _, base, _ = choice_of(None)
    tuned_index, tuned, error = choice_of(adapter)
    assert error is None
    assert tuned[2] > base[2] and tuned[2] > 0.5, (base, tuned)
    assert tuned_index == 2


@pytest.mark.slow
def test_the_adapter_applies_per_request_and_free_generation_runs_the_base_model(adapter):
    """One loaded model serves every request: choosing and filling use the adapter, free
    generation (which it was not trained for) gets the base model's exact output."""
    prompt = paper_prompt("list the pets of the store", "python", "Petstore", [])

    def generated(runtime: ModelRuntime, on: bool) -> str:
        work = lambda llm, control: complete(llm, prompt, control, max_tokens=24)  # noqa: E731
        return runtime.run(work, RequestControl.with_budget(60), adapter=on).text

    base = ModelRuntime(ModelConfig(base_only=True, request_timeout_s=60))
    tuned = ModelRuntime(ModelConfig(lora_path=adapter, request_timeout_s=60))
    try:
        expected = generated(base, True)
        assert generated(tuned, True) != expected  # the adapter is loaded and changes answers
        assert generated(tuned, False) == expected
        assert choose_candidate(tuned, COMMENT, LINES).index == 2  # on again: as trained
        assert generate_call(tuned, "list the pets of the store", "python", "Petstore").code
        assert generated(tuned, False) == expected
    finally:
        base.close()
        tuned.close()


@pytest.mark.slow
def test_a_missing_or_corrupt_adapter_leaves_the_base_model_working(adapter, tmp_path):
    # llama.cpp trusts an adapter file: a truncated one would crash the process, not raise.
    corrupt, truncated = tmp_path / "corrupt.gguf", tmp_path / "truncated.gguf"
    corrupt.write_bytes(b"GGUF" + b"\0" * 64)
    whole = adapter.read_bytes()
    truncated.write_bytes(whole[: len(whole) // 2])
    cases = [
        (tmp_path / "missing.gguf", "not found"),
        (corrupt, "unusable"),
        (truncated, "shorter"),
    ]
    for lora, reason in cases:
        index, probabilities, error = choice_of(lora)
        assert error is not None and reason in error and "running the base model" in error
        assert "\n" not in error
        assert 0 <= index < len(LINES) or index == -1
        assert abs(sum(probabilities) - 1.0) < 1e-6


def test_fill_items_ask_about_the_selected_fields_and_answer_every_stated_value():
    operation = Operation(
        "w1",
        "weather.json",
        "Weather",
        "GET",
        "/forecast",
        "getForecast",
        "Forecast for a city",
        "",
        params=(
            {"name": "days", "in": "query", "type": "integer"},
            {"name": "city", "in": "query", "type": "string"},
        ),
        split="train",
    )
    comment = Comment("w1", "forecast for Oslo, days 3", False, {"days": 3, "city": "Oslo"})
    data = TrainingData({"w1": operation}, [comment], [])
    (scored,) = fill_items(data, [comment])
    assert {f.name for f in scored.fields} == {"days", "city"}
    assert json.loads(scored.answer) == {"days": 3, "city": "Oslo"}
    assert "days (integer, query)" in scored.messages[-1]["content"]


@pytest.mark.slow
def test_train_model_runs_end_to_end_on_toy_data(tmp_path):
    index, artifacts, docs = tmp_path / "index", tmp_path / "artifacts", tmp_path / "docs"
    docs.mkdir()
    assert apicall("index", "add", "--quiet", "--index", str(index), str(SPECS)).returncode == 0
    done = apicall(
        "train",
        "--model",
        "--index",
        str(index),
        "--data",
        str(FIXTURES / "training"),
        "--artifacts",
        str(artifacts),
        "--docs",
        str(docs),
        "--model-choose",
        "6",
        "--model-fill",
        "6",
        "--model-dev-choose",
        "4",
        "--model-dev-fill",
        "4",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "LoRA" in done.stderr  # the progress bar
    manifest = json.loads((artifacts / "lora.json").read_text())
    assert manifest["training"]["steps"] >= 1 and manifest["training"]["tokens"] > 0
    for side in ("dev_base", "dev_fine_tuned"):
        assert manifest[side]["choose"]["items"] == 4
    assert (artifacts / "apicall-lora.gguf").read_bytes()[:4] == b"GGUF"
    # The toy set's dev states no value, so its fill items are none: the latency is only named.
    assert {"inserted_p50_ms", "inserted_p95_ms"} <= set(manifest["dev_fine_tuned"]["fill"])
    written = (docs / "TRAINING.md").read_text()
    assert "## The fine-tuned model" in written and "fill, inserted: p50 ms" in written
    assert (docs / "training-lora.png").stat().st_size > 0


def test_the_shipped_adapter_is_used_by_default_and_can_be_turned_off(monkeypatch):
    monkeypatch.delenv("APICALL_LORA", raising=False)
    monkeypatch.delenv("APICALL_MODEL", raising=False)
    shipped = ModelConfig().resolved_lora_path()
    assert shipped is not None and shipped.name == "apicall-lora.gguf" and shipped.is_file()
    assert ModelConfig(base_only=True).resolved_lora_path() is None
    monkeypatch.setenv("APICALL_LORA", "none")
    assert ModelConfig().resolved_lora_path() is None
    # Trained on the bundled model only: another model gets no adapter by default.
    monkeypatch.delenv("APICALL_LORA")
    monkeypatch.setenv("APICALL_MODEL", "/models/other.gguf")
    assert ModelConfig().resolved_lora_path() is None
