"""Django migrations, read from the AST (the file is never imported): `class Migration` with its
`operations`, `dependencies` and `atomic`, each operation mapped onto PostgreSQL `Op`s.

Models are named by their lower-case model name (`order`), which stands for the table. An initial
migration (`initial = True`) and a squashed one (`replaces = [...]`) only run on a fresh database:
their operations count as on new tables. Foreign
keys are indexed by Django itself, so they give no index facts. `AlterField` cannot be judged
without the field's previous state and is listed but not checked.
"""
from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import PurePosixPath

from prodcheck.facts.extractors.migration_model import MigrationFile, Op, leading_number, mark_new_tables
from prodcheck.facts.extractors.migration_python import embedded_sql_ops, is_false, is_true
from prodcheck.facts.extractors.migration_sql import data_loss_note
from prodcheck.facts.extractors.python_common import (
    argument, assigned_values, const_str, const_str_list, keyword, last_name,
)

TRANSACTION = "Django runs the migration in a transaction (the Migration class does not set `atomic = False`)"
NO_COLUMN_FIELDS = frozenset({"ManyToManyField", "GenericRelation", "GenericForeignKey", "TaggableManager",
                              "ParentalManyToManyField"})
FOREIGN_KEYS = frozenset({"ForeignKey", "OneToOneField", "ParentalKey"})
# Fields for which `blank=True` gives no default: Django fills existing rows with "" only for field
# classes that allow empty strings (CharField, TextField and their subclasses, custom or not).
NO_EMPTY_STRING_FIELDS = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "BooleanField",
    "NullBooleanField", "FloatField", "DecimalField", "DateField", "DateTimeField", "TimeField", "DurationField",
    "UUIDField", "JSONField", "GenericIPAddressField", "IPAddressField", *FOREIGN_KEYS,
})


def migration_class(tree: ast.AST) -> ast.ClassDef | None:
    for node in getattr(tree, "body", ()):
        if (isinstance(node, ast.ClassDef) and node.name == "Migration"
                and any(last_name(base) == "Migration" for base in node.bases)):
            return node
    return None


def read_django_migration(parsed) -> MigrationFile | None:
    tree = parsed.tree
    if not isinstance(tree, ast.Module) or parsed.kind != "migration":
        return None
    cls = migration_class(tree)
    if cls is None:
        return None
    attributes = assigned_values(cls.body)
    atomic = not is_false(attributes.get("atomic"))
    transaction = TRANSACTION if atomic else ""
    ops: list[Op] = []
    irreversible: list[tuple[int, str]] = []
    operations = attributes.get("operations")
    for call in getattr(operations, "elts", ()) if isinstance(operations, (ast.List, ast.Tuple)) else ():
        if isinstance(call, ast.Call):
            found, why = _operation(parsed, call)
            ops.extend(op if op.transaction or not transaction else _in(op, transaction) for op in found)
            irreversible.extend(why)
    ops = mark_new_tables(ops)
    if _fresh_database_only(attributes):
        ops = [replace(op, flags=op.flags | {"new-table"}) for op in ops]
    pure = PurePosixPath(parsed.path)
    app = pure.parent.parent.name or "app"
    previous = _previous(attributes.get("dependencies"), app)
    loss = data_loss_note(ops)
    if irreversible:
        rollback = (f"irreversible: `manage.py migrate {app} {previous}` fails at line {irreversible[0][0]}; "
                    f"roll back with a forward migration{loss}")
    else:
        rollback = f"manage.py migrate {app} {previous}{loss}"
    return MigrationFile(
        id=f"{app}.{pure.stem}", path=parsed.path, style="django", order=leading_number(pure.stem),
        ops=tuple(ops), reversible=not irreversible, rollback=rollback, irreversible=tuple(irreversible),
        transaction=transaction,
    )


def _in(op: Op, transaction: str) -> Op:
    return replace(op, transaction=transaction)


def _fresh_database_only(attributes: dict[str, ast.expr]) -> bool:
    """An initial migration, or a squashed one (`replaces = [...]`): databases that already exist
    recorded the migrations it replaces, so it only ever runs on empty tables."""
    replaces = attributes.get("replaces")
    return is_true(attributes.get("initial")) or bool(getattr(replaces, "elts", None))


