"""Migration facts: every migration file becomes an inventory `Migration` (id, file, order,
operations, reversible, rollback plan), whatever tool wrote it (SQL files of Flyway, golang-migrate,
Prisma, dbmate, goose, sql-migrate or none; Django; Alembic; knex, TypeORM, Sequelize).

`read_migration(parsed)` is the one entry point; the per-file migration rules call it too (memoised
in their context). For the project rules it also emits these signals (formats in
`migration_model`): a `SET NOT NULL` on an existing table, `CHECK (col IS NOT NULL)` constraints and
their validation, the first blocking lock taken with no timeout set before it, irreversible
migrations, foreign keys and indexes (SQL and Alembic; Django indexes its foreign keys itself).
For the code-aware rules it also emits every column or table an up op adds, creates, drops or
renames (`migration-schema-op`), the model state changes of Django migrations
(`migration-django-state`, `SeparateDatabaseAndState` by its state operations) and each Alembic
revision with its `down_revision`s (`migration-revision`).
Each migration whose database engine the repository names (`migration_dialect`) also gives
`migration-engine`. Files that are not migrations give `lock-timeout-configured` when they set
`lock_timeout` for the project (Alembic's env.py, Django's database OPTIONS, a connection string).

A golang-migrate up file checks for its `.down.sql` partner, and a Flyway file for its undo file,
next to it on disk: the rollback plan is part of the up migration's entry.
"""
from __future__ import annotations

import json

from prodcheck.facts.builder import FactsBuilder
from prodcheck.facts.extract import Extractor
from prodcheck.facts.extractors.migration_alembic import read_alembic_migration
from prodcheck.facts.extractors.migration_dialect import SIGNAL_ENGINE, engine_of
from prodcheck.facts.extractors.migration_django import django_state_changes, read_django_migration
from prodcheck.facts.extractors.migration_javascript import CALL_PREFIXES, JS_LANGUAGES, read_javascript_migration
from prodcheck.facts.extractors.migration_model import (
    BLOCKING_LOCKS, SIGNAL_DJANGO_STATE, SIGNAL_FOREIGN_KEY, SIGNAL_INDEX, SIGNAL_IRREVERSIBLE,
    SIGNAL_LOCK_WITHOUT_TIMEOUT, SIGNAL_REVISION, SIGNAL_SCHEMA_OP,
    SIGNAL_NOT_NULL_CHECK, SIGNAL_SET_NOT_NULL, SIGNAL_TIMEOUT_CONFIGURED, SIGNAL_VALIDATE, MigrationFile, Op,
    encode_columns, lock_of, summary,
)
from prodcheck.facts.extractors.migration_sql import read_sql_migration
from prodcheck.facts.model import Signal
from prodcheck.model import Location, Migration, Position

MAX_SUMMARY = 80
_NOT_OPERATIONS = frozenset({"begin", "commit"})
_CONFIG_KINDS_SKIPPED = frozenset({"docs", "test", "standards", "lockfile"})


def read_migration(parsed) -> MigrationFile | None:
    """The migration in a parsed file, or None when the file is not one. Never raises on odd input
    beyond what the callers guard."""
    if parsed.tree is None or parsed.kind == "test":
        return None
    if parsed.language == "sql":
        return read_sql_migration(parsed)
    if parsed.language == "python":
        return read_django_migration(parsed) or read_alembic_migration(parsed)
    if parsed.language in JS_LANGUAGES:
        return read_javascript_migration(parsed)
    return None


def extract(parsed, builder: FactsBuilder) -> None:
    migration = read_migration(parsed)
    if migration is None:
        _timeout_configuration(parsed, builder)
        return
    if "rollback-file" in migration.notes:
        return
    builder.migrations.append(Migration(
        id=migration.id, path=migration.path, style=migration.style, order=migration.order,
        operations=tuple(_operations(migration)), reversible=migration.reversible, rollback=migration.rollback,
    ))
    builder.signals.extend(migration_signals(migration))
    builder.signals.extend(schema_signals(migration))
    if migration.style == "alembic":
        builder.signals.append(Signal(SIGNAL_REVISION, _at(parsed.path, 1), json.dumps(
            {"revision": migration.id, "previous": list(migration.previous)})))
    if migration.style == "django":
        builder.signals.extend(Signal(SIGNAL_DJANGO_STATE, _at(parsed.path, line), json.dumps(
            {"op": op, "model": model, "field": name, "new": new})) for line, op, model, name, new in
            django_state_changes(parsed))
    engine = engine_of(parsed, migration.style)
    if engine.name:
        builder.signals.append(Signal(SIGNAL_ENGINE, _at(parsed.path, 1), engine.describe()))


def _operations(migration: MigrationFile) -> list[str]:
    found = []
    for op in migration.up_ops:
        if op.action in _NOT_OPERATIONS or "in-create" in op.flags:
            continue
        if op.action == "other":
            text = " ".join(op.statement.split())
            found.append(text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 3] + "...")
        else:
            found.append(summary(op))
    return found


