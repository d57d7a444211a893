"""
## What it does
Flags renaming a column or a table that already exists: `ALTER TABLE ... RENAME COLUMN` /
`RENAME TO`, Django `RenameField`, `RenameModel` and `AlterModelTable`, Alembic
`op.alter_column(new_column_name=...)` and `op.rename_table`, knex, TypeORM and Sequelize
`renameColumn` / `renameTable`.

## Why it matters
The rename is instant, but during a rolling deploy the instances still running the previous code
query the old name and fail until they are replaced; a rollback of the code breaks the same way.
Renames need expand/contract: add the new name, write both, switch reads, drop the old name later.

## Example
    ALTER TABLE users RENAME COLUMN name TO full_name;

## Use instead
    ALTER TABLE users ADD COLUMN full_name text;
    -- write both columns from the code, backfill, switch reads, then drop `name` in a later release

## Known limitations
A rename shipped after the code stopped using the old name (or behind a view with the old name)
is reported too: say so in a suppression with the reason.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.migrations.common import MIGRATION_LANGUAGES, qualified, spelled, up_ops


def check(file, ctx):
    for op in up_ops(file, ctx, "rename-column", "rename-table"):
        if not op.on_existing_table:
            continue
        if op.action == "rename-column":
            what = spelled(op, "RENAME COLUMN")
            old, kind = qualified(op.table, op.column), "column"
        else:
            what = spelled(op, "ALTER TABLE ... RENAME TO")
            old, kind = op.table, "table"
        new = f" to {op.new_name}" if op.new_name else ""
        message = (f"{what} renames the {kind} {old}{new}: instances still running the previous code (and a "
                   f"code rollback) query the old name and fail")
        yield ctx.finding(RULE, op.line, message)


RULE = FileRule(
    id="MIG-DATA-208", slug="rename-column-or-table", area=Area.DATA,
    title="Column or table renamed in place",
    fix=("Add the new column or table, write to both, backfill and switch reads, and drop the old name in a "
         "later release."),
    rows=("MIG-08", "MIG-10"), doc=__doc__, confidence=Confidence.HIGH,
    coverage="partial",
    coverage_note="Whether the code change ships in the same deploy needs the git diff (review mode).",
    example_path="migrations/0011_rename_name.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
