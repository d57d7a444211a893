"""SQL: parsed by pglast (libpg_query, the PostgreSQL parser itself), never by regular expressions.

`parse_script(text)` returns every statement with its syntax tree, its source text and the line
of its first token, plus the comments (migration tools keep their markers in comments:
`-- migrate:up`, `-- +goose Down`). A script that does not parse as a whole is cut at its top-level
semicolons by the PostgreSQL scanner and each piece is parsed alone, so one statement in another
dialect or a template placeholder loses that statement only, not the file.

`parse_sql(parsed)` is the parser registered for the language "sql". Statements pglast cannot
read become one diagnostic per directory of SQL files (a migration set, `prisma/migrations` for
Prisma's `<name>/migration.sql` layout), not one per file: a repository of MySQL migrations says so
once. The message is the same for every file of a directory, so the scan's diagnostic set keeps one.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import PurePosixPath

from prodcheck.model import Diagnostic

MAX_SQL_CHARS = 1_000_000          # larger files are data dumps, not schema changes: not parsed
PARSE_ERROR_KIND = "sql-parse-error"


@dataclass(frozen=True, slots=True)
class Statement:
    node: object         # the statement's pglast node (`RawStmt.stmt`)
    text: str            # its source text, without the closing semicolon
    start: int           # character offset of its first token in the script
    line: int            # 1-based line of its first token
    end_line: int
    base: int = 0        # the offset pglast node `location`s count from

    def line_at(self, location: int | None) -> int:
        """The line of a node inside this statement, from its pglast `location`."""
        if location is None or location < 0:
            return self.line
        inside = self.base + location - self.start
        return self.line + self.text.count("\n", 0, max(inside, 0))


@dataclass(frozen=True, slots=True)
class Comment:
    text: str            # with its `--` or `/* */`
    start: int
    line: int


@dataclass(frozen=True, slots=True)
class SqlError:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class SqlScript:
    statements: tuple[Statement, ...] = ()
    comments: tuple[Comment, ...] = ()
    errors: tuple[SqlError, ...] = ()


def parse_sql(parsed) -> SqlScript | None:
    """The registered parser: the script of a `.sql` file; unreadable SQL becomes a diagnostic."""
    if len(parsed.text) > MAX_SQL_CHARS:
        parsed.diagnostics.append(Diagnostic(parsed.path, "file-too-large",
                                             "SQL file too large to parse; its statements were not checked"))
        return None
    script = parse_script(parsed.text)
    if script.errors and parsed.kind != "test":      # test data holds broken SQL on purpose
        parsed.diagnostics.append(parse_error_diagnostic(parsed.path))
    return script


def parse_error_diagnostic(path: str) -> Diagnostic:
    group = sql_group(path)
    return Diagnostic(group, PARSE_ERROR_KIND,
                      f"some SQL under {group}/ is not PostgreSQL that pglast can parse (another dialect "
                      "or a template placeholder?); those statements were not checked")


def sql_group(path: str) -> str:
    """The directory that holds a set of SQL files: the parent, or for `<name>/migration.sql`
    (Prisma) the directory above."""
    pure = PurePosixPath(path)
    parent = pure.parent
    if pure.name.lower() == "migration.sql" and parent.parent != parent:
        parent = parent.parent
    return parent.as_posix()


def parse_script(text: str, first_line: int = 1) -> SqlScript:
    """Statements and comments of `text`; lines count from `first_line`. Never raises."""
    lines = _LineIndex.of(text, first_line)
    try:
        tokens = _scan(text)
    except Exception as exc:  # the scanner rejects the whole text (an unterminated quote)
        return SqlScript(errors=(SqlError(first_line, _message(exc)),))
    comments = tuple(Comment(text[t.start:t.end + 1], t.start, lines.line_of(t.start))
                     for t in tokens if t.name in ("SQL_COMMENT", "C_COMMENT"))
    try:
        statements = _statements(text, 0, lines)
        return SqlScript(tuple(statements), comments)
    except Exception:  # fall back to one statement at a time
        pass
    found: list[Statement] = []
    errors: list[SqlError] = []
    for start, end, first_code in _pieces(tokens, len(text)):
        try:
            found.extend(_statements(text[start:end], start, lines))
        except Exception as exc:  # one unreadable statement: skip it and go on
            errors.append(SqlError(lines.line_of(first_code), _message(exc)))
    return SqlScript(tuple(found), comments, tuple(errors))


def tokens(text: str) -> tuple:
    """The PostgreSQL scanner's tokens of `text` (`name`, `start`, inclusive `end`); () when the
    scanner rejects it."""
    try:
        return tuple(_scan(text))
    except Exception:  # an unterminated literal: no tokens, the caller gives no edit
        return ()


def _scan(text: str):
    from pglast.parser import scan
    return scan(text)


def _statements(text: str, offset: int, lines: _LineIndex) -> list[Statement]:
    from pglast.parser import parse_sql as pg_parse
    found = []
    for raw in pg_parse(text) or ():
        start = raw.stmt_location or 0
        length = raw.stmt_len or (len(text) - start)
        while start < len(text) and text[start].isspace():
            start += 1
            length -= 1
        body = text[start:start + max(length, 0)]
        first = offset + start
        found.append(Statement(raw.stmt, body, first, lines.line_of(first),
                               lines.line_of(first + max(len(body.rstrip()) - 1, 0)), offset))
    return found


def _pieces(tokens, end: int) -> list[tuple[int, int, int]]:
    """(start, end, first code offset) of each text span between top-level semicolons that holds
    code, by the scanner's tokens."""
    pieces: list[tuple[int, int, int]] = []
    depth = 0
    start = 0
    first_code = -1
    for token in tokens:
        if token.name == "ASCII_59" and depth == 0:
            if first_code >= 0:
                pieces.append((start, token.start, first_code))
            start, first_code = token.end + 1, -1
            continue
        if token.name == "ASCII_40":
            depth += 1
        elif token.name == "ASCII_41":
            depth = max(depth - 1, 0)
        if first_code < 0 and token.name not in ("SQL_COMMENT", "C_COMMENT"):
            first_code = token.start
    if first_code >= 0:
        pieces.append((start, end, first_code))
    return pieces


