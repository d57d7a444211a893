"""Alembic revisions, read from the AST: `revision` / `down_revision`, the `op.*` calls of
`upgrade()` (also on `batch_op` inside `with op.batch_alter_table(...)`, and SQL passed to any
`.execute(...)`), and whether `downgrade()` does anything.

The first revision (`down_revision = None`) builds the schema of an empty database: its operations
count as on new tables. Alembic runs migrations in a transaction on PostgreSQL (transactional DDL);
calls inside `with op.get_context().autocommit_block():` run outside it.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from prodcheck.facts.extractors.migration_model import MigrationFile, Op, mark_new_tables
from prodcheck.facts.extractors.migration_python import (
    body_is_empty, embedded_sql_ops, is_false, is_true, sql_expression_volatile,
)
from prodcheck.facts.extractors.migration_sql import VOLATILE_FUNCTIONS, data_loss_note, not_null_check_column
from prodcheck.facts.extractors.python_common import (
    argument, assigned_values, const_str, const_str_list, keyword, last_name,
)
from prodcheck.parsing.sql import parse_script

TRANSACTION = "Alembic runs the migration in a transaction (outside `autocommit_block()`)"
_DATED = re.compile(r"^(\d+)_")

# SQLAlchemy type constructors -> PostgreSQL type names (the canonical text of `type_name`).
SA_TYPES = {
    "string": "varchar", "varchar": "varchar", "unicode": "varchar", "text": "text", "unicodetext": "text",
    "integer": "int4", "int": "int4", "biginteger": "int8", "bigint": "int8", "smallinteger": "int2",
    "smallint": "int2", "numeric": "numeric", "decimal": "numeric", "float": "float8", "real": "float4",
    "double_precision": "float8", "double": "float8",
    "boolean": "bool", "date": "date", "time": "time", "json": "json", "jsonb": "jsonb", "uuid": "uuid",
    "uuidtype": "uuid", "char": "bpchar", "largebinary": "bytea", "bytea": "bytea", "inet": "inet",
    "cidr": "cidr", "interval": "interval", "timestamp": "timestamp",
}


def is_alembic_revision(tree: ast.AST) -> bool:
    names = set()
    functions = set()
    for node in getattr(tree, "body", ()):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.FunctionDef):
            functions.add(node.name)
    return {"revision", "down_revision"} <= names and "upgrade" in functions


def read_alembic_migration(parsed) -> MigrationFile | None:
    tree = parsed.tree
    if not isinstance(tree, ast.Module) or parsed.kind == "test" or not is_alembic_revision(tree):
        return None
    values = assigned_values(tree.body)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    ops = mark_new_tables(_body_ops(parsed, functions["upgrade"].body, _Scope()))
    pure = PurePosixPath(parsed.path)
    revision = const_str(values.get("revision")) or pure.stem
    down = values.get("down_revision")
    if down is None or (isinstance(down, ast.Constant) and down.value is None):
        ops = [replace(op, flags=op.flags | {"new-table"}) for op in ops]   # the first revision: empty tables
    previous = const_str(down) or (", ".join(const_str_list(down) or []) or "base")
    downgrade = functions.get("downgrade")
    why = "missing" if downgrade is None else body_is_empty(downgrade)
    if why and body_is_empty(functions["upgrade"]):
        why = ""             # nothing to undo (a merge revision): an empty downgrade is right
    loss = data_loss_note(ops)
    irreversible: tuple[tuple[int, str], ...] = ()
    if why:
        line = downgrade.lineno if downgrade is not None else functions["upgrade"].lineno
        irreversible = ((line, f"downgrade() is {why}" if why != "missing" else "no downgrade() function"),)
        rollback = f"irreversible: downgrade() is {why}; roll back with a new revision or a restore{loss}"
    else:
        rollback = f"alembic downgrade {previous}{loss}"
    dated = _DATED.match(pure.stem)
    return MigrationFile(
        id=revision, path=parsed.path, style="alembic", order=int(dated.group(1)) if dated else 0,
        ops=tuple(ops), reversible=not irreversible, rollback=rollback, irreversible=irreversible,
        transaction=TRANSACTION, previous=_down_revisions(down),
    )


def _down_revisions(down: ast.expr | None) -> tuple[str, ...]:
    """`down_revision` as a tuple: one revision, several (a merge), or none (the first one)."""
    single = const_str(down)
    return (single,) if single else tuple(const_str_list(down) or ())


@dataclass(frozen=True, slots=True)
class _Scope:
    """Where a call sits: inside `autocommit_block()`, and which names are batch operations."""
    autocommit: bool = False
    batches: tuple[tuple[str, str], ...] = ()     # (name bound by `as`, table)

    def inner(self, autocommit: bool, batches: dict[str, str]) -> _Scope:
        return _Scope(self.autocommit or autocommit, (*self.batches, *batches.items()))

    def batch_table(self, name: str) -> str | None:
        found = [table for bound, table in self.batches if bound == name]
        return found[-1] if found else None


def _body_ops(parsed, body: list[ast.stmt], scope: _Scope) -> list[Op]:
    ops: list[Op] = []
    for statement in body:
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            autocommit = False
            batches = {}
            for item in statement.items:
                context = item.context_expr
                if isinstance(context, ast.Call) and last_name(context.func) == "autocommit_block":
                    autocommit = True
                elif isinstance(context, ast.Call) and last_name(context.func) == "batch_alter_table":
                    table = const_str(argument(context, 0, "table_name")) or ""
                    if isinstance(item.optional_vars, ast.Name):
                        batches[item.optional_vars.id] = table
            ops.extend(_body_ops(parsed, statement.body, scope.inner(autocommit, batches)))
            continue
        if isinstance(statement, (ast.If, ast.For, ast.While, ast.Try)):
            for block in ("body", "orelse", "finalbody"):
                ops.extend(_body_ops(parsed, getattr(statement, block, []) or [], scope))
            for handler in getattr(statement, "handlers", []) or []:
                ops.extend(_body_ops(parsed, handler.body, scope))
            continue
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Call):
                found = _call_ops(parsed, node, scope)
                ops.extend(found if scope.autocommit else [_in_transaction(op) for op in found])
    return ops


def _in_transaction(op: Op) -> Op:
    return op if op.transaction else replace(op, transaction=TRANSACTION)


def _call_ops(parsed, call: ast.Call, scope: _Scope) -> list[Op]:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return []
    owner = func.value.id if isinstance(func.value, ast.Name) else ""
    name = func.attr
    base = Op("other", call.lineno, call.end_lineno or call.lineno, origin="alembic", statement=f"op.{name}")
    if name == "execute":
        return embedded_sql_ops(parsed, argument(call, 0, "sqltext"), call, "alembic")
    batch_table = scope.batch_table(owner) if owner else None
    if batch_table is not None:
        return _batch_call(name, call, base, batch_table)
    if owner != "op":
        return []
    reader = _OPS.get(name)
    return reader(call, base) if reader else []


def _batch_call(name: str, call: ast.Call, base: Op, table: str) -> list[Op]:
    """`batch_op.add_column(col)`: the op's call without its table argument."""
    shifted = ast.Call(func=call.func, args=[ast.Constant(table), *call.args], keywords=call.keywords)
    if name in ("create_index", "create_unique_constraint", "create_check_constraint"):
        shifted = ast.Call(func=call.func, args=[*call.args[:1], ast.Constant(table), *call.args[1:]],
                           keywords=call.keywords)
    if name == "create_foreign_key":
        shifted = ast.Call(func=call.func, args=[*call.args[:1], ast.Constant(table), *call.args[1:]],
                           keywords=call.keywords)
    reader = _OPS.get(name)
    return reader(shifted, base) if reader else []


