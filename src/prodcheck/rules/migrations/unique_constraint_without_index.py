"""
## What it does
Flags a UNIQUE constraint or primary key added to an existing table without `USING INDEX`:
`ALTER TABLE ... ADD CONSTRAINT ... UNIQUE / PRIMARY KEY (...)`, a `UNIQUE` written in
`ADD COLUMN`, Django `AddConstraint(UniqueConstraint)`, `AlterUniqueTogether` and
`AddField(unique=True)`, Alembic `op.create_unique_constraint` / `op.create_primary_key`.

## Why it matters
PostgreSQL builds the constraint's unique index while holding an ACCESS EXCLUSIVE lock on the
table: no reads, no writes for the whole build. Building the index with
`CREATE UNIQUE INDEX CONCURRENTLY` first and attaching it with `ADD CONSTRAINT ... UNIQUE USING
INDEX` takes the strong lock only for an instant.

## Example
    ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);

## Use instead
    ==> migrations/0008_users_email_index.sql <==
    CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
    ==> migrations/0009_users_email_key.sql <==
    ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;

## Known limitations
A Django `UniqueConstraint` with a `condition` is a partial unique index, which cannot back a
constraint: build it with `AddIndexConcurrently` instead.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.migrations.common import (
    MIGRATION_LANGUAGES, postgres_rules_apply, replace_statement_diff, spelled, statement_op_count,
    up_ops,
)

LABELS = {"unique": "UNIQUE", "primary-key": "PRIMARY KEY"}


def check(file, ctx):
    if not postgres_rules_apply(file, ctx):
        return
    for op in up_ops(file, ctx, "add-constraint"):
        if op.constraint not in LABELS or op.has("using-index") or not op.on_existing_table:
            continue
        label = LABELS[op.constraint]
        name = f" {op.name}" if op.name else ""
        what = spelled(op, f"ADD COLUMN ... {label}" if op.has("inline") else f"ADD CONSTRAINT{name} {label}")
        columns = f" ({', '.join(op.columns)})" if op.columns else ""
        message = (f"{what}{columns} builds its unique index on {op.table} while holding an ACCESS EXCLUSIVE "
                   "lock: no reads or writes until the build ends")
        yield ctx.finding(RULE, op.line, message, diff=_diff(file, ctx, op, label))


def _diff(file, ctx, op, label: str) -> str:
    if (op.origin != "sql" or op.has("inline") or not op.name or not op.columns
            or statement_op_count(file, ctx, op) != 1 or op.line != op.end_line):
        return ""
    columns = ", ".join(op.columns)
    replacement = (f"CREATE UNIQUE INDEX CONCURRENTLY {op.name} ON {op.table} ({columns});\n"
                   f"ALTER TABLE {op.table} ADD CONSTRAINT {op.name} {label} USING INDEX {op.name}")
    return replace_statement_diff(file, op, replacement)


RULE = FileRule(
    id="MIG-DATA-206", slug="unique-constraint-without-index", area=Area.DATA,
    title="UNIQUE or PRIMARY KEY constraint built under an exclusive lock",
    fix=("Build the index with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX "
         "(outside the index build's transaction)."),
    rows=("MIG-06",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="migrations/0008_users_email_key.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
