"""
## What it does
Flags `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` and `REINDEX ... CONCURRENTLY` that
will run inside a transaction block, where PostgreSQL refuses them:
- between an explicit `BEGIN` and `COMMIT` in the file;
- in a dbmate, goose or sql-migrate migration that does not opt out of its transaction;
- in a golang-migrate or Prisma file holding other statements (the file runs as one multi-statement
  query, an implicit transaction);
- in a Django migration without `atomic = False` (`AddIndexConcurrently`, `RunSQL`);
- in an Alembic revision outside `with op.get_context().autocommit_block():`;
- in a knex migration without `exports.config = { transaction: false }`, a TypeORM migration class
  without `transaction = false`, or inside Sequelize's `sequelize.transaction(...)`.

Flyway runs a migration with a `CONCURRENTLY` statement outside a transaction by itself, so only an
explicit `BEGIN` counts there. `ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY` in a transaction
block is flagged the same way. With `postgres-version` in the configuration, statements that
version refuses are flagged too: `REINDEX CONCURRENTLY` before 12, `ALTER TYPE ... ADD VALUE` inside
a transaction block before 12, `DETACH PARTITION CONCURRENTLY` before 14.

## Why it matters
`CONCURRENTLY` cannot run in a transaction block: the migration fails with "cannot run inside a
transaction block" in the middle of a deploy, often after earlier statements already ran.

## Example
    BEGIN;
    ALTER TABLE orders ADD COLUMN note text;
    CREATE INDEX CONCURRENTLY idx_orders_note ON orders (note);
    COMMIT;

## Use instead
    BEGIN;
    ALTER TABLE orders ADD COLUMN note text;
    COMMIT;
    CREATE INDEX CONCURRENTLY idx_orders_note ON orders (note);

## Known limitations
golang-migrate's `x-multi-statement` mode and Prisma's handling of single statements are not read
from configuration: a multi-statement file is assumed to run as one query.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.parsing.sql import parse_script
from prodcheck.rules.migrations.common import (
    MIGRATION_LANGUAGES, before_version, postgres_rules_apply, postgres_version, spelled, up_ops,
)

IMPLICIT = ("golang-migrate", "prisma")
KEYWORDS = {"create-index": "CREATE INDEX CONCURRENTLY", "drop-index": "DROP INDEX CONCURRENTLY",
            "reindex": "REINDEX CONCURRENTLY"}
FIXES = {
    "django": "Set `atomic = False` on the Migration class (and keep the concurrent operation alone in it).",
    "alembic": "Run the operation inside `with op.get_context().autocommit_block():`.",
    "knex": ("Export `config = { transaction: false }` from the migration and keep the concurrent statement "
             "alone in it."),
    "typeorm": "Set `transaction = false` on the migration class and keep the concurrent statement alone in it.",
    "sequelize": "Run the concurrent operation outside `sequelize.transaction(...)`.",
}


def check(file, ctx):
    if not postgres_rules_apply(file, ctx):
        return
    for op in up_ops(file, ctx, "create-index", "drop-index", "reindex"):
        if not op.has("concurrently") or not op.transaction:
            continue
        what = spelled(op, KEYWORDS[op.action])
        target = op.name or op.table
        message = (f"{what}{' ' + target if target else ''} cannot run inside a transaction block, and "
                   f"this one would: {op.transaction}; the migration fails")
        implicit = op.transaction.startswith(IMPLICIT)
        yield ctx.finding(RULE, op.line, message, fix=FIXES.get(op.origin),
                          confidence=Confidence.MEDIUM if implicit else None)
    yield from _version_dependent(file, ctx)


def _version_dependent(file, ctx):
    """Statements whose transaction rules changed between PostgreSQL versions."""
    version = postgres_version(ctx)
    seen: set[tuple[int, str]] = set()
    for op in up_ops(file, ctx, "reindex", "alter-table", "other"):
        if (op.line, op.statement) in seen:
            continue
        seen.add((op.line, op.statement))
        if op.action == "reindex":
            if op.has("concurrently") and before_version(ctx, 12):
                yield ctx.finding(RULE, op.line, f"REINDEX CONCURRENTLY does not exist before PostgreSQL 12 "
                                  f"(postgres-version = {version}): the migration fails",
                                  fix="Use CREATE INDEX CONCURRENTLY of a new index, then drop the old one.")
            continue
        kind = _statement_kind(op)
        if kind == "detach-concurrently":
            if before_version(ctx, 14):
                yield ctx.finding(RULE, op.line, "DETACH PARTITION ... CONCURRENTLY does not exist before "
                                  f"PostgreSQL 14 (postgres-version = {version}): the migration fails",
                                  fix="Detach without CONCURRENTLY in a maintenance window, or upgrade first.")
            elif op.transaction:
                yield ctx.finding(RULE, op.line, "DETACH PARTITION ... CONCURRENTLY cannot run inside a transaction "
                                  f"block, and this one would: {op.transaction}; the migration fails",
                                  fix=FIXES.get(op.origin))
        elif kind == "add-enum-value" and op.transaction and before_version(ctx, 12):
            yield ctx.finding(RULE, op.line, "ALTER TYPE ... ADD VALUE cannot run inside a transaction block before "
                              f"PostgreSQL 12 (postgres-version = {version}), and this one would: "
                              f"{op.transaction}; the migration fails", fix=FIXES.get(op.origin))


def _statement_kind(op) -> str:
    """"detach-concurrently", "add-enum-value" or "" for the op's SQL statement."""
    text = op.statement
    if not text or ("DETACH" not in text.upper() and "VALUE" not in text.upper()):
        return ""
    for statement in parse_script(text).statements:
        node = statement.node
        kind = type(node).__name__
        if kind == "AlterEnumStmt" and getattr(node, "newVal", None) and not getattr(node, "oldVal", None):
            return "add-enum-value"
        if kind == "AlterTableStmt":
            for cmd in node.cmds or ():
                if cmd.subtype.name == "AT_DetachPartition" and getattr(cmd.def_, "concurrent", False):
                    return "detach-concurrently"
    return ""


RULE = FileRule(
    id="MIG-DATA-202", slug="concurrent-index-in-transaction", area=Area.DATA,
    title="Concurrent index operation inside a transaction",
    fix="Run the CONCURRENTLY statement outside any transaction block, in a migration of its own.",
    rows=("MIG-05",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="migrations/0003_index_note.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