def _create_table(call: ast.Call, base: Op) -> list[Op]:
    table = const_str(argument(call, 0, "table_name")) or ""
    ops = [replace(base, action="create-table", table=table)]
    for element in call.args[1:]:
        if not isinstance(element, ast.Call):
            continue
        inside = replace(base, table=table, flags=frozenset({"in-create"}), line=element.lineno,
                         end_line=element.end_lineno or element.lineno)
        kind = last_name(element.func)
        if kind == "Column":
            ops.extend(_column_ops(element, inside))
        elif kind == "ForeignKeyConstraint":
            local = const_str_list(argument(element, 0, "columns")) or []
            remote = const_str_list(argument(element, 1, "refcolumns")) or []
            ops.append(replace(inside, action="add-constraint", constraint="foreign-key", columns=tuple(local),
                               references=remote[0].rsplit(".", 1)[0] if remote else ""))
        elif kind in ("PrimaryKeyConstraint", "UniqueConstraint"):
            columns = tuple(c for c in (const_str(a) for a in element.args) if c)
            label = "primary-key" if kind == "PrimaryKeyConstraint" else "unique"
            ops.append(replace(inside, action="add-constraint", constraint=label, columns=columns))
        elif kind == "Index":
            columns = tuple(c for c in (const_str(a) for a in element.args[1:]) if c)
            ops.append(replace(inside, action="create-index", name=const_str(argument(element, 0, "name")) or "",
                               columns=columns))
    return ops


