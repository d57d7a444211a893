"""knex, TypeORM and Sequelize migrations, read from the tree-sitter tree (never run or imported),
mapped onto the PostgreSQL `Op`s every other migration reader produces.

A file is one of these migrations by its shape, wherever it lives:
- knex: `exports.up = function (knex) {...}` / `export async function up(knex)` (also
  `module.exports = { up, down }`) whose first parameter is used as `<p>.schema.*` or `<p>.raw(...)`;
- TypeORM: a class with `up` / `down` methods that `implements MigrationInterface` (or whose `up`
  takes a `QueryRunner`, or a parameter named `queryRunner` in JavaScript);
- Sequelize: `module.exports = { up: async (queryInterface, Sequelize) => {...}, down }` whose first
  parameter receives `addColumn`, `createTable`, `addIndex`... or `sequelize.query(...)`.

What is read:
- knex: `schema.createTable` / `createTableIfNotExists` / `alterTable` / `table` with the table
  builder's calls (column types and their `notNullable()`, `defaultTo()`, `unique()`, `index()`,
  `primary()`, `references().inTable()`, `alter()`; `index`, `unique`, `primary`, `foreign`,
  `dropColumn(s)`, `renameColumn`, `dropIndex`, `timestamps`, `increments`), `schema.dropTable`,
  `schema.renameTable`, and SQL in `knex.raw` / `schema.raw`. knex runs a migration in a
  transaction unless the file exports `config = { transaction: false }`;
- TypeORM: `queryRunner.query(sql)`, `addColumn(s)` / `createTable` with `TableColumn` options
  (`isNullable` is false unless set), `dropColumn(s)`, `dropTable`, `renameTable`, `renameColumn`,
  `changeColumn` (a type or nullability change when both columns are written out), `createIndex`,
  `dropIndex`, `createForeignKey`, `createUniqueConstraint`, `createCheckConstraint`,
  `createPrimaryKey`. TypeORM runs migrations in a transaction unless the class sets
  `transaction = false`;
- Sequelize: `createTable`, `addColumn`, `removeColumn`, `changeColumn` (nullability only),
  `renameColumn`, `renameTable`, `dropTable`, `addIndex` / `removeIndex` (with `concurrently`),
  `addConstraint`, bulk writes, and SQL in `queryInterface.sequelize.query`. Sequelize runs no
  transaction unless the calls sit inside `sequelize.transaction(...)`.

Files under `seeders/` or `seeds/` are data, not schema, and are skipped. SQL strings go through
pglast like any SQL migration (a string pglast cannot read becomes an `unparsed-sql` op and one
`sql-parse-error` diagnostic per migration set, naming the set's engine when it is not PostgreSQL).
A `down` that is missing, empty or only throws makes the migration irreversible.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath

from prodcheck.facts.extractors.js_common import (
    FileView, arguments_of, callee, file_view, member_names, object_pairs, param_type, params_of,
    string_of, strings_of, unwrap,
)
from prodcheck.facts.extractors.migration_dialect import engine_of
from prodcheck.facts.extractors.migration_model import MigrationFile, Op, leading_number, mark_new_tables
from prodcheck.facts.extractors.migration_python import sql_expression_volatile
from prodcheck.facts.extractors.migration_sql import (
    data_loss_note, not_null_check_column, script_ops, type_name,
)
from prodcheck.model import Diagnostic
from prodcheck.parsing.sql import PARSE_ERROR_KIND, parse_script, sql_group
from prodcheck.parsing.treesitter import text_of

JS_LANGUAGES = ("javascript", "typescript")
# How builder ops spell their call (the rules tell a call from SQL by these prefixes).
CALL_PREFIXES = ("knex.", "table.", "queryRunner.", "queryInterface.")
TRANSACTIONS = {
    "knex": "knex runs each migration in a transaction (the file does not export `config = { transaction: false }`)",
    "typeorm": "TypeORM runs migrations in a transaction (the class does not set `transaction = false`)",
    "sequelize": "inside `sequelize.transaction(...)`",
}
ROLLBACKS = {"knex": "knex migrate:down", "typeorm": "typeorm migration:revert",
             "sequelize": "sequelize db:migrate:undo"}
_WORD_UP = re.compile(r"\bup\b")
SEED_DIRECTORIES = frozenset({"seeders", "seeds", "seed"})

KNEX_SCHEMA = frozenset({"createTable", "createTableIfNotExists", "alterTable", "table", "dropTable",
                         "dropTableIfExists", "renameTable", "raw"})
SEQUELIZE_CALLS = frozenset({"createTable", "addColumn", "removeColumn", "changeColumn", "renameColumn",
                             "renameTable", "dropTable", "addIndex", "removeIndex", "addConstraint",
                             "removeConstraint", "bulkInsert", "bulkUpdate", "bulkDelete", "dropAllTables"})

# knex column builders -> PostgreSQL types
KNEX_TYPES = {
    "increments": "serial", "bigIncrements": "bigserial", "integer": "int4", "bigInteger": "int8",
    "bigint": "int8", "smallint": "int2", "tinyint": "int2", "mediumint": "int4", "text": "text",
    "string": "varchar", "float": "float4", "double": "float8", "decimal": "numeric", "boolean": "bool",
    "date": "date", "datetime": "timestamptz", "timestamp": "timestamptz", "time": "time", "uuid": "uuid",
    "json": "json", "jsonb": "jsonb", "binary": "bytea", "enu": "text", "enum": "text", "specificType": "",
    "geometry": "geometry", "geography": "geography", "point": "point",
}
SEQUELIZE_TYPES = {
    "STRING": "varchar", "CHAR": "bpchar", "TEXT": "text", "CITEXT": "citext", "INTEGER": "int4",
    "BIGINT": "int8", "SMALLINT": "int2", "TINYINT": "int2", "MEDIUMINT": "int4", "FLOAT": "float8",
    "REAL": "float4", "DOUBLE": "float8", "DECIMAL": "numeric", "NUMERIC": "numeric", "BOOLEAN": "bool",
    "DATE": "timestamptz", "DATEONLY": "date", "TIME": "time", "UUID": "uuid", "JSON": "json", "JSONB": "jsonb",
    "BLOB": "bytea", "ENUM": "text", "INET": "inet", "CIDR": "cidr", "MACADDR": "macaddr",
}
# Sequelize defaults computed in JavaScript, never written to the database.
SEQUELIZE_JS_DEFAULTS = frozenset({"NOW", "UUIDV1", "UUIDV4"})


# ---------------------------------------------------------------------------------------------
# Entry points


def read_javascript_migration(parsed) -> MigrationFile | None:
    """The migration of a JS/TS file (memoised on the parsed file: the extractor and the rules
    both ask), or None."""
    key = "migration.javascript"
    if key not in parsed.memo:
        parsed.memo[key] = _read(parsed)
    return parsed.memo[key]


def _read(parsed) -> MigrationFile | None:
    if (parsed.tree is None or parsed.kind == "test" or parsed.language not in JS_LANGUAGES
            or parsed.path.endswith(".d.ts") or not _WORD_UP.search(parsed.text)):
        return None
    if any(part.lower() in SEED_DIRECTORIES for part in PurePosixPath(parsed.path).parts[:-1]):
        return None                  # Sequelize seeders share the migrations' shape; they hold data, not schema
    view = file_view(parsed)
    found = _entry(view)
    if found is None:
        return None
    style, up, down, owner = found
    reader = _Reader(parsed, view, style, _param(up, 0))
    ops = reader.body(up)
    transaction = _transaction(view, style, owner)
    if transaction:
        ops = [op if op.transaction else replace(op, transaction=transaction) for op in ops]
    ops = mark_new_tables(ops)
    pure = PurePosixPath(parsed.path)
    stem = pure.name.split(".")[0]
    why = "missing" if down is None else _empty(down)
    if why and _empty(up):
        why = ""                     # nothing to undo
    loss = data_loss_note(ops)
    irreversible: tuple[tuple[int, str], ...] = ()
    if why:
        at = down if down is not None else up
        text = "no down() function" if why == "missing" else f"down() {why}"
        irreversible = ((at.start_point[0] + 1, f"{style} migration: {text}"),)
        rollback = f"irreversible: {text}; roll back with a new migration or a restore{loss}"
    else:
        rollback = f"{ROLLBACKS[style]}{loss}"
    return MigrationFile(
        id=stem, path=parsed.path, style=style, order=leading_number(stem), ops=tuple(ops),
        reversible=not irreversible, rollback=rollback, irreversible=irreversible, transaction=transaction,
    )


def _entry(view: FileView):
    """(style, up function, down function or None, class node or None), or None."""
    for cls in view.classes:
        methods = _class_methods(cls)
        up = methods.get("up")
        if up is None:
            continue
        heritage = text_of(next((c for c in cls.named_children if c.type == "class_heritage"), None))
        first = params_of(up)[:1]
        typed = bool(first) and ("QueryRunner" in param_type(first[0][1]) or first[0][0] == "queryRunner")
        if "MigrationInterface" in heritage or typed:
            return "typeorm", up, methods.get("down"), cls
    exported = _exported_functions(view)
    up = exported.get("up")
    if up is None:
        return None
    style = _function_style(view, up)
    if style is None:
        return None
    return style, up, exported.get("down"), None


def _class_methods(cls) -> dict:
    body = cls.child_by_field_name("body")
    found = {}
    for member in body.named_children if body is not None else ():
        if member.type == "method_definition":
            found[text_of(member.child_by_field_name("name"))] = member
    return found


def _exported_functions(view: FileView) -> dict:
    """`up` / `down` as CommonJS exports, ESM exports or `module.exports = {...}` entries."""
    found: dict = {}
    root = view.root
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if node.type == "assignment_expression":
            left = member_names(node.child_by_field_name("left"))
            right = node.child_by_field_name("right")
            if left in (["exports", "up"], ["module", "exports", "up"]):
                found.setdefault("up", _function(view, right))
            elif left in (["exports", "down"], ["module", "exports", "down"]):
                found.setdefault("down", _function(view, right))
            elif left == ["module", "exports"]:
                _from_object(view, right, found)
        elif node.type == "export_statement":
            for child in node.named_children:
                if child.type in ("function_declaration", "generator_function_declaration"):
                    name = text_of(child.child_by_field_name("name"))
                    if name in ("up", "down"):
                        found.setdefault(name, child)
                elif child.type == "lexical_declaration":
                    for declarator in child.named_children:
                        name = text_of(declarator.child_by_field_name("name"))
                        if name in ("up", "down"):
                            found.setdefault(name, _function(view, declarator.child_by_field_name("value")))
                elif child.type in ("object", "identifier"):      # export default { up, down }
                    _from_object(view, child, found)
        if node.type in ("program", "expression_statement", "export_statement"):
            stack.extend(node.named_children)
    return {k: v for k, v in found.items() if v is not None}


def _from_object(view: FileView, node, found: dict) -> None:
    node = unwrap(node)
    if node is not None and node.type == "identifier":
        node = unwrap(view.value_of(text_of(node), node))
    for key, value in object_pairs(node).items():
        if key in ("up", "down"):
            found.setdefault(key, value if value.type == "method_definition" else _function(view, value))


def _function(view: FileView, node):
    node = unwrap(node)
    if node is None:
        return None
    if node.type in ("identifier", "shorthand_property_identifier"):
        node = unwrap(view.value_of(text_of(node), node))
    if node is not None and node.type in ("function_expression", "function", "arrow_function",
                                          "function_declaration", "method_definition"):
        return node
    return None


def _param(function, index: int) -> str:
    params = params_of(function)
    return params[index][0] if len(params) > index else ""


def _function_style(view: FileView, up) -> str | None:
    name = _param(up, 0)
    if not name:
        return None
    for call in _calls_in(view, up):
        chain = member_names(callee(call))
        if len(chain) < 2 or chain[0] != name:
            continue
        if chain[1] == "schema" or chain[1:] == ["raw"]:
            return "knex"
        if chain[1] in SEQUELIZE_CALLS or chain[1:3] == ["sequelize", "query"]:
            return "sequelize"
    second = _param(up, 1)
    if name == "knex":
        return "knex"
    if name in ("queryInterface", "qi") or second in ("Sequelize", "DataTypes"):
        return "sequelize"
    return None


def _calls_in(view: FileView, node) -> list:
    start, end = node.start_byte, node.end_byte
    return [c for c in view.calls if start <= c.start_byte < end]


def _transaction(view: FileView, style: str, owner) -> str:
    if style == "typeorm":
        body = owner.child_by_field_name("body") if owner is not None else None
        for member in body.named_children if body is not None else ():
            if member.type in ("public_field_definition", "field_definition"):
                name = member.child_by_field_name("property") or member.child_by_field_name("name")
                value = member.child_by_field_name("value")
                if text_of(name) == "transaction" and text_of(value) == "false":
                    return ""
        return TRANSACTIONS["typeorm"]
    if style == "knex":
        config = _exported_functions_config(view)
        if config is not None and text_of(object_pairs(config).get("transaction")) == "false":
            return ""
        return TRANSACTIONS["knex"]
    return ""


def _exported_functions_config(view: FileView):
    """The object of `exports.config = {...}` / `export const config = {...}`."""
    for node in view.root.named_children if view.root is not None else ():
        target = node
        if node.type == "expression_statement" and node.named_children:
            target = node.named_children[0]
        if target.type == "assignment_expression":
            if member_names(target.child_by_field_name("left")) in (["exports", "config"],
                                                                    ["module", "exports", "config"]):
                return unwrap(target.child_by_field_name("right"))
        elif node.type == "export_statement":
            for child in node.named_children:
                if child.type == "lexical_declaration":
                    for declarator in child.named_children:
                        if text_of(declarator.child_by_field_name("name")) == "config":
                            return unwrap(declarator.child_by_field_name("value"))
    return None


def _empty(function) -> str:
    """Why a function does nothing ("is empty", "only throws"), or "" when it acts."""
    body = function.child_by_field_name("body")
    if body is None:
        return "is empty"
    if body.type != "statement_block":        # an arrow function's expression body
        value = unwrap(body)
        if value is None or value.type in ("null", "undefined") or _resolved_promise(value):
            return "is empty"
        return ""
    statements = [s for s in body.named_children if s.type not in ("comment", "empty_statement")]
    if not statements:
        return "is empty"
    first = statements[0]
    if first.type == "throw_statement":
        return "only throws"
    if len(statements) == 1 and first.type == "return_statement":
        value = unwrap(first.named_children[0]) if first.named_children else None
        if value is None or value.type in ("null", "undefined") or _resolved_promise(value):
            return "is empty"
    return ""


def _resolved_promise(node) -> bool:
    return node.type == "call_expression" and member_names(callee(node)) == ["Promise", "resolve"] \
        and not arguments_of(node)


# ---------------------------------------------------------------------------------------------
# Calls -> ops


class _Reader:
    def __init__(self, parsed, view: FileView, style: str, param: str) -> None:
        self.parsed = parsed
        self.view = view
        self.style = style
        self.param = param
        self.tx_ranges: list[tuple[int, int]] = []

    def body(self, function) -> list[Op]:
        ops: list[Op] = []
        calls = _calls_in(self.view, function)
        for call in calls:
            chain = member_names(callee(call))
            if chain[-1:] == ["transaction"] and chain[:1] == [self.param]:
                for arg in arguments_of(call):
                    if arg.type in ("arrow_function", "function_expression", "function"):
                        self.tx_ranges.append((arg.start_byte, arg.end_byte))
        for call in calls:
            found = self.call(call)
            if found and self.style == "sequelize" and self._in_transaction(call):
                found = [replace(op, transaction=TRANSACTIONS["sequelize"]) for op in found]
            ops.extend(found)
        return ops

    def _in_transaction(self, call) -> bool:
        return any(a <= call.start_byte < b for a, b in self.tx_ranges)

    def base(self, call, statement: str) -> Op:
        line = call.start_point[0] + 1
        return Op("other", line, call.end_point[0] + 1, origin=self.style, statement=statement)

    def text(self, node) -> str:
        value = string_of(node, self.view.consts)
        return value if value is not None else ""

    def call(self, call) -> list[Op]:
        chain = member_names(callee(call))
        if len(chain) < 2 or chain[0] != self.param:
            return []
        if self.style == "knex":
            if chain[1:] == ["raw"] or chain[1:] == ["schema", "raw"]:
                if _is_argument(call):          # `defaultTo(knex.raw('now()'))`: an expression, not a statement
                    return []
                return self.sql(call, arguments_of(call)[:1])
            if chain[1] == "schema" and chain[-1] in KNEX_SCHEMA:
                return self.knex_schema(call, chain[-1])
            return []
        if self.style == "typeorm":
            return self.typeorm(call, chain[1]) if len(chain) == 2 else []
        if chain[1:3] == ["sequelize", "query"] or chain[1:] == ["query"]:
            return self.sql(call, arguments_of(call)[:1])
        return self.sequelize(call, chain[1]) if len(chain) == 2 else []

    # ------------------------------------------------------------------ SQL strings

    def sql(self, call, args) -> list[Op]:
        unparsed = replace(self.base(call, "SQL the scan cannot read statically"), action="unparsed-sql")
        if not args:
            return []
        node = unwrap(args[0])
        if node is not None and node.type == "object":          # sequelize.query({ query: "..." })
            node = unwrap(object_pairs(node).get("query"))
        text = string_of(node, self.view.consts)
        if text is None:
            return [unparsed]
        literal = node.type in ("string", "template_string")
        first = node.start_point[0] + 1
        if literal:
            script = parse_script(text, first_line=first)
            ops = script_ops(script, self.style)
            last = node.end_point[0] + 1
            ops = [replace(op, line=min(max(op.line, first), last), end_line=min(max(op.end_line, first), last),
                           start=-1) for op in ops]
        else:
            script = parse_script(text)
            ops = script_ops(script, self.style, at_line=call.start_point[0] + 1)
        if script.errors:
            self._parse_error()
        if script.errors and not script.statements:
            return [unparsed]
        return ops

    def _parse_error(self) -> None:
        engine = engine_of(self.parsed, self.style)
        group = sql_group(self.parsed.path)
        dialect = f" (the set runs on {engine.describe()})" if engine.name and not engine.postgres_like else ""
        diagnostic = Diagnostic(group, PARSE_ERROR_KIND,
                                f"some SQL under {group}/ is not PostgreSQL that pglast can parse{dialect}; "
                                "those statements were not checked")
        if diagnostic not in self.parsed.diagnostics:
            self.parsed.diagnostics.append(diagnostic)

    # ------------------------------------------------------------------ knex

    def knex_schema(self, call, method: str) -> list[Op]:
        args = arguments_of(call)
        table = self.text(args[0]) if args else ""
        statement = f"knex.schema.{method}()"
        base = replace(self.base(call, statement), table=table)
        if method == "raw":
            return self.sql(call, args[:1])
        if method in ("dropTable", "dropTableIfExists"):
            flags = frozenset({"if-exists"}) if method == "dropTableIfExists" else frozenset()
            return [replace(base, action="drop-table", flags=flags)]
        if method == "renameTable":
            return [replace(base, action="rename-table", new_name=self.text(args[1]) if len(args) > 1 else "")]
        created = method in ("createTable", "createTableIfNotExists")
        ops = [replace(base, action="create-table")] if created else []
        builder = next((a for a in args[1:] if a.type in ("arrow_function", "function_expression", "function")),
                       None)
        if builder is None:
            return ops or [replace(base, action="alter-table")]
        name = _param(builder, 0)
        for inner in _calls_in(self.view, builder):
            if not name or _continues_chain(inner):
                continue
            links = _chain(inner)
            if not links or links[0][0] != name:
                continue
            ops.extend(self.knex_builder(inner, table, links[1:], created))
        return ops

    def knex_builder(self, call, table: str, links: list, created: bool) -> list[Op]:
        if not links:
            return []
        method, args = links[0]
        modifiers = {m: a for m, a in links[1:]}
        base = replace(self.base(call, f"table.{method}()"), table=table)
        if created:
            base = replace(base, flags=frozenset({"in-create"}))
        first = self.text(args[0]) if args else ""
        columns = tuple(strings_of(args[0], self.view.consts) or ()) if args else ()
        if method == "index":
            name = self.text(args[1]) if len(args) > 1 else ""
            return [replace(base, action="create-index", columns=columns, name=name)]
        if method == "unique":
            return [replace(base, action="add-constraint", constraint="unique", columns=columns)]
        if method == "primary":
            return [replace(base, action="add-constraint", constraint="primary-key", columns=columns)]
        if method == "foreign":
            target = self._knex_reference(modifiers)
            return [replace(base, action="add-constraint", constraint="foreign-key", columns=columns,
                            references=target)]
        if method in ("dropColumn", "dropColumns"):
            names = [self.text(a) for a in args]
            return [replace(base, action="drop-column", column=n) for n in names if n]
        if method == "renameColumn":
            return [replace(base, action="rename-column", column=first,
                            new_name=self.text(args[1]) if len(args) > 1 else "")]
        if method == "dropIndex":
            name = self.text(args[1]) if len(args) > 1 else ""
            return [replace(base, action="drop-index", columns=columns, name=name)]
        if method == "timestamps":
            not_null = len(args) > 1 and text_of(args[1]) == "true"
            flags = frozenset({"not-null", "has-default"}) if not_null else frozenset()
            return [replace(base, action="add-column", column=c, new_type="timestamptz", flags=base.flags | flags,
                            default="now()" if not_null else "") for c in ("created_at", "updated_at")]
        if method not in KNEX_TYPES:
            return [replace(base, action="alter-table")] if method.startswith(("drop", "set")) else []
        return self.knex_column(base, method, args, modifiers)

    def knex_column(self, base: Op, method: str, args: list, modifiers: dict) -> list[Op]:
        column = self.text(args[0]) if args else ("id" if method in ("increments", "bigIncrements") else "")
        ctype = _knex_type(method, args, self.view)
        flags: set[str] = set()
        default = ""
        if method in ("increments", "bigIncrements"):
            flags |= {"not-null", "has-default", "volatile-default"}
            default = f"nextval() of the {ctype} sequence"
        if "notNullable" in modifiers:
            flags.add("not-null")
        if "defaultTo" in modifiers:
            value = modifiers["defaultTo"][:1]
            if value and text_of(value[0]) not in ("null", "undefined"):
                flags.add("has-default")
                default, volatile = self._knex_default(value[0])
                if volatile:
                    flags.add("volatile-default")
        if "alter" in modifiers:
            on = replace(base, column=column, statement=f"table.{method}().alter()")
            ops = [replace(on, action="alter-table")]
            if "notNullable" in modifiers:
                ops.append(replace(on, action="set-not-null"))
            return ops
        ops = [replace(base, action="add-column", column=column, new_type=ctype, default=default,
                       flags=base.flags | flags)]
        inline = base.flags | {"inline"}
        if method in ("increments", "bigIncrements") and "primaryKey" not in text_of(args[-1] if args else None):
            ops.append(replace(base, action="add-constraint", constraint="primary-key", columns=(column,),
                               flags=inline))
        if "primary" in modifiers:
            ops.append(replace(base, action="add-constraint", constraint="primary-key", columns=(column,),
                               flags=inline))
        if "unique" in modifiers:
            ops.append(replace(base, action="add-constraint", constraint="unique", columns=(column,), flags=inline))
        if "references" in modifiers:
            ops.append(replace(base, action="add-constraint", constraint="foreign-key", columns=(column,),
                               column=column, references=self._knex_reference(modifiers), flags=inline))
        if "index" in modifiers:
            ops.append(replace(base, action="create-index", columns=(column,)))
        return ops

    def _knex_reference(self, modifiers: dict) -> str:
        table = self.text(modifiers["inTable"][0]) if modifiers.get("inTable") else ""
        if table:
            return table
        target = self.text(modifiers["references"][0]) if modifiers.get("references") else ""
        return target.rsplit(".", 1)[0] if "." in target else ""

    def _knex_default(self, node) -> tuple[str, bool]:
        node = unwrap(node)
        chain = member_names(callee(node)) if node is not None and node.type == "call_expression" else []
        if chain[-1:] == ["raw"]:
            args = arguments_of(node)
            text = self.text(args[0]) if args else ""
            return text or "an expression", bool(text and sql_expression_volatile(text))
        if chain[-2:] == ["fn", "now"]:
            return "now()", False
        if chain[-2:] == ["fn", "uuid"]:
            return "gen_random_uuid()", True
        return text_of(node) or "a value", False

    # ------------------------------------------------------------------ TypeORM

    def typeorm(self, call, method: str) -> list[Op]:
        args = arguments_of(call)
        base = self.base(call, f"queryRunner.{method}()")
        if method == "query":
            return self.sql(call, args[:1])
        table = self._typeorm_table(args[0]) if args else ""
        base = replace(base, table=table)
        second = args[1] if len(args) > 1 else None
        if method == "createTable":
            return self._typeorm_create(base, args[0] if args else None)
        if method == "dropTable":
            return [replace(base, action="drop-table")]
        if method == "renameTable":
            return [replace(base, action="rename-table", new_name=self._typeorm_table(second))]
        if method in ("addColumn", "addColumns"):
            return [op for column in _items(second) for op in self._typeorm_column(base, column)]
        if method in ("dropColumn", "dropColumns"):
            return [replace(base, action="drop-column", column=self._name_of(c)) for c in _items(second)]
        if method == "renameColumn":
            third = args[2] if len(args) > 2 else None
            return [replace(base, action="rename-column", column=self._name_of(second),
                            new_name=self._name_of(third))]
        if method == "changeColumn":
            return self._typeorm_change(base, second, args[2] if len(args) > 2 else None)
        if method in ("createIndex", "createIndices"):
            ops = []
            for index in _items(second):
                options = _options(index)
                flags = frozenset({"unique"}) if text_of(options.get("isUnique")) == "true" else frozenset()
                ops.append(replace(base, action="create-index", name=self.text(options.get("name")),
                                   columns=tuple(strings_of(options.get("columnNames"), self.view.consts) or ()),
                                   flags=flags))
            return ops
        if method in ("dropIndex", "dropIndices"):
            return [replace(base, action="drop-index", name=self._name_of(i)) for i in _items(second)]
        if method in ("createForeignKey", "createForeignKeys"):
            ops = []
            for key in _items(second):
                options = _options(key)
                ops.append(replace(base, action="add-constraint", constraint="foreign-key",
                                   name=self.text(options.get("name")),
                                   columns=tuple(strings_of(options.get("columnNames"), self.view.consts) or ()),
                                   references=self.text(options.get("referencedTableName"))))
            return ops
        if method in ("createUniqueConstraint", "createUniqueConstraints"):
            return [replace(base, action="add-constraint", constraint="unique", name=self.text(_options(u).get("name")),
                            columns=tuple(strings_of(_options(u).get("columnNames"), self.view.consts) or ()))
                    for u in _items(second)]
        if method in ("createCheckConstraint", "createCheckConstraints"):
            ops = []
            for check in _items(second):
                options = _options(check)
                column = _not_null_expression(self.text(options.get("expression")))
                flags = frozenset({"not-null-check"}) if column else frozenset()
                ops.append(replace(base, action="add-constraint", constraint="check", column=column,
                                   name=self.text(options.get("name")), flags=flags))
            return ops
        if method == "createPrimaryKey":
            return [replace(base, action="add-constraint", constraint="primary-key",
                            columns=tuple(strings_of(second, self.view.consts) or ()))]
        return []

    def _typeorm_table(self, node) -> str:
        node = unwrap(node)
        if node is not None and node.type == "new_expression":
            return self.text(_options(node).get("name"))
        return self.text(node)

    def _name_of(self, node) -> str:
        node = unwrap(node)
        if node is not None and node.type in ("new_expression", "object"):
            return self.text(_options(node).get("name"))
        return self.text(node)

    def _typeorm_create(self, base: Op, table_node) -> list[Op]:
        options = _options(table_node)
        table = self.text(options.get("name"))
        ops = [replace(base, action="create-table", table=table)]
        inside = replace(base, table=table, flags=frozenset({"in-create"}))
        for column in _items(options.get("columns")):
            ops.extend(self._typeorm_column(inside, column))
        for index in _items(options.get("indices")):
            found = _options(index)
            ops.append(replace(inside, action="create-index", name=self.text(found.get("name")),
                               columns=tuple(strings_of(found.get("columnNames"), self.view.consts) or ())))
        for key in _items(options.get("foreignKeys")):
            found = _options(key)
            ops.append(replace(inside, action="add-constraint", constraint="foreign-key",
                               columns=tuple(strings_of(found.get("columnNames"), self.view.consts) or ()),
                               references=self.text(found.get("referencedTableName"))))
        for unique in _items(options.get("uniques")):
            found = _options(unique)
            ops.append(replace(inside, action="add-constraint", constraint="unique",
                               columns=tuple(strings_of(found.get("columnNames"), self.view.consts) or ())))
        return ops

    def _typeorm_column(self, base: Op, node) -> list[Op]:
        options = _options(node)
        if not options:
            return [replace(base, action="add-column")]
        column = self.text(options.get("name"))
        ctype = self._typeorm_type(options)
        line = unwrap(node).start_point[0] + 1
        base = replace(base, line=line, end_line=unwrap(node).end_point[0] + 1)
        flags: set[str] = set()
        default = ""
        primary = text_of(options.get("isPrimary")) == "true"
        if text_of(options.get("isNullable")) != "true" or primary:
            flags.add("not-null")
        if "default" in options and text_of(options["default"]) not in ("null", "undefined"):
            flags.add("has-default")
            raw = options["default"]
            default = self.text(raw) if unwrap(raw).type in ("string", "template_string") else text_of(raw)
            if default and sql_expression_volatile(default):
                flags.add("volatile-default")
        if text_of(options.get("isGenerated")) == "true":
            strategy = self.text(options.get("generationStrategy")) or "increment"
            flags |= {"has-default", "volatile-default"}
            default = "a uuid generated per row" if strategy == "uuid" else "an identity sequence"
        return _added_column(base, column, ctype, default, flags, primary,
                             unique=text_of(options.get("isUnique")) == "true")

    def _typeorm_type(self, options: dict) -> str:
        raw = self.text(options.get("type"))
        if not raw:
            return ""
        mods = [text_of(options[k]) for k in ("length", "precision", "scale") if k in options]
        mods = [m.strip("'\"") for m in mods if m.strip("'\"").isdigit()]
        ctype = pg_type(raw)
        if mods and "(" not in ctype:
            ctype = f"{ctype}({','.join(mods)})"
        return ctype + ("[]" if text_of(options.get("isArray")) == "true" else "")

    def _typeorm_change(self, base: Op, old, new) -> list[Op]:
        old_options, new_options = _options(old), _options(new)
        column = self._name_of(old) or self.text(new_options.get("name"))
        on = replace(base, column=column)
        if not new_options:
            return [replace(on, action="alter-table")]
        ops: list[Op] = []
        new_type = self._typeorm_type(new_options)
        old_type = self._typeorm_type(old_options) if old_options else ""
        if old_type and new_type and old_type != new_type:
            ops.append(replace(on, action="alter-type", new_type=new_type, old_type=old_type))
        if (old_options and text_of(old_options.get("isNullable")) == "true"
                and text_of(new_options.get("isNullable")) != "true"):
            ops.append(replace(on, action="set-not-null"))
        new_name = self.text(new_options.get("name"))
        if column and new_name and new_name != column:
            ops.append(replace(on, action="rename-column", new_name=new_name))
        return ops or [replace(on, action="alter-table")]

    # ------------------------------------------------------------------ Sequelize

    def sequelize(self, call, method: str) -> list[Op]:
        args = arguments_of(call)
        base = self.base(call, f"queryInterface.{method}()")
        table = self._sequelize_table(args[0]) if args else ""
        base = replace(base, table=table)
        second = args[1] if len(args) > 1 else None
        third = args[2] if len(args) > 2 else None
        if method == "createTable":
            ops = [replace(base, action="create-table")]
            inside = replace(base, flags=frozenset({"in-create"}))
            for name, value in object_pairs(second).items():
                if name != "...":
                    ops.extend(self._sequelize_column(inside, name, value))
            return ops
        if method == "addColumn":
            return self._sequelize_column(base, self.text(second), third)
        if method == "removeColumn":
            return [replace(base, action="drop-column", column=self.text(second))]
        if method == "changeColumn":
            on = replace(base, column=self.text(second))
            ops = [replace(on, action="alter-table")]
            if text_of(object_pairs(third).get("allowNull")) == "false":
                ops.append(replace(on, action="set-not-null"))
            return ops
        if method == "renameColumn":
            return [replace(base, action="rename-column", column=self.text(second), new_name=self.text(third))]
        if method == "renameTable":
            return [replace(base, action="rename-table", new_name=self._sequelize_table(second))]
        if method in ("dropTable", "dropAllTables"):
            return [replace(base, action="drop-table")]
        if method == "addIndex":
            options = object_pairs(second) if unwrap(second) is not None and unwrap(second).type == "object" \
                else object_pairs(third)
            fields = second if unwrap(second) is not None and unwrap(second).type == "array" else options.get("fields")
            flags = set()
            if text_of(options.get("unique")) == "true" or self.text(options.get("type")).upper() == "UNIQUE":
                flags.add("unique")
            if text_of(options.get("concurrently")) == "true":
                flags.add("concurrently")
            return [replace(base, action="create-index", name=self.text(options.get("name")),
                            columns=self._fields(fields), flags=frozenset(flags))]
        if method == "removeIndex":
            flags = frozenset({"concurrently"}) if text_of(object_pairs(third).get("concurrently")) == "true" \
                else frozenset()
            name = self.text(second)
            return [replace(base, action="drop-index", name=name, columns=() if name else self._fields(second),
                            flags=flags)]
        if method == "addConstraint":
            options = object_pairs(third) if unwrap(second) is not None and unwrap(second).type == "array" \
                else object_pairs(second)
            fields = second if unwrap(second) is not None and unwrap(second).type == "array" else options.get("fields")
            kind = self.text(options.get("type")).lower()
            label = {"unique": "unique", "primary key": "primary-key", "foreign key": "foreign-key",
                     "check": "check"}.get(kind)
            if label is None:
                return [replace(base, action="alter-table")]
            references = object_pairs(options.get("references"))
            return [replace(base, action="add-constraint", constraint=label, name=self.text(options.get("name")),
                            columns=self._fields(fields),
                            references=self._sequelize_table(references.get("table")) if references else "")]
        if method in ("bulkInsert", "bulkUpdate", "bulkDelete"):
            return [replace(base, action="dml")]
        if method == "removeConstraint":
            return [replace(base, action="alter-table", name=self.text(second))]
        return []

    def _sequelize_table(self, node) -> str:
        node = unwrap(node)
        if node is not None and node.type == "object":
            return self.text(object_pairs(node).get("tableName"))
        return self.text(node)

    def _fields(self, node) -> tuple[str, ...]:
        node = unwrap(node)
        if node is None or node.type != "array":
            value = self.text(node) if node is not None else ""
            return (value,) if value else ()
        found = []
        for item in node.named_children:
            if item.type == "object":
                pairs = object_pairs(item)
                found.append(self.text(pairs.get("name") or pairs.get("attribute")))
            else:
                found.append(self.text(item))
        return tuple(f for f in found if f)

    def _sequelize_column(self, base: Op, column: str, node) -> list[Op]:
        attributes = object_pairs(node)
        type_node = attributes.get("type") if attributes else node
        ctype = _sequelize_type(type_node, self.view)
        if node is not None:
            base = replace(base, line=unwrap(node).start_point[0] + 1 if "in-create" in base.flags else base.line)
        flags: set[str] = set()
        default = ""
        primary = text_of(attributes.get("primaryKey")) == "true"
        if text_of(attributes.get("allowNull")) == "false" or primary:
            flags.add("not-null")
        if "defaultValue" in attributes:
            default, volatile = self._sequelize_default(attributes["defaultValue"])
            if default:
                flags.add("has-default")
                if volatile:
                    flags.add("volatile-default")
        if text_of(attributes.get("autoIncrement")) == "true":
            flags |= {"not-null", "has-default", "volatile-default"}
            default = "a serial sequence"
            ctype = "bigserial" if ctype == "int8" else "serial"
        ops = _added_column(base, column, ctype, default, flags, primary,
                            unique=text_of(attributes.get("unique")) == "true")
        references = object_pairs(attributes.get("references"))
        if references:
            model = unwrap(references.get("model"))
            target = self._sequelize_table(model) if model is not None else ""
            ops.append(replace(base, action="add-constraint", constraint="foreign-key", columns=(column,),
                               column=column, references=target, flags=base.flags | {"inline"}))
        return ops

    def _sequelize_default(self, node) -> tuple[str, bool]:
        """The default's text and whether it is volatile; ("", False) for a JavaScript-side default."""
        node = unwrap(node)
        if node is None or text_of(node) in ("null", "undefined"):
            return "", False
        chain = member_names(node if node.type != "call_expression" else callee(node))
        if chain[-1:] and chain[-1] in SEQUELIZE_JS_DEFAULTS and node.type != "call_expression":
            return "", False
        if node.type == "call_expression" and chain[-1:] in (["literal"], ["fn"]):
            args = arguments_of(node)
            text = self.text(args[0]) if args else ""
            if chain[-1] == "fn":
                text = f"{text}()"
            return text or "an expression", bool(text and sql_expression_volatile(text))
        return text_of(node), False


