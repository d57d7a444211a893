"""
## What it does
Flags a column added as `NOT NULL` without a default to a table that already exists: `ALTER TABLE
... ADD COLUMN ... NOT NULL`, Django `AddField` of a field that is neither `null=True` nor given a
`default` / `db_default`, Alembic `op.add_column(sa.Column(..., nullable=False))` without
`server_default`. Columns of a table created in the same migration are fine.

## Why it matters
PostgreSQL has no value to put in the existing rows, so the statement fails on any table that has
rows: the deploy breaks in production although it passed on an empty development database. It
also takes an ACCESS EXCLUSIVE lock, and code still running without the column cannot insert.

## Example
    ALTER TABLE users ADD COLUMN country_code char(2) NOT NULL;

## Use instead
    ALTER TABLE users ADD COLUMN country_code char(2) NOT NULL DEFAULT 'US';

## Known limitations
A default that is a constant is assumed to be free (PostgreSQL 11 and later store it without
rewriting the table); with `postgres-version` below 11 the advice changes to add the column
nullable and backfill, since a default rewrites the table there. Only PostgreSQL migration sets
(or sets whose engine the repository does not name) are checked. An Alembic `default=` is
Python-side only and does not count, nor is a Sequelize `defaultValue` of `NOW` or `UUIDV4`
(computed in JavaScript, not written to the database).
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.migrations.common import (
    MIGRATION_LANGUAGES, before_version, postgres_rules_apply, postgres_version, qualified, spelled, up_ops,
)

FIXES = {
    "django": "Give the field a `default` (or `db_default`), or add it with `null=True`, backfill, then "
              "make it required in a later migration.",
    "alembic": "Give the column a constant `server_default`, or add it nullable, backfill, then set "
               "`nullable=False` in a later revision.",
}

OLD_POSTGRES_FIX = ("Before PostgreSQL 11 a DEFAULT rewrites the table: add the column nullable, backfill it in "
                    "batches, then set NOT NULL in a later migration.")


def check(file, ctx):
    if not postgres_rules_apply(file, ctx):
        return
    for op in up_ops(file, ctx, "add-column"):
        if not op.on_existing_table or not op.has("not-null") or op.has("has-default"):
            continue
        what = spelled(op, "ADD COLUMN")
        message = (f"{what} {qualified(op.table, op.column)} is NOT NULL without a default: it fails on a "
                   f"table that has rows, under an ACCESS EXCLUSIVE lock on {op.table}")
        fix = FIXES.get(op.origin) if op.origin != "sql" else None
        if before_version(ctx, 11):
            message += (f"; on PostgreSQL {postgres_version(ctx)} adding a default would rewrite the table, so "
                        "add it nullable instead")
            fix = OLD_POSTGRES_FIX
        yield ctx.finding(RULE, op.line, message, fix=fix)


RULE = FileRule(
    id="MIG-DATA-203", slug="add-column-not-null-without-default", area=Area.DATA,
    title="NOT NULL column added without a default",
    fix=("Add the column with a constant DEFAULT, or add it nullable, backfill in batches, then set "
         "NOT NULL through a validated CHECK constraint."),
    rows=("MIG-04", "MIG-10"), doc=__doc__, confidence=Confidence.HIGH,
    coverage="partial", coverage_note="MIG-10's expand/contract sequencing is not followed across releases.",
    example_path="migrations/0004_add_country.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