def _column_ops(column: ast.Call, base: Op) -> list[Op]:
    """An `sa.Column(...)` added or created, with its inline foreign key, unique and index."""
    name = const_str(argument(column, 0, "name")) or ""
    type_node = column.args[1] if len(column.args) > 1 else keyword(column, "type_")
    flags: set[str] = set()
    primary = is_true(keyword(column, "primary_key"))
    nullable = keyword(column, "nullable")
    if is_false(nullable) or (primary and nullable is None):
        flags.add("not-null")
    default_node = keyword(column, "server_default")
    default = ""
    if default_node is not None:
        flags.add("has-default")
        default, volatile = _server_default(default_node)
        if volatile:
            flags.add("volatile-default")
    ops = [replace(base, action="add-column", column=name, new_type=sa_type(type_node), default=default,
                   flags=base.flags | flags)]
    for arg in column.args[1:]:
        if isinstance(arg, ast.Call) and last_name(arg.func) == "ForeignKey":
            target = const_str(argument(arg, 0, "column")) or ""
            ops.append(replace(base, action="add-constraint", constraint="foreign-key", columns=(name,),
                               column=name, references=target.rsplit(".", 1)[0], flags=base.flags | {"inline"}))
    if primary:
        ops.append(replace(base, action="add-constraint", constraint="primary-key", columns=(name,),
                           flags=base.flags | {"inline"}))
    elif is_true(keyword(column, "unique")):
        ops.append(replace(base, action="add-constraint", constraint="unique", columns=(name,),
                           flags=base.flags | {"inline"}))
    if is_true(keyword(column, "index")) and "in-create" in base.flags:
        ops.append(replace(base, action="create-index", columns=(name,)))
    return ops


def _server_default(node: ast.AST) -> tuple[str, bool]:
    """The default's text and whether PostgreSQL evaluates it per row."""
    if isinstance(node, ast.Call) and last_name(node.func) == "text" and node.args:
        text = const_str(node.args[0]) or ""
        return text, bool(text and sql_expression_volatile(text))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        called = node.func.attr.lower()
        return f"{called}()", called in VOLATILE_FUNCTIONS
    text = const_str(node)
    return (text or "an expression"), False


def sa_type(node: ast.AST | None) -> str:
    """`sa.String(255)` -> "varchar(255)", `sa.DateTime(timezone=True)` -> "timestamptz"."""
    call = node if isinstance(node, ast.Call) else None
    name = last_name(call.func if call else node).lower()
    if not name:
        return ""
    base = SA_TYPES.get(name, name)
    if name in ("datetime", "timestamp"):
        base = "timestamptz" if call is not None and is_true(keyword(call, "timezone")) else "timestamp"
    mods = []
    if call is not None:
        for arg in call.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, int) and not isinstance(arg.value, bool):
                mods.append(str(arg.value))
        for key in ("length", "precision", "scale"):
            value = keyword(call, key)
            if isinstance(value, ast.Constant) and isinstance(value.value, int):
                mods.append(str(value.value))
    return f"{base}({','.join(mods)})" if mods else base


def _add_column(call, base):
    table = const_str(argument(call, 0, "table_name")) or ""
    column = argument(call, 1, "column")
    if not isinstance(column, ast.Call):
        return [replace(base, action="add-column", table=table)]
    return _column_ops(column, replace(base, table=table))