def _previous(dependencies: ast.expr | None, app: str) -> str:
    for element in getattr(dependencies, "elts", ()) or ():
        pair = const_str_list(element)
        if pair and len(pair) == 2 and pair[0] == app:
            return pair[1]
    return "zero"


def _operation(parsed, call: ast.Call) -> tuple[list[Op], list[tuple[int, str]]]:
    name = last_name(call.func)
    base = Op("other", call.lineno, call.end_lineno or call.lineno, origin="django",
              statement=f"migrations.{name}")
    reader = _OPERATIONS.get(name)
    if name == "SeparateDatabaseAndState":
        database = argument(call, 0, "database_operations")
        ops, why = [], []
        for inner in getattr(database, "elts", ()) or ():
            if isinstance(inner, ast.Call):
                found, reasons = _operation(parsed, inner)
                ops.extend(found)
                why.extend(reasons)
        return ops, why
    if name == "RunSQL":
        ops = embedded_sql_ops(parsed, argument(call, 0, "sql"), call, "django")
        reverse = argument(call, 1, "reverse_sql")
        why = [] if reverse is not None and not _is_none(reverse) else [(call.lineno, "RunSQL without reverse_sql")]
        return ops or [_with(base, "run-sql")], why
    if name == "RunPython":
        reverse = argument(call, 1, "reverse_code")
        why = [] if reverse is not None and not _is_none(reverse) else [(call.lineno, "RunPython without reverse_code")]
        return [_with(base, "run-python")], why
    if reader is None:
        return [base], []
    return reader(call, base), []


def _with(base: Op, action: str, **changes) -> Op:
    return replace(base, action=action, **changes)


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _model(call: ast.Call, position: int = 0, keyword_name: str = "model_name") -> str:
    return (const_str(argument(call, position, keyword_name)) or "").lower()


def _create_model(call, base):
    """The table, then one `add-column` (flagged `in-create`) per field, on the field's line."""
    table = _model(call, 0, "name")
    ops = [_with(base, "create-table", table=table)]
    fields = argument(call, 1, "fields")
    for entry in getattr(fields, "elts", ()) or ():
        if not isinstance(entry, ast.Tuple) or len(entry.elts) != 2 or not isinstance(entry.elts[1], ast.Call):
            continue
        name = const_str(entry.elts[0]) or ""
        kind = last_name(entry.elts[1].func)
        if kind in NO_COLUMN_FIELDS:
            continue
        column = name + "_id" if kind in FOREIGN_KEYS else name
        ops.append(replace(base, action="add-column", table=table, column=column, new_type=kind,
                           line=entry.lineno, end_line=entry.end_lineno or entry.lineno,
                           flags=frozenset({"in-create"})))
    return ops


def _delete_model(call, base):
    return [_with(base, "drop-table", table=_model(call, 0, "name"))]


def _rename_model(call, base):
    return [_with(base, "rename-table", table=_model(call, 0, "old_name"), new_name=_model(call, 1, "new_name"))]


def _alter_model_table(call, base):
    table = const_str(argument(call, 1, "table"))
    return [_with(base, "rename-table", table=_model(call, 0, "name"), new_name=table)] if table else [base]


def _add_field(call, base):
    model = _model(call)
    column = const_str(argument(call, 1, "name")) or ""
    field = argument(call, 2, "field")
    if not isinstance(field, ast.Call):
        return [_with(base, "add-column", table=model, column=column)]
    kind = last_name(field.func)
    if kind in NO_COLUMN_FIELDS:
        return [_with(base, "other", table=model, column=column)]
    flags: set[str] = set()
    nullable = is_true(keyword(field, "null"))
    has_default = _effective_default(field, kind)
    if not nullable and not is_true(keyword(field, "primary_key")):
        flags.add("not-null")
    if has_default:
        flags.add("has-default")
    db_column = column + "_id" if kind in FOREIGN_KEYS else column
    ops = [_with(base, "add-column", table=model, column=db_column, new_type=kind, flags=frozenset(flags))]
    if kind in FOREIGN_KEYS and not is_false(keyword(field, "db_constraint")):
        target = const_str(argument(field, 0, "to")) or ""
        ops.append(_with(base, "add-constraint", table=model, column=db_column, columns=(db_column,),
                         constraint="foreign-key", references=target.rsplit(".", 1)[-1].lower(),
                         flags=frozenset({"inline"})))
    if is_true(keyword(field, "unique")) or kind == "OneToOneField":
        ops.append(_with(base, "add-constraint", table=model, columns=(db_column,), constraint="unique",
                         flags=frozenset({"inline"})))
    elif is_true(keyword(field, "db_index")):
        ops.append(_with(base, "create-index", table=model, columns=(db_column,)))
    return ops


