"""Ranking: what the reranker reads of a comment, the workspace's place among the candidates, and
the shipped ranking on real catalog specs with known answers (list vs item, an action
sub-resource, the author's own things, a workspace spec the comment does not name, a comment that
asks for no call)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from apicall.index.api_words import API_WORDS_FILE, ApiWords
from apicall.index.builder import discover_spec_files, ingest
from apicall.index.discovery import workspace_urls
from apicall.index.embed import TRAINED_TABLE_NAME, TRAINED_TABLE_PREFIX, stale_retriever_message
from apicall.index.engine import Engine, SuggestRequest
from apicall.index.layered import OVERLAY_RESERVE, LayeredIndex
from apicall.index.open import open_for_search, open_for_write, open_overlay_for_write
from apicall.index.ranking import FEATURES, Query, candidate_features
from apicall.index.search import Searcher
from apicall.index.text import (
    asks_many,
    compounds,
    content_stems,
    joined_words,
    path_of_self,
    said_form,
    speaks_of_self,
    split_compounds,
    stated_values,
    stem,
)
from apicall.index.urlmatch import URLS_READ, serves_host, urls_in

from .conftest import FIXTURES, corpus_specs


def _index(directory: Path, *specs: Path) -> None:
    store, embedder = open_for_write(directory)
    files, _ = discover_spec_files(specs)
    ingest(store, embedder, files, workers=1)


def test_what_a_comment_says_about_itself_and_its_values():
    assert speaks_of_self("get my spotify playlists")
    assert speaks_of_self("badges earned by the current user")
    assert speaks_of_self("repos I'm watching")
    assert not speaks_of_self("list the playlists of user 42")
    assert stated_values("pull video 123 out of channel 45") == 2
    assert stated_values('tag "javascript" and #deploys for acme/app') == 3
    assert stated_values("list the open issues") == 0
    assert path_of_self("/me/playlists", "")
    assert path_of_self("/v1/me/player", "")
    assert path_of_self("/user/repos", "")
    assert path_of_self("/repos", "List repositories for the authenticated user")
    assert not path_of_self("/users/{user_id}/playlists", "Get a user's playlists")


def test_plural_singular_and_verb_forms_meet_in_one_stem():
    for forms in [
        ("issue", "issues"),
        ("milestone", "milestones"),
        ("policy", "policies"),
        ("branch", "branches"),
        ("address", "addresses"),
        ("create", "created", "creating"),
        ("message", "messages"),
    ]:
        assert len({stem(w) for w in forms}) == 1, forms
    assert stem("status") == "status" and stem("access") == "access"
    assert stem("issue") != stem("user")


def test_what_a_comment_says_of_a_collection():
    assert asks_many("read campaign folders, limit 50") and asks_many("all open PRs")
    assert not asks_many("get Stripe charge ch_123")
    said = frozenset({"pull", "gmail", "delegates"})
    stems = frozenset(stem(w) for w in said)
    assert said_form("delegates", said, stems) == 1.0  # as the path says it: the collection
    assert said_form("delegate", said, stems) == 0.5  # another form of the same word
    assert said_form("filters", said, stems) == 0.0
    assert said_form("", said, stems) == 0.0


def test_a_comment_in_an_apis_words_points_to_it(tmp_path):
    words = ApiWords.of(
        [
            ("Kubernetes", "list the pods in namespace default"),
            ("Kubernetes", "delete pod web-1 in the staging namespace"),
            ("Kubernetes", "scale the deployment api to 3 replicas"),
            ("GitHub", "list open pull requests of acme/app"),
            ("GitHub", "star the repo acme/app"),
        ]
    )
    asked = Query.of("restart the pods of namespace kube-system").content
    assert words.fit("Kubernetes", asked) > 0 > words.fit("GitHub", asked)
    assert words.fit("Stripe", asked) == 0.0  # no known comments: no evidence either way
    # How much the known comments ask for each API: a prior over whose a comment is.
    assert words.asked("Kubernetes") > words.asked("GitHub") > words.asked("Stripe") == 0.0
    # Training takes a comment's own operation out: what is left is the API's other comments.
    own = Counter(content_stems("list the pods in namespace default"))
    assert 0 < words.fit("Kubernetes", asked, own) < words.fit("Kubernetes", asked)
    assert 0 < words.asked("Kubernetes", own) < words.asked("Kubernetes")
    words.save(tmp_path / API_WORDS_FILE)
    loaded = ApiWords.load(tmp_path / API_WORDS_FILE)
    assert loaded.counts == words.counts
    assert loaded.fit("Kubernetes", asked) == words.fit("Kubernetes", asked)


def test_every_feature_is_computed_for_every_candidate(tmp_path):
    _index(tmp_path / "idx", FIXTURES / "specs" / "petstore_v2.json")
    searcher = open_for_search(tmp_path / "idx")
    hits = searcher.search("find my pets by status 'sold'", k=20)
    spec = hits[0].spec
    words = ApiWords.of([(hits[0].api_name, "find the pets that are sold")])
    features = candidate_features(
        Query.of("find my pets by status 'sold'"), hits, searcher.embedder, frozenset({spec}), words
    )
    assert features.shape == (len(hits), len(FEATURES))
    column = {name: features[:, i] for i, name in enumerate(FEATURES)}
    assert (column["comment_values"] == 1).all() and (column["comment_self"] == 1).all()
    assert (column["spec_size"] > 0).all()  # every candidate's spec size is known
    pets = [i for i, h in enumerate(hits) if h.path.rstrip("/").endswith("/pet")]
    assert pets and (column["last_word_said"][pets] == 0.5).all()  # "pets" said, path "pet"
    assert (column["last_word_plural"][pets] == 0).all()
    assert (column["api_words"] > 0).all() and (column["api_words_gap"] == 0).all()
    in_workspace = column["in_workspace"] == 1
    assert sorted(column["workspace_rank"][in_workspace]) == list(
        range(1, int(in_workspace.sum()) + 1)
    )
    # "find my pets by status": /pet's path is said in full; /pet/findByTags leaves "tags"
    # unsaid, and so does its name, findPetsByTags.
    pet = next(i for i, h in enumerate(hits) if h.method == "POST" and h.path == "/pet")
    assert column["path_said"][pet] == 1 and column["path_unsaid"][pet] == 0
    assert column["path_said_best_gap"][pet] == 0
    by_tags = next(i for i, h in enumerate(hits) if h.path == "/pet/findByTags")
    assert column["path_unsaid"][by_tags] == 1
    assert column["path_said"][by_tags] == pytest.approx(2 / 3)
    assert column["path_said_best_gap"][by_tags] == pytest.approx(1 / 3)
    assert column["names_said"][by_tags] == pytest.approx(2 / 3)
    assert sorted(column["api_rank"]) == list(range(1, len(hits) + 1))  # one API
    assert (column["api_asked"] > 0).all() and (column["api_asked_best_gap"] == 0).all()
    for name in ("comment_covered", "names_cover", "keyword_score"):
        gaps = column[f"{name}_best_gap"]
        assert gaps.min() == 0 and (gaps == column[name].max() - column[name]).all()


def test_a_workspace_spec_counts_as_asked_as_the_most_asked_api(tmp_path):
    """Few known comments ask for the bookshop; the developer who keeps its spec open uses it."""
    _index(
        tmp_path / "idx",
        FIXTURES / "specs" / "petstore_v2.json",
        FIXTURES / "specs" / "bookshop_v30.yaml",
    )
    searcher = open_for_search(tmp_path / "idx")
    hits = searcher.search("add a new pet or a book", k=40)
    apis = {h.api_name: h.spec for h in hits}
    popular, rare = "Swagger Petstore", "Bookshop API"
    assert set(apis) == {popular, rare}
    words = ApiWords.of([(popular, "add a pet"), (popular, "sell the pet"), (rare, "a book")])
    query = Query.of("add a new pet or a book")
    column = FEATURES.index("api_asked")

    def asked(workspace: frozenset[str]) -> dict[str, float]:
        features = candidate_features(query, hits, searcher.embedder, workspace, words)
        return {h.api_name: float(features[i, column]) for i, h in enumerate(hits)}

    alone = asked(frozenset())
    assert alone[popular] > alone[rare] > 0
    with_workspace = asked(frozenset({apis[rare]}))
    assert with_workspace[rare] == with_workspace[popular] == alone[popular]


def test_the_workspace_overlay_keeps_its_best_operations_among_the_candidates(tmp_path):
    """The catalog outscores the workspace for this comment, yet the workspace spec's operations
    still reach the reranker: the developer works with that spec."""
    _index(tmp_path / "catalog", FIXTURES / "specs" / "petstore_v2.json")
    overlay, embedder = open_overlay_for_write(tmp_path / "overlay", tmp_path / "catalog")
    files, _ = discover_spec_files([FIXTURES / "workspace" / "inventory-openapi.yaml"])
    ingest(overlay, embedder, files, workers=1)
    base = open_for_search(tmp_path / "catalog").store
    layered = LayeredIndex(base, overlay)  # type: ignore[arg-type]
    searcher = Searcher(layered, embedder)
    workspace = set(layered.overlay_spec_keys())
    assert searcher.workspace_spec_keys == workspace

    only_catalog = Searcher(base, embedder).search("add a new pet to the store", k=2)
    assert all(hit.spec not in workspace for hit in only_catalog)
    hits = searcher.search("add a new pet to the store", k=2)
    assert [h.spec for h in hits[:2]] == [h.spec for h in only_catalog]
    kept = [h for h in hits if h.spec in workspace]
    assert kept and len(kept) <= OVERLAY_RESERVE
    assert len(hits) == 2 + len(kept)


SPECS = [
    "github.com/api.github.com.json",
    "stripe.com.json",
    "spotify.com.json",
    "slack.com.json",
    "vimeo.com.json",
]


@pytest.fixture(scope="module")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ranking")
    folder = corpus_specs(root, SPECS)
    _index(root / "idx", folder)
    return root


def _first(engine: Engine, comment: str, **request: object) -> tuple[str, str]:
    ranked = engine.candidates(SuggestRequest(comment, k=5, **request))  # type: ignore[arg-type]
    return ranked[0][0].method, ranked[0][0].path


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        # list vs item
        ("list the 10 newest Stripe charges", ("GET", "/v1/charges")),
        ("get Stripe charge ch_123", ("GET", "/v1/charges/{charge}")),
        # an action sub-resource
        ("cancel Stripe payment intent pi_42", ("POST", "/v1/payment_intents/{intent}/cancel")),
        # a verb that is not the spec's ("open" an issue is creating one)
        ("open an issue in a GitHub repository", ("POST", "/repos/{owner}/{repo}/issues")),
    ],
)
def test_shipped_ranking_on_real_specs(real_index, comment, expected):
    engine = Engine(open_for_search(real_index / "idx"))
    assert _first(engine, comment) == expected


def test_two_words_said_apart_meet_a_spec_word_written_as_one():
    assert "pullrequests" in joined_words("list the open pull requests")
    assert compounds("open a pull request")["pullrequest"] == ("pull", "request")
    assert "tothe" not in compounds("add it to the queue")  # little words are not joined
    assert joined_words("get user settings") == ["usersettings"]  # not the verb that asks
    path = frozenset({"repository", "pullrequest"})
    assert split_compounds(path, compounds("open a pull request")) == {
        "repository",
        "pull",
        "request",
    }
    assert split_compounds(path, compounds("list my repositories")) == path


@pytest.mark.corpus
def test_a_spec_word_written_as_one_is_found_and_said(real_index):
    """Vimeo writes "watch later" as `/me/watchlater`: the reranker reads that path as said in
    full."""
    searcher = open_for_search(real_index / "idx")
    comment = "videos in my vimeo watch later list"
    hits = searcher.search(comment, k=100)
    features = candidate_features(Query.of(comment), hits, searcher.embedder)
    row = next(i for i, hit in enumerate(hits) if hit.path == "/me/watchlater")
    said = {n: float(features[row, FEATURES.index(n)]) for n in FEATURES}
    assert said["path_said"] == 1.0 and said["path_unsaid"] == 0.0
    assert said["last_word_said"] == 1.0


@pytest.mark.corpus
def test_a_workspace_spec_wins_without_being_named(real_index, tmp_path):
    """ "post a message to the channel" names no API; with Slack's spec in the workspace the
    answer is Slack's, through the overlay the server writes."""
    folder = corpus_specs(tmp_path, ["slack.com.json"])
    overlay, embedder = open_overlay_for_write(tmp_path / "overlay", real_index / "idx")
    files, _ = discover_spec_files([folder])
    ingest(overlay, embedder, files, workers=1)
    searcher = open_for_search(real_index / "idx", tmp_path / "overlay")
    engine = Engine(searcher)
    workspace = frozenset(searcher.workspace_spec_keys)
    ranked = engine.candidates(
        SuggestRequest("post a message to the channel", k=5, workspace_specs=workspace)
    )
    best = ranked[0][0]
    assert best.spec in workspace and (best.method, best.path) == ("POST", "/chat.postMessage")


