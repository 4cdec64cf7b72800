"""The cross-encoder (index/cross_encoder.py): its numpy forward pass is the trained torch model's,
it reorders only the reranker's first candidates, and an unreadable artifact costs nothing but
itself. Training on toy lists is in tests/test_training.py."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import numpy as np
import pytest
from apicall.index.cross_encoder import Blend, CrossEncoder, cross_encoder_at, save_cross_encoder
from apicall.index.embed import default_model_dir
from apicall.index.errors import ApicallError
from apicall.index.learning import data as training_data
from apicall.index.learning.cross_encoder import (
    HEADS,
    CrossEncoderRecipe,
    RankedList,
    blended_rank,
    choose_blend,
    reranked_lists,
    train_cross_encoder,
)
from apicall.index.learning.reranker import CandidateLists
from apicall.index.ranking import LearnedReranker
from apicall.lsp_server.cli_train_cross import kept_lists

PAIRS = [
    (
        "turn on auto-forwarding for userId me",
        "Gmail: Updates the auto-forwarding setting. PUT /gmail/v1/users/{userId}/settings/autoForwarding",
    ),
    (
        "turn on auto-forwarding for userId me",
        "Gmail: Gets the auto-forwarding setting. GET /gmail/v1/users/{userId}/settings/autoForwarding",
    ),
    ("refund this charge", "Stripe: Create a refund. POST /v1/refunds"),
]


def _toy_lists() -> list[RankedList]:
    """Lists where the reranker puts a sibling first and the answer second."""
    lists = []
    for verb, method in (("update", "PUT"), ("turn on", "PUT"), ("change", "PUT"), ("set", "PUT")):
        for thing in ("forwarding", "imap access", "vacation reply", "language", "pop access"):
            lists.append(
                RankedList(
                    f"{verb} the {thing} setting",
                    (
                        f"Gmail: Gets the {thing} setting. GET /settings/{thing.replace(' ', '')}",
                        f"Gmail: Updates the {thing} setting. {method} /settings/{thing.replace(' ', '')}",
                        "Gmail: Lists the labels. GET /labels",
                    ),
                    (2.0, 1.9, 0.5),
                    (False, True, False),
                )
            )
    return lists


@pytest.fixture(scope="module")
def trained() -> tuple[dict[str, np.ndarray], list[RankedList]]:
    lists = _toy_lists()
    recipe = CrossEncoderRecipe(
        layers=1, group=3, epochs=6, comments_per_step=4, learning_rate=3e-4
    )
    result = train_cross_encoder(lists, default_model_dir(), recipe)
    assert np.mean(result.losses[-5:]) < np.mean(result.losses[:5])  # it learns
    return result.weights, lists


def test_numpy_forward_is_the_torch_models(trained, tmp_path):
    import torch
    from transformers import AutoModel, AutoTokenizer

    weights, _ = trained
    base = default_model_dir()
    path = save_cross_encoder(tmp_path / "ce.npz", weights, 1, HEADS, Blend(depth=3, weight=1.0))
    ours = cross_encoder_at(path)
    assert ours is not None and ours.blend == Blend(depth=3, weight=1.0)

    encoder = AutoModel.from_pretrained(str(base), add_pooling_layer=False)
    encoder.encoder.layer = encoder.encoder.layer[:1]
    state = {k: torch.tensor(v) for k, v in weights.items() if not k.startswith("head.")}
    loaded = encoder.load_state_dict(state, strict=False)
    assert not loaded.unexpected_keys and not loaded.missing_keys, loaded
    encoder.eval()
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    comments, texts = [p[0] for p in PAIRS], [p[1] for p in PAIRS]
    encoded = tokenizer(
        comments, texts, truncation="only_second", max_length=64, padding=True, return_tensors="pt"
    )
    with torch.inference_mode():
        hidden = encoder(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).float()
        pooled = ((hidden * mask).sum(1) / mask.sum(1)).numpy()
    expected = pooled @ weights["head.weight"][0] + weights["head.bias"][0]
    got = np.concatenate([ours.scores(c, [t]) for c, t in PAIRS])
    np.testing.assert_allclose(got, expected, atol=0.05)  # float16 storage


def test_trained_blend_puts_the_answer_first_and_reorders_only_the_head(trained, tmp_path):
    weights, lists = trained
    cross = CrossEncoder(
        weights, 1, HEADS, default_model_dir() / "tokenizer.json", Blend(depth=2, weight=3.0)
    )
    fits = [cross.scores(r.comment, r.texts) for r in lists]
    assert all(
        blended_rank(r, f, 3, 0.0) == 2 for r, f in zip(lists, fits, strict=True)
    )  # the reranker alone
    blend, table = choose_blend(lists, fits, CrossEncoderRecipe())
    assert blend.weight > 0 and table[f"depth {blend.depth}, weight {blend.weight}"]["top1"] > 50

    ranked = [(text, score) for text, score in zip(lists[0].texts, lists[0].scores, strict=True)]
    ranked.append(("Gmail: Deletes a label. DELETE /labels/{id}", 0.1))
    reordered = cross.reorder(lists[0].comment, ranked, lambda text: text)
    assert [t for t, _ in reordered[2:]] == [t for t, _ in ranked[2:]]  # beyond depth: as it was
    assert {t for t, _ in reordered[:2]} == {t for t, _ in ranked[:2]}
    assert all(s <= ranked[0][1] for _, s in reordered[:2])


@pytest.mark.parametrize("content", [b"", b"not a zip file", b"PK\x03\x04broken"])
def test_an_unreadable_cross_encoder_is_one_log_line_and_no_cross_encoder(
    tmp_path, caplog, content
):
    path = tmp_path / "cross_encoder.npz"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING):
        assert cross_encoder_at(path) is None
    assert len(caplog.records) == 1 and "ranking without it" in caplog.records[0].getMessage()
    assert cross_encoder_at(tmp_path / "missing.npz") is None


class FirstColumnReranker(LearnedReranker):
    """Scores a candidate by its first feature (the ordering under test is reranked_lists')."""

    def __init__(self) -> None:
        pass

    def scores(self, features: np.ndarray) -> np.ndarray:
        return features[:, 0].astype(np.float32)


def test_reranked_lists_follow_the_reranker_and_count_a_copy_of_the_answer():
    data = training_data.load(Path(__file__).parent / "fixtures" / "training")
    comment = data.comments_in("train")[0]
    texts = ("sibling", "answer", "other", "answer", "fourth", "last")
    features = np.array([[5.0], [3.0], [4.0], [1.0], [2.0], [0.0]])
    labels = np.array([0, 0, 0, 1, 0, 0], dtype=np.float32)  # only the lower copy is labelled
    lists = CandidateLists([features], [labels], [comment], [texts])
    (ranked,) = reranked_lists(lists, FirstColumnReranker(), depth=3)
    # Reranker order, one entry per text (copies of a call read the same; the first keeps its
    # score and counts as the answer if any copy is), cut at depth 3.
    assert ranked.texts == ("sibling", "other", "answer")
    assert ranked.scores == (5.0, 4.0, 3.0)
    assert ranked.answers == (False, False, True)
    assert ranked.comment == comment.comment


@pytest.mark.parametrize(
    "content", [b"", b"not a pickle", pickle.dumps(["three", "things"]), pickle.dumps((1, 2, 3))]
)
def test_a_file_that_is_no_kept_lists_is_one_clear_error(tmp_path, content):
    path = tmp_path / "lists.pkl"
    path.write_bytes(content)
    with pytest.raises(ApicallError, match="not lists kept by apicall train --keep-lists"):
        kept_lists(path)
