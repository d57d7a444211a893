"""Helpers of the Go data-layer and reliability rules (rows, statements, transactions, response
bodies, contexts). Every answer is derived from the syntax of one file; per-file indexes are
memoised in `ctx.data`, so each rule stays one cheap pass per function.

- `expr_type(expr, at, ctx)`: (import path, type name) of an identifier or `x.field` whose type is
  written in this file (a parameter, a `var`, a local built by a known constructor, a field of a
  struct declared here); ("", "") when unknown;
- `handle_kind(operand, at, ctx)`: "tx", "db" or "" for the receiver of a database call, by type
  when known, else by name (`db`, `s.db`, `pool`, `tx`, `r.DB.WithContext(ctx)`);
- `assigned_target(call)`: the first left-hand target of `x, err := call` / `x = call`, or the
  marker "discarded" when the call is a statement or its first result goes to `_`;
- `fate(name, func, after, closers)`: how a local resource variable ends: closed (one of
  `closers` called on it, deferred or not), returned, passed to a call, or stored elsewhere;
- `handler_of(node, ctx)`: the request handler whose body holds `node` (literals included),
  `handler_callers(ctx)` / `request_path(node, ctx)`: the functions of this file that handlers
  call (two hops), and `context_source(func, ctx)` / `own_context(func, ctx)`: the expression
  that yields the request's or caller's context;
- `http_call(call, ctx)`: an outbound `net/http` request (package helper, `http.DefaultClient`,
  an `*http.Client`);
- `transaction_callback(literal)`: the `func` literal run by `db.Transaction(...)` and the like.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from prodcheck.facts.extractors.go_common import (
    FUNCTION_TYPES, body_of, call_parts, declared_type, declared_value, enclosing_function, function_name,
    handler_params, local_declaration, params_of, receiver_type, selector_names, string_of, type_ref,
    unparen, walk_local, words,
)
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.go.helpers import view

SQL_PATHS = ("database/sql",)
SQLX_PATHS = ("github.com/jmoiron/sqlx",)
PGX_PATHS = ("github.com/jackc/pgx/v5", "github.com/jackc/pgx/v4", "github.com/jackc/pgx")
PGXPOOL_PATHS = ("github.com/jackc/pgx/v5/pgxpool", "github.com/jackc/pgx/v4/pgxpool")
GORM_PATHS = ("gorm.io/gorm", "github.com/jinzhu/gorm")

DB_TYPES: dict[tuple[str, str], str] = {
    ("database/sql", "DB"): "db", ("database/sql", "Conn"): "db", ("database/sql", "Tx"): "tx",
    ("github.com/jmoiron/sqlx", "DB"): "db", ("github.com/jmoiron/sqlx", "Conn"): "db",
    ("github.com/jmoiron/sqlx", "Tx"): "tx",
    **{(p, "Pool"): "db" for p in PGXPOOL_PATHS}, **{(p, "Conn"): "db" for p in PGXPOOL_PATHS},
    **{(p, "Tx"): "tx" for p in PGXPOOL_PATHS},
    **{(p, "Conn"): "db" for p in PGX_PATHS}, **{(p, "Tx"): "tx" for p in PGX_PATHS},
    **{(p, "DB"): "gorm" for p in GORM_PATHS},
}
ROWS_TYPES = frozenset({("database/sql", "Rows"), ("github.com/jmoiron/sqlx", "Rows"),
                        *((p, "Rows") for p in PGX_PATHS)})
CONSTRUCTED = {           # (package path, function) -> the type its first result has
    ("database/sql", "Open"): ("database/sql", "DB"),
    ("github.com/jmoiron/sqlx", "Open"): ("github.com/jmoiron/sqlx", "DB"),
    ("github.com/jmoiron/sqlx", "Connect"): ("github.com/jmoiron/sqlx", "DB"),
    ("github.com/jmoiron/sqlx", "MustConnect"): ("github.com/jmoiron/sqlx", "DB"),
    ("github.com/jmoiron/sqlx", "MustOpen"): ("github.com/jmoiron/sqlx", "DB"),
    ("github.com/jmoiron/sqlx", "NewDb"): ("github.com/jmoiron/sqlx", "DB"),
    **{(p, "Connect"): (p, "Conn") for p in PGX_PATHS},
    **{(p, name): (p, "Pool") for p in PGXPOOL_PATHS for name in ("New", "Connect", "NewWithConfig",
                                                                  "ConnectConfig")},
    **{(p, "Open"): (p, "DB") for p in GORM_PATHS},
}
TX_WORDS = frozenset({"tx", "txn", "trx", "transaction", "dbtx"})
DB_WORDS = frozenset({"db", "database", "conn", "pool", "sqldb", "dbx", "pgx", "pg", "sqlx", "dbconn",
                      "dbpool", "pgpool", "gorm", "orm", "gdb", "mysql", "postgres", "sqlite", "pgdb",
                      "dbs", "maindb", "readdb", "writedb"})
HTTP_CLIENT_WORDS = frozenset({"client", "http", "httpclient", "hc", "cli", "web"})
DISCARDED = "discarded"
_SQL_START = re.compile(r"^\s*(select|with|insert|update|delete|upsert|merge|replace|show|call|values|"
                        r"explain|table)\b", re.I)


# ---------------------------------------------------------------- types

def _package_var_types(ctx) -> dict[str, object]:
    """Package-level `var name T` declarations of this file: name -> type node."""
    file_view = view(ctx)
    key = "go.data.package-var-types"
    found = ctx.data.get(key)
    if found is None:
        found = {}
        root = ctx.file.tree.root_node if ctx.file.tree is not None else None
        for node in (root.named_children if root is not None else []):
            if node.type != "var_declaration":
                continue
            for spec in file_view.walk_local(node):
                if spec.type == "var_spec" and spec.child_by_field_name("type") is not None:
                    for name in spec.children_by_field_name("name"):
                        found[file_view.text(name)] = spec.child_by_field_name("type")
        ctx.data[key] = found
    return found


def _field_type(struct_name: str, field_name: str, ctx):
    file_view = view(ctx)
    struct = file_view.structs.get(struct_name)
    if struct is None:
        return None
    for decl in file_view.walk_local(struct):
        if decl.type == "field_declaration" and any(
                file_view.text(n) == field_name for n in decl.children_by_field_name("name")):
            return decl.child_by_field_name("type")
        if decl.type == "field_declaration" and not list(decl.children_by_field_name("name")):
            kind = decl.child_by_field_name("type")       # embedded `*gorm.DB` answers `x.DB`
            if kind is not None and file_view.text(kind).rsplit(".", 1)[-1].lstrip("*") == field_name:
                return kind
    return None


def expr_type(expr, at, ctx) -> tuple[str, str]:
    """(import path, type name) of an identifier or a field selector, when this file shows it."""
    file_view = view(ctx)
    node = unparen(expr)
    if node is None:
        return "", ""
    if node.type == "identifier":
        name = file_view.text(node)
        decl = local_declaration(name, at, file_view)
        if decl is None:
            kind = _package_var_types(ctx).get(name)
            if kind is not None:
                return type_ref(kind, file_view)
            value = file_view.package_vars.get(name)
            return _value_type(value, ctx)
        kind = declared_type(decl, name)
        if kind is not None:
            return type_ref(kind, file_view)
        return _value_type(declared_value(decl, name), ctx)
    if node.type == "selector_expression":
        owner = unparen(node.child_by_field_name("operand"))
        field_name = file_view.text(node.child_by_field_name("field"))
        owner_type = _owner_struct(owner, at, ctx)
        if owner_type:
            kind = _field_type(owner_type, field_name, ctx)
            if kind is not None:
                return type_ref(kind, file_view)
    return "", ""


def _owner_struct(owner, at, ctx) -> str:
    """The name of the struct (declared in this file) an identifier or receiver has."""
    file_view = view(ctx)
    if owner is None or owner.type != "identifier":
        return ""
    name = file_view.text(owner)
    func = file_view.enclosing_function(at)
    while func is not None:
        if func.type == "method_declaration":
            receiver = func.child_by_field_name("receiver")
            names = [file_view.text(n) for d in (receiver.named_children if receiver is not None else [])
                     for n in d.children_by_field_name("name")]
            if name in names:
                return receiver_type(func)
        func = file_view.enclosing_function(func)
    path, type_name = expr_type(owner, at, ctx)
    return type_name if not path else ""


def _value_type(value, ctx) -> tuple[str, str]:
    file_view = view(ctx)
    value = unparen(value)
    if value is None or value.type != "call_expression":
        return "", ""
    operand, name = file_view.call_parts(value)
    operand = unparen(operand)
    if operand is None or operand.type != "identifier":
        return "", ""
    return CONSTRUCTED.get((file_view.package_path(operand), name), ("", ""))


def chain_root(operand):
    """The receiver a method chain starts from: `h.db.WithContext(ctx).Where(...)` -> `h.db`."""
    node = unparen(operand)
    for _ in range(32):
        if node is None or node.type != "call_expression":
            return node
        function = unparen(node.child_by_field_name("function"))
        if function is None or function.type != "selector_expression":
            return None
        node = unparen(function.child_by_field_name("operand"))
    return None


def handle_kind(operand, at, ctx) -> str:
    """"tx", "db" or "" for the receiver of a database method call."""
    root = chain_root(operand)
    if root is None or root.type not in ("identifier", "selector_expression"):
        return ""
    if root.type == "identifier" and view(ctx).package_path(root):
        return ""                                         # `sql.Open`, a package function
    typed = expr_type(root, at, ctx)
    kind = DB_TYPES.get(typed, "")
    if typed[1] and not kind:
        return ""                                         # a known type that is no database handle
    names = selector_names(root)
    last = set(words(names[-1])) if names else set()
    if kind in ("db", "tx"):
        return kind
    if kind == "gorm":
        return "tx" if last & TX_WORDS or _began(root, at, ctx) else "db"
    if last & TX_WORDS:
        return "tx"
    if last & DB_WORDS:
        return "tx" if _began(root, at, ctx) else "db"
    return ""


def _began(root, at, ctx) -> bool:
    """A local variable that holds a transaction (`tx := db.Begin()`), or the parameter of a
    `db.Transaction(func(tx *gorm.DB) error {...})` callback."""
    file_view = view(ctx)
    if root.type != "identifier":
        return False
    name = file_view.text(root)
    decl = local_declaration(name, at, file_view)
    if decl is None:
        return False
    value = unparen(declared_value(decl, name))
    if value is not None and value.type == "call_expression" and file_view.call_parts(value)[1] in BEGIN_METHODS:
        return True
    if decl.type == "parameter_list" and decl.parent is not None and decl.parent.type == "func_literal":
        return transaction_callback(decl.parent)
    return False


BEGIN_METHODS = frozenset({"Begin", "BeginTx", "Beginx", "BeginTxx", "MustBegin", "MustBeginTx"})
TX_CALLBACKS = frozenset({"Transaction", "BeginFunc", "BeginTxFunc", "ExecuteTx", "RunInTx", "WithTx",
                          "InTx", "InTransaction", "WithTransaction", "RunInTransaction", "Tx"})


def transaction_callback(literal) -> bool:
    """Is this `func` literal the body of a transaction (`db.Transaction(func(tx *gorm.DB) error`,
    `pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error`, `crdb.ExecuteTx(...)`)?"""
    parent = literal.parent
    if parent is None or parent.type != "argument_list" or parent.parent is None:
        return False
    return call_parts(parent.parent)[1] in TX_CALLBACKS


def is_sql_text(node, at, ctx) -> bool:
    """A literal SQL statement, or a non-literal argument named like one (`query`, `q`, `stmt`)."""
    file_view = view(ctx)
    node = unparen(node)
    if node is None:
        return False
    text = string_of(node, file_view.consts, at, file_view)
    if text is not None:
        return bool(_SQL_START.match(text))
    if node.type in ("identifier", "selector_expression"):
        tokens = set(words(file_view.text(node).rsplit(".", 1)[-1]))
        return bool(tokens & {"query", "sql", "q", "stmt", "statement", "select"})
    return node.type in ("call_expression", "binary_expression")


def looks_like_context(node) -> bool:
    node = unparen(node)
    if node is None:
        return False
    text = text_of(node)
    return text in ("ctx", "context.Background()", "context.TODO()") or text.endswith(
        ("Context()", ".ctx", "Ctx", "ctx")) or "context.With" in text


# ---------------------------------------------------------------- assignments and fate

def assigned_target(call):
    """The identifier node the call's first result is bound to; DISCARDED when the result is
    thrown away (a statement, or `_`); None when it goes anywhere else (a field, an argument)."""
    node = call
    while node.parent is not None and node.parent.type == "parenthesized_expression":
        node = node.parent
    parent = node.parent
    if parent is None:
        return None
    if parent.type == "expression_statement":
        return DISCARDED
    if parent.type != "expression_list" or parent.parent is None:
        return None
    holder = parent.parent
    if holder.type not in ("short_var_declaration", "assignment_statement"):
        return None
    values = [c for c in parent.named_children if c.type != "comment"]
    if holder.child_by_field_name("right") is None or holder.child_by_field_name("right").id != parent.id:
        return None
    left = holder.child_by_field_name("left")
    targets = [c for c in (left.named_children if left is not None else []) if c.type != "comment"]
    if len(values) == 1:
        target = targets[0] if targets else None
    else:
        index = [v.id for v in values].index(node.id)
        target = targets[index] if index < len(targets) else None
    if target is None:
        return None
    if target.type == "identifier" and text_of(target) == "_":
        return DISCARDED
    return target if target.type == "identifier" else None


@dataclass
class Fate:
    closed: list = field(default_factory=list)          # the closing calls
    deferred: bool = False                               # one of them runs from a `defer`
    returned: bool = False
    passed: list = field(default_factory=list)           # calls the variable is handed to
    stored: bool = False
    member: Fate | None = None                           # uses of `name.member` other than closing it

    @property
    def released(self) -> bool:
        return bool(self.closed or self.returned or self.passed or self.stored)


def fate(name: str, func, after: int, closers: frozenset[str], member: str = "") -> Fate:
    """How the local `name` (bound at byte offset `after`) ends in `func` (literals included).
    `member` looks at `name.member` instead (`resp.Body`): closing or handing on that member."""
    result = Fate(member=Fate() if member else None)
    for node in walk_local(body_of(func)):
        if node.type != "identifier" or node.start_byte < after or text_of(node) != name:
            continue
        subject = node
        parent = node.parent
        if member:
            if parent is None or parent.type != "selector_expression" \
                    or text_of(parent.child_by_field_name("field")) != member:
                _whole_use(node, result)
                continue
            subject = parent
            parent = parent.parent
        if parent is None:
            continue
        if parent.type == "selector_expression" and parent.child_by_field_name("operand").id == subject.id:
            method = text_of(parent.child_by_field_name("field"))
            call = parent.parent
            if method in closers and call is not None and call.type == "call_expression":
                result.closed.append(call)
                if _deferred(call, func):
                    result.deferred = True
            continue
        _whole_use(subject, result.member if member else result)
    return result


def _whole_use(subject, result: Fate) -> None:
    node = subject
    parent = node.parent
    while parent is not None and parent.type in ("parenthesized_expression", "unary_expression",
                                                 "type_conversion_expression", "type_assertion_expression"):
        node, parent = parent, parent.parent
    if parent is None:
        return
    kind = parent.type
    if kind == "argument_list" and parent.parent is not None:
        result.passed.append(parent.parent)
    elif kind == "expression_list" and parent.parent is not None:
        holder = parent.parent
        if holder.type == "return_statement":
            result.returned = True
        elif holder.type in ("assignment_statement", "short_var_declaration") \
                and holder.child_by_field_name("right") is not None \
                and holder.child_by_field_name("right").id == parent.id:
            result.stored = True
        elif holder.type == "argument_list" and holder.parent is not None:
            result.passed.append(holder.parent)
    elif kind == "return_statement":
        result.returned = True
    elif kind in ("keyed_element", "literal_element", "send_statement", "literal_value", "var_spec"):
        result.stored = True


def _deferred(call, func) -> bool:
    current = call.parent
    while current is not None and current.id != func.id:
        if current.type == "defer_statement":
            return True
        current = current.parent
    return False


def in_defer(node, func=None) -> bool:
    """Inside a `defer` statement (its call or a deferred literal) of `func`, or any function."""
    current = node.parent
    while current is not None and (func is None or current.id != func.id):
        if current.type == "defer_statement":
            return True
        if current.type in ("function_declaration", "method_declaration"):
            return False
        current = current.parent
    return False


# ---------------------------------------------------------------- handlers and contexts

def handler_of(node, ctx, through_goroutines: bool = False):
    """The request handler (net/http, gin, echo, fiber signature) whose body holds `node`; None
    outside handlers, and (unless `through_goroutines`) inside a goroutine started by one."""
    file_view = view(ctx)
    func = file_view.enclosing_function(node)
    while func is not None:
        if file_view.handler_framework(func):
            return func
        if func.type == "func_literal" and not through_goroutines and _goroutine(func):
            return None
        func = file_view.enclosing_function(func)
    return None


def _goroutine(literal) -> bool:
    """`go func() {...}()`: the literal is the called function of a `go` statement."""
    call = literal.parent
    return call is not None and call.type == "call_expression" and call.parent is not None \
        and call.parent.type == "go_statement"


def in_goroutine(node, stop) -> bool:
    """Does a `go` statement lie between `node` and the function `stop`?"""
    current = node.parent
    while current is not None and current.id != stop.id:
        if current.type == "go_statement":
            return True
        current = current.parent
    return False


def context_source(func, ctx) -> str:
    """The expression that gives the request's or caller's context inside `func` (and the
    functions enclosing it): `ctx`, `r.Context()`, `c.Request.Context()`, ... or ""."""
    current = func
    while current is not None:
        found = own_context(current, ctx)
        if found:
            return found
        current = view(ctx).enclosing_function(current)
    return ""


def own_context(func, ctx) -> str:
    """The context `func` itself provides: a `context.Context` parameter or its request's."""
    file_view = view(ctx)
    for name, kind in params_of(func):
        if name and name != "_" and type_ref(kind, file_view) == ("context", "Context"):
            return name
    framework = file_view.handler_framework(func)
    if not framework:
        return ""
    roles = handler_params(func, file_view)
    request = next((n for n, role in roles.items() if role == "request" and n and n != "_"), "")
    context = next((n for n, role in roles.items() if role == "context" and n and n != "_"), "")
    if framework == "net/http" and request:
        return f"{request}.Context()"
    if framework == "gin" and context:
        return f"{context}.Request.Context()"
    if framework == "echo" and context:
        return f"{context}.Request().Context()"
    if framework == "fiber" and context:
        return f"{context}.UserContext()"
    return ""