# ---------------------------------------------------------------------------------------------
# Helpers


def _added_column(base: Op, column: str, ctype: str, default: str, flags: set[str], primary: bool,
                  unique: bool) -> list[Op]:
    """A column added by a TypeORM or Sequelize migration, with its inline primary-key or unique
    constraint (the primary key wins: it is unique already)."""
    ops = [replace(base, action="add-column", column=column, new_type=ctype, default=default,
                   flags=base.flags | flags)]
    inline = base.flags | {"inline"}
    if primary:
        ops.append(replace(base, action="add-constraint", constraint="primary-key", columns=(column,),
                           flags=inline))
    elif unique:
        ops.append(replace(base, action="add-constraint", constraint="unique", columns=(column,), flags=inline))
    return ops


def _continues_chain(call) -> bool:
    """Is this call the receiver of a longer chain (`t.string('a')` in `t.string('a').notNullable()`)?"""
    parent = call.parent
    return parent is not None and parent.type == "member_expression" and parent.parent is not None \
        and parent.parent.type == "call_expression"


def _is_argument(call) -> bool:
    """Is the call an argument of another call (other than `Promise.all([...])`)?"""
    parent = call.parent
    if parent is None or parent.type != "arguments":
        return False
    owner = parent.parent
    return member_names(callee(owner))[:1] != ["Promise"]