@pytest.mark.corpus
def test_a_comment_that_asks_for_no_call_gets_none(real_index):
    engine = Engine(open_for_search(real_index / "idx"))
    assert engine.offer(SuggestRequest("TODO: refactor this loop before the release", k=3)) == []
    assert engine.offer(SuggestRequest("list the 10 newest Stripe charges", k=3))


@pytest.mark.corpus
def test_a_file_that_calls_an_api_does_not_make_a_note_a_request(real_index):
    """The file's API ranks its operations first, but whether a comment asks for a call at all
    is read as if the file called nothing: a note in a file that calls Stripe stays a note.
    (With the file's specs read into relevance, this comment was offered a call.)"""
    engine = Engine(open_for_search(real_index / "idx"))
    stripe = ("https://api.stripe.com/v1/customers",)
    note = "truncate long titles to 80 chars with ellipsis"
    assert engine.offer(SuggestRequest(note, k=3)) == []
    assert engine.offer(SuggestRequest(note, k=3, file_urls=stripe)) == []
    ranking = engine.rank(SuggestRequest("list the 10 newest charges", k=3, file_urls=stripe))
    assert ranking.relevant(engine.threshold(SuggestRequest("x")))


def test_an_index_of_an_earlier_retriever_is_named_in_one_line():
    assert stale_retriever_message(TRAINED_TABLE_NAME) is None
    assert stale_retriever_message("static:" + TRAINED_TABLE_NAME) is None  # as indexes say
    assert stale_retriever_message("static:all-MiniLM-L6-v2") is None  # not a trained one
    message = stale_retriever_message("static:" + TRAINED_TABLE_PREFIX + "0")
    assert message and "\n" not in message and "apicall catalog add" in message


