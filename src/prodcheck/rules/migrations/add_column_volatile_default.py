"""
## What it does
Flags a column added to an existing table with a default PostgreSQL must compute for every row:
a volatile function (`gen_random_uuid()`, `uuid_generate_v4()`, `random()`, `clock_timestamp()`,
`nextval()`), a `serial` type, an identity column, or a stored generated column. SQL migrations
and Alembic `server_default`s are read.

## Why it matters
A constant default (and `now()`, which is stable) is stored once in the catalog; a volatile one
makes PostgreSQL rewrite the whole table and its indexes under an ACCESS EXCLUSIVE lock: no reads,
no writes until it is done.

## Example
    ALTER TABLE orders ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();

## Use instead
    ALTER TABLE orders ADD COLUMN public_id uuid;
    ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();

With `postgres-version` below 11 in the configuration, any default counts: PostgreSQL 10 and
older rewrite the table for a constant default too. Only PostgreSQL migration sets are checked
(or sets whose engine the repository does not name).

## Known limitations
Only well-known volatile functions are recognised; a default calling a function of the project
(volatile unless declared otherwise) is not reported. Existing rows still need a batched backfill
after the fix.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.migrations.common import (
    MIGRATION_LANGUAGES, before_version, postgres_rules_apply, postgres_version, qualified, spelled, up_ops,
)


def check(file, ctx):
    if not postgres_rules_apply(file, ctx):
        return
    old = before_version(ctx, 11)
    for op in up_ops(file, ctx, "add-column"):
        if not op.on_existing_table:
            continue
        what = spelled(op, "ADD COLUMN")
        if op.has("volatile-default"):
            default = op.default or "a volatile default"
            message = (f"{what} {qualified(op.table, op.column)} with {default} as default rewrites every row "
                       f"of {op.table} under an ACCESS EXCLUSIVE lock")
        elif old and op.has("has-default"):
            default = op.default or "a default"
            message = (f"{what} {qualified(op.table, op.column)} with {default} as default rewrites every row "
                       f"of {op.table} under an ACCESS EXCLUSIVE lock: before PostgreSQL 11 (postgres-version = "
                       f"{postgres_version(ctx)}) even a constant default is written into every row")
        else:
            continue
        yield ctx.finding(RULE, op.line, message)


RULE = FileRule(
    id="MIG-DATA-215", slug="add-column-volatile-default", area=Area.DATA,
    title="Column added with a volatile default rewrites the table",
    fix=("Add the column without the default, then SET DEFAULT for new rows and backfill existing rows "
         "in batches."),
    rows=("MIG-04",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="migrations/0005_public_id.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
