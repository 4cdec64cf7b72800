"""Parsing rendered snippets with a real parser of their language.

Used by the tests (a language whose tool is missing is skipped) and by bench/syntax.py.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from apicall.index.render.render import RenderedSnippet

# target -> language checked
TARGET_LANGUAGE = {
    "shell_curl": "bash",
    "shellscript": "bash",
    "c_libcurl": "c",
    "c": "c",
    "java_okhttp": "java",
    "java": "java",
    "node_native": "javascript",
    "node_request": "javascript",
    "javascript_xhr": "javascript",
    "javascript": "javascript-module",
    "javascript_axios": "javascript-module",
    "python_httpx": "python",
    "typescript": "javascript-module",
    "python_python3": "python",
    "python_requests": "python",
    "python": "python",
    "go_native": "go",
    "go": "go",
    "ruby_native": "ruby",
    "ruby": "ruby",
    "php_curl": "php",
    "php": "php",
    "swift_nsurlsession": "swift",
    "swift": "swift",
    "csharp": "csharp",
    "kotlin": "kotlin",
    "rust": "rust",
}


@dataclass
class SyntaxResult:
    ok: bool
    message: str = ""


class ToolMissing(Exception):
    pass


def wrap(target: str, snippet: RenderedSnippet) -> str:
    """A compilation unit around the snippet, where its language needs one."""
    imports = "\n".join(snippet.imports)
    body = snippet.body or snippet.code
    if target == "c_libcurl":
        return f"#include <curl/curl.h>\nint main(void) {{\n{snippet.code}\nreturn 0;\n}}\n"
    if target == "c":
        return f"{imports}\nint main(void) {{\n{body}\nreturn 0;\n}}\n"
    if target == "go":
        return f"package main\n\n{imports}\n\nfunc main() {{\n{body}\n}}\n"
    if target == "java_okhttp":
        return f"class Snippet {{\n  void run() throws Exception {{\n{snippet.code}\n  }}\n}}\n"
    if target == "java":
        return (
            f"{imports}\n\nclass Snippet {{\n  void run() throws Exception {{\n{body}\n  }}\n}}\n"
        )
    if target == "php":
        return "<?php\n" + snippet.code + "\n"
    if target == "kotlin":
        return f"{imports}\n\nfun main() {{\n{body}\n}}\n"
    if target == "rust":
        return f"fn main() -> Result<(), Box<dyn std::error::Error>> {{\n{body}\nOk(())\n}}\n"
    return snippet.code + "\n"


def _run(command: list[str], source: str, suffix: str) -> SyntaxResult:
    if shutil.which(command[0]) is None:
        raise ToolMissing(command[0])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"snippet{suffix}"
        path.write_text(source)
        done = subprocess.run(
            [*command, str(path)], capture_output=True, text=True, timeout=60, check=False
        )
    message = (done.stderr or done.stdout).strip().splitlines()
    return SyntaxResult(done.returncode == 0, message[0] if message else "")


def _tree_sitter(language: str, source: str) -> SyntaxResult:
    try:
        import tree_sitter
    except ImportError as exc:
        raise ToolMissing("tree-sitter") from exc
    modules = {
        "java": "tree_sitter_java",
        "kotlin": "tree_sitter_kotlin",
        "csharp": "tree_sitter_c_sharp",
        "rust": "tree_sitter_rust",
        "swift": "tree_sitter_swift",
    }
    try:
        module = __import__(modules[language])
    except ImportError as exc:
        raise ToolMissing(modules[language]) from exc
    parser = tree_sitter.Parser(tree_sitter.Language(module.language()))
    tree = parser.parse(source.encode())
    if not tree.root_node.has_error:
        return SyntaxResult(True)
    node = _first_error(tree.root_node)
    where = f"line {node.start_point[0] + 1}" if node is not None else "somewhere"
    return SyntaxResult(False, f"tree-sitter-{language}: syntax error at {where}")


def _first_error(node):  # type: ignore[no-untyped-def]
    if node.type == "ERROR" or node.is_missing:
        return node
    for child in node.children:
        found = _first_error(child)
        if found is not None:
            return found
    return None


def check(target: str, snippet: RenderedSnippet) -> SyntaxResult:
    """Raises ToolMissing when the language's parser is not installed."""
    language = TARGET_LANGUAGE[target]
    source = wrap(target, snippet)
    if language == "python":
        try:
            ast.parse(source)
        except SyntaxError as exc:
            return SyntaxResult(False, f"line {exc.lineno}: {exc.msg}")
        return SyntaxResult(True)
    if language == "bash":
        return _run(["bash", "-n"], source, ".sh")
    if language == "javascript":
        return _run(["node", "--check"], source, ".js")
    if language == "javascript-module":
        return _run(["node", "--check"], source, ".mjs")
    if language == "c":
        if (
            not Path("/usr/include/curl/curl.h").exists()
            and not Path("/usr/include/x86_64-linux-gnu/curl/curl.h").exists()
        ):
            raise ToolMissing("libcurl headers (libcurl4-openssl-dev)")
        return _run(["gcc", "-std=c11", "-fsyntax-only", "-x", "c"], source, ".c")
    if language == "go":
        return _run(["gofmt", "-e", "-l"], source, ".go")
    if language == "ruby":
        return _run(["ruby", "-c"], source, ".rb")
    if language == "php":
        return _run(["php", "-l"], source, ".php")
    return _tree_sitter(language, source)
