"""Which indexed operation a concrete URL calls (hover, and the evaluation's hallucination check),
and which specs the URLs a file already calls belong to (the ranking's strongest hint at the API a
comment that does not name one asks for)."""

from __future__ import annotations

import re
from urllib.parse import ParseResult, urlparse

from .layered import OperationIndex, SearchHit
from .records import OperationRecord
from .search import keyword_query
from .store import SUMMARY_COLUMNS


def path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(regex + r"/?$")


# A string literal holding an absolute URL, as code writes one ("https://api.stripe.com/v1/...").
_URL_LITERAL = re.compile(r"""(["'`])(https?://[^"'`\s]+)\1""")
# A file's first hosts: enough to know its APIs; one search each the first time a file is read.
URLS_READ = 8
# More specs than this behind one host (googleapis.com, amazonaws.com) say nothing about the API.
SPECS_PER_HOST = 3


def urls_in(text: str) -> tuple[str, ...]:
    """The first absolute URL of each host a file's string literals hold, first hosts first: the
    other URLs of a host mostly call the same API."""
    found: dict[str, str] = {}
    for match in _URL_LITERAL.finditer(text):
        url = match.group(2)
        host = host_of(url)
        if host is not None:
            found.setdefault(host, url)
        if len(found) >= URLS_READ:
            break
    return tuple(found.values())


def host_of(url: str) -> str | None:
    """The URL's host name; None where it has none that parses ("https://[not-an-address]")."""
    try:
        return urlparse(url).hostname
    except ValueError:
        return None


def specs_called(store: OperationIndex, url: str) -> frozenset[str]:
    """The spec a URL calls: the spec of the operation it matches on its host, else the specs
    whose servers are its host where a few are (`https://api.github.com/repos/acme/web/issues`
    when copies of GitHub's enterprise specs crowd the search). Empty when nothing says."""
    found = _url_hits(store, url)
    if found is None:
        return frozenset()
    parsed, hits = found
    best = _best_match(parsed, hits, None)
    if best is not None and best[0] >= 0:  # matched on its host, or the URL names none
        return frozenset([best[1].row["spec_key"]])
    hostname = parsed.hostname
    if not hostname:
        return frozenset()
    specs = {hit.row["spec_key"] for hit in hits if serves_host(hit.row["servers"], hostname)}
    return frozenset(specs) if len(specs) <= SPECS_PER_HOST else frozenset()


def serves_host(servers: str, hostname: str) -> bool:
    """Whether an operation's servers (the index's JSON text) are at `hostname`, a templated
    one's variables standing for any name (`https://{region}.bookshop.example/api`)."""
    if f"//{hostname}" in servers:
        return True
    labels = hostname.split(".")
    for template in re.findall(r'"url":\s*"[a-z]*:?//([^/":]*\{[^/":]*)', servers):
        parts = template.split(".")
        if len(parts) == len(labels) and all(map(_label_fits, parts, labels)):
            return True
    return False


def _label_fits(template: str, label: str) -> bool:
    """One host label against a server's: a variable alone fits any; a label with one or two
    variables in it (`api-{region}`) fits by pattern; more is taken as no fit (a spec's server
    string is untrusted, and a pattern of many variables backtracks without end)."""
    if "{" not in template:
        return template == label
    literals = re.split(r"\{[^}]*\}", template)
    if len(literals) > 3:
        return False
    return re.fullmatch("[^.]+".join(map(re.escape, literals)), label) is not None


def _url_hits(store: OperationIndex, url: str) -> tuple[ParseResult, list[SearchHit]] | None:
    """The parsed URL and the operations a keyword search of its host and path words finds."""
    try:
        parsed = urlparse(url)
        hostname = parsed.hostname or ""
    except ValueError:  # "https://[not-an-address]": no operation's URL
        return None
    host_words = [w for w in hostname.split(".") if w not in ("www", "api", "com")]
    segments = [p for p in (parsed.path or url).split("/") if p and not p.isdigit()]
    segments += [p for p in re.split(r"[=&.#]", parsed.fragment) if p]
    words = keyword_query(" ".join([*host_words, *segments]))
    if not words:
        return None
    return parsed, store.search_keyword(words, 50, SUMMARY_COLUMNS)


def match_url(store: OperationIndex, url: str, method: str | None = None) -> OperationRecord | None:
    """The indexed operation whose path template matches the URL's path (host when known)."""
    found = _url_hits(store, url)
    if found is None:
        return None
    best = _best_match(*found, method)
    # The search rows carry the servers; only the chosen operation needs its whole row.
    row = store.get_operation(best[1].row["id"]) if best else None
    return OperationRecord.from_row(row) if row else None


def _best_match(
    parsed: ParseResult, hits: list[SearchHit], method: str | None
) -> tuple[int, SearchHit] | None:
    """The hit whose path template matches the URL's path with the most literal characters,
    less 1000 where its servers are not the URL's host."""
    hostname = parsed.hostname or ""  # parsed once already by _url_hits: it cannot raise now
    path = parsed.path or parsed.geturl()
    candidates = [path, f"{path}#{parsed.fragment}"] if parsed.fragment else [path]
    best: tuple[int, SearchHit] | None = None
    for hit in hits:
        pattern = path_pattern(hit.row["path"])
        if not any(pattern.search(p) for p in candidates):
            continue
        if method and hit.row["method"] != method:
            continue
        specificity = len(re.sub(r"\{[^}]*\}", "", hit.row["path"]))  # literal characters
        if hostname and not serves_host(hit.row["servers"], hostname):
            specificity -= 1000
        if best is None or specificity > best[0]:
            best = (specificity, hit)
    return best
