"""Words of comments and operations, as ranking reads them: one place for the tokenizer, the
stemmer, the stop words and what a comment's verb asks of an HTTP method."""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

STOPWORDS = {
    "the",
    "a",
    "an",
    "of",
    "for",
    "to",
    "in",
    "on",
    "with",
    "by",
    "its",
    "it",
    "my",
    "me",
    "is",
    "are",
    "what",
    "and",
    "or",
    "this",
    "that",
    "from",
    "all",
    "some",
    "about",
    "tell",
    "please",
    "using",
    "use",
    "via",
    "how",
    "do",
    "can",
    "you",
    "we",
    "our",
    "their",
    "new",
}


GENERIC = {"api", "apis", "the", "service", "rest", "v1", "v2", "v3", "com", "of", "and", "for"}


_NON_WORD = re.compile(r"[^a-z0-9]+")


def words(text: str) -> list[str]:
    return [w for w in _NON_WORD.split(text.lower()) if len(w) > 1]


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """One form for a word's plural, singular and verb forms ("issues", "issue"; "created",
    "create"), so that a comment's words meet the spec's whichever form either uses."""
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "xes", "zes", "ches", "shes")) and len(word) > 4:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    elif word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def content_stems(text: str) -> frozenset[str]:
    """The stems of a comment's content words (what ranking compares)."""
    return frozenset(stem(w) for w in words(text) if w not in STOPWORDS)


def _adjacent_content_words(text: str) -> list[tuple[str, str]]:
    said = [w for w in words(text) if w.isalpha() and w not in STOPWORDS]
    # Not the verb that asks: "get user" is no `getuser`.
    verb = intent_of(text).verb
    return [(a, b) for a, b in itertools.pairwise(said) if verb not in (a, b)]


def joined_words(text: str) -> list[str]:
    """Two content words said one after the other, joined as a spec writes them in one word
    ("pull request": `/pullrequests`; "job schedule": `/jobschedules`)."""
    return [a + b for a, b in _adjacent_content_words(text)]


def compounds(text: str) -> dict[str, tuple[str, str]]:
    """The stem of each of `joined_words` -> the stems of its two words."""
    return {stem(a + b): (stem(a), stem(b)) for a, b in _adjacent_content_words(text)}


def split_compounds(stems: frozenset[str], joined: dict[str, tuple[str, str]]) -> frozenset[str]:
    """A candidate's stems with each compound the comment says in two words as those two."""
    found = stems & joined.keys() if joined else frozenset()
    if not found:
        return stems
    return (stems - found) | {part for word in found for part in joined[word]}


def api_named(api_name: str, api_provider: str, comment_words: set[str] | frozenset[str]) -> float:
    """0 when the instruction does not name the operation's API; up to 1 as it names more of it,
    so "GitHub" prefers "GitHub v3 REST API" to "GitHub Enterprise Server"."""
    name_words = set(words(api_name)) - GENERIC
    provider_words = set(words(api_provider.split(".")[0])) - GENERIC
    if not (name_words | provider_words) & comment_words:
        return 0.0
    if not name_words:
        return 1.0
    return 0.5 + 0.5 * len(name_words & comment_words) / len(name_words)


# What the instruction's verb asks of the HTTP method. Retrieval matches nouns well and verbs
# poorly: "list the events" and "get an event" embed almost alike.
_VERB_METHODS = {
    "POST": "create add open post send submit upload make start trigger schedule register invite "
    "publish insert enqueue run execute generate issue comment reply star follow launch kick "
    "spin",
    "GET": "list get fetch retrieve show search find read download lookup view count query return "
    "pull grab load check",
    "PUT PATCH": "update edit change modify rename replace set move assign enable disable toggle",
    "DELETE": "delete remove cancel destroy unsubscribe revoke unstar unfollow erase purge clear "
    "wipe nuke drop terminate",
}
_METHOD_OF_VERB = {
    verb: frozenset(methods.split())
    for methods, verbs in _VERB_METHODS.items()
    for verb in verbs.split()
}
_SINGLE_ITEM = {"specific", "single", "id"}
# Words that ask for a collection without saying "list": all of them, how many, which page.
_MANY_WORDS = frozenset(
    [
        "all",
        "every",
        "each",
        "limit",
        "page",
        "pages",
        "recent",
        "newest",
        "latest",
        "oldest",
        "top",
        "bulk",
        "batch",
        "history",
    ]
)


@dataclass(frozen=True)
class Intent:
    methods: frozenset[str]  # empty: the instruction's verb says nothing about the method
    collection: bool | None  # True: a collection ("list ..."); False: one item; None: unknown
    verb: str | None = None


def intent_of(instruction: str) -> Intent:
    said = words(instruction)
    verb = next((w for w in said if w in _METHOD_OF_VERB), None)
    methods = _METHOD_OF_VERB.get(verb, frozenset()) if verb else frozenset()
    collection: bool | None = None
    if verb == "list":
        collection = True
    elif _SINGLE_ITEM & set(said):
        collection = False
    return Intent(methods, collection, verb)


# A comment that asks about its author's own things ("my playlists", "repos I starred") wants the
# API's authenticated-user operations (/me/..., /user/...), not the ones that take a user id.
_SELF_WORDS = frozenset({"my", "me", "mine", "myself", "i", "im"})
_SELF_PHRASES = ("current user", "authenticated user", "logged in user", "logged-in user")
_SELF_SEGMENTS = frozenset({"me", "user", "self", "@me", "current", "my", "myself", "mine"})
# Values a comment states: numbers and ids, quoted text, @handles, #channels, owner/repo, e-mail.
_VALUE = re.compile(r"""["'`][^"'`]+["'`]|[@#]\w+|\b\w*\d\w*\b|\b[\w.-]+/[\w.-]+\b|\S+@\S+""")


def speaks_of_self(text: str) -> bool:
    lowered = text.lower()
    tokens = set(_NON_WORD.split(lowered.replace("'", "")))
    return bool(tokens & _SELF_WORDS) or any(p in lowered for p in _SELF_PHRASES)


def path_of_self(path: str, what: str) -> bool:
    """Whether an operation acts on the authenticated user's own resources."""
    first = next((s for s in path.lower().strip("/").split("/") if s and "{" not in s), "")
    if first in {"v1", "v2", "v3", "api", "1.1", "2"}:
        rest = [s for s in path.lower().strip("/").split("/")[1:] if s and "{" not in s]
        first = rest[0] if rest else ""
    return (
        first in _SELF_SEGMENTS
        or "/me/" in path.lower() + "/"
        or any(p in what.lower() for p in _SELF_PHRASES)
    )


def asks_many(text: str) -> bool:
    return bool(_MANY_WORDS & set(words(text)))


def said_form(
    segment_word: str, comment_words: frozenset[str], comment_stems: frozenset[str]
) -> float:
    """How the comment says the last word of a path: 1 as written there ("milestones" for
    /milestones), 0.5 in another form ("milestone"), 0 not at all. A plural said as the path
    says it asks for the collection more often than for one of its items."""
    if not segment_word:
        return 0.0
    if segment_word in comment_words:
        return 1.0
    return 0.5 if stem(segment_word) in comment_stems else 0.0


def stated_values(text: str) -> int:
    """How many values the comment states (an id, a quoted name, a handle): a comment naming
    one asks for that one item more often than for a collection."""
    return len(_VALUE.findall(text))
