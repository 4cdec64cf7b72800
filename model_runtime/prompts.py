"""Prompts: the API Pack paper's templates (Appendix H, Listing 5) and apicall's own."""

from __future__ import annotations

from apicall.index.arguments import Field
from apicall.index.model_port import Example

# What of a comment reaches the model: the head of a very long comment states the request, and
# the whole of it could overflow the context window (2,048 tokens for the bundled model).
MODEL_COMMENT_CHARS = 600


def clip_comment(text: str, limit: int = MODEL_COMMENT_CHARS) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit].rstrip() + " ..."


PAPER_HEADER = (
    "You are an API call generator. Write the API call in the requested language for the "
    "instruction, using the API described."
)


def paper_prompt(
    instruction: str, lang: str, api_description: str, examples: list[Example] | None = None
) -> str:
    """The paper's zero-shot prompt, or its three-shot one when examples are given."""
    lines = [
        PAPER_HEADER,
        "",
        f"**api_description**: {api_description.strip()}",
        f"**lang**: {lang}",
    ]
    if examples:
        lines += ["", "Given the following examples:"]
        for example in examples:
            lines += [
                "",
                "**instruction**",
                example.instruction.strip(),
                "**output**",
                example.output.strip(),
            ]
        lines += ["", "Your actual task:"]
    lines += ["", "**instruction**", clip_comment(instruction), "**output**", ""]
    return "\n".join(lines)


PAPER_STOP = ["**instruction**", "\n\n\n", "Your actual task"]

FILL_SYSTEM = (
    "You extract argument values for one HTTP API operation from a developer's comment. "
    "Answer with JSON only. Include a key only when the comment states its value literally; "
    "leave every other key out. Never invent credentials, ids or other values."
)


def describe_fields(fields: list[Field]) -> str:
    return ", ".join(f"{f.name} ({f.schema.get('type', 'string')}, {f.location})" for f in fields)


def operation_line(method: str, path: str, what: str) -> str:
    return f"{method} {path}: {what}"


def fill_messages(
    instruction: str, operation: str, parameters: str, context: str = ""
) -> list[dict[str, str]]:
    user = f"Operation: {operation}\nParameters: {parameters}\nComment: {clip_comment(instruction)}"
    if context.strip():
        user += f"\nNearby code:\n{context.strip()[:600]}"
    return [{"role": "system", "content": FILL_SYSTEM}, {"role": "user", "content": user}]


CHOICE_SYSTEM = "You pick the API operation that a developer's comment asks for."
NONE_OF_THEM = "0"  # the answer when no listed operation is what the comment asks for


def choice_messages(instruction: str, candidates: list[str]) -> list[dict[str, str]]:
    listed = "\n".join(f"{i}. {c}" for i, c in enumerate(candidates, start=1))
    user = (
        f"Comment: {clip_comment(instruction)}\n\nOperations:\n{listed}\n\n"
        f"Answer with the number of the operation only ({NONE_OF_THEM} if none of them fits)."
    )
    return [{"role": "system", "content": CHOICE_SYSTEM}, {"role": "user", "content": user}]