def test_the_urls_a_file_calls_are_read_from_its_string_literals():
    code = (
        'import requests\nBASE = "https://api.stripe.com/v1"\n'
        "r = requests.get(f'https://api.github.com/repos/{owner}/web/issues')\n"
        "# see https://docs.example.com for the docs\n"
        'again = "https://api.stripe.com/v1/charges"\n'
        'broken = "https://[not-an-address]/x"\n'
    )
    assert urls_in(code) == (
        "https://api.stripe.com/v1",
        "https://api.github.com/repos/{owner}/web/issues",
    )
    many = "\n".join(f'u = "https://h{i}.example/x"' for i in range(40))
    assert len(urls_in(many)) == URLS_READ


def test_the_apis_a_workspace_calls_are_its_source_files_most_called_hosts(tmp_path):
    (tmp_path / "billing.py").write_text('r = requests.get("https://api.stripe.com/v1/charges")\n')
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "pay.js").write_text(
        'fetch("https://api.stripe.com/v1/customers");\nfetch("https://slack.com/api/chat.postMessage");\n'
    )
    (tmp_path / "notes.txt").write_text('"https://api.notes.example/v1"\n')  # not source code
    (tmp_path / "node_modules").mkdir()  # a tool folder is not the project's code
    (tmp_path / "node_modules" / "dep.js").write_text('fetch("https://api.dep.example/x");\n')
    assert workspace_urls([tmp_path]) == (
        "https://api.stripe.com/v1/charges",  # called from two files
        "https://slack.com/api/chat.postMessage",
    )
    assert workspace_urls([]) == ()


