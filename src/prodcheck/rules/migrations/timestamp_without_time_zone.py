"""
## What it does
Flags columns created, added or changed to `timestamp` (`timestamp without time zone`) in a
migration: SQL `CREATE TABLE` / `ADD COLUMN` / `ALTER COLUMN ... TYPE`, Alembic `sa.DateTime()` or
`sa.TIMESTAMP()` without `timezone=True`. Django's `DateTimeField` is `timestamptz` and is fine.

## Why it matters
A `timestamp` stores the wall-clock digits without an offset: the same instant written by a server
in UTC and by a session in another time zone gives two different values, comparisons and
intervals across daylight-saving changes go wrong, and nothing in the data says which zone was
meant. `timestamptz` stores an absolute instant and costs the same 8 bytes.

## Example
    CREATE TABLE events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamp NOT NULL
    );

## Use instead
    CREATE TABLE events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamptz NOT NULL
    );

## Known limitations
A column that deliberately holds a local wall-clock time (an opening hour, a birthday at midnight)
is reported too: acknowledge it with a suppression that says so.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.migrations.common import MIGRATION_LANGUAGES, qualified, up_ops


def check(file, ctx):
    for op in up_ops(file, ctx, "add-column", "alter-type"):
        base = op.new_type.partition("(")[0].replace("[]", "")
        if base != "timestamp":
            continue
        message = (f"{qualified(op.table, op.column)} is `timestamp without time zone`: it stores no offset, so "
                   "instants written from different time zones cannot be told apart")
        yield ctx.finding(RULE, op.line, message)


RULE = FileRule(
    id="MIG-DATA-216", slug="timestamp-without-time-zone", area=Area.DATA,
    title="Timestamp column without time zone",
    fix="Declare the column `timestamptz` (SQLAlchemy `DateTime(timezone=True)`).",
    rows=("DATA-13",), doc=__doc__, confidence=Confidence.MEDIUM,
    coverage="partial", coverage_note="JSON in TEXT, bigint keys and normalisation are not checked.",
    example_path="migrations/0017_events.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
