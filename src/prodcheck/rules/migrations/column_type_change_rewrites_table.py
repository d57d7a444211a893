"""
## What it does
Flags `ALTER TABLE ... ALTER COLUMN ... TYPE` (also Alembic `op.alter_column(type_=...)`) that makes
PostgreSQL rewrite the table: any change except the ones it does in place, which are widening a
`varchar(n)` or making it `text`/unbounded `varchar`, widening a `numeric(p, s)` at the same scale
or to unbounded `numeric`, widening `varbit(n)`, `cidr` to `inet`, and `timestamp` to
`timestamptz` (PostgreSQL 12+, TimeZone UTC). A `USING` conversion always counts as a rewrite.

The column's previous type is taken from the migration itself (the `CREATE TABLE` or `ADD COLUMN`
earlier in the file, Alembic's `existing_type`); when it is unknown, a change to a string or
numeric type, which may be a widening, is not reported.

## Why it matters
A rewrite copies every row and rebuilds every index while holding an ACCESS EXCLUSIVE lock: no
reads, no writes, for as long as the copy takes. Code deployed against the old type may also break.

## Example
    ALTER TABLE events ALTER COLUMN id TYPE bigint;

## Use instead
    ALTER TABLE events ADD COLUMN id_new bigint;
    -- backfill id_new in batches, keep it in sync with a trigger, then swap the columns

## Known limitations
Django `AlterField` is not judged (the previous field definition is in older migrations). Column
types defined in earlier migration files are not looked up.
"""
from __future__ import annotations

from prodcheck.facts.extractors.migration_model import table_key
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.migrations.common import MIGRATION_LANGUAGES, postgres_rules_apply, qualified, spelled, up_ops

STRING_TYPES = frozenset({"varchar", "text"})
MAYBE_WIDENING = frozenset({"varchar", "text", "numeric", "varbit", "timestamptz", "inet"})


def check(file, ctx):
    if not postgres_rules_apply(file, ctx):
        return
    known: dict[tuple[str, str], str] = {}
    for op in up_ops(file, ctx, "add-column", "alter-type"):
        key = (table_key(op.table), op.column)
        if op.action == "add-column":
            known[key] = op.new_type
            continue
        old = op.old_type or known.get(key, "")
        known[key] = op.new_type
        if not op.on_existing_table or not op.new_type:
            continue
        if not rewrites(old, op.new_type, op.has("using")):
            continue
        what = spelled(op, "ALTER COLUMN ... TYPE")
        change = f"from {old} to {op.new_type}" if old else f"to {op.new_type}"
        message = (f"{what} changes {qualified(op.table, op.column)} {change}: PostgreSQL rewrites {op.table} "
                   "and rebuilds its indexes under an ACCESS EXCLUSIVE lock")
        yield ctx.finding(RULE, op.line, message)


def rewrites(old: str, new: str, using: bool = False) -> bool:
    """Does changing a column from `old` to `new` rewrite the table? Unknown `old`: only when no
    previous type could make it an in-place change."""
    if using:
        return True
    new_base, new_mods, new_array = _split(new)
    if not old:
        return new_base not in MAYBE_WIDENING
    old_base, old_mods, old_array = _split(old)
    if (old_base, old_mods, old_array) == (new_base, new_mods, new_array):
        return False
    if old_array != new_array:
        return True
    if old_base in STRING_TYPES and new_base in STRING_TYPES:
        if not new_mods:
            return False
        return old_base == "text" or not old_mods or new_mods[0] < old_mods[0]
    if old_base == new_base and old_base in ("numeric", "varbit"):
        if not new_mods:
            return False
        if not old_mods:
            return True
        if old_base == "varbit":
            return new_mods[0] < old_mods[0]
        old_scale = old_mods[1] if len(old_mods) > 1 else 0
        new_scale = new_mods[1] if len(new_mods) > 1 else 0
        return new_scale != old_scale or new_mods[0] < old_mods[0]
    return (old_base, new_base) not in (("cidr", "inet"), ("timestamp", "timestamptz"))


def _split(text: str) -> tuple[str, tuple[int, ...], int]:
    array = text.count("[]")
    base = text.replace("[]", "")
    name, _, mods = base.partition("(")
    numbers = []
    for part in mods.rstrip(")").split(","):
        part = part.strip()
        if part.lstrip("-").isdigit():
            numbers.append(int(part))
    return _ALIASES.get(name.strip(), name.strip()), tuple(numbers), array


_ALIASES = {"character varying": "varchar", "string": "varchar", "int": "int4", "integer": "int4",
            "bigint": "int8", "smallint": "int2", "decimal": "numeric", "bit varying": "varbit"}


RULE = FileRule(
    id="MIG-DATA-207", slug="column-type-change-rewrites-table", area=Area.DATA,
    title="Column type change rewrites the table",
    fix=("Add a column of the new type, backfill it in batches and keep it in sync, then switch the code "
         "and drop the old column (expand/contract)."),
    rows=("MIG-04", "MIG-10"), doc=__doc__, confidence=Confidence.HIGH,
    coverage="partial", coverage_note="Django AlterField and types defined in earlier migration files are not read.",
    example_path="migrations/0010_events_bigint.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
