"""The model runtime with the real default model (SmolLM2-135M Q4_1 through llama.cpp)."""

from __future__ import annotations

import asyncio
import threading
import time

import jsonschema
import pytest
from apicall.index.arguments import (
    fill_arguments,
    fill_schema,
    fillable_fields,
    to_render_arguments,
)
from apicall.index.control import RequestControl
from apicall.index.loader import parse_spec_bytes
from apicall.index.model_port import Example
from apicall.index.records import extract_operations
from apicall.model_runtime.call_model import LlamaCallModel
from apicall.model_runtime.choose import choose_candidate
from apicall.model_runtime.config import ModelConfig, bundled_model_path
from apicall.model_runtime.errors import ModelUnavailable
from apicall.model_runtime.freegen import generate_call
from apicall.model_runtime.generation import complete
from apicall.model_runtime.prompts import paper_prompt
from apicall.model_runtime.runtime import ModelRuntime, ModelState

from tests.conftest import SPECS


@pytest.fixture(scope="module")
def runtime():
    rt = ModelRuntime(ModelConfig(request_timeout_s=60))
    rt.start_loading()
    yield rt
    rt.close()


def records(name: str):
    doc = parse_spec_bytes((SPECS / name).read_bytes(), name)
    return {
        r.operation_id or r.endpoint_name: r for r in extract_operations(doc, name, "h").records
    }


def test_the_default_model_loads_in_the_background(runtime):
    assert bundled_model_path().is_file()
    runtime.wait_ready(timeout=120)
    assert runtime.state is ModelState.READY
    assert runtime.load_info is not None and runtime.load_info.size_bytes > 50_000_000
    assert runtime.load_info.n_gpu_layers == 0  # this machine has no GPU offload


def test_a_missing_model_file_is_a_clear_error(tmp_path):
    rt = ModelRuntime(ModelConfig(model_path=tmp_path / "nope.gguf"))
    with pytest.raises(ModelUnavailable, match=r"model file not found: .*nope\.gguf"):
        rt.wait_ready(timeout=30)
    assert rt.state is ModelState.FAILED
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a model at all")
    rt2 = ModelRuntime(ModelConfig(model_path=broken))
    with pytest.raises(ModelUnavailable, match="not a GGUF model file"):
        rt2.wait_ready(timeout=30)
    # Rendering still works without any model.
    record = records("bookshop_v30.yaml")["listBooks"]
    assert fill_arguments(None, record, "list 7 books with limit 7").arguments == {"limit": 7}


def test_free_generation_with_the_papers_prompt(runtime):
    examples = [Example("List the books", "curl --request GET --url https://shop.example/books")]
    prompt = paper_prompt("Add a book", "shell_curl", "Bookshop API", examples)
    assert "Given the following examples:" in prompt and "Your actual task:" in prompt
    assert prompt.rstrip().endswith("**output**")
    generated = generate_call(
        runtime, "Add a book", "shell_curl", "Bookshop API", examples, max_tokens=48
    )
    assert generated.completion.completion_tokens > 0
    assert generated.code
    assert generated.completion.finish_reason in ("stop", "length")


def test_argument_filling_puts_stated_values_in_the_right_parameters(runtime):
    books = records("bookshop_v30.yaml")
    listing = fill_arguments(LlamaCallModel(runtime), books["listBooks"], "list the books, limit 5")
    assert listing.arguments == {"limit": 5}
    removal = fill_arguments(
        LlamaCallModel(runtime),
        books["delete_books_by_isbn"],
        "remove the book with isbn 978-0441013593",
    )
    assert removal.arguments == {"isbn": "978-0441013593"}
    created = fill_arguments(
        LlamaCallModel(runtime), books["createBook"], "add the book titled 'Dune' to the shop"
    )
    assert created.arguments.get("title") == "Dune"
    # Unstated values stay out (and so stay placeholders); everything validates.
    assert "published" not in created.arguments
    for result, record in ((listing, books["listBooks"]), (created, books["createBook"])):
        jsonschema.validate(result.arguments, fill_schema(fillable_fields(record)))
    assert to_render_arguments(books["createBook"], created.arguments) == {
        "body": {"title": "Dune"}
    }


