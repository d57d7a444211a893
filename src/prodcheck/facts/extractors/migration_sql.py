"""SQL migrations: pglast statements -> `Op`s, and SQL migration files of every common tool.

Tools are told apart by file name and by the markers they keep in comments:
- Flyway `V<version>__<title>.sql` (undo `U...`, repeatable `R__...`);
- golang-migrate `<version>_<title>.up.sql` / `.down.sql`;
- Prisma `migrations/<name>/migration.sql`;
- dbmate `-- migrate:up` / `-- migrate:down`, goose `-- +goose Up` / `Down`, sql-migrate
  `-- +migrate Up` / `Down` (the down section is the rollback);
- any other `.sql` file under a `migrations/` directory ("sql", tool unknown).

Transactions, as each tool runs a file on PostgreSQL (the op's `transaction` names the reason):
- an explicit `BEGIN ... COMMIT` in the file, for every tool;
- dbmate, goose and sql-migrate wrap each migration in a transaction unless the file opts out
  (`transaction:false`, `-- +goose NO TRANSACTION`, `notransaction`);
- golang-migrate and Prisma send the file as one multi-statement query, which PostgreSQL runs as one
  implicit transaction when it holds more than one statement (golang-migrate's
  `x-multi-statement` mode, which splits the file, is not detected);
- Flyway runs each migration in a transaction, except a PostgreSQL migration holding a statement
  that cannot run in one (`CONCURRENTLY`, `VACUUM`), which it runs without; plain `.sql` files (tool
  unknown) count as transactional only by an explicit `BEGIN`.
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import replace
from pathlib import PurePosixPath

from prodcheck.facts.extractors.migration_model import (
    ACCESS_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, MigrationFile, Op, leading_number, mark_new_tables,
)
from prodcheck.parsing.sql import SqlScript, Statement, deparse, names, parse_script, walk

# File-name conventions of the tools (names only; SQL itself is never matched by pattern).
FLYWAY = re.compile(r"^(?P<kind>[VUR])(?P<version>\d+(?:[._]\d+)*)?__(?P<title>.+)\.sql$")
GOLANG_MIGRATE = re.compile(r"^(?P<version>\d+)_(?P<title>.+)\.(?P<direction>up|down)\.sql$")

# Functions PostgreSQL marks VOLATILE that appear as column defaults: a default calling one is
# evaluated per row, so adding the column rewrites the table.
VOLATILE_FUNCTIONS = frozenset({
    "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
    "clock_timestamp", "timeofday", "nextval",
    "random_normal", "uuidv7", "uuid_generate_v7", "gen_random_bytes",
})
SERIAL_TYPES = frozenset({"serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"})
TIMEOUT_SETTINGS = frozenset({"lock_timeout", "statement_timeout"})
_LOCK_MODES = {1: "ACCESS SHARE", 2: "ROW SHARE", 3: "ROW EXCLUSIVE", 4: SHARE_UPDATE_EXCLUSIVE,
               5: "SHARE", 6: "SHARE ROW EXCLUSIVE", 7: "EXCLUSIVE", 8: ACCESS_EXCLUSIVE}
# ALTER TABLE sub-commands that take less than ACCESS EXCLUSIVE.
_LIGHT_SUBCOMMANDS = {
    "AT_SetStatistics": SHARE_UPDATE_EXCLUSIVE, "AT_SetOptions": SHARE_UPDATE_EXCLUSIVE,
    "AT_ResetOptions": SHARE_UPDATE_EXCLUSIVE, "AT_ClusterOn": SHARE_UPDATE_EXCLUSIVE,
    "AT_DropCluster": SHARE_UPDATE_EXCLUSIVE, "AT_SetRelOptions": SHARE_UPDATE_EXCLUSIVE,
    "AT_ResetRelOptions": SHARE_UPDATE_EXCLUSIVE, "AT_ValidateConstraint": SHARE_UPDATE_EXCLUSIVE,
    "AT_EnableTrig": "SHARE ROW EXCLUSIVE", "AT_DisableTrig": "SHARE ROW EXCLUSIVE",
    "AT_EnableTrigAll": "SHARE ROW EXCLUSIVE", "AT_DisableTrigAll": "SHARE ROW EXCLUSIVE",
    "AT_EnableTrigUser": "SHARE ROW EXCLUSIVE", "AT_DisableTrigUser": "SHARE ROW EXCLUSIVE",
    "AT_AttachPartition": "SHARE UPDATE EXCLUSIVE", "AT_ChangeOwner": ACCESS_EXCLUSIVE,
}

# ALTER TABLE sub-commands whose `name` is a column (for the others it names a constraint, a trigger...).
_COLUMN_SUBCOMMANDS = frozenset({
    "AT_ColumnDefault", "AT_DropNotNull", "AT_SetStatistics", "AT_SetOptions", "AT_ResetOptions",
    "AT_SetStorage", "AT_SetCompression", "AT_SetExpression", "AT_DropExpression", "AT_AddIdentity",
    "AT_SetIdentity", "AT_DropIdentity", "AT_AlterColumnGenericOptions",
})


# ---------------------------------------------------------------------------------------------
# Statements -> ops


def script_ops(script: SqlScript, origin: str = "sql", at_line: int = 0) -> list[Op]:
    """Ops of every statement, with explicit `BEGIN ... COMMIT` blocks recorded on the ops.
    `at_line`: put every op on this line (SQL embedded in Python, located at its call)."""
    ops: list[Op] = []
    block = ""
    for statement in script.statements:
        for op in statement_ops(statement, origin):
            if at_line:
                op = replace(op, line=at_line, end_line=at_line, start=-1)
            if op.action == "begin":
                block = f"inside the BEGIN at line {op.line}"
            elif op.action == "commit":
                block = ""
            elif block:
                op = replace(op, transaction=block)
            ops.append(op)
    return ops


def statement_ops(statement: Statement, origin: str = "sql") -> list[Op]:
    """The ops of one statement (an ALTER TABLE with several sub-commands gives several)."""
    node = statement.node
    base = Op("other", statement.line, statement.end_line, origin=origin,
              statement=statement.text, start=statement.start)
    kind = type(node).__name__
    try:
        if kind in _READERS_WITH_LINES:
            return _READERS_WITH_LINES[kind](node, base, statement)
        reader = _READERS.get(kind)
        return reader(node, base) if reader else [base]
    except Exception:  # a node shape this pglast version builds differently: keep it as "other"
        return [base]


def _index(node, base: Op) -> list[Op]:
    flags = {f for f, on in (("concurrently", node.concurrent), ("unique", node.unique)) if on}
    columns = tuple(e.name if e.name else f"({deparse(e.expr)})" for e in node.indexParams or ())
    return [replace(base, action="create-index", table=_relname(node.relation), name=node.idxname or "",
                    columns=columns, flags=frozenset(flags))]


def _drop(node, base: Op) -> list[Op]:
    kind = node.removeType.name
    action = {"OBJECT_INDEX": "drop-index", "OBJECT_TABLE": "drop-table"}.get(kind)
    if action is None:
        return [base]
    flags = {f for f, on in (("concurrently", node.concurrent), ("if-exists", node.missing_ok)) if on}
    ops = []
    for obj in node.objects or ():
        parts = names(obj)
        if not parts:
            continue
        field = "name" if action == "drop-index" else "table"
        ops.append(replace(base, action=action, flags=frozenset(flags), **{field: parts[-1]}))
    return ops or [base]


def _create_table(node, base: Op, statement: Statement) -> list[Op]:
    """The table, then its columns and constraints, each on its own line."""
    table = _relname(node.relation)
    ops = [replace(base, action="create-table", table=table)]
    for element in node.tableElts or ():
        line = statement.line_at(getattr(element, "location", None))
        created = replace(base, table=table, flags=frozenset({"in-create"}), line=line, end_line=line)
        kind = type(element).__name__
        if kind == "ColumnDef":
            ops.extend(_column_ops(element, created))
        elif kind == "Constraint":
            ops.extend(_constraint_ops(element, created))
    return ops


def _create_table_as(node, base: Op) -> list[Op]:
    into = getattr(node, "into", None)
    return [replace(base, action="create-table", table=_relname(getattr(into, "rel", None)))]


def _alter_table(node, base: Op) -> list[Op]:
    if node.objtype.name not in ("OBJECT_TABLE", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE"):
        return [base]
    table = _relname(node.relation)
    on_table = replace(base, table=table)
    ops: list[Op] = []
    for cmd in node.cmds or ():
        ops.extend(_alter_command(cmd, on_table))
    return ops or [on_table]


def _alter_command(cmd, base: Op) -> list[Op]:
    subtype = cmd.subtype.name
    if subtype == "AT_AddColumn":
        return _column_ops(cmd.def_, replace(base, action="add-column"))
    if subtype == "AT_AddConstraint":
        return _constraint_ops(cmd.def_, base)
    if subtype == "AT_ValidateConstraint":
        return [replace(base, action="validate-constraint", name=cmd.name or "")]
    if subtype == "AT_SetNotNull":
        return [replace(base, action="set-not-null", column=cmd.name or "")]
    if subtype == "AT_AlterColumnType":
        definition = cmd.def_
        flags = frozenset({"using"}) if getattr(definition, "raw_default", None) is not None else frozenset()
        return [replace(base, action="alter-type", column=cmd.name or "", flags=flags,
                        new_type=type_name(definition.typeName))]
    if subtype == "AT_DropColumn":
        flags = frozenset({"if-exists"}) if cmd.missing_ok else frozenset()
        return [replace(base, action="drop-column", column=cmd.name or "", flags=flags)]
    column = (cmd.name or "") if subtype in _COLUMN_SUBCOMMANDS else ""
    return [replace(base, action="alter-table", column=column,
                    lock=_LIGHT_SUBCOMMANDS.get(subtype, ACCESS_EXCLUSIVE))]


def _column_ops(column, base: Op) -> list[Op]:
    """An added (or created) column, plus the constraints written in its definition."""
    name = column.colname or ""
    flags: set[str] = set()
    default = ""
    ctype = type_name(column.typeName)
    if ctype in SERIAL_TYPES:
        flags |= {"has-default", "volatile-default", "not-null"}
        default = f"nextval() of the {ctype} sequence"
    if column.is_not_null:
        flags.add("not-null")
    extra: list[Op] = []
    for constraint in column.constraints or ():
        kind = constraint.contype.name
        if kind == "CONSTR_NOTNULL":
            flags.add("not-null")
        elif kind == "CONSTR_DEFAULT" and not _is_null(constraint.raw_expr):   # DEFAULT NULL is none
            expression = constraint.raw_expr
            flags.add("has-default")
            default = deparse(expression) or "an expression"
            if volatile_calls(expression):
                flags.add("volatile-default")
        elif kind == "CONSTR_IDENTITY":
            flags |= {"has-default", "volatile-default", "not-null"}
            default = "an identity sequence"
        elif kind == "CONSTR_GENERATED":
            flags |= {"has-default", "volatile-default"}
            default = f"the stored generated expression {deparse(constraint.raw_expr)}".rstrip()
        elif kind == "CONSTR_PRIMARY":
            flags.add("not-null")
            extra.append(replace(base, action="add-constraint", constraint="primary-key", columns=(name,),
                                 name=constraint.conname or "", flags=base.flags | {"inline"}))
        elif kind == "CONSTR_UNIQUE":
            extra.append(replace(base, action="add-constraint", constraint="unique", columns=(name,),
                                 name=constraint.conname or "", flags=base.flags | {"inline"}))
        elif kind == "CONSTR_FOREIGN":
            extra.append(replace(base, action="add-constraint", constraint="foreign-key", columns=(name,),
                                 name=constraint.conname or "", references=_relname(constraint.pktable),
                                 flags=base.flags | {"inline"}))
    added = replace(base, action="add-column", column=name, new_type=ctype, default=default,
                    flags=base.flags | flags)
    return [added, *extra]


def _constraint_ops(constraint, base: Op) -> list[Op]:
    kind = constraint.contype.name
    flags = set(base.flags)
    if constraint.skip_validation:
        flags.add("not-valid")
    if getattr(constraint, "indexname", None):
        flags.add("using-index")
    common = dict(action="add-constraint", name=constraint.conname or "")
    if kind == "CONSTR_FOREIGN":
        return [replace(base, **common, constraint="foreign-key", columns=names(constraint.fk_attrs),
                        references=_relname(constraint.pktable), flags=frozenset(flags))]
    if kind == "CONSTR_CHECK":
        column = not_null_check_column(constraint.raw_expr)
        if column:
            flags.add("not-null-check")
        return [replace(base, **common, constraint="check", column=column, flags=frozenset(flags))]
    if kind in ("CONSTR_UNIQUE", "CONSTR_PRIMARY"):
        label = "unique" if kind == "CONSTR_UNIQUE" else "primary-key"
        return [replace(base, **common, constraint=label, columns=names(constraint.keys), flags=frozenset(flags))]
    if kind == "CONSTR_EXCLUSION":
        return [replace(base, **common, constraint="exclusion", flags=frozenset(flags))]
    return [replace(base, action="alter-table", flags=frozenset(flags))]


def _rename(node, base: Op) -> list[Op]:
    kind = node.renameType.name
    if kind == "OBJECT_COLUMN" and node.relationType.name == "OBJECT_TABLE":
        return [replace(base, action="rename-column", table=_relname(node.relation), column=node.subname or "",
                        new_name=node.newname or "")]
    if kind == "OBJECT_TABLE":
        return [replace(base, action="rename-table", table=_relname(node.relation), new_name=node.newname or "")]
    return [base]


def _vacuum(node, base: Op) -> list[Op]:
    options = {getattr(o, "defname", "") for o in node.options or ()}
    if not node.is_vacuumcmd or "full" not in options:
        return [base]
    tables = [_relname(getattr(r, "relation", None)) for r in node.rels or ()] or [""]
    return [replace(base, action="vacuum-full", table=t) for t in tables]


def _cluster(node, base: Op) -> list[Op]:
    return [replace(base, action="cluster", table=_relname(node.relation), name=node.indexname or "")]


def _reindex(node, base: Op) -> list[Op]:
    params = {getattr(p, "defname", "") for p in node.params or ()}
    flags = frozenset({"concurrently"}) if "concurrently" in params else frozenset()
    return [replace(base, action="reindex", table=_relname(node.relation), name=node.name or "", flags=flags)]


def _variable_set(node, base: Op) -> list[Op]:
    name = (node.name or "").lower()
    if name not in TIMEOUT_SETTINGS or node.kind.name != "VAR_SET_VALUE":
        return [base]
    value = " ".join(deparse(a) for a in node.args or ()).strip("'\" ")
    if _disables(value):
        return [base]
    return [replace(base, action="set-timeout", name=name, default=value)]


def _select(node, base: Op) -> list[Op]:
    """`SELECT set_config('lock_timeout', '5s', false)` sets a timeout too."""
    for target in node.targetList or ():
        call = getattr(target, "val", None)
        if type(call).__name__ != "FuncCall" or names(call.funcname)[-1:] != ("set_config",):
            continue
        args = call.args or ()
        setting = _const_text(args[0]) if args else ""
        value = _const_text(args[1]) if len(args) > 1 else ""
        if setting.lower() in TIMEOUT_SETTINGS and not _disables(value):
            return [replace(base, action="set-timeout", name=setting.lower(), default=value)]
    if getattr(node, "intoClause", None) is not None:
        return [replace(base, action="create-table", table=_relname(node.intoClause.rel))]
    return [base]


def _disables(value: str) -> bool:
    """`0`, `'0s'`, `''`: a timeout of zero turns the timeout off."""
    return value.strip().lower().rstrip("smhinu ") in ("0", "")


def _transaction(node, base: Op) -> list[Op]:
    kind = node.kind.name
    if kind in ("TRANS_STMT_BEGIN", "TRANS_STMT_START"):
        return [replace(base, action="begin")]
    if kind in ("TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK", "TRANS_STMT_COMMIT_PREPARED",
                "TRANS_STMT_ROLLBACK_PREPARED", "TRANS_STMT_PREPARE"):
        return [replace(base, action="commit")]
    return [base]


def _lock(node, base: Op) -> list[Op]:
    mode = _LOCK_MODES.get(int(node.mode), ACCESS_EXCLUSIVE)
    return [replace(base, action="lock-table", table=_relname(r), lock=mode) for r in node.relations or ()] or [base]


def _trigger(node, base: Op) -> list[Op]:
    return [replace(base, action="create-trigger", table=_relname(node.relation))]


def _dml(node, base: Op) -> list[Op]:
    return [replace(base, action="dml", table=_relname(getattr(node, "relation", None)))]


_READERS = {
    "IndexStmt": _index, "DropStmt": _drop, "CreateTableAsStmt": _create_table_as,
    "AlterTableStmt": _alter_table, "RenameStmt": _rename, "VacuumStmt": _vacuum, "ClusterStmt": _cluster,
    "ReindexStmt": _reindex, "VariableSetStmt": _variable_set, "SelectStmt": _select,
    "TransactionStmt": _transaction, "LockStmt": _lock, "CreateTrigStmt": _trigger,
    "UpdateStmt": _dml, "DeleteStmt": _dml, "InsertStmt": _dml,
}
_READERS_WITH_LINES = {"CreateStmt": _create_table}    # ops placed on the lines of their elements


# ---------------------------------------------------------------------------------------------
# Node helpers


def _relname(range_var) -> str:
    return getattr(range_var, "relname", None) or ""


def _is_null(expression) -> bool:
    return type(expression).__name__ == "A_Const" and bool(getattr(expression, "isnull", False))


def _const_text(node) -> str:
    value = getattr(node, "val", None)
    for attr in ("sval", "ival", "fval"):
        found = getattr(value, attr, None)
        if found is not None:
            return str(found)
    return ""


def volatile_calls(expression) -> tuple[str, ...]:
    """Names of the volatile functions an expression calls."""
    found = []
    for node in walk(expression):
        if type(node).__name__ == "FuncCall":
            called = names(node.funcname)
            if called and called[-1].lower() in VOLATILE_FUNCTIONS:
                found.append(called[-1].lower())
    return tuple(found)


def not_null_check_column(expression) -> str:
    """`col IS NOT NULL` -> "col"; anything else -> ""."""
    if type(expression).__name__ != "NullTest" or expression.nulltesttype.name != "IS_NOT_NULL":
        return ""
    fields = names(getattr(expression.arg, "fields", ()))
    return fields[-1] if len(fields) >= 1 and type(expression.arg).__name__ == "ColumnRef" else ""


def type_name(node) -> str:
    """A canonical type text: `varchar(20)`, `int8`, `numeric(10,2)`, `text[]`."""
    if node is None:
        return ""
    parts = names(node.names)
    base = parts[-1].lower() if parts else ""
    mods = []
    for mod in node.typmods or ():
        text = _const_text(mod)
        if text:
            mods.append(text)
    text = f"{base}({','.join(mods)})" if mods else base
    return text + "[]" * len(node.arrayBounds or ())


# ---------------------------------------------------------------------------------------------
# SQL migration files


def sql_style(path: str, kind: str, script: SqlScript) -> str:
    """The tool a SQL file belongs to, or "" when it is not a migration."""
    pure = PurePosixPath(path)
    for marker in _markers(script):
        return marker[1]
    if FLYWAY.match(pure.name):
        return "flyway"
    if GOLANG_MIGRATE.match(pure.name):
        return "golang-migrate"
    if pure.name == "migration.sql" and len(pure.parts) >= 3 and pure.parts[-3].lower() == "migrations":
        return "prisma"
    return "sql" if kind == "migration" else ""


def _markers(script: SqlScript) -> list[tuple[int, str, str, bool]]:
    """(offset, tool, "up"/"down", no-transaction) for each tool marker comment."""
    found = []
    for comment in script.comments:
        text = comment.text.lstrip("-").strip().lower()
        words = text.replace(":", " ").split()
        if text.startswith("migrate:up"):
            found.append((comment.start, "dbmate", "up", "transaction:false" in text))
        elif text.startswith("migrate:down"):
            found.append((comment.start, "dbmate", "down", False))
        elif words[:1] in (["+goose"], ["+migrate"]) and len(words) >= 2:
            tool = "goose" if words[0] == "+goose" else "sql-migrate"
            if words[1] in ("up", "down"):
                found.append((comment.start, tool, words[1], "notransaction" in words))
            elif words[1:3] == ["no", "transaction"]:
                found.append((comment.start, tool, "no-transaction", True))
    return found


def read_sql_migration(parsed) -> MigrationFile | None:
    script = parsed.tree
    if not isinstance(script, SqlScript):
        return None
    style = sql_style(parsed.path, parsed.kind, script)
    if not style:
        return None
    pure = PurePosixPath(parsed.path)
    markers = _markers(script)
    rollback_file = _is_rollback_file(pure.name, style)
    ops = _phased(script_ops(script), markers, rollback_file)
    transaction = _file_transaction(style, markers, ops)
    if transaction:
        ops = [op if op.transaction else replace(op, transaction=transaction) for op in ops]
    ops = mark_new_tables(ops)
    reversible, rollback, irreversible = _reversibility(parsed, style, markers, ops)
    ident = pure.parent.name if style == "prisma" else _stem(pure.name)
    return MigrationFile(
        id=ident, path=parsed.path, style=style, order=leading_number(ident), ops=tuple(ops),
        reversible=reversible, rollback=rollback, irreversible=irreversible, transaction=transaction,
        notes=("rollback-file",) if rollback_file else (),
    )


def _stem(name: str) -> str:
    for suffix in (".up.sql", ".down.sql", ".sql"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _is_rollback_file(name: str, style: str) -> bool:
    if style == "golang-migrate":
        match = GOLANG_MIGRATE.match(name)
        return bool(match and match.group("direction") == "down")
    if style == "flyway":
        match = FLYWAY.match(name)
        return bool(match and match.group("kind") == "U")
    return False


def _phased(ops: list[Op], markers, rollback_file: bool) -> list[Op]:
    if rollback_file:
        return [replace(op, phase="down") for op in ops]
    downs = sorted(offset for offset, _, direction, _ in markers if direction == "down")
    ups = sorted(offset for offset, _, direction, _ in markers if direction == "up")
    if not downs:
        return ops
    phased = []
    for op in ops:
        last_down = max((d for d in downs if d < op.start), default=-1)
        last_up = max((u for u in ups if u < op.start), default=-1)
        phased.append(replace(op, phase="down") if last_down > last_up else op)
    return phased


def _file_transaction(style: str, markers, ops: list[Op]) -> str:
    if style in ("dbmate", "goose", "sql-migrate"):
        if any(no_tx for _, _, direction, no_tx in markers if direction in ("up", "no-transaction")):
            return ""
        opt_out = {"dbmate": "`-- migrate:up transaction:false`", "goose": "`-- +goose NO TRANSACTION`",
                   "sql-migrate": "`-- +migrate Up notransaction`"}[style]
        return f"{style} runs each migration in a transaction (no {opt_out})"
    if style == "flyway":
        if any(op.has("concurrently") or op.action == "vacuum-full" for op in ops):
            return ""
        return "Flyway runs each migration in a transaction"
    if style in ("golang-migrate", "prisma"):
        statements = {op.start for op in ops if op.phase == "up"}
        if len(statements) > 1:
            return (f"{style} sends the file as one multi-statement query, which PostgreSQL runs as one "
                    "implicit transaction")
    return ""


def _reversibility(parsed, style: str, markers, ops: list[Op]) -> tuple[bool | None, str, tuple]:
    name = PurePosixPath(parsed.path).name
    loss = data_loss_note(ops)
    if style in ("golang-migrate", "dbmate", "goose", "sql-migrate") and not any(op.phase == "up" for op in ops):
        if not _is_rollback_file(name, style):
            return True, "nothing to undo: the migration has no statements", ()
    if style == "golang-migrate":
        match = GOLANG_MIGRATE.match(name)
        if not match or match.group("direction") == "down":
            return None, "", ()
        down = name[: -len(".up.sql")] + ".down.sql"
        state = _sibling_state(parsed.source.abspath, down)
        if state == "missing":
            return False, f"no down migration ({down}): roll back with a new forward migration or a restore{loss}", \
                ((1, f"golang-migrate up migration without a down file ({down})"),)
        if state == "empty":
            return False, f"{down} has no statements: roll back with a new forward migration{loss}", \
                ((1, f"the down migration {down} has no statements"),)
        return True, f"migrate down: {down}{loss}", ()
    if style in ("dbmate", "goose", "sql-migrate"):
        down_markers = [offset for offset, _, direction, _ in markers if direction == "down"]
        if not down_markers:
            return False, f"no down section: roll back with a new forward migration{loss}", \
                ((1, f"{style} migration without a down section"),)
        if not any(op.phase == "down" for op in ops):
            line = next((c.line for c in parsed.tree.comments if c.start == down_markers[0]), 1)
            return False, f"the down section is empty: roll back with a new forward migration{loss}", \
                ((line, f"the {style} down section has no statements"),)
        return True, f"{style} down section{loss}", ()
    if style == "flyway":
        match = FLYWAY.match(name)
        if match and match.group("kind") == "R":
            return None, "repeatable migration: re-applied whenever it changes; revert the file to roll back", ()
        if match and match.group("kind") == "U":
            return None, "", ()
        version = match.group("version") if match else ""
        undo = _flyway_undo(parsed.source.abspath, version) if version else ""
        if undo:
            return True, f"flyway undo: {undo}{loss}", ()
        return False, ("forward-only (Flyway, no undo migration): roll back with a compensating "
                       f"migration or a restore{loss}"), ()
    if style == "prisma":
        return False, ("forward-only (Prisma has no down step): roll back with a new migration "
                       f"(`prisma migrate diff`) or a restore{loss}"), ()
    return None, f"no down migration known for this file: state the rollback (forward fix or restore){loss}", ()


def data_loss_note(ops) -> str:
    dropped = [f"{op.table}.{op.column}" if op.column else op.table
               for op in ops if op.phase == "up" and op.action in ("drop-column", "drop-table")
               and "new-table" not in op.flags]
    if not dropped:
        return ""
    return f"; data dropped from {', '.join(dropped[:3])}{'...' if len(dropped) > 3 else ''} is not restored"


def _sibling_state(abspath: str, name: str) -> str:
    """"missing", "empty" (no statements) or "present" for a file next to `abspath`."""
    target = os.path.join(os.path.dirname(abspath), name)
    try:
        info = os.lstat(target)
    except OSError:
        return "missing"
    if not stat.S_ISREG(info.st_mode):
        return "present"     # a link or a FIFO: never follow it out of the tree or block on it
    try:
        with open(target, encoding="utf-8", errors="replace") as handle:
            text = handle.read(1_000_000)
    except OSError:
        return "missing"
    script = parse_script(text)
    return "present" if script.statements or script.errors else "empty"


def _flyway_undo(abspath: str, version: str) -> str:
    try:
        entries = os.listdir(os.path.dirname(abspath))
    except OSError:
        return ""
    for entry in sorted(entries):
        match = FLYWAY.match(entry)
        if match and match.group("kind") == "U" and match.group("version") == version:
            return entry
    return ""
