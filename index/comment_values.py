"""The comment reader: the values a comment states for an operation's fields, read without a
model. A value is taken where the comment puts it next to the field's name ("limit 25",
`per_page=50`, "email to jane@example.com", "video 555" for `video_id`, "server 42" for the `id`
of /servers/{id}, "project ACME" for /project/{projectIdOrKey}, "acme/api" for
/repos/{owner}/{repo}), and only when it looks like a value: a word the operation's own text uses
("bucket policy" on /{Bucket}?policy) or a little word ("version to 16": "to") is not one.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any, NamedTuple

from .records import humanise_identifier
from .text import STOPWORDS, stem, words
from .value_words import shipped_request_words

if TYPE_CHECKING:
    from .arguments import Field

# Words between a field's name and its value: "ttl to 60", "name is 'x'", "role as admin".
CONNECTORS = frozenset({"=", ":", "is", "of", "to", "as", "at"})
# The last word of a name that says "its identifier": `video_id` is named by "video 555".
ID_WORDS = frozenset({"id", "ids", "name", "slug", "uuid", "sid", "key", "code", "identifier"})
_BARE_IDS = frozenset({"id", "uuid", "sid"})
# Fields that say how many results come back, and how comments say it: "max 50", "top 10",
# "20 per page", "100 at a time".
_PAGE_SIZES = frozenset(
    {
        "limit",
        "perpage",
        "pagesize",
        "maxresults",
        "maxreturn",
        "maxitems",
        "count",
        "take",
        "top",
        "maxkeys",
        "size",
        "first",
        "pagelimit",
        "rows",
        "num",
        "number",
    }
)
_NEWEST = frozenset({"last", "latest", "newest", "recent"})
_TIME_UNITS = frozenset(
    stem(w) for w in ("seconds", "minutes", "hours", "days", "weeks", "months", "years", "mins")
)
_SIZE_BEFORE = (("max",), ("limit",), ("top",), ("first",), ("maximum",))
_SIZE_AFTER = (
    ("per", "page"),
    ("at", "a", "time"),
    ("results",),
    ("items",),
    ("per", "request"),
    ("max",),
)
# Two letters that are words before they are a name's initials.
_NOT_INITIALS = frozenset(
    {"id", "in", "on", "at", "to", "of", "is", "it", "by", "as", "an", "or", "if", "be", "do"}
    | {"up", "us", "we", "me", "my", "no", "so", "go", "he", "hi", "ok", "vs", "et"}
)
# Verbs that state a field's value: "titled 'Dune'", "named octocat", "called 'Sales'".
_PHRASES = {"title": ("titled", "called"), "name": ("named", "called"), "email": ("e-mail",)}
_TOKEN = re.compile(
    r"""(?<!\w)"([^"]+)"(?!\w)|(?<!\w)'([^']+)'(?!\w)|`([^`]+)`|“([^”]+)”|‘([^’]+)’|(\S+)"""
)
_EDGE = ",.;:!?()[]{}"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class Token:
    text: str  # as written, without surrounding quotes or trailing punctuation
    quoted: bool
    ends_clause: bool = False  # a comma or a full stop followed it

    @property
    def key(self) -> str:
        return self.text.lower()

    @property
    def plain(self) -> bool:
        """A plain word: not quoted, nothing id-like, not capitalised."""
        return not self.quoted and not looks_like_id(self.text) and not self.text[:1].isupper()

    @property
    def written(self) -> str:
        """The text as a value: "#17" is issue 17."""
        return self.text[1:] if self.text[:1] == "#" and self.text[1:].isdecimal() else self.text


def tokens_of(instruction: str) -> list[Token]:
    """The comment's words and quoted strings, `name=value` split in two."""
    out: list[Token] = []
    for match in _TOKEN.finditer(instruction):
        quoted = next((g for g in match.groups()[:5] if g is not None), None)
        if quoted is not None:
            out.append(Token(quoted, True))
            continue
        raw = match.group(6)
        name, equals, value = raw.partition("=")
        if equals and name and value:
            out += [Token(name.strip(_EDGE), False), Token("=", False)]
            raw = value
        text = re.sub(r"['’]s$", "", raw.rstrip(_EDGE).lstrip("([{"))  # octocat's -> octocat
        if text:
            out.append(Token(text, False, raw[-1] in ",;.!?"))
    return out


def looks_like_id(text: str) -> bool:
    """Digits, identifier punctuation or inner capitals: `tr_456`, `acme-web`, `S123`."""
    return (
        any(c.isdigit() for c in text)
        or any(c in "_-./:@#,;" for c in text)
        or any(c.isupper() for c in text[1:])
    )


def _names_of(
    field: Field, path_words: frozenset[str], tier: int, resources: dict[str, str] | None = None
) -> Iterator[tuple[str, ...]]:
    """The word sequences that name `field` in a comment, by how surely they name it: 0 its
    name as written or spelled out ("page size"), 1 its name without an identifier word
    ("video" for `video_id`), 2 for a bare `id`, the resource it identifies ("post" for the id
    of /posts/{id}). Names of tiers 1 and 2 are followed by ids only."""
    spelled = humanise_identifier(field.name).split()
    if tier == 0:
        yield (field.name.lower(),)
        if len(spelled) > 1:
            yield tuple(spelled)
        yield from ((phrase,) for phrase in _PHRASES.get(field.name.lower(), ()))
    elif tier == 1 and len(spelled) == 1 and re.fullmatch(r"[a-z]{3,}id", spelled[0]):
        yield (spelled[0][:-2],)  # "player 20000441" for playerid
    elif tier == 1 and len(spelled) > 1:
        named = spelled
        if spelled[-1] in ID_WORDS:
            named = spelled[:-1]
        elif spelled[0] in ID_WORDS:  # Trello's idCard, idAction
            named = spelled[1:]
        if named != spelled:
            yield tuple(named)
        if len(named) > 1:
            # "giftcard gftc_1" for gift_card_id, "MR 5" for merge_request_id, "rg" for
            # resourceGroupName: its words run together, its initials.
            yield ("".join(named),)
            initials = "".join(w[0] for w in named)
            if initials not in _NOT_INITIALS:
                yield (initials,)
        # "league lec" for league_id_or_slug, "project PROJ" for projectIdOrKey.
        ids_from = next((i for i, w in enumerate(spelled) if _is_id_alternatives(spelled[i:])), 0)
        if ids_from and ids_from < len(spelled) - 1:
            yield tuple(spelled[:ids_from])
        # 'named "Case 42"' for policy_name; a field named just `name` took it at tier 0.
        yield from ((phrase,) for phrase in _PHRASES.get(spelled[-1], ()))
    elif tier == 2 and field.location == "path" and resources and field.name in resources:
        # /projects/{id}/issues/{noteable_id}: "issue 17" is not the bare id's.
        yield (resources[field.name],)
    elif tier == 2 and (field.name.lower() in _BARE_IDS or _is_id_alternatives(spelled)):
        yield from ((word,) for word in sorted(path_words))


