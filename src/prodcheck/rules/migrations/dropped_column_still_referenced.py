"""
## What it does
Flags a migration that drops or renames a column or a table which a model of the same service
still maps: a Django field (column `name`, `name_id` for a foreign key, or `db_column`) on the
model whose table it is (`Meta.db_table` or `<app>_<model>`), a SQLAlchemy `Column` /
`mapped_column` / `Mapped[...]` attribute on the class with that `__tablename__`, a SQLModel
field. Django `RemoveField`, `RenameField`, `DeleteModel` and `RenameModel` are matched to the
model class of the migration's app; SQL, Alembic, knex, TypeORM and Sequelize drops and renames to
the model by table name. A later migration that adds the column (or creates the table) again
clears the drop.

## Why it matters
During a deploy the instances still running the current code keep selecting and writing the
column, and an ORM model lists every mapped column in its queries: once the migration runs, every
query on that model fails until the last old instance is gone, and a code rollback cannot help.
When the model itself still maps the column, even the new code breaks. Remove the field from the
model first, ship that, and drop the column in a later release (expand/contract).

## Example
    ==> shop/models.py <==
    from django.db import models


    class Order(models.Model):
        reference = models.CharField(max_length=40)
        legacy_ref = models.CharField(max_length=40, blank=True)

    ==> shop/migrations/0007_drop_legacy_ref.py <==
    from django.db import migrations


    class Migration(migrations.Migration):
        dependencies = [("shop", "0006_previous")]

        operations = [
            migrations.RemoveField(model_name="order", name="legacy_ref"),
        ]

## Use instead
    ==> shop/models.py <==
    from django.db import models


    class Order(models.Model):
        reference = models.CharField(max_length=40)

    ==> shop/migrations/0007_drop_legacy_ref.py <==
    from django.db import migrations


    class Migration(migrations.Migration):
        dependencies = [("shop", "0006_previous")]

        operations = [
            migrations.RemoveField(model_name="order", name="legacy_ref"),
        ]

## Known limitations
Only models read from Python classes are compared (Django, SQLAlchemy, SQLModel); raw SQL strings,
query builders and other languages are not searched for the column. Models that inherit their
fields from another class are compared by the fields their own body declares. Alembic revisions
are ordered by `down_revision`; when the order of a drop and a later add of the same column cannot
be told, nothing is reported.
"""
from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass

from prodcheck.facts.extractors.migration_model import SIGNAL_REVISION, SIGNAL_SCHEMA_OP, migration_set, table_key
from prodcheck.facts.extractors.python_models import SIGNAL_MODEL_COLUMNS
from prodcheck.facts.stack import service_of
from prodcheck.model import Area, Confidence, Location
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.migrations.common import qualified

_DROPS = frozenset({"drop-column", "drop-table", "rename-column", "rename-table"})


@dataclass(frozen=True)
class ModelFacts:
    """A table model as its `model-columns` signal describes it."""
    location: Location
    service: str
    detail: dict

    @property
    def kind(self) -> str:
        return self.detail.get("kind", "")

    @property
    def name(self) -> str:
        return self.detail.get("model", "")

    @property
    def table(self) -> str:
        return self.detail.get("table", "")

    @property
    def app_dir(self) -> str:
        return self.detail.get("app_dir", "")

    @property
    def fields(self) -> list[tuple[str, str, int, str]]:
        return [tuple(f) for f in self.detail.get("fields", ()) if isinstance(f, list) and len(f) == 4]

    @property
    def has_table(self) -> bool:
        """Does the class map a table of its own (not a Django abstract or proxy model)?"""
        return not self.detail.get("abstract") and not self.detail.get("proxy")

    @property
    def managed(self) -> bool:
        """Does Django's `migrate` manage the table (known from the model's own Meta)?"""
        return self.has_table and self.detail.get("managed", True) and not self.detail.get("meta_inherits")

    def field_at(self, line: int) -> Location:
        return Location.at(self.location.path, line, 1, label=f"{self.name} model")