def migration_signals(migration: MigrationFile) -> list[Signal]:
    path = migration.path
    signals = []
    for op in migration.up_ops:
        at = _at(path, op.line)
        if op.action == "set-not-null" and op.on_existing_table:
            signals.append(Signal(SIGNAL_SET_NOT_NULL, at, f"{op.table}.{op.column}"))
        elif op.action == "add-constraint" and op.has("not-null-check"):
            validity = "not-valid" if op.has("not-valid") else "valid"
            signals.append(Signal(SIGNAL_NOT_NULL_CHECK, at, f"{op.table}.{op.column} {op.name or '-'} {validity}"))
        elif op.action == "validate-constraint":
            signals.append(Signal(SIGNAL_VALIDATE, at, f"{op.table} {op.name or '-'}"))
        if op.origin != "django":
            if op.action == "add-constraint" and op.constraint == "foreign-key" and op.columns:
                signals.append(Signal(SIGNAL_FOREIGN_KEY, at, encode_columns(op.table, op.columns, op.references)))
            elif ((op.action == "create-index" or op.constraint in ("unique", "primary-key"))
                  and op.columns and op.table):
                signals.append(Signal(SIGNAL_INDEX, at, encode_columns(op.table, op.columns)))
    first = first_lock_without_timeout(migration.up_ops)
    if first is not None:
        op, lock = first
        signals.append(Signal(SIGNAL_LOCK_WITHOUT_TIMEOUT, _at(path, op.line), describe_lock(op, lock)))
    signals.extend(Signal(SIGNAL_IRREVERSIBLE, _at(path, line), why) for line, why in migration.irreversible)
    return signals


_SCHEMA_ACTIONS = frozenset({"add-column", "create-table", "drop-column", "drop-table", "rename-column",
                             "rename-table"})


def schema_signals(migration: MigrationFile) -> list[Signal]:
    """One `migration-schema-op` per up op that adds, creates, drops or renames a column or table."""
    signals = []
    for op in migration.up_ops:
        if op.action not in _SCHEMA_ACTIONS or not op.table:
            continue
        detail = {"action": op.action, "table": op.table, "column": op.column, "new": op.new_name,
                  "via": op.statement if op.statement.startswith(("migrations.", "op.", *CALL_PREFIXES)) else "",
                  "existing": op.on_existing_table, "revision": migration.id if migration.style == "alembic" else "",
                  "previous": list(migration.previous), "style": migration.style}
        signals.append(Signal(SIGNAL_SCHEMA_OP, _at(migration.path, op.line), json.dumps(detail, sort_keys=True)))
    return signals


def first_lock_without_timeout(ops) -> tuple[Op, str] | None:
    """The first op that takes a blocking lock on an existing table before any timeout is set."""
    for op in ops:
        if op.action == "set-timeout":
            return None
        # SQL's DROP INDEX names the index only, not its table: still a lock on an existing table
        if op.phase != "up" or not op.on_existing_table or not op.table and op.action not in ("vacuum-full",
                                                                                             "drop-index"):
            continue
        lock = lock_of(op)
        if lock in BLOCKING_LOCKS:
            return op, lock
    return None


_SQL_WORDS = {
    "add-column": "ADD COLUMN", "drop-column": "DROP COLUMN", "set-not-null": "SET NOT NULL",
    "alter-type": "ALTER COLUMN TYPE", "add-constraint": "ADD CONSTRAINT", "create-index": "CREATE INDEX",
    "drop-index": "DROP INDEX", "drop-table": "DROP TABLE", "rename-column": "RENAME COLUMN",
    "rename-table": "RENAME TO", "vacuum-full": "VACUUM FULL", "cluster": "CLUSTER", "lock-table": "LOCK TABLE",
    "alter-table": "ALTER TABLE", "create-trigger": "CREATE TRIGGER", "reindex": "REINDEX",
}


def describe_lock(op: Op, lock: str) -> str:
    """`DROP COLUMN on orders takes ACCESS EXCLUSIVE`, `migrations.AddField on order takes ...`."""
    is_call = op.statement.startswith(("migrations.", "op.", *CALL_PREFIXES))
    what = op.statement if is_call else _SQL_WORDS.get(op.action, op.action)
    where = f" on {op.table}" if op.table else ""
    return f"{what}{where} takes {lock}"


def _timeout_configuration(parsed, builder: FactsBuilder) -> None:
    """A file that sets lock_timeout for the project's connections (not docs, tests or lockfiles)."""
    if parsed.kind in _CONFIG_KINDS_SKIPPED or "lock_timeout" not in parsed.text:
        return
    index = parsed.text.index("lock_timeout")
    line = parsed.text.count("\n", 0, index) + 1
    builder.signals.append(Signal(SIGNAL_TIMEOUT_CONFIGURED, _at(parsed.path, line), "lock_timeout"))


def _at(path: str, line: int) -> Location:
    return Location(path, Position(line, 1), Position(line, 1))


EXTRACTOR = Extractor("migrations", extract, needs_tree=False)