def _effective_default(field: ast.Call, kind: str) -> bool:
    """Does Django give existing rows a value when it adds this field? An explicit `default` or
    `db_default`, `auto_now(_add)`, or `blank=True` on a field that allows empty strings."""
    default = keyword(field, "default")
    if (default is not None and not _is_none(default)) or keyword(field, "db_default") is not None:
        return True
    if is_true(keyword(field, "auto_now")) or is_true(keyword(field, "auto_now_add")):
        return True
    return is_true(keyword(field, "blank")) and kind not in NO_EMPTY_STRING_FIELDS


def _remove_field(call, base):
    return [_with(base, "drop-column", table=_model(call), column=const_str(argument(call, 1, "name")) or "")]


def _rename_field(call, base):
    return [_with(base, "rename-column", table=_model(call), column=const_str(argument(call, 1, "old_name")) or "",
                  new_name=const_str(argument(call, 2, "new_name")) or "")]


def _alter_field(call, base):
    return [_with(base, "alter-field", table=_model(call), column=const_str(argument(call, 1, "name")) or "")]


def _index_op(concurrently: bool):
    def read(call, base):
        index = argument(call, 1, "index")
        fields = (const_str_list(keyword(index, "fields")) or []) if isinstance(index, ast.Call) else []
        name = (const_str(keyword(index, "name")) or "") if isinstance(index, ast.Call) else ""
        flags = frozenset({"concurrently"}) if concurrently else frozenset()
        return [_with(base, "create-index", table=_model(call), name=name,
                      columns=tuple(f.lstrip("-") for f in fields), flags=flags)]
    return read


def _remove_index_op(concurrently: bool):
    def read(call, base):
        flags = frozenset({"concurrently"}) if concurrently else frozenset()
        return [_with(base, "drop-index", table=_model(call), name=const_str(argument(call, 1, "name")) or "",
                      flags=flags)]
    return read


def _constraint_op(not_valid: bool):
    def read(call, base):
        constraint = argument(call, 1, "constraint")
        if not isinstance(constraint, ast.Call):
            return [base]
        kind = last_name(constraint.func)
        name = const_str(keyword(constraint, "name")) or ""
        flags = {"not-valid"} if not_valid else set()
        if kind == "UniqueConstraint":
            fields = const_str_list(keyword(constraint, "fields")) or []
            return [_with(base, "add-constraint", table=_model(call), name=name, constraint="unique",
                          columns=tuple(fields), flags=frozenset(flags))]
        if kind == "CheckConstraint":
            condition = keyword(constraint, "condition") or keyword(constraint, "check")
            column = _not_null_q(condition)
            if column:
                flags.add("not-null-check")
            return [_with(base, "add-constraint", table=_model(call), name=name, constraint="check",
                          column=column, flags=frozenset(flags))]
        if kind == "ExclusionConstraint":
            return [_with(base, "add-constraint", table=_model(call), name=name, constraint="exclusion",
                          flags=frozenset(flags))]
        return [base]
    return read


def _not_null_q(node: ast.AST | None) -> str:
    """`Q(email__isnull=False)` -> "email"."""
    if isinstance(node, ast.Call) and last_name(node.func) == "Q" and len(node.keywords) == 1 and not node.args:
        kw = node.keywords[0]
        if kw.arg and kw.arg.endswith("__isnull") and is_false(kw.value):
            return kw.arg[: -len("__isnull")]
    return ""


def _validate_constraint(call, base):
    return [_with(base, "validate-constraint", table=_model(call), name=const_str(argument(call, 1, "name")) or "")]