def _message(exc: Exception) -> str:
    args = getattr(exc, "args", ())
    return str(args[0]) if args else type(exc).__name__


@dataclass(frozen=True, slots=True)
class _LineIndex:
    """Character offset -> 1-based line number."""
    starts: tuple[int, ...]
    first: int

    @classmethod
    def of(cls, text: str, first_line: int) -> _LineIndex:
        starts = [0]
        position = text.find("\n")
        while position >= 0:
            starts.append(position + 1)
            position = text.find("\n", position + 1)
        return cls(tuple(starts), first_line)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, max(offset, 0)) - 1 + self.first


# ---------------------------------------------------------------------------------------------
# Small readers over pglast nodes, shared by the migration extractor and rules


def walk(node: object):
    """Every pglast node under `node` (itself included), depth first, iteratively."""
    from pglast.ast import Node
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Node):
            yield current
            for attr in current:
                value = getattr(current, attr, None)
                if isinstance(value, (Node, tuple, list)):
                    stack.append(value)
        elif isinstance(current, (tuple, list)):
            stack.extend(reversed(current))


def names(values) -> tuple[str, ...]:
    """`(String('public'), String('users'))` -> ("public", "users"); other items are skipped."""
    found = []
    for value in values or ():
        sval = getattr(value, "sval", None)
        if isinstance(sval, str):
            found.append(sval)
    return tuple(found)


def deparse(node: object) -> str:
    """SQL text of a node (a type name, an expression), or "" when pglast cannot print it."""
    if node is None:
        return ""
    try:
        from pglast.stream import RawStream
        return RawStream()(node)
    except Exception:  # an exotic node: the caller falls back to a generic word
        return ""
