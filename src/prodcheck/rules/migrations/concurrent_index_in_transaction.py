"""
## What it does
Flags `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` and `REINDEX ... CONCURRENTLY` that
will run inside a transaction block, where PostgreSQL refuses them:
- between an explicit `BEGIN` and `COMMIT` in the file;
- in a dbmate, goose or sql-migrate migration that does not opt out of its transaction;
- in a golang-migrate or Prisma file holding other statements (the file runs as one multi-statement
  query, an implicit transaction);
- in a Django migration without `atomic = False` (`AddIndexConcurrently`, `RunSQL`);
- in an Alembic revision outside `with op.get_context().autocommit_block():`.

Flyway runs a migration with a `CONCURRENTLY` statement outside a transaction by itself, so only an
explicit `BEGIN` counts there.

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
from prodcheck.rules.migrations.common import MIGRATION_LANGUAGES, spelled, up_ops

IMPLICIT = ("golang-migrate", "prisma")
KEYWORDS = {"create-index": "CREATE INDEX CONCURRENTLY", "drop-index": "DROP INDEX CONCURRENTLY",
            "reindex": "REINDEX CONCURRENTLY"}
FIXES = {
    "django": "Set `atomic = False` on the Migration class (and keep the concurrent operation alone in it).",
    "alembic": "Run the operation inside `with op.get_context().autocommit_block():`.",
}


def check(file, ctx):
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


RULE = FileRule(
    id="MIG-DATA-202", slug="concurrent-index-in-transaction", area=Area.DATA,
    title="Concurrent index operation inside a transaction",
    fix="Run the CONCURRENTLY statement outside any transaction block, in a migration of its own.",
    rows=("MIG-05",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="migrations/0003_index_note.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
