"""
## What it does
Flags a string literal assigned to a secret-ish name (`password`, `secret`, `token`, `api_key`,
`client_secret`, `SECRET_KEY`, ...) when the literal looks like a real credential: at least 8
characters, high enough entropy, and not a placeholder, template, env lookup, path, URL or
identifier. Covers assignments, keyword arguments, object and dictionary keys, YAML/JSON/TOML/ini
keys, `.env` lines, Kubernetes `env` entries, SQL `PASSWORD '...'` and hardcoded fallbacks such as
`os.getenv("JWT_SECRET", "...")` or `process.env.JWT_SECRET || "..."`.

## Why it matters
A password or signing key in the code is shared with everyone who can read the repository and
stays in its history forever; it is also the same in every environment, so a leak from a laptop
is a leak from production. A hardcoded fallback silently becomes the production secret the day
the variable is missing.

## Example
    DATABASE_PASSWORD = "hT7#kq92!Lmv"
    JWT_SECRET = os.getenv("JWT_SECRET", "Zp4rT9wQe2Lk8Vn1")

## Use instead
    DATABASE_PASSWORD = os.environ["DATABASE_PASSWORD"]
    JWT_SECRET = os.environ["JWT_SECRET"]

## Known limitations
Values are judged by shape: a weak real password made of lowercase words (`correcthorse`) is not
reported, and neither is a literal that mentions its own purpose (`"my-jwt-secret"`). Test files,
documentation and template files (`.env.example`, `*.sample.yaml`) are not scanned; whole-line
comments, lines inside Python docstrings (documentation, not assignments) and lines over 2,000
characters (minified files) are skipped; in other languages, literals inside block comments are
not told apart from code. A literal compared with (`password == "..."`) rather than
assigned is not reported. Lines that GEN-SEC-101 reports are left to it.
"""
from __future__ import annotations

import ast
import re
from bisect import bisect_right
from dataclasses import dataclass

from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import FileRule
from prodcheck.rules.generic.secrets.heuristics import is_secret_name, is_template_file, looks_like_secret
from prodcheck.rules.generic.secrets.patterns import find_known_secrets, lines_of, mask_spans

SKIPPED_LANGUAGES = frozenset({"dockerfile", "pem", "gosum", "markdown"})
SKIPPED_KINDS = frozenset({"test", "docs", "standards", "lockfile"})
UNQUOTED_LANGUAGES = frozenset({"env", "yaml", "ini", "shell"})
MAX_LINE_LENGTH = 2000

_LITERAL = r"(?P<quote>[\"'`])(?P<value>(?:\\.|(?!(?P=quote))[^\\\n])*)(?P=quote)"
_QUOTED = re.compile(
    r"(?<![\w$.\-])[\"'`]?(?P<name>[A-Za-z_$][\w$.\-]*)[\"'`]?\]?"
    r"(?:\s*:\s*[A-Za-z_][\w.]*(?:\[\])?(?:<[^<>\n]*>)?(?=\s*=)|\s+string(?=\s*=[^=]))?"
    r"\s*(?::=|=|:)\s*(?:\[\]byte\(|[rRbBuU]{1,2}(?=[\"']))?" + _LITERAL)
_UNQUOTED = re.compile(
    r"^\s*(?:-\s+)?(?:export\s+)?[\"']?(?P<name>[A-Za-z_][\w.\-]*)[\"']?\s*(?:=|:)[ \t]*"
    r"(?P<value>[^\s\"'`#!|>&*{\[][^\s]*?)[ \t]*(?:[ \t]#.*)?$")
_ENV_FALLBACK = re.compile(
    r"(?:getenv|environ\.get|env\.get)\(\s*[\"'](?P<name>[\w.\-]+)[\"']\s*,\s*" + _LITERAL)
_JS_ENV_FALLBACK = re.compile(
    r"process\.env(?:\.(?P<name>\w+)|\[\s*[\"'](?P<bracketed>\w+)[\"']\s*\])\s*(?:\|\||\?\?)\s*" + _LITERAL)
_SQL_PASSWORD = re.compile(r"(?i)\b(?P<name>PASSWORD|IDENTIFIED\s+BY)\s+'(?P<value>[^'\n]+)'")
_K8S_ENV_NAME = re.compile(r"^\s*(?:-\s+)?name:\s*[\"']?(?P<name>[\w.\-]+)")
_COMMENT_LINE = re.compile(r"^\s*(?:#|//|/\*|\*|--|<!--|;)")
HINT_WORDS = ("pass", "pw", "secret", "token", "key", "credential", "auth", "identified")
_SECRET_HINT = re.compile("|".join(HINT_WORDS), re.I)
_LINE_BREAK = re.compile("\n")
K8S_ENV_LOOKBACK = 2


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str
    start: int           # the literal's span in the line
    end: int
    fallback: bool = False


