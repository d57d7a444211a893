"""
## What it does
Flags dropping a column or a table in a migration: `ALTER TABLE ... DROP COLUMN`, `DROP TABLE`,
Django `RemoveField` and `DeleteModel`, Alembic `op.drop_column` and `op.drop_table`, knex
`dropColumn` / `dropTable`, TypeORM `dropColumn` / `dropTable`, Sequelize `removeColumn` /
`dropTable`. Rollbacks
(down migrations, `downgrade()`) are not checked, nor tables created in the same migration.

## Why it matters
Instances still running the previous code read and write the dropped column or table and fail
until they are replaced, and a rollback of the migration cannot bring the data back. The drop
belongs in a release after the one that stopped using it (expand/contract), with a backup.

## Example
    ALTER TABLE users DROP COLUMN legacy_password_hash;

## Use instead
    -- Release N: the code stops using the column; old instances may still insert without it.
    ALTER TABLE users ALTER COLUMN legacy_password_hash DROP NOT NULL;
    -- Release N+1, after a backup: drop it, and acknowledge this finding there.

## Known limitations
Whether the code still uses the column is not checked: a drop shipped as the contract step of an
expand/contract change is reported too, to be acknowledged with a suppression that says so.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.migrations.common import MIGRATION_LANGUAGES, qualified, spelled, up_ops


def check(file, ctx):
    for op in up_ops(file, ctx, "drop-column", "drop-table"):
        if not op.on_existing_table or not op.table:
            continue
        if op.action == "drop-column":
            what = spelled(op, "DROP COLUMN")
            target = f"the column {qualified(op.table, op.column)}"
        else:
            what = spelled(op, "DROP TABLE")
            target = f"the table {op.table}"
        message = (f"{what} removes {target}: instances still running the previous code fail on it, and a "
                   "rollback cannot restore its data")
        yield ctx.finding(RULE, op.line, message)


RULE = FileRule(
    id="MIG-DATA-209", slug="drop-column-or-table", area=Area.DATA,
    title="Column or table dropped",
    fix=("Stop using the column or table in one release, then drop it in a later one, after a backup; "
         "acknowledge the finding there."),
    rows=("MIG-08",), doc=__doc__, confidence=Confidence.MEDIUM,
    coverage="partial",
    coverage_note="Whether the code change ships in the same deploy needs the git diff (review mode).",
    example_path="migrations/0012_drop_legacy.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
