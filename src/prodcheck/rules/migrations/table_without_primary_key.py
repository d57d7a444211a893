"""
## What it does
Flags tables a migration creates without a primary key: SQL `CREATE TABLE` with no `PRIMARY KEY`
(column or table constraint) and no `ALTER TABLE ... ADD PRIMARY KEY` later in the same migration,
and Alembic `op.create_table(...)` with no `primary_key=True` column and no
`PrimaryKeyConstraint`. A table that gets a UNIQUE constraint or unique index in the same
migration has a candidate key and is not reported (Prisma's implicit many-to-many tables);
temporary tables, `CREATE TABLE ... AS`, `LIKE`, `INHERITS` and partitions (`PARTITION OF`, which
take the parent's key) are not reported either.

## Why it matters
Without a primary key nothing stops the same row from being stored twice, and nothing identifies
one row for an update or a delete: duplicates creep in from retries and double submits, ORMs
cannot map the table, and logical replication (and most change-data-capture tools) cannot
replicate its updates and deletes at all until a replica identity is defined.

## Example
    CREATE TABLE order_tags (
        order_id bigint NOT NULL REFERENCES orders (id),
        tag text NOT NULL
    );

## Use instead
    CREATE TABLE order_tags (
        order_id bigint NOT NULL REFERENCES orders (id),
        tag text NOT NULL,
        PRIMARY KEY (order_id, tag)
    );

## Known limitations
A primary key added by a later migration file is not seen (the table is reported where it is
created). Django always gives a model a primary key, and knex, TypeORM and Sequelize tables are
not checked.
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.migration_model import table_key
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.migrations.common import MIGRATION_LANGUAGES, up_ops

CHECKED_ORIGINS = frozenset({"sql", "alembic"})
# tables whose key comes from elsewhere, or that hold no lasting data
_DERIVED = re.compile(
    r"^\s*CREATE\s+(?:GLOBAL\s+|LOCAL\s+)?(?:TEMP|TEMPORARY)\b"                    # temporary
    r"|^\s*CREATE\s+(?:\w+\s+)*TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[\w.\"]+\s+AS\b"  # CREATE TABLE x AS
    r"|\bPARTITION\s+OF\b|\)\s*INHERITS\b|\(\s*LIKE\b",
    re.IGNORECASE)


def check(file, ctx):
    created = []
    keyed: set[str] = set()
    for op in up_ops(file, ctx, "create-table", "add-constraint", "create-index"):
        if op.action == "add-constraint":
            if op.constraint in ("primary-key", "unique"):
                keyed.add(table_key(op.table))
            continue
        if op.action == "create-index":
            if op.has("unique"):                # a candidate key (Prisma's implicit link tables)
                keyed.add(table_key(op.table))
            continue
        if op.origin in CHECKED_ORIGINS and op.table and not _DERIVED.search(op.statement or ""):
            created.append(op)
    for op in created:
        if table_key(op.table) not in keyed:
            yield ctx.finding(RULE, op.line, f"table {op.table} is created without a primary key: duplicate rows "
                                             "cannot be prevented, and its updates cannot be replicated")


RULE = FileRule(
    id="MIG-DATA-220", slug="table-without-primary-key", area=Area.DATA,
    title="Table created without a primary key",
    fix="Declare a primary key: a generated `bigint` identity column, or the natural composite key of a "
        "link table (`PRIMARY KEY (order_id, tag)`).",
    rows=("DATA-12",), doc=__doc__, confidence=Confidence.HIGH,
    coverage="partial", coverage_note="keys added by a later migration file are not seen; JS ORMs not checked.",
    example_path="migrations/V7__order_tags.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
