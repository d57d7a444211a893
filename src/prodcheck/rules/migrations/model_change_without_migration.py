"""
## What it does
Compares each Django model with the migrations of its app (Django only). It flags a field the model
declares that no migration of the app ever creates (`CreateModel` fields, `AddField`, the new name of
a `RenameField`, the `state_operations` of `SeparateDatabaseAndState`), a model that no migration
creates, and the reverse: a field that a migration creates, no migration removes or renames, and the
model no longer declares. Only concrete, managed models (not `abstract`, `proxy` or
`managed = False`) of apps that have migrations are compared; the reverse check only for models
that subclass `models.Model` directly and were never deleted.

## Why it matters
`makemigrations` was not run (or its file not committed): the deployed code queries a column the
database does not have and fails on the first read of the model, or the database keeps a column
the model forgot, which is NOT NULL without a default and makes every insert fail. `manage.py
makemigrations --check` in CI catches it before the deploy does.

## Example
    ==> shop/models.py <==
    from django.db import models


    class Order(models.Model):
        reference = models.CharField(max_length=40)
        coupon_code = models.CharField(max_length=20, blank=True)

    ==> shop/migrations/0001_initial.py <==
    from django.db import migrations, models


    class Migration(migrations.Migration):
        initial = True
        dependencies = []

        operations = [
            migrations.CreateModel(
                name="Order",
                fields=[
                    ("id", models.BigAutoField(primary_key=True, serialize=False)),
                    ("reference", models.CharField(max_length=40)),
                ],
            ),
        ]

## Use instead
    ==> shop/models.py <==
    from django.db import models


    class Order(models.Model):
        reference = models.CharField(max_length=40)
        coupon_code = models.CharField(max_length=20, blank=True)

    ==> shop/migrations/0001_initial.py <==
    from django.db import migrations, models


    class Migration(migrations.Migration):
        initial = True
        dependencies = []

        operations = [
            migrations.CreateModel(
                name="Order",
                fields=[
                    ("id", models.BigAutoField(primary_key=True, serialize=False)),
                    ("reference", models.CharField(max_length=40)),
                ],
            ),
        ]

    ==> shop/migrations/0002_order_coupon_code.py <==
    from django.db import migrations, models


    class Migration(migrations.Migration):
        dependencies = [("shop", "0001_initial")]

        operations = [
            migrations.AddField(
                model_name="order", name="coupon_code",
                field=models.CharField(blank=True, default="", max_length=20),
            ),
        ]

## Known limitations
Models are read from their own class body: fields inherited from abstract bases or added by a
third-party base class are not compared, and classes that do not list `models.Model` among their
bases are not read as models at all. A `Meta` that inherits another `Meta` (whose `managed` or
`proxy` cannot be told) or sets `app_label` is skipped. Apps whose migrations live outside
`<app>/migrations/` (`MIGRATION_MODULES`) are not matched. Alembic, Prisma and the JavaScript ORMs
are not compared (`alembic check` and `prisma migrate diff` do it against a database).
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import PurePosixPath

from prodcheck.facts.extractors.migration_model import SIGNAL_DJANGO_STATE
from prodcheck.model import Area, Confidence, Location
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.migrations.dropped_column_still_referenced import ModelFacts, django_app_dir, table_models

_AUTOMATIC = frozenset({"id"})
_DIRECT_BASES = frozenset({"models.Model", "Model", "django.db.models.Model"})


class AppState:
    """Everything the migrations of one app say about its models' state."""

    def __init__(self):
        self.created_models: set[str] = set()
        self.deleted_models: set[str] = set()
        self.added: dict[str, dict[str, Location]] = defaultdict(dict)   # model -> field -> first creation
        self.gone: dict[str, set[str]] = defaultdict(set)                # model -> fields removed or renamed away
        self.renamed_models: dict[str, set[str]] = defaultdict(set)      # new name -> old names
        self.files: set[str] = set()
        self.opaque: set[str] = set()    # models whose fields a migration gives in a way not read ("" any)

    def names_of(self, model: str) -> set[str]:
        """The model's lower-case name and every name it had before a `RenameModel`."""
        names, todo = set(), [model]
        while todo:
            name = todo.pop()
            if name not in names:
                names.add(name)
                todo.extend(self.renamed_models.get(name, ()))
        return names


