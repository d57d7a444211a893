"""
## What it does
Joins the model definitions of the project with its queries and flags a model field that queries
filter or order by but that no index covers:
- queries: Django `Model.objects.filter/exclude/get/get_or_create/update_or_create(field=...)`
  (also `field__in`, `__gt`, `__range`, ...), `order_by("field")`, `get_object_or_404(Model,
  field=...)`; SQLAlchemy `filter_by(field=...)` on `Model.query`/`session.query(Model)`/
  `select(Model)`, and `.filter(...)`/`.where(...)`/`.order_by(...)` on `Model.column`;
- indexes: `primary_key`, `unique=True`, `db_index=True`/`index=True`, Django foreign keys,
  one-to-one and slug fields (indexed by default), `Meta.indexes`, `index_together`,
  `unique_together`, `UniqueConstraint`, SQLAlchemy `__table_args__` and module-level
  `Index(...)`/`UniqueConstraint(...)`, and indexes created by migrations.

The finding sits on the field definition, with the queries as related locations.

## Why it matters
A filter on a column without an index is a full table scan: invisible with a thousand rows, then
seconds per request and a database CPU pinned at 100% once the table holds millions. Adding the
index later on a large, busy table needs a careful concurrent migration.

## Example
    ==> shop/models.py <==
    from django.db import models

    class Order(models.Model):
        reference = models.CharField(max_length=32)
        total = models.DecimalField(max_digits=10, decimal_places=2)

    ==> shop/views.py <==
    from django.shortcuts import get_object_or_404

    from shop.models import Order

    def order_by_reference(request, reference):
        return get_object_or_404(Order, reference=reference)

## Use instead
    ==> shop/models.py <==
    from django.db import models

    class Order(models.Model):
        reference = models.CharField(max_length=32, unique=True)
        total = models.DecimalField(max_digits=10, decimal_places=2)

    ==> shop/views.py <==
    from django.shortcuts import get_object_or_404

    from shop.models import Order

    def order_by_reference(request, reference):
        return get_object_or_404(Order, reference=reference)

## Known limitations
Boolean fields and fields with `choices` (low cardinality: an index alone rarely helps) are not
reported, nor relation traversals (`customer__email`), pattern lookups (`__icontains`) and fields
inherited from abstract models. A model name defined twice in the project is skipped. A composite
index serves a lookup that filters all of its columns up to the field, and a lookup that also
filters an indexed field (a foreign key, the primary key) is taken as served by that index; a
lookup on several unindexed fields is counted once, for its first field; `__isnull` lookups and
fields only used to order a filtered query are not counted (the filter's fields are the ones to index). Indexes created by
migrations count when their table matches the model (`__tablename__` or the default names) and by
their leading column only; indexes created by raw SQL run elsewhere are not seen. Table sizes are
unknown: small lookup tables are reported too, hence the medium confidence.
"""
from __future__ import annotations

import re
from collections import Counter

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule

MAX_RELATED = 5