def _drop_column(call, base):
    return [replace(base, action="drop-column", table=const_str(argument(call, 0, "table_name")) or "",
                    column=const_str(argument(call, 1, "column_name")) or "")]


def _drop_table(call, base):
    return [replace(base, action="drop-table", table=const_str(argument(call, 0, "table_name")) or "")]


def _rename_table(call, base):
    return [replace(base, action="rename-table", table=const_str(argument(call, 0, "old_table_name")) or "",
                    new_name=const_str(argument(call, 1, "new_table_name")) or "")]


def _alter_column(call, base):
    table = const_str(argument(call, 0, "table_name")) or ""
    column = const_str(argument(call, 1, "column_name")) or ""
    on_column = replace(base, table=table, column=column)
    ops = []
    if is_false(keyword(call, "nullable")):
        ops.append(replace(on_column, action="set-not-null"))
    new_type = keyword(call, "type_")
    if new_type is not None:
        flags = frozenset({"using"}) if keyword(call, "postgresql_using") is not None else frozenset()
        ops.append(replace(on_column, action="alter-type", new_type=sa_type(new_type),
                           old_type=sa_type(keyword(call, "existing_type")), flags=flags))
    new_name = const_str(keyword(call, "new_column_name"))
    if new_name:
        ops.append(replace(on_column, action="rename-column", new_name=new_name))
    return ops or [replace(on_column, action="alter-table")]


def _create_index(call, base):
    columns = const_str_list(argument(call, 2, "columns")) or []
    flags = {f for f, key in (("concurrently", "postgresql_concurrently"), ("unique", "unique"))
             if is_true(keyword(call, key))}
    return [replace(base, action="create-index", name=const_str(argument(call, 0, "index_name")) or "",
                    table=const_str(argument(call, 1, "table_name")) or "", columns=tuple(columns),
                    flags=frozenset(flags))]


def _drop_index(call, base):
    flags = frozenset({"concurrently"}) if is_true(keyword(call, "postgresql_concurrently")) else frozenset()
    return [replace(base, action="drop-index", name=const_str(argument(call, 0, "index_name")) or "",
                    table=const_str(argument(call, 1, "table_name")) or "", flags=flags)]


def _unique(label: str):
    def read(call, base):
        columns = const_str_list(argument(call, 2, "columns")) or []
        return [replace(base, action="add-constraint", constraint=label,
                        name=const_str(argument(call, 0, "constraint_name")) or "",
                        table=const_str(argument(call, 1, "table_name")) or "", columns=tuple(columns))]
    return read


def _foreign_key(call, base):
    flags = frozenset({"not-valid"}) if is_true(keyword(call, "postgresql_not_valid")) else frozenset()
    return [replace(base, action="add-constraint", constraint="foreign-key",
                    name=const_str(argument(call, 0, "constraint_name")) or "",
                    table=const_str(argument(call, 1, "source_table")) or "",
                    references=const_str(argument(call, 2, "referent_table")) or "",
                    columns=tuple(const_str_list(argument(call, 3, "local_cols")) or []), flags=flags)]


def _check(call, base):
    flags = {"not-valid"} if is_true(keyword(call, "postgresql_not_valid")) else set()
    condition = const_str(argument(call, 2, "condition")) or ""
    column = _not_null_condition(condition)
    if column:
        flags.add("not-null-check")
    return [replace(base, action="add-constraint", constraint="check", column=column,
                    name=const_str(argument(call, 0, "constraint_name")) or "",
                    table=const_str(argument(call, 1, "table_name")) or "", flags=frozenset(flags))]


def _not_null_condition(condition: str) -> str:
    if not condition:
        return ""
    script = parse_script(f"SELECT 1 WHERE {condition}")
    for statement in script.statements:
        return not_null_check_column(getattr(statement.node, "whereClause", None))
    return ""


_OPS = {
    "create_table": _create_table, "drop_table": _drop_table, "rename_table": _rename_table,
    "add_column": _add_column, "drop_column": _drop_column, "alter_column": _alter_column,
    "create_index": _create_index, "drop_index": _drop_index,
    "create_unique_constraint": _unique("unique"), "create_primary_key": _unique("primary-key"),
    "create_foreign_key": _foreign_key, "create_check_constraint": _check,
}