def app_states(project) -> dict[str, AppState]:
    states: dict[str, AppState] = defaultdict(AppState)
    for migration in project.inventory.migrations:
        if migration.style == "django" and django_app_dir(migration.path):
            states[django_app_dir(migration.path)].files.add(migration.path)
    for facts in project.files:
        for signal in facts.signals:
            if signal.name != SIGNAL_DJANGO_STATE:
                continue
            try:
                detail = json.loads(signal.detail)
            except ValueError:
                continue
            app_dir = django_app_dir(signal.location.path)
            if not app_dir:
                continue
            state = states[app_dir]
            op, model, field, new = (detail.get(k, "") for k in ("op", "model", "field", "new"))
            if op == "opaque" or not model:
                state.opaque.add(model)
            elif op == "create":
                state.created_models.add(model)
            elif op == "delete":
                state.deleted_models.add(model)
            elif op == "rename-model" and new:
                state.renamed_models[new].add(model)
                state.created_models.add(new)
            elif op == "add" and field:
                state.added[model].setdefault(field, signal.location)
            elif op == "rename" and field and new:
                state.added[model].setdefault(new, signal.location)
                state.gone[model].add(field)
            elif op == "remove" and field:
                state.gone[model].add(field)
    return states


def _direct(model: ModelFacts) -> bool:
    bases = model.detail.get("bases", [])
    return bool(bases) and all(b in _DIRECT_BASES for b in bases)


def check(project, ctx):
    states = app_states(project)
    if not states:
        return
    for model in table_models(project):
        if model.kind != "django" or not model.managed or model.detail.get("explicit_app_label"):
            continue
        state = states.get(model.app_dir)
        if state is None or not state.files:
            continue
        names = state.names_of(model.name.lower())
        if "" in state.opaque or names & state.opaque:
            continue
        if not names & state.created_models:
            yield ctx.finding(RULE, model.location,
                              f"model {model.name} is not created by any migration of the app "
                              f"{PurePosixPath(model.app_dir).name}: `makemigrations` was not run or its file "
                              "was not committed")
            continue
        added = {field for name in names for field in state.added.get(name, {})}
        for field, _column, line, kind in model.fields:
            if field not in added:
                yield ctx.finding(RULE, Location.at(model.location.path, line, 1),
                                  f"field {model.name}.{field} ({kind}) is not created by any migration of the "
                                  f"app: `makemigrations` was not run or its file was not committed")
        yield from _forgotten_removals(ctx, model, state, names)


def _forgotten_removals(ctx, model: ModelFacts, state: AppState, names: set[str]):
    """Fields the migrations create and never remove, which the model no longer declares."""
    if names & state.deleted_models or not _direct(model):
        return
    declared = set(model.detail.get("names", ()))
    gone = {field for name in names for field in state.gone.get(name, ())}
    for name in sorted(names):
        for field, where in state.added.get(name, {}).items():
            if field in declared or field in gone or field in _AUTOMATIC or field.endswith("_ptr"):
                continue
            yield ctx.finding(RULE, where,
                              f"the migrations create {model.name}.{field} but the model no longer declares it "
                              "and no migration removes it: `makemigrations` was not run for the removal",
                              related=[model.location])


RULE = ProjectRule(
    id="MIG-DATA-219", slug="model-change-without-migration", area=Area.DATA,
    title="Django model and migrations disagree",
    fix="Run `manage.py makemigrations`, review and commit the migration; add `makemigrations --check` to CI.",
    rows=("MIG-01",), doc=__doc__, confidence=Confidence.MEDIUM,
    coverage="partial",
    coverage_note="Django only; fields inherited from other classes are not compared.",
    example_path="shop/models.py", needs_languages=("python",), check=check,
)