def _chain(call) -> list:
    """`t.string('a', 20).notNullable()` -> [("t", []), ("string", [args]), ("notNullable", [])]."""
    links = []
    node = call
    for _ in range(64):
        node = unwrap(node)
        if node is None:
            return []
        if node.type == "call_expression":
            function = unwrap(node.child_by_field_name("function"))
            if function is None or function.type != "member_expression":
                return []
            links.append((text_of(function.child_by_field_name("property")), arguments_of(node)))
            node = function.child_by_field_name("object")
        elif node.type == "identifier":
            links.append((text_of(node), []))
            return list(reversed(links))
        else:
            return []
    return []


def _items(node) -> list:
    node = unwrap(node)
    if node is None:
        return []
    if node.type == "array":
        return [c for c in node.named_children if c.type != "comment"]
    return [node]


def _options(node):
    """The options of `new TableColumn({...})` or a plain `{...}`."""
    node = unwrap(node)
    if node is not None and node.type == "new_expression":
        args = arguments_of(node)
        node = unwrap(args[0]) if args else None
    return object_pairs(node) if node is not None and node.type == "object" else {}


def pg_type(text: str) -> str:
    """A type as written (`character varying(20)`, `int`, `timestamp with time zone`) in the
    canonical form of `type_name`; the lower-cased text when pglast cannot read it."""
    script = parse_script(f"CREATE TABLE t (c {text})")
    for statement in script.statements:
        elements = getattr(statement.node, "tableElts", None) or ()
        for element in elements:
            found = type_name(getattr(element, "typeName", None))
            if found:
                return found
    return text.strip().lower()


