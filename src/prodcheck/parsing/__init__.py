"""Read and parse one file. Never raises: every problem becomes a `Diagnostic`."""
from __future__ import annotations

import codecs
import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from prodcheck.discovery import SourceFile
from prodcheck.model import Diagnostic

BINARY_SNIFF_BYTES = 8192


@dataclass(slots=True)
class ParsedFile:
    """A file as the per-file phase sees it. It never leaves the worker process."""
    source: SourceFile
    text: str
    tree: object | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    memo: dict = field(default_factory=dict)   # per-file views shared by extractors and rules
    _lines: list[str] | None = None

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def language(self) -> str:
        return self.source.language

    @property
    def kind(self) -> str:
        return self.source.kind

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def line(self, number: int) -> str:
        lines = self.lines
        return lines[number - 1] if 0 < number <= len(lines) else ""


def read_text(source: SourceFile) -> tuple[str | None, list[Diagnostic]]:
    """The file's text with newlines normalised, or None (binary, unreadable) and why."""
    try:
        with open(source.abspath, "rb") as handle:
            data = handle.read(source.size + 1)
    except OSError as exc:
        return None, [Diagnostic(source.path, "unreadable", f"cannot read: {exc.strerror or exc}")]
    diagnostics: list[Diagnostic] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data[:BINARY_SNIFF_BYTES]:
        return None, [Diagnostic(source.path, "binary-file", "binary content (NUL bytes); not scanned")]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            text = data.decode("utf-8-sig", errors="replace")
            diagnostics.append(Diagnostic(source.path, "encoding",
                                          f"not valid UTF-8 (byte {exc.start}); undecodable bytes replaced"))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, diagnostics


def parse(source: SourceFile) -> ParsedFile | None:
    """Read and parse `source`; None when it cannot be read at all (the diagnostics say why)."""
    text, diagnostics = read_text(source)
    if text is None:
        return ParsedFile(source, "", None, diagnostics)
    parsed = ParsedFile(source, text, None, diagnostics)
    parser = _PARSERS.get(source.language)
    if parser is not None and source.language in MINIFIABLE and looks_minified(text):
        parsed.diagnostics.append(Diagnostic(
            source.path, "minified", f"looks minified ({average_line_length(text):,} characters per line on "
                                     "average): a build output, not reviewed as code; still scanned for secrets"))
    elif parser is not None:
        parsed.tree = parser(parsed)
    return parsed


MINIFIABLE = frozenset({"javascript", "typescript"})
MINIFIED_MIN_SIZE = 4096
MINIFIED_LINE_LENGTH = 400       # characters per line on average; hand-written code averages 30-60


def looks_minified(text: str) -> bool:
    """A bundler's output (webpack, esbuild, terser): a few enormous lines. Code a team writes and
    reviews does not look like this, and its findings would point at the build, not the source."""
    return len(text) >= MINIFIED_MIN_SIZE and average_line_length(text) >= MINIFIED_LINE_LENGTH


def average_line_length(text: str) -> int:
    return len(text) // (text.count("\n") + 1)


def _parse_python(parsed: ParsedFile):
    from prodcheck.parsing.python_ast import parse_python
    return parse_python(parsed)


def _parse_dockerfile(parsed: ParsedFile):
    from prodcheck.parsing.dockerfile import parse_dockerfile
    errors = []
    instructions = parse_dockerfile(parsed.text, errors)
    parsed.diagnostics.extend(Diagnostic(parsed.path, "syntax-error", error.message, error.line)
                              for error in errors)
    return instructions


def _check_go_mod(parsed: ParsedFile):
    from prodcheck.parsing.gomod import check_go_mod
    errors = check_go_mod(parsed.text)
    if errors:                  # one diagnostic per broken file, like a parser's first error
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        parsed.diagnostics.append(Diagnostic(parsed.path, "syntax-error", errors[0].message + more,
                                             errors[0].line))
    return None                 # the manifests extractor reads go.mod from the text


def _parse_yaml(parsed: ParsedFile):
    from prodcheck.parsing.yamldoc import parse_yaml
    return parse_yaml(parsed)


def _parse_env(parsed: ParsedFile):
    from prodcheck.parsing.envfile import parse_env
    return parse_env(parsed.text)


def _parse_json(parsed: ParsedFile):
    from prodcheck.parsing.jsondoc import parse_json
    return parse_json(parsed)


def _parse_toml(parsed: ParsedFile):
    from prodcheck.parsing.jsondoc import parse_toml
    return parse_toml(parsed)


def _parse_sql(parsed: ParsedFile):
    from prodcheck.parsing.sql import parse_sql
    return parse_sql(parsed)


def _parse_treesitter(parsed: ParsedFile):
    from prodcheck.parsing.treesitter import parse_treesitter
    return parse_treesitter(parsed)


def preload(files: Iterable[SourceFile]) -> None:
    """Import the parsers these files need and load their grammars now, so that worker processes
    forked afterwards share them instead of each loading its own (pglast alone takes ~40 ms)."""
    languages = {source.language for source in files}
    for language_name, module in (("python", "python_ast"), ("yaml", "yamldoc"), ("json", "jsondoc"),
                                  ("toml", "jsondoc"), ("sql", "sql"), ("dockerfile", "dockerfile")):
        if language_name in languages:
            importlib.import_module(f"prodcheck.parsing.{module}")
    if "sql" in languages:
        importlib.import_module("pglast.parser")
    if languages & {"javascript", "typescript", "go"}:
        from prodcheck.parsing.treesitter import grammar_for, language
        for grammar in {grammar_for(s.path, s.language) for s in files
                        if s.language in ("javascript", "typescript", "go")} - {None}:
            language(grammar)


_PARSERS = {
    "python": _parse_python,
    "dockerfile": _parse_dockerfile,
    "yaml": _parse_yaml,
    "env": _parse_env,
    "json": _parse_json,
    "toml": _parse_toml,
    "javascript": _parse_treesitter,
    "typescript": _parse_treesitter,
    "go": _parse_treesitter,
    "gomod": _check_go_mod,
    "sql": _parse_sql,
}
