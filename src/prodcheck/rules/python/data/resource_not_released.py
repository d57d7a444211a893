"""
## What it does
Flags database connections and sessions opened in a function and never released:
- DB-API connections: `psycopg2.connect`, `psycopg.connect`, `sqlite3.connect`, `pymysql.connect`,
  `MySQLdb.connect`, `mysql.connector.connect`, `pyodbc.connect`, `oracledb.connect`,
  `asyncpg.connect`, and psycopg2 server-side (named) cursors `conn.cursor("name")`;
- SQLAlchemy: `engine.connect()` on an engine (`create_engine(...)`, or a name such as `engine`),
  `Session(engine)`, and sessions made by a `sessionmaker`/`async_sessionmaker` factory
  (`SessionLocal()`, `async_session()`).

A resource counts as released when it is used in a `with`/`async with` statement, closed
(`.close()`), returned or yielded, stored on an object or in a container, or passed to another
function (`contextlib.closing(conn)`, `stack.enter_context(session)`). When it is closed, but not
in a `finally` block (so an exception skips the `close()`), the finding has MEDIUM confidence; in a
request handler that case is left to PY-DATA-005 (connection-per-request), which already reports
the line.

## Why it matters
A connection that is not closed stays open on the database server until the garbage collector gets
to the Python object, and a SQLAlchemy session holds its pooled connection, often inside an open
transaction (`idle in transaction`, holding locks and blocking vacuum). Each leak is small; a leak
per request or per task exhausts the pool (`QueuePool limit ... reached`) or the server's
`max_connections` and the service stops (CWE-772).

## Example
    import psycopg2


    def count_orders(dsn):
        conn = psycopg2.connect(dsn)
        cur = conn.cursor()
        cur.execute("SELECT count(*) FROM orders")
        return cur.fetchone()[0]

## Use instead
    import psycopg2


    def count_orders(dsn):
        conn = psycopg2.connect(dsn)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT count(*) FROM orders")
                return cur.fetchone()[0]
        finally:
            conn.close()

## Known limitations
The resource is followed by its variable name within one function: a resource passed to, stored
by or returned to other code is trusted to be closed there. `with psycopg2.connect(...) as conn:`
and `with sqlite3.connect(...) as conn:` count as released although those context managers end the
transaction without closing the connection. Client-side cursors are not reported (closing the
connection frees them), nor is code at module level, in scripts, tests and migrations.
`scoped_session` registries are not reported.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import const_str, keyword, last_name, walk_local
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import ancestors, is_cli_module
from prodcheck.rules.python.data_helpers import handler_callees, is_test_or_migration, request_handlers
from prodcheck.rules.python.helpers import bindings, bound_constructor, enclosing_def, parent_of, qualified

CONNECTORS = {
    "psycopg2.connect": "PostgreSQL connection", "psycopg.connect": "PostgreSQL connection",
    "psycopg.Connection.connect": "PostgreSQL connection", "psycopg.AsyncConnection.connect": "PostgreSQL connection",
    "asyncpg.connect": "PostgreSQL connection", "sqlite3.connect": "SQLite connection",
    "pymysql.connect": "MySQL connection", "MySQLdb.connect": "MySQL connection",
    "mysql.connector.connect": "MySQL connection", "pyodbc.connect": "ODBC connection",
    "oracledb.connect": "Oracle connection", "cx_Oracle.connect": "Oracle connection",
}
DBAPI = frozenset(name for name in CONNECTORS if name != "asyncpg.connect")
ENGINES = frozenset({"sqlalchemy.create_engine", "sqlalchemy.ext.asyncio.create_async_engine",
                     "sqlmodel.create_engine", "sqlalchemy.engine.create_engine"})
ENGINE_NAMES = frozenset({"engine", "db_engine", "async_engine", "_engine", "sa_engine", "sql_engine"})
SESSION_CLASSES = frozenset({"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session", "sqlmodel.Session",
                             "sqlalchemy.ext.asyncio.AsyncSession", "sqlmodel.ext.asyncio.session.AsyncSession"})
SESSION_FACTORIES = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker",
                               "sqlalchemy.ext.asyncio.async_sessionmaker", "sqlmodel.orm.session.sessionmaker"})
FACTORY_NAMES = frozenset({"SessionLocal", "AsyncSessionLocal", "async_session", "async_session_maker",
                           "async_session_factory", "session_factory", "SessionFactory", "session_maker",
                           "async_session_local"})
RELEASE_ATTRS = frozenset({"close", "aclose", "dispose", "release", "__exit__", "__aexit__"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def check(call: ast.Call, ctx):
    what = _resource(call, ctx)
    if not what:
        return
    function = enclosing_def(ctx, call)
    if function is None or is_test_or_migration(ctx) or is_cli_module(ctx):
        return
    name = _assigned_name(call, ctx)
    if name is None:
        return
    if name == "":
        yield ctx.finding(RULE, call, f"the {what} opened here is dropped without being closed")
        return
    released, close = _fate(name, function, ctx)
    if released:
        return
    if close is None:
        yield ctx.finding(RULE, call, f"the {what} `{name}` is never closed, returned or handed on: use it in a "
                                      "`with` block or close it in `finally`")
        return
    if id(function) in request_handlers(ctx) or id(function) in handler_callees(ctx):
        return                        # PY-DATA-005 reports the line already
    yield ctx.finding(RULE, call, f"the {what} `{name}` is closed only when no exception is raised: close it in "
                                  "`finally` or use a `with` block",
                      related=(close,), confidence=Confidence.MEDIUM)


def _factory_bound_names(ctx) -> frozenset[str]:
    """Names the file binds to a session factory anywhere (`Maker = sessionmaker(...)`)."""
    found = ctx.file.memo.get("py.data006.factory-names")
    if found is None:
        found = frozenset(name for (_scope, name), constructor in bindings(ctx).items()
                          if constructor in SESSION_FACTORIES)
        ctx.file.memo["py.data006.factory-names"] = found
    return found


def _resource(call: ast.Call, ctx) -> str:
    func = call.func
    name = qualified(ctx, func)
    if name in CONNECTORS:
        return CONNECTORS[name]
    if name in SESSION_CLASSES:
        return "SQLAlchemy session"
    if isinstance(func, ast.Name):
        if func.id not in FACTORY_NAMES and func.id not in _factory_bound_names(ctx):
            return ""                 # most calls: no need to climb the scopes for a binding
        bound = bound_constructor(ctx, func)
        if bound in SESSION_FACTORIES or func.id in FACTORY_NAMES and not bound \
                and not name.startswith(("requests.", "httpx.", "aiohttp.")):
            return "SQLAlchemy session"
        return ""
    if not isinstance(func, ast.Attribute):
        return ""
    if func.attr == "connect" and not call.args and not call.keywords:
        bound = bound_constructor(ctx, func.value)
        if bound in ENGINES or not bound and last_name(func.value) in ENGINE_NAMES:
            return "SQLAlchemy connection"
    if func.attr == "cursor" and (call.args and const_str(call.args[0]) or const_str(keyword(call, "name"))) \
            and bound_constructor(ctx, func.value) in DBAPI:
        return "server-side cursor"
    return ""


def _assigned_name(call: ast.Call, ctx) -> str | None:
    """The local name the resource is bound to, "" when the call is a bare statement, None when it
    goes anywhere else (a `with`, a return, an argument, an attribute, a chained call)."""
    parent = parent_of(ctx, call)
    while isinstance(parent, ast.Await):
        parent = parent_of(ctx, parent)
    if isinstance(parent, ast.Expr):
        return ""
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    if isinstance(parent, ast.AnnAssign) and isinstance(parent.target, ast.Name):
        return parent.target.id
    return None


def _fate(name: str, function: ast.AST, ctx) -> tuple[bool, ast.AST | None]:
    """(released, the `close()` call seen on the straight path, if any)."""
    close = None
    for node in walk_local(function):
        if isinstance(node, ast.Global) and name in node.names:
            return True, None
        if not isinstance(node, ast.Name) or node.id != name or not isinstance(node.ctx, ast.Load):
            continue
        parent = parent_of(ctx, node)
        if isinstance(parent, ast.Attribute) and parent.attr in RELEASE_ATTRS:
            called = parent_of(ctx, parent)
            if _in_finally(parent, function, ctx) or not (isinstance(called, ast.Call) and called.func is parent):
                return True, None           # closed in `finally`, or `close` handed to a callback
            close = close or parent
            continue
        if _hands_on(node, parent):
            return True, None
    return False, close


def _hands_on(node: ast.Name, parent: ast.AST | None) -> bool:
    if isinstance(parent, ast.withitem):
        return True
    if isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom, ast.keyword, ast.Tuple, ast.List, ast.Set,
                           ast.Dict, ast.Starred)):
        return True
    if isinstance(parent, ast.Call):
        return parent.func is not node
    if isinstance(parent, (ast.Assign, ast.AnnAssign)):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        return any(not isinstance(t, ast.Name) for t in targets)
    return False


def _in_finally(node: ast.AST, function: ast.AST, ctx) -> bool:
    child = node
    for parent in ancestors(ctx, node):
        if parent is function:
            return False
        if isinstance(parent, ast.Try) and child in parent.finalbody:
            return True
        if isinstance(parent, ast.ExceptHandler):
            return False
        child = parent
    return False


RULE = NodeRule(
    id="PY-DATA-006", slug="resource-not-released", area=Area.DATA,
    title="Database connection or session never closed",
    fix="Open the connection or session in a `with` block (`with engine.connect() as conn:`, "
        "`with SessionLocal() as session:`), or close it in a `finally` block.",
    rows=("DATA-07",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-772",),
    example_path="repository.py", visits=(ast.Call,), check=check,
)
