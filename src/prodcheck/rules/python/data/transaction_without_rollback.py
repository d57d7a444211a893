"""
## What it does
Flags an `except` block that swallows a failed commit and then keeps using the session or
connection without rolling back: a `try:` whose body calls `session.commit()`, `db.commit()`,
`db.session.commit()` or `conn.commit()` (SQLAlchemy sessions and connections, DB-API connections),
with a handler that catches database errors (`except Exception:`, a bare `except:`,
`IntegrityError`, `SQLAlchemyError`, `psycopg2.Error`, `sqlite3.Error`, ...) and neither calls
`.rollback()`, closes the session, nor raises, when the same session or connection is used again
afterwards: in the handler itself, in a statement after the `try`, or in the next round of the loop
around it.

Also flags a transaction opened by hand in a function that commits it but has no rollback at all:
`cursor.execute("BEGIN")` / `"START TRANSACTION"`, or `tx = conn.begin()` / `session.begin()`
called outside a `with` statement.

A handler that re-raises (or raises another exception) hands the failure to the caller: a
request-scoped session (a FastAPI dependency with `finally: db.close()`, Flask-SQLAlchemy's
teardown) is then closed, which rolls back. A handler that swallows the error at the end of a
function whose session is closed by its owner is not reported either, for the same reason.

## Why it matters
After a failed flush or commit, SQLAlchemy marks the session's transaction inactive: every later
query raises `PendingRollbackError` ("This Session's transaction has been rolled back due to a
previous exception during flush") until `rollback()` is called. A DB-API connection to PostgreSQL
stays in an aborted transaction ("current transaction is aborted, commands ignored until end of
transaction block") and keeps its locks. One bad row in a batch loop then fails every row after
it, and a worker holding the session fails every job until it is restarted.

## Example
    import logging

    from sqlalchemy.exc import IntegrityError

    log = logging.getLogger(__name__)


    def import_customers(session, rows):
        for row in rows:
            session.add(Customer(**row))
            try:
                session.commit()
            except IntegrityError:
                log.warning("duplicate customer %s", row["email"])

## Use instead
    import logging

    from sqlalchemy.exc import IntegrityError

    log = logging.getLogger(__name__)


    def import_customers(session, rows):
        for row in rows:
            session.add(Customer(**row))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                log.warning("duplicate customer %s", row["email"])

## Known limitations
Sessions and connections are recognised by their names (`session`, `db`, `conn`, `connection`,
`tx`, ...); the session is followed by that name within one function. A handler that swallows the
error where nothing uses the session afterwards is trusted to run in a request whose session is
closed for it. Handlers that only catch other errors (`except ValueError:`) are not reported. For
manual transactions, any rollback (or close) in the function counts, on whichever path it is.
"""
from __future__ import annotations

import ast
import re

from prodcheck.facts.extractors.python_common import const_str, dotted, name_tokens, walk_local
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import ancestors, is_broad_handler
from prodcheck.rules.python.data_helpers import is_test_or_migration
from prodcheck.rules.python.helpers import enclosing_def, parent_of, qualified

TX_WORDS = frozenset({"session", "sess", "db", "dbsession", "conn", "connection", "con", "cnx", "transaction",
                      "tx", "txn", "trans", "database", "uow", "dbconn", "sqlite", "pg"})
NOT_TX_WORDS = frozenset({"http", "client", "git", "repo", "index", "kafka", "consumer", "producer", "offset",
                          "redis", "cache", "mq", "channel", "zk"})
DB_ERROR_MODULES = ("sqlalchemy.", "psycopg2", "psycopg.", "sqlite3.", "pymysql.", "MySQLdb.", "mysql.connector.",
                    "asyncpg.", "django.db.", "sqlmodel.", "pyodbc.", "oracledb.")
DB_ERROR_NAMES = frozenset({"IntegrityError", "OperationalError", "DatabaseError", "DBAPIError", "SQLAlchemyError",
                            "InvalidRequestError", "StaleDataError", "DataError", "ProgrammingError",
                            "InterfaceError", "InternalError", "NotSupportedError", "PendingRollbackError",
                            "UniqueViolation", "FlushError"})
RELEASING = frozenset({"rollback", "close", "invalidate", "expunge_all", "remove", "abort"})
BEGIN_SQL = re.compile(r"^\s*(BEGIN|START\s+TRANSACTION)\b", re.I)
ROLLBACK_SQL = re.compile(r"^\s*ROLLBACK\b", re.I)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)


def check(node: ast.AST, ctx):
    if is_test_or_migration(ctx):
        return
    if isinstance(node, ast.Call):
        yield from _manual_begin(node, ctx)
        return
    if not node.handlers:
        return
    commits = _commits(node)
    if not commits:
        return
    receivers = {dotted(c.func.value) for c in commits}
    for handler in node.handlers:
        if not _catches_db_errors(handler, ctx) or _handles(handler):
            continue
        receiver, reuse = _reused(node, handler, receivers, ctx)
        if not receiver:
            continue
        commit = next(c for c in commits if dotted(c.func.value) == receiver)
        yield ctx.finding(
            RULE, handler,
            f"this `except` swallows a failed `{receiver}.commit()` without `{receiver}.rollback()`, and "
            f"`{receiver}` is used again {reuse}", related=(commit,),
            confidence=Confidence.HIGH if _strong_name(receiver) else Confidence.MEDIUM)
        return