def is_context_call(call, ctx) -> str:
    """"Background" / "TODO" for `context.Background()` / `context.TODO()`, else ""."""
    file_view = view(ctx)
    operand, name = file_view.call_parts(call)
    operand = unparen(operand)
    if name in ("Background", "TODO") and operand is not None and operand.type == "identifier" \
            and file_view.package_path(operand) == "context":
        return name
    return ""


# ---------------------------------------------------------------- outbound HTTP

HTTP_PACKAGE_CALLS = frozenset({"Get", "Post", "PostForm", "Head"})
HTTP_CLIENT_CALLS = {"Do": 1, "Get": 1, "Post": 3, "PostForm": 2, "Head": 1}


def http_call(call, ctx) -> str:
    """A label (`http.Get`, `client.Do`) when `call` sends an HTTP request through net/http: a
    package helper, `http.DefaultClient`, or a receiver typed `*http.Client` in this file or
    named like a client with the net/http arity; "" otherwise."""
    file_view = view(ctx)
    operand, name = file_view.call_parts(call)
    operand = unparen(operand)
    if operand is None or name not in HTTP_CLIENT_CALLS:
        return ""
    if operand.type == "identifier" and file_view.package_path(operand):
        return f"http.{name}" if file_view.package_path(operand) == "net/http" \
            and name in HTTP_PACKAGE_CALLS else ""
    if len(file_view.arguments(call)) != HTTP_CLIENT_CALLS[name]:
        return ""
    names = selector_names(operand)
    if operand.type == "selector_expression" and names[-1:] == ["DefaultClient"] \
            and file_view.package_path(unparen(operand.child_by_field_name("operand"))) == "net/http":
        return f"http.DefaultClient.{name}"
    if operand.type not in ("identifier", "selector_expression"):
        return ""
    typed = expr_type(operand, call, ctx)
    if typed == ("net/http", "Client"):
        return f"{file_view.text(operand)}.{name}"
    if typed != ("", "") or not names:
        return ""
    if set(words(names[-1])) & HTTP_CLIENT_WORDS and file_view.imports_any("net/http"):
        return f"{file_view.text(operand)}.{name}"
    return ""