def field_mentioned(name: str, text: str) -> bool:
    """Whether the comment (`text`, lowercased) says the field's name, as written or spelled
    out word by word ("page size" for page_size)."""
    spelled = humanise_identifier(name).split()
    return name.lower() in text or (bool(spelled) and all(w in text for w in spelled))


class Claim(NamedTuple):
    """A field's name that points at a value: whose, where the name starts (the value's own
    place for a name across a connector, which any name said right before it outranks), and
    whether the field is an identifier."""

    field: str
    start: int
    identifier: bool


def _is_identifier(field: Field) -> bool:
    """Whether the field identifies a resource: `video_id`, `idCard`, `playerid`, `id`."""
    spelled = humanise_identifier(field.name).split()
    return bool(spelled) and (
        spelled[-1] in ID_WORDS
        or spelled[0] in ID_WORDS
        or re.fullmatch(r"[a-z]{3,}id", spelled[-1]) is not None
    )


def _is_id_alternatives(spelled: list[str]) -> bool:
    """ "id or slug", "id or key": identifier words joined by "or"."""
    return (
        len(spelled) >= 3
        and spelled[1::2] == ["or"] * (len(spelled) // 2)
        and all(w in ID_WORDS for w in spelled[::2])
    )


def _text_fields_of_kind(
    fields: list[Field], found: dict[str, Any], kinds: frozenset[str]
) -> list[Field]:
    """The text fields not yet filled whose name has one of the words `kinds` ("url" in
    SmsFallbackUrl, "namespace")."""
    return [
        f
        for f in fields
        if f.name not in found
        and f.schema.get("type", "string") == "string"
        and kinds & set(humanise_identifier(f.name).lower().split())
    ]


def _constrained(field: Field) -> bool:
    """The field's enum or boolean type says which words are values."""
    return bool(field.schema.get("enum")) or field.schema.get("type") == "boolean"


def _matches(tokens: list[Token], at: int, name: tuple[str, ...]) -> bool:
    if at + len(name) > len(tokens):
        return False
    said = [t.key for t in tokens[at : at + len(name)]]
    if any(tokens[at + i].quoted for i in range(len(name))):
        return False
    return said == list(name) or (
        len(name) == 1 and len(name[0]) > 2 and stem(said[0]) == stem(name[0])
    )


class CommentReader:
    """Reads one comment for one operation. `operation` is the operation's own text (its path,
    summary, operationId): its words name things and are not values; its path's words name the
    resource a bare `id` field identifies."""

    def __init__(
        self,
        instruction: str,
        operation: str = "",
        asking: frozenset[str] | None = None,
        api_words: str = "",
    ):
        self.tokens = tokens_of(instruction)
        self.taken: set[int] = set()  # the tokens `values` gave to fields
        # The API's own name ("with ip2location.io") says whose the call is, never a value.
        self.api_names = frozenset(api_words.lower().split())
        # Plain words developers ask with and never state as values (index/value_words.py).
        self.asking = shipped_request_words() if asking is None else asking
        self.instruction = instruction
        self.vocabulary = frozenset(stem(w) for w in words(humanise_identifier(operation)))
        paths = [t.rstrip(":") for t in operation.split() if t.startswith("/")]
        literal = [s for p in paths for s in re.split(r"[/?#.]", p) if "{" not in s]
        self.path_words = frozenset(
            w for s in literal for w in humanise_identifier(s).split() if len(w) > 2
        )
        # The resource an identifier in the path identifies: the last word of the segment
        # before it ("project ACME" for /project/{projectIdOrKey}), where no other
        # identifier's segment ends in the same word (/resourceGroups/{a}/workerGroups/{b}).
        # A parameter right after the API's version holds a whole resource name (Google's
        # /v1/{name}: "projects/acme/locations/global/workflows/etl").
        self.resource_names = frozenset(re.findall(r"/v\d+[a-z0-9]*/\{\+?([^}/]+)\}", operation))
        # Path parameters that follow one another (/repos/{owner}/{repo}): "acme/api" states both.
        self.pairs = [
            pair for path in paths for pair in re.findall(r"/\{([^}/]+)\}/\{([^}/]+)\}", path)
        ]
        # Each path parameter's segment's last word ("pods" for /pods/{name}), and the resource
        # an identifier names among them.
        self.segment_words: dict[str, str] = {}
        named: dict[str, str] = {}
        for path in paths:
            for segment, parameter in re.findall(r"/([^/{}]+)/\{([^}/]+)\}", path):
                resource = (humanise_identifier(segment).split() or [""])[-1]
                if resource:
                    self.segment_words.setdefault(parameter, resource)
                spelled = humanise_identifier(parameter).split()
                if len(resource) > 2 and spelled and spelled[-1] in ID_WORDS:
                    named.setdefault(parameter, resource)
        said_of = Counter(named.values())
        self.resources = {p: r for p, r in named.items() if said_of[r] == 1}

    def values(self, fields: list[Field]) -> dict[str, Any]:
        """Each field's value, surest names first; a value fills one field."""
        taken: set[int] = set()
        field_words = {f.name.lower() for f in fields}
        # "on 2020-08-01" dates the one field that is only a date, and no field of two.
        dated = [f.name for f in fields if not _range_end(f.name) and _is_date_name(f.name)]
        sole_date = dated[0] if len(dated) == 1 else None
        self.taken = taken
        found: dict[str, Any] = self._owner_and_name(fields, taken)
        claims = self._claims(fields, field_words, sole_date)
        for tier in range(4):
            for field in fields:
                if field.name in found:
                    continue
                for start, position, value in self._candidates(field, field_words, tier, sole_date):
                    if position in taken or self._claimed(
                        field, tier, start, position, claims, found
                    ):
                        continue
                    found[field.name] = value
                    taken.add(position)
                    break
        # The one path parameter left, and the one id the comment states ("cancel signature
        # request 33" for sign_request_id on /sign_requests/{sign_request_id}/cancel, "refunds
        # on ch_123" for /charges/{charge}/refunds), or a whole resource name.
        paths_left = [f for f in fields if f.location == "path" and f.name not in found]
        found.update(self._one_left(paths_left, field_words, taken))
        found.update(self._by_form(fields, found, taken))
        found.update(self._place(fields, found, taken))
        found.update(self._quoted_free_text(fields, found, taken))
        found.update(self._flags(fields, found))
        found.update(self._coordinates(fields, found, taken))
        found.update(self._route(fields, found, taken))
        found.update(self._handle(fields, found, taken))
        found.update(self._date_parts(fields, found, taken))
        found.update(self._prefixed_ids(fields, found, taken))
        # Then the one required field left, wherever it goes ("audience 4ca5becb8d" for a
        # query's list_id), once the values whose form or place says their field are taken.
        if not paths_left:
            required_left = [f for f in fields if f.required and f.name not in found]
            found.update(self._one_left(required_left, field_words, taken))
        for field in fields:
            if field.name not in found and "email" in field.name.lower():
                email = _EMAIL.search(self.instruction)
                if email and email.group(0) not in found.values():
                    found[field.name] = email.group(0)
        return found

    def _claims(
        self, fields: list[Field], field_words: set[str], sole_date: str | None
    ) -> dict[int, list[Claim]]:
        """The claims of the fields' names (the tiers of names) on each position."""
        claims: dict[int, list[Claim]] = {}
        for field in fields:
            identifier = _is_identifier(field)
            for tier in range(3):
                for start, position, _ in self._candidates(field, field_words, tier, sole_date):
                    claims.setdefault(position, []).append(Claim(field.name, start, identifier))
        return claims

    def _claimed(
        self,
        field: Field,
        tier: int,
        start: int,
        position: int,
        claims: dict[int, list[Claim]],
        found: dict[str, Any],
    ) -> bool:
        """Whether another field not yet `found` has the better claim on the value at
        `position`: a longer name ("messaging service MG123" is MessagingServiceSid's, not
        ServiceSid's), or an identifier's name for an id ("post 42" is the id of /posts/{id},
        not the `post` body field; "ondemand page 55555" is ondemand_id of
        /ondemand/pages/{ondemand_id}, not the page number)."""
        if tier == 3:
            return False
        identifier = _is_identifier(field)
        id_like = looks_like_id(self.tokens[position].text)
        for other in claims.get(position, []):
            if other.field == field.name or other.field in found:
                continue
            if other.start < start:
                return True
            if tier == 0 and id_like and other.identifier and not identifier:
                return True
        return False

    def values_left(self, fields: list[Field]) -> bool:
        """Whether a token that could be a value of `fields` (those `values` left) is left
        once `values` has read the comment: quoted text, a number, an id, an e-mail address, a
        capitalised word after the first (not the API's name), or a plain word beside a
        field's name ("gists of user octocat, limit 20"). Without one, nothing a model says
        would be grounded (Grounding), so it is not asked."""
        for position, token in enumerate(self.tokens):
            if position in self.taken or token.key in self.api_names:
                continue
            if token.quoted or looks_like_id(token.text) or _EMAIL.search(token.text):
                return True
            if self.is_request_word(token.key) or token.key in self.asking:
                continue  # "Stripe", "Slack": words developers ask with, never values
            if position and token.text[:1].isupper():
                return True
            beside = self.tokens[max(position - 1, 0) : position + 2]
            if any(self.names(t, f) for t in beside for f in fields):
                return True
        return False

    def names(self, token: Token, field: Field) -> bool:
        """Whether `token` is a one-word name of `field` or the last word of its name."""
        spelled = humanise_identifier(field.name).split()
        names = [n for tier in (0, 1) for n in _names_of(field, self.path_words, tier)]
        names += [(w,) for w in spelled[-1:] if w not in ID_WORDS]
        return any(len(n) == 1 and _matches([token], 0, n) for n in names)

    def _one_left(
        self, left: list[Field], field_words: set[str], taken: set[int]
    ) -> dict[str, Any]:
        """The one field of `left`, where the comment states one id not yet taken."""
        if len(left) != 1 or not humanise_identifier(left[0].name).split():
            return {}
        # A resource name is one whatever precedes it ("under projects/acme").
        resource_name = left[0].name in self.resource_names
        if resource_name:
            ids = [p for p, t in enumerate(self.tokens) if _RESOURCE_NAME.fullmatch(t.text)]
        else:
            ids = self._ids(field_words)
        ids = [p for p in ids if p not in taken]
        if len(ids) == 1 and not resource_name and not self._said_of_the_request(ids[0]):
            return {}
        return self._the_one_value(left, ids, taken, lambda t: t.written)

    def _the_one_value(
        self,
        open_fields: list[Field],
        said: list[int],
        taken: set[int],
        text_of: Callable[[Token], str] = lambda t: t.text,
    ) -> dict[str, Any]:
        """The one value `said` for the one field of `open_fields`, as that field's type;
        nothing where either is not one (which goes where is not said)."""
        if len(open_fields) != 1 or len(said) != 1:
            return {}
        value = coerce(text_of(self.tokens[said[0]]), open_fields[0].schema)
        if value is None:
            return {}
        taken.add(said[0])
        return {open_fields[0].name: value}

    @staticmethod
    def _all_or_none(
        said: list[tuple[Field, str]], at: list[int], taken: set[int]
    ) -> dict[str, Any]:
        """Each field's text as its type, or nothing where one does not fit (a pair such as
        owner/name, origin/destination, latitude/longitude is stated whole or not at all)."""
        values = {f.name: coerce(text, f.schema) for f, text in said}
        if any(v is None for v in values.values()):
            return {}
        taken.update(at)
        return values

    def _by_form(
        self, fields: list[Field], found: dict[str, Any], taken: set[int]
    ) -> dict[str, Any]:
        """A value whose form says which field takes it (a URL, a country code, an IP
        address), where one field left is of that kind and the comment states one such value."""
        values: dict[str, Any] = {}
        for kinds, form in _FORMS:
            # A header the comment does not name (Accept-Language) is the client's to set.
            open_fields = [
                f for f in _text_fields_of_kind(fields, found, kinds) if f.location != "header"
            ]
            said = [
                p for p, t in enumerate(self.tokens) if p not in taken and form.fullmatch(t.text)
            ]
            values.update(self._the_one_value(open_fields, said, taken))
        return values

    def _quoted_free_text(
        self, fields: list[Field], found: dict[str, Any], taken: set[int]
    ) -> dict[str, Any]:
        """The one quoted text left for the one field left that takes free text: what to
        search for ("repos matching 'api'" for q), what to call a thing ("rename it to 'HQ
        East'" for FriendlyName), what to say."""
        said = [p for p, t in enumerate(self.tokens) if t.quoted and p not in taken]
        open_fields = [
            f
            for f in _text_fields_of_kind(fields, found, _FREE_TEXT)
            if humanise_identifier(f.name).lower().split()[-1] in _FREE_TEXT
        ]
        return self._the_one_value(open_fields, said, taken)

    def _flags(self, fields: list[Field], found: dict[str, Any]) -> dict[str, Any]:
        """True for a boolean field whose name the comment says ("force delete" for force,
        "with timestamps", "dry run first" for DryRun, "incl deleted" for includeDeleted),
        where no word before it says the opposite ("without cache")."""
        said = [stem(t.key) for t in self.tokens]
        flags: dict[str, Any] = {}
        for field in fields:
            if field.name in found or field.schema.get("type") != "boolean":
                continue
            named = [
                w for w in humanise_identifier(field.name).lower().split() if w not in _FLAG_LITTLE
            ]
            stems = [stem(w) for w in named]
            # S3's ?versioning and ?tagging name the operation itself, not a switch of it.
            if not stems or not all(s in said for s in stems) or set(stems) <= self.vocabulary:
                continue
            first = min(said.index(s) for s in stems)
            if any(t.key in _NEGATIONS for t in self.tokens[max(first - 2, 0) : first]):
                continue
            flags[field.name] = True
        return flags

    def _coordinates(
        self, fields: list[Field], found: dict[str, Any], taken: set[int]
    ) -> dict[str, Any]:
        """A point for the one latitude and the one longitude field left: "lat 51.57 lon -0.7",
        or a pair of decimals, "58.7984, 17.8081" or "35.7,-78.6" (latitude first, as maps
        write it)."""
        ends = [
            [f for f in fields if f.name not in found and _coordinate_of(f.name) == which]
            for which in ("lat", "lon")
        ]
        if any(len(e) != 1 for e in ends):
            return {}
        lat, lon = ends[0][0], ends[1][0]
        numbers = [
            p for p, t in enumerate(self.tokens) if p not in taken and _DEGREES.fullmatch(t.text)
        ]
        named = {
            which: p for p in numbers if p and (which := _coordinate_of(self.tokens[p - 1].key))
        }
        decimals = [p for p in numbers if "." in self.tokens[p].text]
        pairs = [
            p for p, t in enumerate(self.tokens) if p not in taken and _POINT.fullmatch(t.text)
        ]
        if set(named) == {"lat", "lon"}:
            said = [self.tokens[named["lat"]].text, self.tokens[named["lon"]].text]
            at = [named["lat"], named["lon"]]
        elif len(pairs) == 1 and not decimals:
            said = [x.strip() for x in self.tokens[pairs[0]].text.split(",")]
            at = pairs
        elif len(decimals) == 2 and decimals[1] == decimals[0] + 1 and not pairs:
            said = [self.tokens[p].text for p in decimals]
            at = decimals
        else:
            return {}
        if abs(float(said[0])) > 90 or abs(float(said[1])) > 180:
            return {}
        return self._all_or_none([(lat, said[0]), (lon, said[1])], at, taken)

    def _route(self, fields: list[Field], found: dict[str, Any], taken: set[int]) -> dict[str, Any]:
        """ "JFK to LHR", "NCE->IST": two codes for the one origin and the one destination
        field left."""
        ends = [_text_fields_of_kind(fields, found, frozenset({w})) for w in _ROUTE_ENDS]
        if any(len(e) != 1 for e in ends):
            return {}
        said: list[tuple[list[int], list[str]]] = []
        for p, token in enumerate(self.tokens):
            if p in taken or token.quoted:
                continue
            arrow = _ARROW.fullmatch(token.text)
            if arrow:
                said.append(([p], [arrow.group(1), arrow.group(2)]))
            elif (
                _CODE.fullmatch(token.text)
                and p + 2 < len(self.tokens)
                and self.tokens[p + 1].key in ("to", "->")
                and _CODE.fullmatch(self.tokens[p + 2].text)
                and p + 2 not in taken
            ):
                said.append(([p, p + 2], [token.text, self.tokens[p + 2].text]))
        if len(said) != 1:
            return {}
        at, codes = said[0]
        return self._all_or_none([(e[0], c) for e, c in zip(ends, codes, strict=True)], at, taken)

    def _handle(
        self, fields: list[Field], found: dict[str, Any], taken: set[int]
    ) -> dict[str, Any]:
        """ "@acme_bot" for the one field left that takes a screen name or a handle, without
        its "@" (Twitter's screen_name)."""
        open_fields = _text_fields_of_kind(fields, found, _HANDLES)
        said = [
            p for p, t in enumerate(self.tokens) if p not in taken and _HANDLE.fullmatch(t.text)
        ]
        return self._the_one_value(open_fields, said, taken, lambda t: t.text[1:])

    def _prefixed_ids(
        self, fields: list[Field], found: dict[str, Any], taken: set[int]
    ) -> dict[str, Any]:
        """An id whose prefix says what it identifies (Stripe's "cus_456" for customer,
        "pm_123" for payment_method), for the one field left it abbreviates."""
        values: dict[str, Any] = {}
        for position, token in enumerate(self.tokens):
            prefixed = _PREFIXED_ID.fullmatch(token.text)
            if position in taken or token.quoted or not prefixed:
                continue
            abbreviated = [
                f
                for f in fields
                if f.name not in found
                and f.name not in values
                and _abbreviates(prefixed.group(1), f.name)
            ]
            values.update(self._the_one_value(abbreviated, [position], taken))
        return values

    def _date_parts(
        self, fields: list[Field], found: dict[str, Any], taken: set[int]
    ) -> dict[str, Any]:
        """A date said whole for the fields that take its parts: "2024/01/15" for year, month
        and day (Wikimedia's /{year}/{month}/{day}), "2023/05" for year and month, "12/25" for
        month and day."""
        parts = {humanise_identifier(f.name).lower(): f for f in fields if f.name not in found}
        year, month, day = (parts.get(n) for n in ("year", "month", "day"))
        if month is None or (year is None and day is None):
            return {}
        said = [
            (p, match)
            for p, t in enumerate(self.tokens)
            if p not in taken and (match := _DATE_PARTS.fullmatch(t.text))
        ]
        if len(said) != 1:
            return {}
        at, match = said[0]
        whole_year, first, second = match.group(1, 2, 3)
        pairs: list[tuple[Field, str]]
        if whole_year:
            if year is None or (second and day is None):
                return {}
            pairs = [(year, whole_year), (month, first)]
            if second and day is not None:
                pairs.append((day, second))
        else:
            first, second = match.group(4, 5)
            if day is None or int(first) > 12 or int(second) > 31:
                return {}
            pairs = [(month, first), (day, second)]
        return self._all_or_none(pairs, [at], taken)

    def _place(self, fields: list[Field], found: dict[str, Any], taken: set[int]) -> dict[str, Any]:
        """ "in staging" for the one field left that says where (a namespace, a region, a
        location, a zone), where the comment says "in" one thing that is not its own word."""
        open_fields = _text_fields_of_kind(fields, found, _PLACES)
        if len(open_fields) != 1:
            return {}
        # "in ns prod", "in namespace prod": the field's own word comes first.
        named = {"ns", *humanise_identifier(open_fields[0].name).lower().split()}
        said = []
        for p, token in enumerate(self.tokens[:-1]):
            at = p + 1 + (token.key == "in" and self.tokens[p + 1].key in named)
            if token.key != "in" or at >= len(self.tokens) or at in taken:
                continue
            value = self.tokens[at]
            after = self.tokens[at + 1].key if at + 1 < len(self.tokens) else ""
            if not (
                value.quoted
                or self.is_request_word(value.key)
                or value.key in self.asking
                or value.key in named
                or after in named  # "in k8s namespace" says which kind, not which one
            ):
                said.append(at)
        return self._the_one_value(open_fields, said, taken)

    def _owner_and_name(self, fields: list[Field], taken: set[int]) -> dict[str, Any]:
        """ "acme/api" for two path parameters that follow one another (owner and repo,
        workspace and repo_slug), where the comment states one such pair: not a file's path
        ("reports/q3.pdf" is an object's key) nor alternatives ("status/duration")."""
        open_fields = {f.name: f for f in fields if f.location == "path"}
        pairs = [(a, b) for a, b in self.pairs if a in open_fields and b in open_fields]
        said = [
            p
            for p, t in enumerate(self.tokens)
            if not t.quoted
            and _OWNER_AND_NAME.fullmatch(t.text)
            and not _FILE_NAME.search(t.text)
            and not all(w in self.asking for w in t.key.split("/"))
        ]
        if len(pairs) != 1 or len(said) != 1:
            return {}
        owner, name = self.tokens[said[0]].text.split("/")
        first, second = (open_fields[n] for n in pairs[0])
        return self._all_or_none([(first, owner), (second, name)], said, taken)

    def _ids(self, field_words: set[str]) -> list[int]:
        """Where the comment states an identifier: a token with two digits or a digit and
        identifier punctuation (not "v2", "s3"), not a count ("last 50 tweets")."""
        found = []
        for position, token in enumerate(self.tokens):
            digits = sum(c.isdigit() for c in token.text)
            if token.key in field_words or self.is_request_word(token.key) or "@" in token.text:
                continue
            if token.key in self.api_names or token.key.rsplit(".", 1)[0] in self.api_names:
                continue
            before = self.tokens[position - 1].key if position else ""
            if before in _NEW_VALUE or re.fullmatch(r"\d+(ms|s|m|h|d|k|mb|gb)", token.key):
                continue  # "rename it to 'x'" names the new value; "10s" is a duration
            punctuated = any(c in "_-.:" for c in token.text)
            if token.quoted or token.text[:1] in "/+":
                continue  # quoted text names things; paths and phone numbers are not ids
            if not (digits >= 2 or (digits and punctuated)):
                continue
            if token.text.isdecimal():
                after = self.tokens[position + 1].key if position + 1 < len(self.tokens) else ""
                plural_after = after.endswith("s") and not after.endswith("ss")
                if before in _COUNT_BEFORE or (plural_after and int(token.text) < 1000):
                    continue
            found.append(position)
        return found

    def _said_of_the_request(self, position: int) -> bool:
        """Whether the word before a value is a little word or a word of the operation's own
        text ("request 33" on /sign_requests/{id}), not another thing's name ("memory 512")."""
        before = self.tokens[position - 1].key if position else ""
        return not before or self.is_request_word(before)

    def _candidates(
        self, field: Field, field_words: set[str], tier: int, sole_date: str | None
    ) -> Iterator[tuple[int, int, Any]]:
        """The values a name of `field` of this tier points at: (where the name starts, where
        the value is, the value)."""
        if tier == 3:
            for position, value in chain(
                self._enum_values(field),
                self._page_sizes(field),
                self._dates(field, field.name == sole_date),
                self._the_author(field),
            ):
                yield position, position, value
            return
        id_only = tier > 0
        for name in _names_of(field, self.path_words, tier, self.resources):
            for at in range(len(self.tokens)):
                if not _matches(self.tokens, at, name):
                    continue
                position = at + len(name)
                start = at
                # "rename plan 7 to 'x'": after a resource's name, only its id.
                if (
                    not id_only
                    and position < len(self.tokens)
                    and self.tokens[position].key in CONNECTORS
                ):
                    position += 1
                    start = position  # a name said right before the value claims it first
                # "stats for all subusers, 2024-05-01": a comma parts the name from the value.
                if position >= len(self.tokens) or self.tokens[position - 1].ends_clause:
                    continue
                token = self.tokens[position]
                last = position == len(self.tokens) - 1
                if not self._is_value(token, field, tier, last, field_words):
                    continue
                written = token.written
                if self.tokens[at + len(name) - 1].key in _NEW_VALUE and not token.quoted:
                    written = self._capitalised_run(position)  # "named Front Desk"
                value = coerce(written, field.schema)
                if value is not None:
                    yield start, position, value
        if tier == 0 and field.schema.get("type") in ("integer", "number"):
            for position, value in self._number_before(field):
                yield position, position, value

    def _capitalised_run(self, position: int) -> str:
        """The token at `position` and the capitalised words that follow it in its clause: a
        name of several words ("Front Desk")."""
        run = [self.tokens[position]]
        if not run[0].text[:1].isupper():
            return run[0].written
        for token in self.tokens[position + 1 :]:
            if run[-1].ends_clause or token.quoted or not token.text[:1].isupper():
                break
            if not token.text.isalpha():
                break
            run.append(token)
        return " ".join(t.text for t in run)

    def _number_before(self, field: Field) -> Iterator[tuple[int, Any]]:
        """ "2 adults", "3 replicas": a number right before the field's own name."""
        for name in _names_of(field, self.path_words, 0):
            for at in range(1, len(self.tokens)):
                before = self.tokens[at - 1]
                if before.text.isdecimal() and _matches(self.tokens, at, name):
                    value = coerce(before.text, field.schema)
                    if value is not None:
                        yield at - 1, value

    def _enum_values(self, field: Field) -> Iterator[tuple[int, Any]]:
        """A word that is one of the field's enum values and not a word of the operation's
        own text ("pull merged pull requests" for state: OPEN | MERGED | DECLINED)."""
        spelled = {str(e).lower(): e for e in field.schema.get("enum") or [] if isinstance(e, str)}
        for position, token in enumerate(self.tokens):
            if (
                token.key in spelled
                and len(token.key) > 2
                and token.key not in STOPWORDS
                and stem(token.key) not in self.vocabulary
            ):
                yield position, spelled[token.key]

    def _page_sizes(self, field: Field) -> Iterator[tuple[int, Any]]:
        if re.sub(r"[^a-z]", "", field.name.lower()) not in _PAGE_SIZES:
            return
        if field.schema.get("type") not in ("integer", "number", "string"):
            return
        for position, token in enumerate(self.tokens):
            if not token.text.isdecimal():
                continue
            before = any(
                _matches(self.tokens, position - len(n), n) for n in _SIZE_BEFORE if position
            )
            # "100 max", "20 per page"; not "user 2244994945, max 50".
            after = not token.ends_clause and any(
                _matches(self.tokens, position + 1, n) for n in _SIZE_AFTER
            )
            if before or after or self._counts_what_is_listed(position) or self._newest(position):
                value = coerce(token.text, field.schema)
                if value is not None:
                    yield position, value

    def _newest(self, position: int) -> bool:
        """ "last 50 tweets", "latest 10 orders": how many of the newest things, not a span of
        time ("last 30 days")."""
        if not position or self.tokens[position - 1].key not in _NEWEST:
            return False
        after = self.tokens[position + 1].key if position + 1 < len(self.tokens) else ""
        return after.endswith("s") and not after.endswith("ss") and stem(after) not in _TIME_UNITS

    def _counts_what_is_listed(self, position: int) -> bool:
        """ "40 home statuses" on /statuses/home_timeline: a count, then (at most one word
        later) the plural of a word of the operation's own text."""
        if int(self.tokens[position].text) > 1000:
            return False
        for after in self.tokens[position + 1 : position + 3]:
            key = after.key
            if key.endswith("s") and not key.endswith("ss") and stem(key) in self.vocabulary:
                return not after.quoted
            if after.ends_clause:
                break
        return False

    def _dates(self, field: Field, sole_date: bool) -> Iterator[tuple[int, Any]]:
        """A date where the word before it says which end of a range it is ("since
        2024-01-01" for start_date, "to 2024-01-31" for EndDate), or said "on"/"for" the one
        field that is only a date (`sole_date`: "departureDate")."""
        kind = field.schema.get("type")
        if kind not in ("string", "integer"):
            return
        end = _range_end(field.name)
        dates = [
            p
            for p, t in enumerate(self.tokens)
            if p and _DATE.fullmatch(t.text) and (kind == "string" or t.text.isdecimal())
        ]
        for position in dates:
            token = self.tokens[position]
            before = self.tokens[position - 1].key
            says = "start" if before in _DATE_STARTS else "end" if before in _DATE_ENDS else ""
            on_its_day = sole_date and (before in ("on", "for", "in") or len(dates) == 1)
            if (says and says == end) or on_its_day:
                value = coerce(token.text, field.schema)  # 20240101 for an integer field
                if value is not None:
                    yield position, value

    def _the_author(self, field: Field) -> Iterator[tuple[int, Any]]:
        """ "me" for a user's field where the comment asks about its author's own ("labels for
        me", "user me"): the APIs that take it (Gmail's userId, Trello's idMember) say so."""
        named = set(humanise_identifier(field.name).lower().split())
        if field.schema.get("type") != "string" or not named & _USER_WORDS:
            return
        said_before = _BEFORE_ME | named
        for position, token in enumerate(self.tokens):
            if token.key == "me" and position and self.tokens[position - 1].key in said_before:
                yield position, "me"

    def _is_value(
        self, token: Token, field: Field, tier: int, last: bool, field_words: set[str]
    ) -> bool:
        """Whether `token`, found after a name of `field`, is a value. A plain lowercase word is
        one only where nothing follows it ("repos of user octocat"; "user reactions, 20 per
        page" is not), or where the field's enum or type says which words are values."""
        if token.quoted:
            return True
        if not token.plain:
            # "function URL", "object ACL": an acronym of the operation's own words.
            acronym = token.text.isalpha() and token.text.isupper()
            return not (
                token.key in field_words
                or token.key in CONNECTORS
                or (acronym and stem(token.key) in self.vocabulary)
            )
        if tier == 2 or not (last or (_constrained(field) and tier == 0)):
            return False
        return not (
            self.is_request_word(token.key)
            or self.is_asking_word(token.key, field)
            or token.key in field_words
            or not token.text.isalnum()
        )

    def is_asking_word(self, key: str, field: Field) -> bool:
        """A plain word developers ask with and never state (index/value_words.py), unless
        the field's enum or type says which words are values."""
        return key in self.asking and not _constrained(field)

    def is_request_word(self, key: str) -> bool:
        """A little word or a word of the operation's own text: the request's, not a value."""
        return key in STOPWORDS or key in CONNECTORS or stem(key) in self.vocabulary


def read_comment_values(
    fields: list[Field], instruction: str, operation: str = ""
) -> dict[str, Any]:
    """Values the comment states next to the fields' names (see the module's docstring)."""
    return CommentReader(instruction, operation).values(fields)


def coerce(text: str, schema: dict[str, Any]) -> Any:
    """`text` as the schema's type (None when it is not one, or outside the enum)."""
    kind = schema.get("type")
    enum = schema.get("enum")
    value: Any = text
    try:
        if kind == "integer":
            value = int(text)
        elif kind == "number":
            value = float(text)
            value = int(value) if value.is_integer() and "." not in text else value
        elif kind == "boolean":
            if text.lower() not in ("true", "false", "yes", "no"):
                return None
            value = text.lower() in ("true", "yes")
        elif kind == "array":
            items = [coerce(part, schema.get("items") or {}) for part in text.split(",")]
            return None if any(i is None for i in items) else items
    except ValueError:
        return None
    if enum and value not in enum:
        return None
    return value


class Grounding:
    """Whether a model's value for a field is one the comment states: a whole word or quoted
    text of the comment (or of the nearby code), not a piece of one ("123" of `in_123`), not a
    word of the operation's own text or of the API's name, and not a value the comment puts next
    to another field's name."""

    def __init__(self, reader: CommentReader, context: str = "", api_words: str = ""):
        self.reader = reader
        self.context = tokens_of(context)
        self.api_words = frozenset(words(api_words))

    def unstated(self, value: Any, field: Field, fields: list[Field]) -> str:
        """Why `value` is not stated for `field` ("" when it is)."""
        if isinstance(value, bool):
            spelled = humanise_identifier(field.name)
            said = humanise_identifier(self.reader.instruction)
            switch = {stem(w) for w in spelled.lower().split()}
            if switch and switch <= self.reader.vocabulary:
                return "the operation's own word, not a switch"  # S3's ?accelerate
            return "" if spelled and spelled in said else "boolean not stated"
        if isinstance(value, list):
            if value and all(not self.unstated(v, field, fields) for v in value):
                return ""
            return "list not stated"
        if isinstance(value, (int, float)):
            text = str(int(value)) if float(value).is_integer() else str(value)
        elif isinstance(value, str):
            text = value.strip()
        else:
            return "unsupported value"
        if not text:
            return "empty"
        if len(text) > 0.6 * len(self.reader.instruction) and len(text) > 12:
            return "the whole comment, not a value in it"
        position = self._position(text)
        if position is None:
            if any(_same_text(t, text) for t in self.context):
                return ""
            return "not a word or quoted text of the comment"
        token = self.reader.tokens[position]
        before = self.reader.tokens[position - 1] if position > 0 else None
        named_before = before is not None and self._names(before, field)
        name_words = humanise_identifier(field.name).lower().split()
        if not named_before:
            # Where the comment does not name the field, what a model puts there must fit it:
            # "k8s", "ec2", "v4" name products and versions; a number is no name; a page's
            # cursor or an API version is never what a developer's comment states.
            if _PRODUCT_LIKE.fullmatch(token.key):
                return "a product's or a version's name, not a value"
            if name_words[-1:] and name_words[-1] in _NAMING and not any(map(str.isalpha, text)):
                return "a number, not a name"  # "42", "10.0.0.0/16"
            if _NEVER_STATED & set(name_words) and not (
                _is_date_name(field.name) and _DATE.fullmatch(text)
            ):
                return "a parameter comments do not state"
            if humanise_identifier(token.text).lower().split() == name_words:
                return "the parameter's own name, not its value"
            if position == 0 and token.plain:
                return "the request's first word, not a value"  # "revoke function policy"
            if (token_words := set(words(token.key))) and token_words <= self.api_words:
                return "the API's name, not a value"  # "from color.pizza"
            identifier = field.name.lower() in _BARE_IDS or name_words[-1:] in (["id"], ["sid"])
            if identifier and before is not None and before.key in _NEW_VALUE:
                return "a new value, not the id of an existing thing"  # "rename it to 'x'"
            if identifier and " " in text:
                return "words, not an id"  # 'send "Your driver is here"' is no SessionSid
            if _KNOWN_FILE.search(token.key) and not _FILE_FIELDS & set(name_words):
                return "a file's name, not this parameter"
            if "ip" in name_words and not _is_ip(text):
                return "not an IP address"
            if _ZONE.fullmatch(token.key) and not _PLACES & set(name_words):
                return "a region or a zone, not this parameter"
            if _WITH_UNIT.fullmatch(token.key):
                return "a quantity with its unit"  # "cache 300s", "a 20GB volume"
            if "country" in name_words and text.isupper() and text not in _COUNTRY_CODES:
                return "not a country's code"  # "in EN" is a language
        if token.plain:
            if (
                self.reader.is_request_word(token.key)
                or token.key in self.api_words
                or self.reader.is_asking_word(token.key, field)
            ):
                return "a word of the request, not a value"
            # A plain word is a value where the enum says so or where the field is named next
            # to it ("in dev namespace"); elsewhere it is the request's own ("random names").
            beside = self.reader.tokens[max(position - 1, 0) : position + 2]
            if not _constrained(field) and not any(self._names(t, field) for t in beside):
                return "a plain word not said of this parameter"
        tokens = self.reader.tokens
        after = tokens[position + 1] if position + 1 < len(tokens) else None
        if tokens[position].ends_clause or not (
            before is None or before.key in STOPWORDS or before.key in CONNECTORS
        ):
            after = None  # "survey 123 response r-9": 123 is the survey's
        beside = [t for t in (before, after) if t is not None]
        # "webinar 987654321" is not an occurrence id, "in 3 days" not a city.
        if not any(self._names(t, field) for t in beside) and any(
            self._names_another(t, field, fields) for t in beside
        ):
            return "the comment gives it to another parameter"
        if field.location == "header" and not named_before:
            return "a header the comment does not name"
        if before is not None and _other_end(before.key, field.name):
            return "the other end of the range"  # "from 2024-01-01" is not an end date
        return ""

    def _position(self, text: str) -> int | None:
        tokens = self.reader.tokens
        for position, token in enumerate(tokens):
            if _same_text(token, text):
                return position
        # A name of capitalised words: "Acme Corp".
        parts = text.split()
        for at in range(len(tokens) - len(parts) + 1):
            run = tokens[at : at + len(parts)]
            if len(parts) > 1 and all(
                t.text == p and p[:1].isupper() for t, p in zip(run, parts, strict=True)
            ):
                return at
        return None

    def _names(self, token: Token, field: Field) -> bool:
        return self.reader.names(token, field)

    def _names_another(self, before: Token, field: Field, fields: list[Field]) -> bool:
        return not self._names(before, field) and any(
            self._names(before, f) for f in fields if f.name != field.name
        )


def _same_text(token: Token, text: str) -> bool:
    return token.written == text


_RANGE_STARTS = frozenset({"from", "since", "after", "starting", "beginning"})
_RANGE_ENDS = frozenset({"to", "until", "till", "before", "ending", "through"})
_START_FIELDS = frozenset({"start", "from", "since", "after", "begin", "min", "oldest"})
_END_FIELDS = frozenset({"end", "to", "until", "before", "max", "newest"})
_START_PREFIXES = ("start", "from", "since", "after", "begin")
_END_PREFIXES = ("end", "until", "before")


# An ISO date or time (2024-05-01, 2024-05-01T14:00:00.000Z), or a compact one (20240101).
_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])?"
)
# A date in parts: 2024/01/15, 2024-01, 2024/03/all-days; or a month and a day, 12/25.
_DATE_PARTS = re.compile(
    r"(?:((?:19|20)\d{2})[/-](\d{2})(?:[/-](\d{2}|all-days))?|(\d{1,2})/(\d{1,2}))"
)
# An id after its kind's prefix, with a digit or a capital (cus_456, txn_1Nabc; not snake_case).
_PREFIXED_ID = re.compile(r"([a-z]{2,8})_(?=[a-z]*[A-Z0-9])[A-Za-z0-9]{3,}")
_DATE_STARTS = _RANGE_STARTS | {"between"}
_DATE_ENDS = _RANGE_ENDS | {"and"}
_OWNER_AND_NAME = re.compile(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*")
# ISO 3166-1 alpha-2 ("EN" is a language, not a country).
_COUNTRY_CODES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC
    EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK
    HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB
    LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
    NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU
    RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN
    TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split()  # noqa: SIM905
)
_IP = re.compile(r"(?:\d{1,3}\.){3}\d{1,3}")
# A cloud's region or zone: us-central1-a, eu-west-2, europe-west4.
_ZONE = re.compile(r"[a-z]{2,12}-[a-z]+-?\d(?:-[a-z])?")
_WITH_UNIT = re.compile(r"\d+(?:ms|s|m|h|d|kb|mb|gb|tb|kib|mib|gib|tib)")
# A file's name by its extension ("index.html", "merged.bin"; not "example.com"), and the
# fields that take one, or a host name that may look like one ("cdn.sh").
_KNOWN_FILE = re.compile(
    r"\.(?:html?|json|csv|tsv|txt|pdf|png|jpe?g|gif|svg|xml|ya?ml|bin|tar|gz|tgz|mp[34]|wav|docx?"
    r"|xlsx?|pptx?|log|sql|zip|exe|dmg|iso|apk|jar|whl|parquet)$"
)
_FILE_FIELDS = frozenset(
    {"file", "filename", "name", "key", "path", "object", "document", "blob", "attachment"}
    | {"image", "title", "source", "filepath", "files", "content", "body"}
    | {"domain", "host", "hostname", "url", "uri", "website", "link", "origin", "email"}
)
# ISO 4217: the currencies developers name most.
# fmt: off
_CURRENCY_CODES = frozenset({
    "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "CNY", "HKD", "SGD", "INR",
    "KRW", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RUB", "TRY", "BRL", "MXN", "ARS",
    "CLP", "COP", "ZAR", "NGN", "KES", "EGP", "ILS", "AED", "SAR", "THB", "MYR", "IDR",
    "PHP", "VND", "TWD", "UAH", "RON", "BGN", "ISK",
})
# fmt: on
# Values whose form says which fields take them: the words of those fields' names, the form.
_FORMS = (
    (frozenset({"url", "uri", "link", "href", "website"}), re.compile(r"https?://\S+")),
    (frozenset({"country"}), re.compile("|".join(sorted(_COUNTRY_CODES)))),
    (frozenset({"ip", "address"}), _IP),
    (frozenset({"domain", "hostname", "host"}), re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}")),
    (frozenset({"phone", "tel", "intlnumber", "number"}), re.compile(r"\+\d{7,15}")),
    (frozenset({"currency"}), re.compile("|".join(sorted(_CURRENCY_CODES)))),
    (frozenset({"language", "lang", "locale"}), re.compile(r"[a-z]{2}-[A-Z]{2}")),
    (
        frozenset({"timezone", "tz"}),
        re.compile(
            r"(?:Africa|America|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Za-z_]+(?:/[A-Za-z_]+)?"
        ),
    ),
)
# The last words of fields that take free text: a search, a name, a message.
_FREE_TEXT = frozenset(
    {"q", "query", "search", "term", "keyword", "keywords", "text", "name", "title", "label"}
)
# Words of a boolean field's name that say it is one, not what it turns on.
_FLAG_LITTLE = frozenset({"is", "include", "includes", "incl", "with", "enable", "enabled", "show"})
_NEGATIONS = frozenset({"no", "not", "without", "non", "never", "don't", "dont", "off", "disable"})
_LATITUDES = frozenset({"lat", "latitude"})
_LONGITUDES = frozenset({"lon", "lng", "long", "longitude"})
_DEGREES = re.compile(r"-?\d{1,3}(?:\.\d+)?")
_POINT = re.compile(r"-?\d{1,3}\.\d+,-?\d{1,3}\.\d+")
_ROUTE_ENDS = ("origin", "destination")
_CODE = re.compile(r"[A-Z]{3}")  # an airport's or a station's code
_ARROW = re.compile(r"([A-Z]{3})->([A-Z]{3})")
_HANDLES = frozenset({"screen", "handle"})
_HANDLE = re.compile(r"@\w{1,50}")
_PRODUCT_LIKE = re.compile(r"[a-z]{1,3}\d[a-z0-9]?")
_NAMING = frozenset({"name", "title", "label"})
# Parameters that shape a response (a page's cursor, the fields to expand, the format) or
# the call (the API version): comments ask for them by name or not at all.
_NEVER_STATED = frozenset(
    {"cursor", "api", "token", "marker", "expand", "filter", "fields", "field", "format"}
    | {"sort", "order", "offset", "start", "markup"}
)
_PLACES = frozenset({"namespace", "region", "location", "zone", "datacenter"})
# A resource name begins with its collection: "projects/acme", "customers/my_customer".
_RESOURCE_NAME = re.compile(r"[a-z][A-Za-z]*s/[\w.@:~-]+(?:/[\w.@:~-]+)*")
_FILE_NAME = re.compile(r"\.[a-z][a-z0-9]{1,4}$")
_NEW_VALUE = frozenset({"to", "as", "named", "called", "titled"})
_COUNT_BEFORE = frozenset(
    {"last", "first", "top", "latest", "newest", "recent", "next", "max", "limit", "oldest"}
)
_USER_WORDS = frozenset({"user", "userid", "member", "owner", "assignee", "player"})
_BEFORE_ME = frozenset({"for", "user", "member", "of", "by", "to", "as", "is", "="})