def check(project, ctx):
    definitions = Counter(m.name for m in project.inventory.models
                          if m.kind in ("django", "sqlalchemy", "sqlmodel"))
    indexes: dict[str, list[list[str]]] = {}
    for signal in project.signals("py-model-index"):
        model, _, columns = signal.detail.partition("|")
        indexes.setdefault(model, []).append(columns.split(","))
    migrated = _migration_indexes(project)
    tables = {m.name: m.table for m in project.inventory.models if m.table}
    fields: dict[tuple[str, str], list] = {}
    for signal in project.signals("py-unindexed-field"):
        orm, model, field = signal.detail.split("|", 2)
        fields.setdefault((model, field), []).append((orm, signal.location))
    uses: dict[tuple[str, str], list] = {}
    by_call: dict[tuple, list[tuple[str, str, str]]] = {}
    for signal in project.signals("py-query-field"):
        orm, model, field, together = (signal.detail.split("|") + [""])[:4]
        if (model, field) not in fields:
            continue
        if not _covered(field, set(together.split(",")) | {field}, indexes.get(model, [])):
            key = (signal.location.path, signal.location.start.line, signal.location.start.column, model)
            by_call.setdefault(key, []).append((orm, field, signal.location))
    for (_path, _line, _column, model), found_here in by_call.items():
        orm, field, location = found_here[0]        # one index serves a lookup: name its first field
        uses.setdefault((model, field), []).append((orm, location))
    for key in sorted(uses):
        model, field = key
        found = fields.get(key)
        if not found or len(found) != 1 or definitions.get(model, 0) > 1 \
                or _migrated(model, field, tables.get(model, ""), migrated):
            continue
        orm, location = found[0]
        places = sorted({loc for use_orm, loc in uses[key] if use_orm == orm},
                        key=lambda loc: (loc.path, loc.start.line))
        if not places:
            continue
        first = places[0]
        where = f"{first.path}:{first.start.line}" + (f" and {len(places) - 1} more" if len(places) > 1 else "")
        yield ctx.finding(
            RULE, location,
            f"`{model}.{field}` filters or orders queries ({where}) but has no index: each lookup scans "
            f"the table", related=places[:MAX_RELATED], symbol=f"{model}.{field}")


def _base(name: str) -> str:
    """`customer_id` and `customer` name the same column (a foreign key and its attname)."""
    return name[:-3] if name.endswith("_id") and len(name) > 3 else name


def _covered(field: str, together: set[str], indexes: list[list[str]]) -> bool:
    """Can an index serve this lookup? One whose columns up to `field` are all filtered together
    (an index on (a, b) serves `filter(a=.., b=..)` and `filter(a=..)`, not `filter(b=..)`), or an
    index led by another field of the same filter (`filter(customer=c, reference=r)` is served by
    the foreign key's index)."""
    field = _base(field)
    together = {_base(name) for name in together if name}
    others = together - {field}
    if others & {"pk", "id"}:
        return True
    for columns in ([_base(c) for c in index] for index in indexes):
        if field in columns and set(columns[:columns.index(field)]) <= together:
            return True
        if columns and columns[0] in others:
            return True                       # another filtered field's index narrows the rows
    return False


def _migration_indexes(project) -> set[tuple[str, str]]:
    """(table, leading column) of the indexes that migrations create (`migration-index` signals,
    detail "table(a,b)")."""
    found = set()
    for signal in project.signals("migration-index"):
        table, _, columns = signal.detail.partition("(")
        first = columns.rstrip(")").split(",")[0].strip().strip('"')
        if table and first:
            found.add((table.strip().strip('"').lower(), first.lower()))
    return found


def _migrated(model: str, field: str, table: str, migrated: set[tuple[str, str]]) -> bool:
    """Does a migration index the field? Tables are matched by `__tablename__`, or by the
    default names Django (`app_model`) and SQLModel/SQLAlchemy conventions give them."""
    if not migrated:
        return False
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", model).lower()
    names = {table.lower(), model.lower(), snake, snake + "s", model.lower() + "s"} - {""}
    column = field.lower()
    return any(c in (column, column + "_id") and (t in names or t.endswith("_" + model.lower()))
               for t, c in migrated)


RULE = ProjectRule(
    id="PY-DATA-009", slug="missing-index-on-filtered-field", area=Area.DATA,
    title="Queried model field without an index",
    fix="Add an index for the field (`db_index=True` or `Meta.indexes = [models.Index(fields=[...])]`, "
        "SQLAlchemy `index=True` or `Index(...)`), created concurrently on large tables.",
    rows=("DATA-03",), doc=__doc__, confidence=Confidence.MEDIUM, example_path="shop/views.py",
    coverage="partial", coverage_note="raw SQL WHERE clauses and abstract-model fields are not checked",
    needs_languages=("python",), check=check,
)
