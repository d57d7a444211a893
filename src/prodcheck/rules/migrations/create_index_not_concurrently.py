"""
## What it does
Flags an index built without `CONCURRENTLY` on a table that already exists: `CREATE INDEX` (also
`UNIQUE`) in a SQL migration, Django `AddIndex` / `AlterIndexTogether` / `AddField(db_index=True)`,
Alembic `op.create_index` without `postgresql_concurrently=True`, knex `table.index()` in
`alterTable`, TypeORM `queryRunner.createIndex`, Sequelize `queryInterface.addIndex` without
`concurrently: true`. An index on a table created earlier in the same migration is fine. Only
migration sets on PostgreSQL (or on an engine the repository does not name) are checked.

## Why it matters
A plain `CREATE INDEX` takes a SHARE lock on the table for the whole build: every INSERT, UPDATE
and DELETE waits, for minutes on a large table. `CREATE INDEX CONCURRENTLY` builds the index
while writes go on.

## Example
    CREATE INDEX idx_orders_customer_id ON orders (customer_id);

## Use instead
    CREATE INDEX CONCURRENTLY idx_orders_customer_id ON orders (customer_id);

## Known limitations
The size of the table is unknown: a small lookup table is flagged like a large one. Django's
implicit index on a new `ForeignKey` column is not reported here.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.migrations.common import (
    JS_FIXES_INDEX, MIGRATION_LANGUAGES, insert_after_keyword_diff, is_call, postgres_rules_apply, spelled,
    up_ops,
)

DJANGO_FIX = ("Use `AddIndexConcurrently` (django.contrib.postgres.operations) in a migration with "
              "`atomic = False`.")
ALEMBIC_FIX = ("Pass `postgresql_concurrently=True` and run it inside "
               "`with op.get_context().autocommit_block():`.")


def check(file, ctx):
    if not postgres_rules_apply(file, ctx):
        return
    for op in up_ops(file, ctx, "create-index"):
        if op.has("concurrently") or not op.on_existing_table:
            continue
        what = spelled(op, "CREATE UNIQUE INDEX" if op.has("unique") else "CREATE INDEX")
        name = f" {op.name}" if op.name else ""
        message = (f"{what}{name} on {op.table} without CONCURRENTLY takes a SHARE lock that blocks "
                   f"every INSERT, UPDATE and DELETE on {op.table} while the index builds")
        fix = {"django": DJANGO_FIX, "alembic": ALEMBIC_FIX, **JS_FIXES_INDEX}.get(op.origin) if is_call(op) else None
        yield ctx.finding(RULE, op.line, message, fix=fix,
                          diff=insert_after_keyword_diff(file, op, "INDEX", " CONCURRENTLY"))


RULE = FileRule(
    id="MIG-DATA-201", slug="create-index-not-concurrently", area=Area.DATA,
    title="Index built without CONCURRENTLY on an existing table",
    fix="Build the index with `CREATE INDEX CONCURRENTLY`, outside a transaction block.",
    rows=("MIG-05",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="migrations/0002_add_index.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
