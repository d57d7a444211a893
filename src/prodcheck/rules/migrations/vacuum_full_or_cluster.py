"""
## What it does
Flags `VACUUM FULL` and `CLUSTER` in a migration (rollbacks and tables created in the same
migration aside).

## Why it matters
Both rewrite the whole table and its indexes under an ACCESS EXCLUSIVE lock: no reads and no
writes for the whole rewrite, and twice the table's disk space meanwhile. A migration is the
wrong place for them; plain `VACUUM`, or `pg_repack` run by an operator, do the job online.

## Example
    VACUUM FULL events;

## Use instead
    VACUUM (ANALYZE) events;
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.migrations.common import MIGRATION_LANGUAGES, postgres_rules_apply, up_ops

WORDS = {"vacuum-full": "VACUUM FULL", "cluster": "CLUSTER"}


def check(file, ctx):
    if not postgres_rules_apply(file, ctx):
        return
    for op in up_ops(file, ctx, "vacuum-full", "cluster"):
        if not op.on_existing_table:
            continue
        target = op.table or "every table of the database"
        message = (f"{WORDS[op.action]} rewrites {target} and its indexes under an ACCESS EXCLUSIVE lock: "
                   "no reads or writes until it ends")
        yield ctx.finding(RULE, op.line, message)


RULE = FileRule(
    id="MIG-DATA-211", slug="vacuum-full-or-cluster", area=Area.DATA,
    title="VACUUM FULL or CLUSTER in a migration",
    fix="Remove it from the migration; use plain VACUUM, or pg_repack run as an operation.",
    rows=("MIG-04",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="migrations/0013_compact_events.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