def _knex_type(method: str, args: list, view: FileView) -> str:
    base = KNEX_TYPES.get(method, "")
    if method == "specificType":
        written = string_of(args[1], view.consts) if len(args) > 1 else None
        return pg_type(written) if written else ""
    numbers = [text_of(a) for a in args[1:3] if a.type == "number"]
    if method == "string":
        return f"varchar({numbers[0] if numbers else 255})"
    if method == "decimal":
        mods = numbers or ["8", "2"]
        return f"numeric({','.join(mods)})"
    if method in ("datetime", "timestamp") and len(args) > 1:
        option = unwrap(args[1])
        if option is not None and (text_of(option) == "true"
                                   or text_of(object_pairs(option).get("useTz")) == "false"):
            return "timestamp"
    return base


def _sequelize_type(node, view: FileView) -> str:
    node = unwrap(node)
    if node is None:
        return ""
    args = []
    if node.type == "call_expression":
        args = arguments_of(node)
        node = callee(node)
    chain = member_names(node)
    if not chain:
        return ""
    name = chain[-1]
    if name not in SEQUELIZE_TYPES:
        return ""
    base = SEQUELIZE_TYPES[name]
    numbers = [text_of(a) for a in args if a.type == "number"]
    if name == "STRING":
        return f"varchar({numbers[0] if numbers else 255})"
    if numbers and name in ("DECIMAL", "NUMERIC", "CHAR"):
        return f"{base}({','.join(numbers)})"
    return base


def _not_null_expression(expression: str) -> str:
    if not expression:
        return ""
    script = parse_script(f"SELECT 1 WHERE {expression}")
    for statement in script.statements:
        return not_null_check_column(getattr(statement.node, "whereClause", None))
    return ""


def is_migration_path(path: str) -> bool:
    """The files `prodcheck migrations` should read for these tools: JS/TS under a directory named
    `migrations`, `migration` (TypeORM's default) or `migrate`."""
    pure = PurePosixPath(path)
    if not pure.name.endswith((".js", ".ts", ".mjs", ".cjs", ".mts", ".cts")) or pure.name.endswith(".d.ts"):
        return False
    return any(part.lower() in ("migrations", "migration", "migrate") for part in pure.parts[:-1])


__all__ = ["CALL_PREFIXES", "is_migration_path", "pg_type", "read_javascript_migration"]
