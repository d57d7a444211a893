"""
## What it does
Flags `ALTER TABLE ... ALTER COLUMN ... SET NOT NULL` (also Alembic
`op.alter_column(..., nullable=False)`) on an existing table when no `CHECK (col IS NOT NULL)`
constraint on that column was added and validated before it in the same migration set.

## Why it matters
`SET NOT NULL` scans the whole table under an ACCESS EXCLUSIVE lock to prove there is no NULL:
no reads, no writes meanwhile. Since PostgreSQL 12 the scan is skipped when a valid
`CHECK (col IS NOT NULL)` constraint already proves it, and that constraint can be added
`NOT VALID` (instant) and validated with only a SHARE UPDATE EXCLUSIVE lock.

## Example
    ALTER TABLE users ALTER COLUMN email SET NOT NULL;

## Use instead
    ==> migrations/0007_email_check.sql <==
    ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
    ==> migrations/0008_email_validate.sql <==
    ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
    ==> migrations/0009_email_not_null.sql <==
    ALTER TABLE users ALTER COLUMN email SET NOT NULL;
    ALTER TABLE users DROP CONSTRAINT users_email_not_null;

With `postgres-version` below 12 in the configuration, every `SET NOT NULL` on an existing table is
reported, CHECK or not: PostgreSQL 11 and older always scan, and the advice is to keep the
validated CHECK constraint in place of the column's NOT NULL until the upgrade. Migration sets on
MySQL or SQLite are not checked.

## Known limitations
Django's `AlterField` (from `null=True` to `null=False`) is not judged: the field's previous state
is not read. Constraints created outside the migration files are not seen.
"""
from __future__ import annotations

from prodcheck.facts.extractors.migration_model import (
    SIGNAL_NOT_NULL_CHECK, SIGNAL_SET_NOT_NULL, SIGNAL_VALIDATE, table_key,
)
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.migrations.common import (
    before, before_version, orders, postgres_signals_of, postgres_version, signals_of,
)

OLD_POSTGRES_FIX = ("Before PostgreSQL 12 SET NOT NULL always scans the table: enforce the rule with a "
                    "`CHECK (col IS NOT NULL) NOT VALID` constraint validated in a later migration, and leave the "
                    "column's NOT NULL for after the upgrade.")


def check(project, ctx):
    order = orders(project)
    checks = [(g, s, s.detail.split(" ")) for g, s in signals_of(project, SIGNAL_NOT_NULL_CHECK)]
    validations = [(g, s, s.detail.split(" ")) for g, s in signals_of(project, SIGNAL_VALIDATE)]
    for group, target in postgres_signals_of(project, SIGNAL_SET_NOT_NULL):
        table, _, column = target.detail.rpartition(".")
        if before_version(ctx, 12):
            message = (f"SET NOT NULL on {target.detail} scans the whole of {table} under an ACCESS EXCLUSIVE lock: "
                       f"PostgreSQL {postgres_version(ctx)} does not use a validated CHECK constraint to skip the "
                       "scan (it does from 12)")
            yield ctx.finding(RULE, target.location, message, fix=OLD_POSTGRES_FIX)
            continue
        key = _column_key(target.detail)
        found = [parts for g, s, parts in checks
                 if g == group and _column_key(parts[0]) == key and before(order, s, target)]
        done = {(table_key(parts[0]), parts[1]) for g, s, parts in validations
                if g == group and len(parts) == 2 and before(order, s, target)}
        if any(len(parts) < 3 or parts[2] == "valid"
               or (table_key(parts[0].rpartition(".")[0]), parts[1]) in done for parts in found):
            continue
        if found:
            message = (f"SET NOT NULL on {target.detail}: the CHECK constraint {found[0][1]} is NOT VALID and not "
                       f"validated before it, so PostgreSQL still scans {table} under an ACCESS EXCLUSIVE lock")
        else:
            message = (f"SET NOT NULL on {target.detail} scans the whole of {table} under an ACCESS EXCLUSIVE "
                       f"lock: no validated CHECK ({column} IS NOT NULL) constraint precedes it")
        yield ctx.finding(RULE, target.location, message)


def _column_key(detail: str) -> tuple[str, str]:
    """"Users.email" -> ("users", "email"): tables compare case-insensitively, columns exactly."""
    table, _, column = detail.rpartition(".")
    return table_key(table), column


RULE = ProjectRule(
    id="MIG-DATA-204", slug="set-not-null-without-check", area=Area.DATA,
    title="SET NOT NULL without a validated CHECK constraint",
    fix=("Add `CHECK (col IS NOT NULL) NOT VALID`, VALIDATE it in a later migration, then SET NOT NULL "
         "and drop the CHECK."),
    rows=("MIG-04",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="migrations/0007_email_not_null.sql", check=check,
)
