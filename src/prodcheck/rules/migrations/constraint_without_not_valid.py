"""
## What it does
Flags a foreign key or CHECK constraint added to an existing table without `NOT VALID`:
`ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY / CHECK`, a `REFERENCES` written in `ADD COLUMN`,
Django `AddConstraint(CheckConstraint)` and `AddField` of a `ForeignKey`, Alembic
`op.create_foreign_key`, `op.create_check_constraint` and an `sa.ForeignKey` in `op.add_column`.
Also flags a `VALIDATE CONSTRAINT` run in the same transaction as the `NOT VALID` add, which
keeps the add's lock for the whole validation.

## Why it matters
Adding the constraint validates every existing row while holding the lock: ACCESS EXCLUSIVE for a
CHECK (no reads, no writes), SHARE ROW EXCLUSIVE on both tables for a foreign key (no writes).
`NOT VALID` adds it instantly for new rows; a later `VALIDATE CONSTRAINT` checks the old rows with
a SHARE UPDATE EXCLUSIVE lock that lets reads and writes go on.

## Example
    ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
        FOREIGN KEY (customer_id) REFERENCES customers (id);

## Use instead
    ==> migrations/0006_orders_fk.sql <==
    ALTER TABLE orders ADD CONSTRAINT orders_customer_fk
        FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
    ==> migrations/0007_orders_fk_validate.sql <==
    ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;

## Known limitations
Whether a plain `.sql` migration runs in a transaction depends on its tool; the same-transaction
check applies where the tool or the file makes it known.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.migrations.common import (
    MIGRATION_LANGUAGES, append_to_statement_diff, postgres_rules_apply, qualified, spelled,
    statement_op_count, up_ops,
)

KINDS = {"foreign-key": "FOREIGN KEY", "check": "CHECK"}
FIXES = {
    "django": ("Use `AddConstraintNotValid` (django.contrib.postgres.operations) and `ValidateConstraint` "
               "in a later migration."),
    "alembic": ("Add the constraint with `op.execute(\"ALTER TABLE ... ADD CONSTRAINT ... NOT VALID\")` and "
                "validate it in a later revision."),
}
INLINE_FIX = ("Add the column first, then `ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID`, and VALIDATE it "
              "in a later migration.")


def check(file, ctx):
    if not postgres_rules_apply(file, ctx):
        return
    ops = list(up_ops(file, ctx))
    for op in ops:
        if op.action != "add-constraint" or op.constraint not in KINDS or not op.on_existing_table:
            continue
        if op.has("not-valid"):
            continue
        what = spelled(op, f"ADD CONSTRAINT {op.name} {KINDS[op.constraint]}".replace("  ", " "))
        if op.constraint == "foreign-key":
            lock = (f"SHARE ROW EXCLUSIVE on {op.table} and {op.references}" if op.references
                    else f"SHARE ROW EXCLUSIVE on {op.table}")
            if op.has("inline"):
                what = spelled(op, "ADD COLUMN ... REFERENCES")
                lock = f"ACCESS EXCLUSIVE on {op.table}"
            message = (f"{what} on {qualified(op.table, ', '.join(op.columns))} checks every existing row "
                       f"while holding {lock}")
        else:
            message = (f"{what} on {op.table} checks every existing row while holding ACCESS EXCLUSIVE on "
                       f"{op.table}")
        fix = INLINE_FIX if op.has("inline") and op.origin != "django" else FIXES.get(op.origin)
        diff = ""
        if op.origin == "sql" and not op.has("inline") and statement_op_count(file, ctx, op) == 1:
            diff = append_to_statement_diff(file, op, " NOT VALID")
        yield ctx.finding(RULE, op.line, message, fix=fix if op.origin != "sql" or op.has("inline") else None,
                          diff=diff)
    yield from _validated_in_same_transaction(ops, ctx)


def _validated_in_same_transaction(ops, ctx):
    added = {}
    for op in ops:
        if op.action == "add-constraint" and op.has("not-valid") and op.name and op.transaction:
            added[op.name] = op
        elif op.action == "validate-constraint" and op.name in added and op.transaction:
            first = added[op.name]
            if first.transaction != op.transaction:
                continue
            message = (f"VALIDATE CONSTRAINT {op.name} runs in the same transaction as its NOT VALID add "
                       f"(line {first.line}): the add's lock is held during the whole validation "
                       f"({op.transaction})")
            yield ctx.finding(RULE, op.line, message,
                              fix="Validate the constraint in a later migration, in its own transaction.")


RULE = FileRule(
    id="MIG-DATA-205", slug="constraint-without-not-valid", area=Area.DATA,
    title="Foreign key or CHECK constraint added without NOT VALID",
    fix=("Add the constraint with NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a later "
         "migration."),
    rows=("MIG-06",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="migrations/0006_orders_fk.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
