"""Test sets built from indexed specs, with the paper's three levels.

What "seen" means, for retrieval examples and for any fine-tuning data:
- The example pool (what the paper's 3-shot prompts retrieve from, and what a fine-tune would be
  trained on) holds (instruction, gold call) pairs of the *seen* endpoints of the *seen* APIs,
  made with the "pool" templates only.
- Level 1: a seen endpoint of a seen API, asked with a test template (never in the pool).
- Level 2: an endpoint of a seen API that is not in the pool.
- Level 3: an endpoint of an API none of whose endpoints is in the pool.
The engine's index holds every spec (the whole catalog as distractors): rendering from a spec
does not depend on examples, so levels only change what the paper's method has seen.

An operation is left out of the test items when another operation of an API with the same name
has the same description (AWS query APIs list each action under GET and POST; GitHub Enterprise
Server repeats GitHub's operations under the same title): every instruction the templates make
from it then fits both, so no answer could be told right from wrong.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..records import OperationRecord, first_sentence, humanise_identifier

NAMED_TEMPLATES = [
    "{what} with the {api}",
    "Use the {api} to {what_lower}",
    "{api}: {what_lower}",
]
UNNAMED_TEMPLATES = ["{what}", "I need to {what_lower}"]
POOL_TEMPLATE = "{what} ({api})"


@dataclass(frozen=True)
class TestItem:
    level: int
    instruction: str
    names_api: bool
    record_id: str
    spec: str
    template: str


def describe(record: OperationRecord) -> str:
    """What the operation does, in words: its summary, else its description or id."""
    text = record.functionality or first_sentence(record.description)
    if not text:
        text = humanise_identifier(record.endpoint_name)
    return re.sub(r"\s+", " ", text).strip().rstrip(".")


def api_label(record: OperationRecord) -> str:
    return record.api_name


def instruction(record: OperationRecord, template: str) -> str:
    what = describe(record)
    lowered = what[:1].lower() + what[1:]
    return template.format(what=what, what_lower=lowered, api=api_label(record))


@dataclass
class Split:
    pool: list[tuple[str, str]]  # (instruction, record id) of the example pool
    items: list[TestItem]
    ambiguous: int = 0  # operations of the sampled APIs left out as ambiguous


def ambiguity_key(record: OperationRecord) -> tuple[str, str]:
    return record.api_name.strip().lower(), describe(record).lower()


def build_split(
    records_by_spec: dict[str, list[OperationRecord]],
    apis: int,
    per_level: int,
    seed: int = 13,
    same_named: Iterable[OperationRecord] = (),
) -> Split:
    """Sample `apis` specs, half seen and half unseen, and `per_level` items per level.

    `same_named`: operations of other indexed specs that share a name with a sampled one, so
    that an operation they repeat counts as ambiguous."""
    rng = random.Random(seed)
    described = {
        spec: [r for r in records if describe(r)] for spec, records in records_by_spec.items()
    }
    keys = Counter(ambiguity_key(r) for records in described.values() for r in records)
    sampled_ids = {r.id for records in described.values() for r in records}
    keys.update(ambiguity_key(r) for r in same_named if r.id not in sampled_ids and describe(r))
    usable = {spec: records for spec, records in described.items() if len(records) >= 4}
    specs = sorted(usable)
    rng.shuffle(specs)
    chosen = specs[:apis]
    seen_apis, unseen_apis = chosen[: apis // 2], chosen[apis // 2 :]
    pool: list[tuple[str, str]] = []
    level1: list[OperationRecord] = []
    level2: list[OperationRecord] = []
    for spec in seen_apis:
        records = usable[spec][:]
        rng.shuffle(records)
        half = len(records) // 2
        for record in records[:half]:
            pool.append((instruction(record, POOL_TEMPLATE), record.id))
        level1 += records[:half]
        level2 += records[half:]
    level3 = [r for spec in unseen_apis for r in usable[spec]]
    ambiguous = sum(1 for r in [*level1, *level2, *level3] if keys[ambiguity_key(r)] > 1)
    items: list[TestItem] = []
    for level, candidates in ((1, level1), (2, level2), (3, level3)):
        candidates = [r for r in candidates if keys[ambiguity_key(r)] == 1]
        rng.shuffle(candidates)
        for n, record in enumerate(candidates[:per_level]):
            named = NAMED_TEMPLATES[n % len(NAMED_TEMPLATES)]
            unnamed = UNNAMED_TEMPLATES[n % len(UNNAMED_TEMPLATES)]
            for template in (named, unnamed):
                items.append(
                    TestItem(
                        level,
                        instruction(record, template),
                        template in NAMED_TEMPLATES,
                        record.id,
                        record.spec_key,
                        template,
                    )
                )
    pool_ids = {rid for _, rid in pool}
    assert not any(i.record_id in pool_ids for i in items if i.level > 1), "level leak"
    return Split(pool, items, ambiguous)