@dataclass(frozen=True)
class SchemaOp:
    location: Location
    service: str
    group: str
    detail: dict

    def _text(self, key: str) -> str:
        value = self.detail.get(key, "")
        return value if isinstance(value, str) else ""

    @property
    def action(self) -> str:
        return self._text("action")

    @property
    def table(self) -> str:
        return self._text("table")

    @property
    def column(self) -> str:
        return self._text("column")

    @property
    def new(self) -> str:
        return self._text("new")

    @property
    def via(self) -> str:
        """The Django, Alembic or builder call that wrote the op ("" for SQL)."""
        return self._text("via")

    @property
    def revision(self) -> str:
        return self._text("revision")

    @property
    def existing(self) -> bool:
        return self.detail.get("existing") is True


def table_models(project) -> list[ModelFacts]:
    """The module-level table models of the application code (not of test modules, nor classes
    defined inside functions, which tests build on the fly)."""
    models = []
    for facts in project.files:
        if _test_module(facts.path):
            continue
        for signal in facts.signals:
            if signal.name == SIGNAL_MODEL_COLUMNS:
                detail = _loads(signal.detail)
                if detail and detail.get("top_level", True):
                    models.append(ModelFacts(signal.location, service_of(signal.location.path, project.stack),
                                             detail))
    return models


def _test_module(path: str) -> bool:
    name = posixpath.basename(path)
    return name in ("tests.py", "conftest.py") or name.startswith("test_") or name.endswith("_tests.py")


def schema_ops(project) -> list[SchemaOp]:
    ops = []
    for facts in project.files:
        for signal in facts.signals:
            if signal.name == SIGNAL_SCHEMA_OP:
                detail = _loads(signal.detail)
                if detail:
                    path = signal.location.path
                    ops.append(SchemaOp(signal.location, service_of(path, project.stack), migration_set(path),
                                        detail))
    return ops