def test_a_templated_server_serves_the_hosts_its_variables_stand_for():
    def servers(url: str) -> str:
        return json.dumps([{"url": url, "variables": {"region": {"default": "eu"}}}])

    assert serves_host(servers("https://{region}.bookshop.example/api"), "eu.bookshop.example")
    assert serves_host(servers("https://api-{region}.x.com:8080/v1"), "api-eu.x.com")
    assert not serves_host(servers("https://{region}.bookshop.example/api"), "evil.example")
    assert not serves_host(servers("https://{a}.x.com"), "a.b.x.com")  # one label, not two
    assert not serves_host(servers("{protocol}://{hostname}/api/v3"), "api.github.com")
    # An untrusted spec's many variables in one label are no fit, not a pattern that backtracks.
    hostile = servers("https://" + "{a}-" * 30 + "{b}.x")
    assert not serves_host(hostile, "a-" * 100 + "!.x")


@pytest.mark.corpus
def test_the_api_a_file_already_calls_ranks_first(real_index):
    """ "follow this user" names no API: from a file that calls GitHub's API it is GitHub's
    call, from one that calls Vimeo's it is Vimeo's, and from a file that calls none it is what
    the comment alone says. The GitHub URL matches no operation's path exactly (its repository is
    a value): its host tells the spec."""
    engine = Engine(open_for_search(real_index / "idx"))
    github = "https://api.github.com/repos/acme/web/issues"
    (called,) = engine.specs_called_by((github,))
    assert called.endswith("github.com__api.github.com.json")
    assert engine.specs_called_by(("https://unknown.example/v1/things",)) == frozenset()
    comment = "follow this user"
    assert _first(engine, comment) == ("PUT", "/me/following")  # Spotify's, the comment alone
    assert _first(engine, comment, file_urls=(github,)) == ("PUT", "/user/following/{username}")
    vimeo = ("https://api.vimeo.com/me/videos",)
    best = engine.candidates(SuggestRequest(comment, k=5, file_urls=vimeo))[0][0]
    assert best.api_name.startswith("Vimeo") and best.method == "PUT"