def _together(action: str, constraint: str):
    def read(call, base):
        value = argument(call, 1, "unique_together" if constraint else "index_together")
        groups = [const_str_list(e) for e in getattr(value, "elts", ()) or ()]
        if isinstance(value, (ast.Set, ast.List, ast.Tuple)) and value.elts and all(
                isinstance(e, ast.Constant) for e in value.elts):
            groups = [const_str_list(value)]
        ops = [_with(base, action, table=_model(call, 0, "name"), columns=tuple(g), constraint=constraint)
               for g in groups if g]
        return ops or [base]
    return read


_OPERATIONS = {
    "CreateModel": _create_model, "DeleteModel": _delete_model, "RenameModel": _rename_model,
    "AlterModelTable": _alter_model_table, "AddField": _add_field, "RemoveField": _remove_field,
    "RenameField": _rename_field, "AlterField": _alter_field,
    "AddIndex": _index_op(False), "AddIndexConcurrently": _index_op(True),
    "RemoveIndex": _remove_index_op(False), "RemoveIndexConcurrently": _remove_index_op(True),
    "AddConstraint": _constraint_op(False), "AddConstraintNotValid": _constraint_op(True),
    "ValidateConstraint": _validate_constraint,
    "AlterUniqueTogether": _together("add-constraint", "unique"),
    "AlterIndexTogether": _together("create-index", ""),
}


# ---------------------------------------------------------------------------------------------
# Migration state: what the migration tells Django's model state (not the database), for the
# model/migration drift checks. `SeparateDatabaseAndState` counts by its `state_operations`.


def django_state_changes(parsed) -> list[tuple[int, str, str, str, str]]:
    """(line, op, model, field, new) for every state change of the migration's models: `create`
    (a model, then one `add` per field of `CreateModel`), `add`, `remove`, `rename` (field),
    `delete`, `rename-model`, and `opaque` where a model's fields cannot be read statically (model
    "" when even the model is unknown). Model names are lower-case; fields as written."""
    tree = parsed.tree
    if not isinstance(tree, ast.Module) or parsed.kind != "migration":
        return []
    cls = migration_class(tree)
    if cls is None:
        return []
    operations = assigned_values(cls.body).get("operations")
    found: list[tuple[int, str, str, str, str]] = []
    for call in getattr(operations, "elts", ()) if isinstance(operations, (ast.List, ast.Tuple)) else ():
        if isinstance(call, ast.Call):
            _state_change(call, found)
    return found


def _state_change(call: ast.Call, found: list) -> None:
    name = last_name(call.func)
    line = call.lineno
    if name == "SeparateDatabaseAndState":
        state = argument(call, 1, "state_operations")
        for inner in getattr(state, "elts", ()) or ():
            if isinstance(inner, ast.Call):
                _state_change(inner, found)
    elif name == "CreateModel":
        model = _model(call, 0, "name")
        found.append((line, "create", model, "", ""))
        fields = argument(call, 1, "fields")
        if not isinstance(fields, (ast.List, ast.Tuple)):
            found.append((line, "opaque", model, "", ""))
        for entry in getattr(fields, "elts", ()) or ():
            field = const_str(entry.elts[0]) if isinstance(entry, ast.Tuple) and len(entry.elts) == 2 else None
            found.append((getattr(entry, "lineno", line), "add", model, field, "") if field
                         else (line, "opaque", model, "", ""))
    elif name == "AddField":
        field = const_str(argument(call, 1, "name"))
        found.append((line, "add", _model(call), field, "") if field else (line, "opaque", _model(call), "", ""))
    elif name == "RemoveField":
        found.append((line, "remove", _model(call), const_str(argument(call, 1, "name")) or "", ""))
    elif name == "RenameField":
        found.append((line, "rename", _model(call), const_str(argument(call, 1, "old_name")) or "",
                      const_str(argument(call, 2, "new_name")) or ""))
    elif name == "DeleteModel":
        found.append((line, "delete", _model(call, 0, "name"), "", ""))
    elif name == "RenameModel":
        found.append((line, "rename-model", _model(call, 0, "old_name"), "", _model(call, 1, "new_name")))