def _manual_begin(call: ast.Call, ctx):
    """`cur.execute("BEGIN")` or `tx = session.begin()` outside `with`, in a function that commits
    but never rolls back."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in ("execute", "begin"):
        return
    if func.attr == "execute":
        statement = const_str(call.args[0]) if call.args else None
        if not statement or not BEGIN_SQL.match(statement):
            return
        label = f"`{dotted(func) or 'execute'}(\"{statement.strip()}\")`"
    else:
        if call.args or call.keywords or not _transactional(func.value) or _in_with(call, ctx):
            return
        label = f"`{dotted(func)}()` outside a `with` block"
    function = enclosing_def(ctx, call)
    if function is None:
        return
    commits = rollbacks = False
    for inner in walk_local(function):
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute):
            if inner.func.attr in RELEASING:
                rollbacks = True
            elif inner.func.attr == "commit":
                commits = True
            elif inner.func.attr == "execute" and inner.args and ROLLBACK_SQL.match(const_str(inner.args[0]) or ""):
                rollbacks = True
        elif isinstance(inner, ast.Constant) and isinstance(inner.value, str) and ROLLBACK_SQL.match(inner.value):
            rollbacks = True
    if commits and not rollbacks:
        yield ctx.finding(RULE, call, f"{label} opens a transaction that this function commits but never rolls "
                                      "back: an error before the commit leaves it open")


def _in_with(call: ast.Call, ctx) -> bool:
    parent = parent_of(ctx, call)
    while isinstance(parent, ast.Await):
        parent = parent_of(ctx, parent)
    return isinstance(parent, ast.withitem) or isinstance(parent, (ast.Return, ast.Call, ast.keyword))


def _commits(node: ast.Try) -> list[ast.Call]:
    """`x.commit()` calls in the `try` body (not in nested functions or in a nested `try` that has
    handlers of its own), on a receiver named like a session or connection."""
    found = []
    stack: list[ast.AST] = list(node.body)
    while stack:
        current = stack.pop()
        if isinstance(current, _FUNCTIONS) or isinstance(current, ast.Try) and current.handlers:
            if isinstance(current, ast.Try):
                stack.extend(current.orelse)
                stack.extend(current.finalbody)
            continue
        if isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute) \
                and current.func.attr == "commit" and not current.args and _transactional(current.func.value):
            found.append(current)
        stack.extend(ast.iter_child_nodes(current))
    return found


def _transactional(receiver: ast.AST) -> bool:
    name = dotted(receiver)
    if not name:
        return False
    words = set(name_tokens(name.split(".")[-1]))
    every = {w for part in name.split(".") for w in name_tokens(part)}
    return bool(words & TX_WORDS) and not every & NOT_TX_WORDS


def _strong_name(receiver: str) -> bool:
    return bool(set(name_tokens(receiver.split(".")[-1])) & {"session", "sess", "dbsession", "conn", "connection"})


def _catches_db_errors(handler: ast.ExceptHandler, ctx) -> bool:
    if is_broad_handler(ctx, handler):
        return True
    kind = handler.type
    elements = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    for element in elements:
        name = qualified(ctx, element) or dotted(element)
        if name.startswith(DB_ERROR_MODULES) or name.rsplit(".", 1)[-1] in DB_ERROR_NAMES:
            return True
    return False


def _handles(handler: ast.ExceptHandler) -> bool:
    """The handler re-raises, rolls back, or closes the session (which rolls back)."""
    for stmt in handler.body:
        for inner in ast.walk(stmt):
            if isinstance(inner, ast.Raise):
                return True
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) \
                    and inner.func.attr in RELEASING:
                return True
    return False


def _reused(node: ast.Try, handler: ast.ExceptHandler, receivers: set[str], ctx) -> tuple[str, str]:
    """(receiver, where) when a receiver is used after the failed commit: in the handler, after the
    `try`, or on the next pass of an enclosing loop; ("", "") otherwise."""
    for receiver in sorted(receivers):
        if _mentions(handler.body, receiver):
            return receiver, "in the same `except` block"
    child: ast.AST = node
    for parent in ancestors(ctx, node):
        if isinstance(parent, _LOOPS) and child in parent.body:
            if _ends_loop(handler):
                break
            for receiver in sorted(receivers):
                return receiver, "on the next pass of the loop"
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and child in block:
                later = block[block.index(child) + 1:]
                for receiver in sorted(receivers):
                    if _mentions(later, receiver):
                        return receiver, "after the `try`"
        if isinstance(parent, (*_FUNCTIONS, ast.ExceptHandler)):
            break
        child = parent
    return "", ""


def _ends_loop(handler: ast.ExceptHandler) -> bool:
    """`return` or `break` in the handler: no next pass reuses the session."""
    return any(isinstance(inner, (ast.Return, ast.Break)) for stmt in handler.body for inner in ast.walk(stmt))


def _mentions(statements: list[ast.stmt], receiver: str) -> bool:
    for stmt in statements:
        for inner in ast.walk(stmt):
            if isinstance(inner, ast.Attribute) and dotted(inner.value) == receiver:
                return True
    return False


RULE = NodeRule(
    id="PY-DATA-008", slug="transaction-without-rollback", area=Area.DATA,
    title="Transaction without a rollback path",
    fix="Call `session.rollback()` (or `conn.rollback()`) in the `except` block before using the session "
        "again, or re-raise; better, use `with session.begin():` so the rollback happens by itself.",
    rows=("DATA-07",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-772",),
    example_path="importer.py", coverage="partial",
    coverage_note="swallowed commit failures, manual BEGIN and begin() outside `with`, per function",
    visits=(ast.Try, ast.Call), check=check,
)
