"""
## What it does
Flags a foreign key declared in SQL or Alembic migrations (`REFERENCES`, `FOREIGN KEY (...)`,
`op.create_foreign_key`, `sa.ForeignKey`, knex `references()` / `foreign()`, TypeORM
`createForeignKey`, Sequelize `references`) when no index of the migration set starts with its
columns (`CREATE INDEX`, a primary key or a unique constraint, `index=True`). Django migrations
are not checked: Django indexes foreign keys itself; nor are migration sets on MySQL, whose InnoDB
engine creates the index.

## Why it matters
PostgreSQL does not index the referencing side of a foreign key. Every DELETE or key UPDATE on
the referenced table then scans the referencing table to check for rows, under lock, and joins
from parent to children scan too: fine on day one, a slow lock holder once the table grows.

## Example
    CREATE TABLE order_items (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id bigint NOT NULL REFERENCES orders (id),
        sku text NOT NULL
    );

## Use instead
    CREATE TABLE order_items (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id bigint NOT NULL REFERENCES orders (id),
        sku text NOT NULL
    );
    CREATE INDEX order_items_order_id_idx ON order_items (order_id);

## Known limitations
Indexes created outside the migration files, or dropped later, are not followed. An index that
contains the columns in another position does not count, as PostgreSQL cannot use it for the check.
"""
from __future__ import annotations

from prodcheck.facts.extractors.migration_model import (
    SIGNAL_FOREIGN_KEY, SIGNAL_INDEX, decode_columns, table_key,
)
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.migrations.common import indexes_foreign_keys_itself, signals_of


def check(project, ctx):
    indexes: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for group, signal in signals_of(project, SIGNAL_INDEX):
        table, columns, _ = decode_columns(signal.detail)
        indexes.setdefault((group, table_key(table)), []).append(columns)
    for group, signal in signals_of(project, SIGNAL_FOREIGN_KEY):
        if indexes_foreign_keys_itself(project, signal.location.path):
            continue
        table, columns, references = decode_columns(signal.detail)
        if any(covers(index, columns) for index in indexes.get((group, table_key(table)), ())):
            continue
        listed = ", ".join(columns)
        target = f" -> {references}" if references else ""
        message = (f"foreign key {table}({listed}){target} has no index starting with ({listed}): each delete "
                   f"or key update on {references or 'the referenced table'} scans {table}")
        yield ctx.finding(RULE, signal.location, message)


def covers(index: tuple[str, ...], columns: tuple[str, ...]) -> bool:
    """Can an index on `index` serve lookups by the foreign key `columns` (its leading columns)?"""
    return bool(columns) and len(index) >= len(columns) and set(index[: len(columns)]) == set(columns)


RULE = ProjectRule(
    id="MIG-DATA-213", slug="foreign-key-without-index", area=Area.DATA,
    title="Foreign key without an index",
    fix="Create an index whose leading columns are the foreign key columns (CONCURRENTLY on an existing table).",
    rows=("DATA-02",), doc=__doc__, confidence=Confidence.HIGH,
    coverage="partial", coverage_note="Model-level foreign keys (SQLAlchemy, Django db_index=False) are not read here.",
    example_path="migrations/0016_order_items.sql", check=check,
)
