"""Helpers shared by the migration rules.

- `migration_of(file, ctx)`: the file's `MigrationFile` (SQL, Django or Alembic), read once per file
  and shared by every rule through `ctx.data`; None for files that are not migrations;
- `up_ops(file, ctx, *actions)`: the ops a deploy applies (not rollbacks), optionally by action;
- `spelled(op, sql)`: how the source wrote an op (`CREATE INDEX`, `migrations.AddIndex`,
  `op.create_index`), for messages;
- `insert_after_keyword_diff`, `append_to_statement_diff`, `replace_statement_diff`: unified diffs
  of the flagged SQL lines, for mechanical fixes;
- project-phase readers of the migration signals (`signals_of`, `position_of`);
- the database engine of a migration set (`postgres_rules_apply(file, ctx)` in the per-file phase,
  `postgres_signals_of` in the project phase): the PostgreSQL lock and rewrite rules skip MySQL,
  SQLite and other engines the repository names (unknown counts as PostgreSQL);
- `postgres_version(ctx)`: the configured `postgres-version` (0 when unset: the rules then assume a
  current PostgreSQL, 14 or later).
"""
from __future__ import annotations

from collections.abc import Iterator

from prodcheck.facts.extractors.migration_dialect import MYSQL, SIGNAL_ENGINE, Engine, engine_of, normalise
from prodcheck.facts.extractors.migration_javascript import CALL_PREFIXES
from prodcheck.facts.extractors.migration_model import MigrationFile, Op, migration_set
from prodcheck.facts.extractors.migrations import read_migration
from prodcheck.parsing.sql import tokens

MIGRATION_LANGUAGES = ("sql", "python", "javascript", "typescript")
JS_FIXES_INDEX = {
    "knex": ("Build it with `knex.raw('CREATE INDEX CONCURRENTLY ...')` in a migration that exports "
             "`config = { transaction: false }`."),
    "typeorm": ("Build it with `queryRunner.query('CREATE INDEX CONCURRENTLY ...')` in a migration class that "
                "sets `transaction = false`."),
    "sequelize": "Pass `concurrently: true` to `queryInterface.addIndex` (outside any transaction).",
}
_KEY = "migration.file"


def migration_of(file, ctx) -> MigrationFile | None:
    if _KEY not in ctx.data:
        ctx.data[_KEY] = read_migration(file)
    return ctx.data[_KEY]


def up_ops(file, ctx, *actions: str) -> Iterator[Op]:
    migration = migration_of(file, ctx)
    if migration is None:
        return
    for op in migration.up_ops:
        if not actions or op.action in actions:
            yield op


def spelled(op: Op, sql: str) -> str:
    """`sql` for SQL (also SQL embedded in RunSQL / op.execute), else the Django or Alembic call."""
    if not is_call(op):
        return sql
    return op.statement


def is_call(op: Op) -> bool:
    """Was the op written as a Django operation, an Alembic `op.*` call or a knex / TypeORM /
    Sequelize builder call (not SQL)?"""
    return op.statement.startswith(("migrations.", "op.", *CALL_PREFIXES))


# ---------------------------------------------------------------------------------------------
# Database engine and PostgreSQL version


def engine(file, ctx) -> Engine:
    migration = migration_of(file, ctx)
    if migration is None:
        return Engine()
    return engine_of(file, migration.style)


def postgres_rules_apply(file, ctx) -> bool:
    """Do the PostgreSQL lock and rewrite rules apply to this migration (PostgreSQL or unknown)?"""
    return engine(file, ctx).postgres_like


def postgres_version(ctx) -> int:
    """The `postgres-version` the configuration gives (0 = unset: assume a current PostgreSQL)."""
    version = getattr(ctx, "postgres_version", 0)
    return version if isinstance(version, int) else 0


def before_version(ctx, major: int) -> bool:
    """Is the configured PostgreSQL older than `major`? Never when no version is set."""
    version = postgres_version(ctx)
    return 0 < version < major