def test_a_bare_lowercase_value_lands_and_a_little_word_does_not(runtime):
    forecast = records("weather_v31.yaml")["getForecast"]
    said = fill_arguments(LlamaCallModel(runtime), forecast, "weather forecast for city oslo")
    assert said.arguments == {"city": "oslo"} and said.sources == {"city": "comment"}
    # "city in 3 days": "in" is no city, and 3 is said of the days, not of the city.
    later = fill_arguments(LlamaCallModel(runtime), forecast, "the forecast for the city in 3 days")
    assert "city" not in later.arguments


def test_model_values_not_in_the_comment_are_dropped(runtime):
    pets = records("petstore_v2.json")
    # No literal value in the comment: the model is not even asked.
    result = fill_arguments(
        LlamaCallModel(runtime), pets["getPetById"], "fetch the pet for the shop front page"
    )
    assert result.arguments == {} and not result.model_used
    # "Rex" makes the model run, but petId is an integer the comment does not state.
    result = fill_arguments(
        LlamaCallModel(runtime), pets["getPetById"], "fetch the pet Rex for the front page"
    )
    assert result.model_used
    assert result.arguments == {}


def test_credentials_are_never_fillable():
    pets = records("petstore_v2.json")
    names = {f.name for f in fillable_fields(pets["addPet"])}
    assert "api_key" not in names and "name" in names


def test_candidate_choice_gives_a_confidence(runtime):
    choice = choose_candidate(
        runtime,
        "delete a repository",
        [
            "GET /user/repos: List repositories for the authenticated user",
            "DELETE /repos/{owner}/{repo}: Delete a repository",
        ],
    )
    assert sum(choice.probabilities) == pytest.approx(1.0)
    assert 0.0 < choice.confidence <= 1.0
    assert 0.0 <= choice.none_probability <= 1.0
    if choice.index >= 0:
        assert choice.probabilities[choice.index] == max(choice.probabilities)
    assert len(set(round(p, 6) for p in choice.probabilities)) > 1  # real logits, not a tie


def test_cancellation_stops_generation_between_tokens(runtime):
    runtime.wait_ready(timeout=120)
    control = RequestControl.with_budget(60)
    result: dict = {}

    def generate():
        result["call"] = generate_call(
            runtime,
            "write a long essay about HTTP",
            "python",
            "Essay API",
            control=control,
            max_tokens=2000,
        )
        result["returned"] = time.monotonic()

    worker = threading.Thread(target=generate)
    worker.start()
    time.sleep(0.8)  # well into decoding
    control.cancel()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert result["call"].completion.finish_reason == "cancelled"
    # Stopped at the next token, not after the 2,000 asked for (tens of seconds here). A loaded
    # CI machine can delay a thread's wake-up by more than a token, so the bound is loose.
    assert result["call"].completion.completion_tokens < 1000
    assert result["returned"] - control.cancelled_at < 2.0


def test_cancelling_the_awaiting_task_stops_generation(runtime):
    control = RequestControl.with_budget(60)

    def long_story(llm, ctl):
        return complete(llm, "Write a long story:", ctl, max_tokens=2000)

    async def main():
        task = asyncio.create_task(runtime.run_async(long_story, control))
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert control.cancel_event.is_set()


def test_a_time_budget_stops_generation(runtime):
    control = RequestControl.with_budget(0.5)
    started = time.monotonic()
    call = generate_call(
        runtime, "write a long essay", "python", "x", control=control, max_tokens=4000
    )
    assert call.completion.finish_reason == "timeout"
    # Stopped by the budget, far short of the 4,000 tokens asked for; loose in wall time,
    # since a loaded machine may delay the first token past the budget on its own.
    assert call.completion.completion_tokens < 400
    assert time.monotonic() - started < 15.0
