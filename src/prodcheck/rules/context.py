"""What a rule sees while it runs, and the one way it reports: `ctx.finding(...)`."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from prodcheck.model import Confidence, Finding, Fix, Location, Position
from prodcheck.rules.base import Rule

MAX_SNIPPET_LINES = 6
MAX_SNIPPET_LINE_CHARS = 240     # a minified bundle's one line can be megabytes long


def location_of(path: str, at: object, label: str = "") -> Location:
    """A Location from an ast node, a tree-sitter node, a line number or a (line, column) pair."""
    if isinstance(at, Location):
        return at
    if isinstance(at, int):
        return Location(path, Position(at, 1), Position(at, 1), label=label)
    if isinstance(at, tuple):
        line, column = at
        return Location(path, Position(line, column), Position(line, column), label=label)
    lineno = getattr(at, "lineno", None)
    if lineno is not None:                       # Python ast
        end_line = getattr(at, "end_lineno", None) or lineno
        end_col = getattr(at, "end_col_offset", None)
        return Location(path, Position(lineno, at.col_offset + 1),
                        Position(end_line, (end_col + 1) if end_col is not None else at.col_offset + 1),
                        label=label)
    start = getattr(at, "start_point", None)
    if start is not None:                        # tree-sitter node: 0-based rows and columns
        end = at.end_point
        return Location(path, Position(start[0] + 1, start[1] + 1), Position(end[0] + 1, end[1] + 1),
                        label=label)
    raise TypeError(f"cannot locate {type(at).__name__}")


def make_finding(rule: Rule, location: Location, message: str, *, fix: str | None = None,
                 diff: str = "", related: Iterable[Location] = (), confidence: Confidence | None = None,
                 symbol: str = "") -> Finding:
    return Finding(
        rule_id=rule.id, area=rule.area, severity=rule.default_severity,
        confidence=confidence or rule.confidence, message=message, location=location,
        related=tuple(related), fix=Fix(fix if fix is not None else rule.fix, diff),
        cwe=rule.cwe, owasp=rule.owasp, symbol=symbol,
    )


class FileContext:
    """Per-file context: the parsed file, and the enclosing symbol while a tree is walked.
    `postgres_version`: the configured `postgres-version` (0 = unset)."""

    postgres_version: int = 0

    def __init__(self, parsed, postgres_version: int = 0) -> None:
        self.postgres_version = postgres_version
        self.file = parsed
        self.path = parsed.path
        self._symbols: list[str] | None = []
        self._symbols_node: object = None
        self._symbols_of: Callable[[object], list[str]] | None = None
        self.data: dict = parsed.memo   # the parsed file's memo: views and maps built once per file,
                                        # shared by the extractors and every rule

    @property
    def symbols(self) -> list[str]:
        """The functions and classes around the node being visited, outermost first."""
        if self._symbols is None:
            self._symbols = self._symbols_of(self._symbols_node)
        return self._symbols

    @symbols.setter
    def symbols(self, value: list[str]) -> None:
        self._symbols = value

    def defer_symbols(self, node: object, symbols_of: Callable[[object], list[str]]) -> None:
        """`symbols` for `node`, computed as `symbols_of(node)` only if something reads it."""
        self._symbols = None
        self._symbols_node = node
        self._symbols_of = symbols_of

    @property
    def symbol(self) -> str:
        return ".".join(self.symbols)

    def location(self, at: object, label: str = "") -> Location:
        loc = location_of(self.path, at, label)
        return loc if loc.snippet else _with_snippet(loc, self.file.lines)

    def finding(self, rule: Rule, at: object, message: str, *, fix: str | None = None,
                diff: str = "", related: Iterable[object] = (), confidence: Confidence | None = None,
                snippet: str | None = None) -> Finding:
        loc = self.location(at)
        if snippet is not None:
            loc = Location(loc.path, loc.start, loc.end, snippet, loc.label)
        rel = tuple(r if isinstance(r, Location) else self.location(r) for r in related)
        return make_finding(rule, loc, message, fix=fix, diff=diff, related=rel,
                            confidence=confidence, symbol=self.symbol)


class ProjectContext:
    """Project-phase context: the joined facts; snippets are filled in by the pipeline.
    `postgres_version`: the configured `postgres-version` (0 = unset)."""

    def __init__(self, project, postgres_version: int = 0) -> None:
        self.project = project
        self.postgres_version = postgres_version

    def finding(self, rule: Rule, at: Location, message: str, *, fix: str | None = None,
                diff: str = "", related: Iterable[Location] = (), confidence: Confidence | None = None,
                symbol: str = "") -> Finding:
        return make_finding(rule, at, message, fix=fix, diff=diff, related=related,
                            confidence=confidence, symbol=symbol)


def _with_snippet(loc: Location, lines: list[str]) -> Location:
    first = loc.start.line
    last = min(max(loc.end.line, first), first + MAX_SNIPPET_LINES - 1)
    shown = lines[first - 1:last] if 0 < first <= len(lines) else []
    text = "\n".join(line if len(line) <= MAX_SNIPPET_LINE_CHARS else line[:MAX_SNIPPET_LINE_CHARS] + " …"
                     for line in shown)
    return Location(loc.path, loc.start, loc.end, text, loc.label)