def _is_ip(text: str) -> bool:
    """An IPv4 or IPv6 address, or a network (10.0.0.0/16)."""
    try:
        ipaddress.ip_interface(text)
    except ValueError:
        return False
    return True


def _abbreviates(prefix: str, field_name: str) -> bool:
    """Whether an id's prefix abbreviates the field's name: its initials ("pm" for
    payment_method) or its start ("cus" for customer)."""
    spelled = [w for w in humanise_identifier(field_name).lower().split() if w not in ID_WORDS]
    if not spelled:
        return False
    initials = "".join(w[0] for w in spelled)
    return (len(spelled) > 1 and prefix == initials) or "".join(spelled).startswith(prefix)


def _coordinate_of(name: str) -> str:
    """ "lat" or "lon" for a field (or a word) that names a latitude or a longitude."""
    spelled = humanise_identifier(name).lower().split()
    if len(spelled) != 1:
        return ""
    return "lat" if spelled[0] in _LATITUDES else "lon" if spelled[0] in _LONGITUDES else ""


def _range_end(field_name: str) -> str:
    """ "start" or "end" for a field that bounds a range (start_date, fromdate, madeWhenFrom,
    EndDate, todate), "" for any other."""
    named = humanise_identifier(field_name).lower().split()
    starts = any(w in _START_FIELDS or w.startswith(_START_PREFIXES) for w in named)
    ends = any(w in _END_FIELDS or w.startswith(_END_PREFIXES) or w == "todate" for w in named)
    if starts == ends:
        return ""
    return "start" if starts else "end"


def _is_date_name(field_name: str) -> bool:
    return bool(set(humanise_identifier(field_name).lower().split()) & {"date", "day"})


def _other_end(said_before: str, field_name: str) -> bool:
    """A value said as a range's start given to an end field, or the reverse."""
    named = set(humanise_identifier(field_name).split())
    return bool(
        (said_before in _RANGE_STARTS and named & _END_FIELDS and not named & _START_FIELDS)
        or (said_before in _RANGE_ENDS and named & _START_FIELDS and not named & _END_FIELDS)
    )