def function_calls(func) -> list:
    """The calls of `func`'s own body (nested literals excluded)."""
    return [n for n in walk_local(body_of(func), into_literals=False) if n.type == "call_expression"]


def local_callee(call, ctx):
    """The function or method declared in this file that `call` invokes, or None."""
    file_view = view(ctx)
    operand, name = file_view.call_parts(call)
    if not name:
        return None
    if operand is None:
        return file_view.functions.get(name)
    operand = unparen(operand)
    if operand.type == "identifier" and file_view.package_path(operand):
        return None
    return file_view.method_named(name)


def outer_declaration(node):
    """The function or method declaration (not a literal) that holds `node`."""
    func = enclosing_function(node)
    while func is not None and func.type == "func_literal":
        func = enclosing_function(func)
    return func


def function_name_of(func) -> str:
    return function_name(func) or "func literal"


HANDLER_HOPS = 2


def handler_callers(ctx) -> dict[int, str]:
    """Function or method node id -> the name of a request handler of this file that calls it
    (directly or through one more function of this file). Built once per file."""
    file_view = view(ctx)
    key = "go.data.handler-callers"
    found = ctx.data.get(key)
    if found is not None:
        return found
    found = {}
    root = ctx.file.tree.root_node if ctx.file.tree is not None else None
    handlers = [n for n in file_view.nodes_of(*FUNCTION_TYPES)
                if file_view.handler_framework(n)] if root is not None else []
    frontier = [(h, function_name_of(h)) for h in handlers]
    for _ in range(HANDLER_HOPS):
        following = []
        for func, origin in frontier:
            for inner in function_calls(func):
                callee = local_callee(inner, ctx)
                if callee is None or callee.id in found or file_view.handler_framework(callee):
                    continue
                found[callee.id] = origin
                following.append((callee, origin))
        frontier = following
    ctx.data[key] = found
    return found


def request_path(node, ctx) -> str:
    """"handler `X`" when `node` runs in a request handler, "`f`, called by handler `X`" when it
    runs in a function of this file that a handler calls; "" otherwise."""
    handler = handler_of(node, ctx, through_goroutines=True)
    if handler is not None:
        return f"handler `{function_name_of(handler)}`"
    func = outer_declaration(node)
    caller = handler_callers(ctx).get(func.id) if func is not None else None
    return f"`{function_name(func)}`, called by handler `{caller}`" if caller else ""


__all__ = [
    "BEGIN_METHODS", "DB_TYPES", "DISCARDED", "FUNCTION_TYPES", "Fate", "GORM_PATHS", "PGXPOOL_PATHS", "PGX_PATHS",
    "ROWS_TYPES", "TX_CALLBACKS", "assigned_target",
    "chain_root", "context_source", "expr_type", "fate", "function_calls", "handle_kind", "handler_of",
    "http_call", "in_defer", "in_goroutine", "is_context_call", "is_sql_text", "local_callee",
    "looks_like_context", "outer_declaration", "own_context", "function_name_of", "handler_callers",
    "request_path", "transaction_callback",
]
