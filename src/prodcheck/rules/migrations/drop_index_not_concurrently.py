"""
## What it does
Flags `DROP INDEX` without `CONCURRENTLY` in a migration, Django `RemoveIndex` and Alembic
`op.drop_index` without `postgresql_concurrently=True`. An index of a table the same migration
created, and rollbacks, are not checked; an index created earlier in the same migration on an
existing table is (dropping it still locks that table).

## Why it matters
A plain `DROP INDEX` takes an ACCESS EXCLUSIVE lock on the index's table: while it waits behind a
long query, every read and write of the table queues behind it. `DROP INDEX CONCURRENTLY` waits
without blocking them.

## Example
    DROP INDEX idx_orders_legacy_status;

## Use instead
    DROP INDEX CONCURRENTLY idx_orders_legacy_status;
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.migrations.common import (
    MIGRATION_LANGUAGES, insert_after_keyword_diff, is_call, postgres_rules_apply, spelled, up_ops,
)

FIXES = {
    "django": "Use `RemoveIndexConcurrently` (django.contrib.postgres.operations) with `atomic = False`.",
    "alembic": ("Pass `postgresql_concurrently=True` inside "
                "`with op.get_context().autocommit_block():`."),
}


def check(file, ctx):
    if not postgres_rules_apply(file, ctx):
        return
    created: set[str] = set()
    for op in up_ops(file, ctx, "create-index", "drop-index"):
        if op.action == "create-index":
            if not op.on_existing_table:          # an index of a table this migration created
                created.add(op.name)
            continue
        if op.has("concurrently") or not op.on_existing_table or (op.name and op.name in created):
            continue
        what = " ".join(filter(None, (spelled(op, "DROP INDEX"), op.name)))
        on = op.table or "its table"
        message = (f"{what} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on {on}: reads and writes "
                   "queue behind it")
        yield ctx.finding(RULE, op.line, message, fix=FIXES.get(op.origin) if is_call(op) else None,
                          diff=insert_after_keyword_diff(file, op, "INDEX", " CONCURRENTLY"))


RULE = FileRule(
    id="MIG-DATA-214", slug="drop-index-not-concurrently", area=Area.DATA,
    title="Index dropped without CONCURRENTLY",
    fix="Drop the index with `DROP INDEX CONCURRENTLY`, outside a transaction block.",
    rows=("MIG-05",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="migrations/0014_drop_index.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