def _loads(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def django_app_dir(migration_path: str) -> str:
    """The app directory of a Django migration in `<app>/migrations/` ("" elsewhere: a module
    named by `MIGRATION_MODULES` belongs to an app that cannot be told from its path)."""
    parent = posixpath.dirname(migration_path)
    return (posixpath.dirname(parent) or ".") if posixpath.basename(parent) == "migrations" else ""


class Ordering:
    """Which of two ops of one migration set runs later: by line in one file, by the migrations'
    order (leading number) across files, by the `down_revision` chain for Alembic. None: unknown."""

    def __init__(self, project):
        self.orders = {m.path: m.order for m in project.inventory.migrations}
        previous: dict[str, list[str]] = {}
        for facts in project.files:
            for signal in facts.signals:
                if signal.name == SIGNAL_REVISION:
                    detail = _loads(signal.detail)
                    if isinstance(detail.get("revision"), str) and isinstance(detail.get("previous"), list):
                        previous[detail["revision"]] = [str(p) for p in detail["previous"]]
        self.previous = previous
        self.depths: dict[str, int] = {}

    def _depth(self, revision: str, seen: frozenset[str] = frozenset()) -> int | None:
        if revision in self.depths:
            return self.depths[revision]
        if revision not in self.previous or revision in seen:
            return None
        depths = [self._depth(p, seen | {revision}) for p in self.previous[revision]]
        if any(d is None for d in depths):
            return None
        depth = 1 + max(depths, default=0)
        self.depths[revision] = depth
        return depth

    def later(self, first: SchemaOp, second: SchemaOp) -> bool | None:
        """Does `second` run after `first`?"""
        a, b = first.location, second.location
        if a.path == b.path:
            return b.start.line >= a.start.line     # one statement may drop and add again
        if first.revision and second.revision:
            da, db = self._depth(first.revision), self._depth(second.revision)
            if da is None or db is None or da == db:
                return None
            return db > da
        oa, ob = self.orders.get(a.path, 0), self.orders.get(b.path, 0)
        if not oa or not ob or oa == ob:
            return None
        return ob > oa


def restored_later(op: SchemaOp, ops: list[SchemaOp], ordering: Ordering) -> bool:
    """Does a later op of the set (possibly: order unknown) bring back what `op` removed?"""
    table, column = table_key(op.table), op.column.lower()
    # a Django RemoveField names the field; the AddField of a foreign key gives its `_id` column
    columns = (column, column + "_id") if _django_op(op) else (column,)
    for other in ops:
        if other is op or other.group != op.group:
            continue
        if op.action in ("drop-column", "rename-column"):
            again = (other.action == "add-column" and table_key(other.table) == table
                     and other.column.lower() in columns
                     or other.action == "rename-column" and table_key(other.table) == table
                     and other.new.lower() == column)
        else:
            again = (other.action == "create-table" and table_key(other.table) == table
                     or other.action == "rename-table" and table_key(other.new) == table)
        if again and ordering.later(op, other) is not False:
            return True
    return False


def _django_op(op: SchemaOp) -> bool:
    return op.via.startswith("migrations.")


def still_mapped(op: SchemaOp, models: list[ModelFacts]) -> list[tuple[ModelFacts, int, str]]:
    """(model, line, what) for each model that still maps what `op` drops or renames."""
    found = []
    table = table_key(op.table)
    for model in models:
        if model.service != op.service or not model.has_table:
            continue
        if _django_op(op):
            if op.via == "migrations.AlterModelTable" or model.kind != "django":
                continue
            app_dir = django_app_dir(op.location.path)
            if not app_dir or model.app_dir != app_dir or model.name.lower() != table:
                continue
            if op.action in ("drop-table", "rename-table"):
                found.append((model, model.location.start.line, f"the model class {model.name}"))
                continue
            for name, _column, line, _kind in model.fields:
                if name == op.column:
                    found.append((model, line, f"the field {model.name}.{name}"))
            continue
        if table_key(model.table) != table:
            continue
        if op.action in ("drop-table", "rename-table"):
            found.append((model, model.location.start.line, f"the model {model.name} (table {model.table})"))
            continue
        for name, column, line, _kind in model.fields:
            if column and column.lower() == op.column.lower():
                found.append((model, line, f"the field {model.name}.{name}"))
    return found


_VERBS = {"drop-column": ("drops", "column"), "drop-table": ("drops", "table"),
          "rename-column": ("renames", "column"), "rename-table": ("renames", "table")}


def check(project, ctx):
    models = table_models(project)
    if not models:
        return
    ops = schema_ops(project)
    ordering = Ordering(project)
    for op in ops:
        if op.action not in _DROPS or not op.existing:
            continue
        mapped = still_mapped(op, models)
        if not mapped or restored_later(op, ops, ordering):
            continue
        model, line, what = mapped[0]
        verb, kind = _VERBS[op.action]
        target = qualified(op.table, op.column) if kind == "column" else op.table
        spelled = f"{op.via} " if op.via else ""
        message = (f"{spelled}{verb} the {kind} {target} but {what} ({model.location.path}:{line}) still "
                   f"maps it: running instances fail on every query of the model once the migration runs")
        yield ctx.finding(RULE, op.location, message, related=[model.field_at(line)])


RULE = ProjectRule(
    id="MIG-DATA-218", slug="dropped-column-still-referenced", area=Area.DATA,
    title="Dropped or renamed column still mapped by a model",
    fix=("Remove the field from the model (or point it at the new name) and ship that first; drop or rename "
         "the column in a later release."),
    rows=("MIG-08",), doc=__doc__, confidence=Confidence.HIGH,
    coverage="partial",
    coverage_note="Python ORM models only (Django, SQLAlchemy, SQLModel); raw SQL in the code is not searched.",
    example_path="shop/migrations/0007_drop_legacy_ref.py", needs_languages=("python",), check=check,
)