def engines_by_path(project) -> dict[str, str]:
    """Path -> engine name, for the migrations whose engine the repository names."""
    found = {}
    for facts in project.files:
        for signal in facts.signals:
            if signal.name == SIGNAL_ENGINE:
                found[signal.location.path] = normalise(signal.detail.split(" ", 1)[0])
    return found


def postgres_signals_of(project, name: str):
    """`signals_of`, without the migrations of a set known to run on another engine."""
    engines = engines_by_path(project)
    for group, signal in signals_of(project, name):
        if engines.get(signal.location.path, "") in ("", "postgresql"):
            yield group, signal


def indexes_foreign_keys_itself(project, path: str) -> bool:
    """MySQL (InnoDB) creates an index for every foreign key that has none."""
    return engines_by_path(project).get(path, "") == MYSQL


def qualified(table: str, column: str = "") -> str:
    return f"{table}.{column}" if column and table else column or table


# ---------------------------------------------------------------------------------------------
# Diffs of the flagged SQL statement


def insert_after_keyword_diff(file, op: Op, keyword: str, insertion: str) -> str:
    """Insert `insertion` after the first `keyword` token of the op's statement."""
    if op.start < 0:
        return ""
    for token in tokens(op.statement):
        if token.name == keyword:
            at = op.start + token.end + 1
            return _edit_diff(file, op, at, at, insertion)
    return ""


def append_to_statement_diff(file, op: Op, addition: str) -> str:
    if op.start < 0 or not op.statement:
        return ""
    end = op.start + len(op.statement.rstrip())
    return _edit_diff(file, op, end, end, addition)


def replace_statement_diff(file, op: Op, replacement: str) -> str:
    """Replace the statement (without its semicolon) by `replacement`."""
    if op.start < 0 or not op.statement:
        return ""
    return _edit_diff(file, op, op.start, op.start + len(op.statement.rstrip()), replacement)


def _edit_diff(file, op: Op, start: int, end: int, text: str) -> str:
    source = file.text
    if not (0 <= start <= end <= len(source)):
        return ""
    first = source.rfind("\n", 0, op.start) + 1
    last = source.find("\n", end)
    last = len(source) if last < 0 else last
    old = source[first:last]
    new = source[first:start] + text + source[end:last]
    if old == new:
        return ""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    line = source.count("\n", 0, first) + 1
    body = [f"-{x}" for x in old_lines] + [f"+{x}" for x in new_lines]
    return (f"--- a/{file.path}\n+++ b/{file.path}\n"
            f"@@ -{line},{len(old_lines)} +{line},{len(new_lines)} @@\n" + "\n".join(body) + "\n")


def statement_op_count(file, ctx, op: Op) -> int:
    """How many ops the op's statement gave (an ALTER TABLE with one sub-command gives one)."""
    if op.start < 0:
        return 0
    return sum(1 for other in up_ops(file, ctx) if other.start == op.start and "in-create" not in other.flags)


# ---------------------------------------------------------------------------------------------
# Project phase: the signals the migration extractor emitted


def signals_of(project, name: str):
    """(migration set, signal) for every signal `name` of every file."""
    for facts in project.files:
        for signal in facts.signals:
            if signal.name == name:
                yield migration_set(signal.location.path), signal


def orders(project) -> dict[str, int]:
    return {m.path: m.order for m in project.inventory.migrations}


def before(orders_by_path: dict[str, int], first, second) -> bool:
    """Does the signal `first` come before `second` in their migration set? Within a file by line;
    across files by migration order (when either order is unknown, 0, it counts as before)."""
    a, b = first.location, second.location
    if a.path == b.path:
        return a.start.line <= b.start.line
    order_a, order_b = orders_by_path.get(a.path, 0), orders_by_path.get(b.path, 0)
    if not order_a or not order_b:
        return True
    return (order_a, a.path) < (order_b, b.path)