def check(file, ctx):
    if (file.language in SKIPPED_LANGUAGES or file.kind in SKIPPED_KINDS or not file.text
            or is_template_file(file.path)):
        return
    lines = file.lines
    known_lines: frozenset[int] | None = None       # computed on the first candidate: most files have none
    docstring_lines: frozenset[int] | None = None
    for index in hinted_lines(file.text):
        line = lines[index] if index < len(lines) else ""
        if len(line) > MAX_LINE_LENGTH or _COMMENT_LINE.match(line):
            continue
        candidate = _first_secret(line, file.language, lines[max(0, index - K8S_ENV_LOOKBACK):index])
        if candidate is None:
            continue
        if known_lines is None:
            known_lines = lines_of(file.text, find_known_secrets(file.text))
            docstring_lines = python_docstring_lines(file.tree) if file.language == "python" else frozenset()
        if index + 1 in known_lines:
            continue                                # GEN-SEC-101 reports the credential by its format
        if index + 1 in docstring_lines:
            continue                                # documentation showing an assignment, not one
        message = (f"hardcoded fallback value for `{candidate.name}`" if candidate.fallback
                   else f"`{candidate.name}` is assigned a hardcoded secret")
        yield ctx.finding(RULE, (index + 1, candidate.start + 1), message,
                          snippet=mask_spans(line, [(candidate.start, candidate.end)]))


def python_docstring_lines(tree) -> frozenset[int]:
    """1-based line numbers covered by the module, class and function docstrings of a Python tree."""
    if not isinstance(tree, ast.Module):
        return frozenset()
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return frozenset(lines)


def hinted_lines(text: str) -> list[int]:
    """0-based indices of the lines that mention a secret word: the only lines worth parsing.
    Plain `str.find` on the lowered text is an order of magnitude faster than a per-line regex."""
    lowered = text.lower()
    if len(lowered) != len(text):                   # lowering changed offsets (rare Unicode)
        return [i for i, line in enumerate(text.split("\n")) if _SECRET_HINT.search(line)]
    offsets = []
    for word in HINT_WORDS:
        position = lowered.find(word)
        while position >= 0:
            offsets.append(position)
            position = lowered.find(word, position + len(word))
    if not offsets:
        return []
    line_breaks = [match.start() for match in _LINE_BREAK.finditer(text)]
    return sorted({bisect_right(line_breaks, offset) for offset in offsets})


def _first_secret(line: str, language: str, previous: list[str]) -> Candidate | None:
    for candidate in _candidates(line, language, previous):
        if is_secret_name(candidate.name) and looks_like_secret(line[candidate.start:candidate.end]):
            return candidate
    return None


def _candidates(line: str, language: str, previous: list[str]):
    if language == "sql":
        for match in _SQL_PASSWORD.finditer(line):
            yield Candidate("PASSWORD", *match.span("value"))
        return
    for match in _ENV_FALLBACK.finditer(line):
        yield Candidate(match.group("name"), *match.span("value"), fallback=True)
    for match in _JS_ENV_FALLBACK.finditer(line):
        yield Candidate(match.group("name") or match.group("bracketed"), *match.span("value"), fallback=True)
    for match in _QUOTED.finditer(line):
        yield Candidate(_effective_name(match.group("name"), language, previous), *match.span("value"))
    if language in UNQUOTED_LANGUAGES:
        match = _UNQUOTED.match(line)
        if match:
            yield Candidate(_effective_name(match.group("name"), language, previous), *match.span("value"))


def _effective_name(name: str, language: str, previous: list[str]) -> str:
    """A Kubernetes `env` entry names its variable on the line before: `- name: DB_PASSWORD`."""
    if language != "yaml" or name != "value":
        return name
    for line in reversed(previous):
        match = _K8S_ENV_NAME.match(line)
        if match:
            return match.group("name")
    return name


RULE = FileRule(
    id="GEN-SEC-102", slug="secret-assignment", area=Area.SEC,
    title="Hardcoded password, token or key assigned in code or config",
    fix="Read the value from the environment or a secret manager and rotate the committed one.",
    rows=("SEC-12",), doc=__doc__, confidence=Confidence.MEDIUM,
    cwe=("CWE-798",), stride=(Stride.SPOOFING, Stride.INFORMATION_DISCLOSURE),
    example_path="settings.py", check=check,
)
