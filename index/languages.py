"""Everything apicall knows about each editor language, in one table that the server (comments,
imports, targets), the renderer, the command line, the evaluation and the Neovim plugin's test
read: comment markers, how imports look and where new ones go, the default target and the ones
a file's own imports select, file extensions, and Neovim's filetype names."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

from .errors import ApicallError

ImportStyle = Literal["lines", "go"]


@dataclass(frozen=True)
class Language:
    id: str  # the LSP language id
    target: str | None  # the idiomatic target (None: comments are read, no code is written)
    line_comments: tuple[str, ...] = ()
    block_comments: bool = False  # /* ... */
    docstrings: bool = False  # a lone triple-quoted string counts as a comment
    import_line: str | None = None  # regex of one of the file's import lines
    import_style: ImportStyle = "lines"  # "go": grouped `import ( ... )` blocks
    # (regex over the file, target): an HTTP client the file already uses selects its target.
    client_targets: tuple[tuple[str, str], ...] = ()
    extensions: tuple[str, ...] = ()
    nvim_filetypes: tuple[str, ...] = ()  # Neovim's names, when they differ from the id

    @property
    def import_pattern(self) -> re.Pattern[str] | None:
        return _compiled(self.import_line) if self.import_line else None

    def client_target(self, source: str) -> str | None:
        for pattern, target in self.client_targets:
            if _compiled(pattern).search(source):
                return target
        return None


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.M)


HASH = ("#",)
SLASH = ("//",)
AXIOS = (r"""(require\(["']axios["']\)|from ["']axios["'])""", "javascript_axios")
C_INCLUDE = r"^#include\s"
IMPORT = r"^import\s"


def _languages(*languages: Language) -> dict[str, Language]:
    return {language.id: language for language in languages}


LANGUAGES = _languages(
    Language(
        "python",
        "python",
        HASH,
        docstrings=True,
        import_line=r"^(import\s+\S|from\s+\S+\s+import\s)",
        client_targets=(
            (r"^\s*(import httpx|from httpx import)", "python_httpx"),
            (r"^\s*(import requests|from requests import)", "python"),
        ),
        extensions=(".py", ".pyi"),
        nvim_filetypes=("python",),
    ),
    Language(
        "javascript",
        "javascript",
        SLASH,
        block_comments=True,
        client_targets=(AXIOS,),
        extensions=(".js", ".mjs", ".cjs"),
        nvim_filetypes=("javascript",),
    ),
    Language(
        "javascriptreact",
        "javascript",
        SLASH,
        block_comments=True,
        client_targets=(AXIOS,),
        extensions=(".jsx",),
        nvim_filetypes=("javascriptreact",),
    ),
    Language(
        "typescript",
        "typescript",
        SLASH,
        block_comments=True,
        client_targets=(AXIOS,),
        extensions=(".ts", ".mts", ".cts"),
        nvim_filetypes=("typescript",),
    ),
    Language(
        "typescriptreact",
        "typescript",
        SLASH,
        block_comments=True,
        client_targets=(AXIOS,),
        extensions=(".tsx",),
        nvim_filetypes=("typescriptreact",),
    ),
    Language(
        "go",
        "go",
        SLASH,
        block_comments=True,
        import_line=IMPORT,
        import_style="go",
        extensions=(".go",),
        nvim_filetypes=("go",),
    ),
    Language(
        "java",
        "java",
        SLASH,
        block_comments=True,
        import_line=IMPORT,
        extensions=(".java",),
        nvim_filetypes=("java",),
    ),
    Language(
        "kotlin",
        "kotlin",
        SLASH,
        block_comments=True,
        import_line=IMPORT,
        extensions=(".kt", ".kts"),
        nvim_filetypes=("kotlin",),
    ),
    Language(
        "ruby",
        "ruby",
        HASH,
        import_line=r"^require(_relative)?\s",
        extensions=(".rb",),
        nvim_filetypes=("ruby",),
    ),
    Language(
        "php",
        "php",
        ("//", "#"),
        block_comments=True,
        extensions=(".php",),
        nvim_filetypes=("php",),
    ),
    Language(
        "swift",
        "swift",
        SLASH,
        block_comments=True,
        import_line=IMPORT,
        extensions=(".swift",),
        nvim_filetypes=("swift",),
    ),
    Language(
        "c",
        "c",
        SLASH,
        block_comments=True,
        import_line=C_INCLUDE,
        extensions=(".c", ".h"),
        nvim_filetypes=("c",),
    ),
    Language(
        "cpp",
        "c",
        SLASH,
        block_comments=True,
        import_line=C_INCLUDE,
        extensions=(".cc", ".cpp", ".cxx", ".hpp"),
    ),
    Language("objective-c", "c", SLASH, block_comments=True, import_line=C_INCLUDE),
    Language(
        "csharp",
        "csharp",
        SLASH,
        block_comments=True,
        import_line=r"^using\s+[\w.]+;",
        extensions=(".cs",),
        nvim_filetypes=("cs",),
    ),
    Language(
        "rust",
        "rust",
        SLASH,
        block_comments=True,
        extensions=(".rs",),
        nvim_filetypes=("rust",),
    ),
    Language(
        "shellscript",
        "shellscript",
        HASH,
        extensions=(".sh", ".bash", ".zsh"),
        nvim_filetypes=("sh", "bash", "zsh"),
    ),
    # Ids some clients send for shell files instead of "shellscript".
    Language("sh", "shellscript", HASH),
    Language("bash", "shellscript", HASH),
    Language("zsh", "shellscript", HASH),
    # Comments are read in these; no target writes code for them.
    Language("perl", None, HASH),
    Language("r", None, HASH),
    Language("yaml", None, HASH),
    Language("elixir", None, HASH),
    Language("toml", None, HASH),
    Language("scala", None, SLASH, block_comments=True),
    Language("dart", None, SLASH, block_comments=True),
    Language("css", None, (), block_comments=True),
    Language("sql", None, ("--",)),
    Language("lua", None, ("--",)),
    Language("haskell", None, ("--",)),
    Language("ada", None, ("--",)),
)

# An unknown language: both common line markers, no imports, no target.
UNKNOWN = Language("plaintext", None, ("#", "//"))


class UnknownLanguage(ApicallError):
    pass


def language(language_id: str) -> Language:
    return LANGUAGES.get(language_id, UNKNOWN)


def target_of(language_id: str) -> str:
    """The idiomatic target of an LSP language id, or a one-line error naming those there are."""
    target = language(language_id).target
    if target is None:
        with_targets = sorted({lang.target for lang in LANGUAGES.values() if lang.target})
        raise UnknownLanguage(
            f"no target for language {language_id!r}: one of {', '.join(with_targets)}"
        )
    return target


def language_of_path(path: str | PurePath) -> Language | None:
    """The language of a file by its extension (the command line's `--file`)."""
    suffix = PurePath(path).suffix.lower()
    return next((lang for lang in LANGUAGES.values() if suffix in lang.extensions), None)


def nvim_language_ids() -> dict[str, str]:
    """Neovim filetype -> LSP language id, for the filetypes the plugin starts the server on."""
    return {ft: lang.id for lang in LANGUAGES.values() for ft in lang.nvim_filetypes}
