"""
## What it does
Flags a database or cache connection opened while a request is served: `psycopg2.connect`,
`psycopg.connect`, `pymysql.connect`, `MySQLdb.connect`, `mysql.connector.connect`,
`asyncpg.connect`/`create_pool`, SQLAlchemy `create_engine`/`create_async_engine`, `redis.Redis(...)`/
`redis.from_url(...)`, `pymongo.MongoClient(...)` and motor's `AsyncIOMotorClient(...)`, called in a
request handler (FastAPI/Flask routes, Django and DRF views) or in a function of the same module
that a handler calls.

## Why it matters
Opening a connection costs a TCP (often TLS) handshake and authentication on every request, tens of
milliseconds the pool would have saved, and each request holds a server connection of its own: under
load the database hits `max_connections` and starts refusing everyone. An engine or client object
created per request also builds (and leaks) a whole connection pool each time.

## Example
    import psycopg2
    from flask import Flask, jsonify

    app = Flask(__name__)

    @app.get("/orders/<int:order_id>")
    def get_order(order_id):
        conn = psycopg2.connect("dbname=shop")
        with conn.cursor() as cur:
            cur.execute("SELECT id, total FROM orders WHERE id = %s", (order_id,))
            row = cur.fetchone()
        conn.close()
        return jsonify(id=row[0], total=row[1])

## Use instead
    from flask import Flask, jsonify
    from psycopg2.pool import ThreadedConnectionPool

    app = Flask(__name__)
    pool = ThreadedConnectionPool(1, 20, "dbname=shop")

    @app.get("/orders/<int:order_id>")
    def get_order(order_id):
        conn = pool.getconn()
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT id, total FROM orders WHERE id = %s", (order_id,))
                row = cur.fetchone()
        finally:
            pool.putconn(conn)
        return jsonify(id=row[0], total=row[1])

## Known limitations
SQLite (`sqlite3.connect`) is not reported: it opens a local file, and a connection per request is
the pattern Flask documents. Connections opened in FastAPI dependencies (`Depends(get_conn)`) and in
helpers of other modules are not followed. A client cached by the called function
(`@lru_cache`, a module-level global set once) is not reported.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import last_name
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.data_helpers import handler_callees, is_test_or_migration, request_handlers
from prodcheck.rules.python.helpers import enclosing_def, parent_of, qualified

CONNECTORS = {
    "psycopg2.connect": "PostgreSQL connection", "psycopg.connect": "PostgreSQL connection",
    "psycopg.AsyncConnection.connect": "PostgreSQL connection", "psycopg.Connection.connect": "PostgreSQL connection",
    "asyncpg.connect": "PostgreSQL connection", "asyncpg.create_pool": "PostgreSQL pool",
    "pymysql.connect": "MySQL connection", "MySQLdb.connect": "MySQL connection",
    "mysql.connector.connect": "MySQL connection", "aiomysql.connect": "MySQL connection",
    "sqlalchemy.create_engine": "SQLAlchemy engine (a connection pool)",
    "sqlalchemy.ext.asyncio.create_async_engine": "SQLAlchemy engine (a connection pool)",
    "sqlmodel.create_engine": "SQLAlchemy engine (a connection pool)",
    "redis.Redis": "Redis client", "redis.StrictRedis": "Redis client", "redis.from_url": "Redis client",
    "redis.Redis.from_url": "Redis client", "redis.asyncio.Redis": "Redis client",
    "redis.asyncio.from_url": "Redis client", "redis.asyncio.Redis.from_url": "Redis client",
    "pymongo.MongoClient": "MongoDB client", "motor.motor_asyncio.AsyncIOMotorClient": "MongoDB client",
}
CACHING_DECORATORS = frozenset({"lru_cache", "cache", "cached", "cached_property", "memoize", "once"})


def check(node: ast.Call, ctx):
    if is_test_or_migration(ctx):
        return
    what = CONNECTORS.get(qualified(ctx, node.func))
    if what is None:
        return
    func = enclosing_def(ctx, node)
    if func is None or any(last_name(d.func if isinstance(d, ast.Call) else d) in CACHING_DECORATORS
                           for d in func.decorator_list):
        return
    handler = request_handlers(ctx).get(id(func))
    via = ""
    if handler is None:
        handler = handler_callees(ctx).get(id(func))
        via = f" (`{func.name}()` is called by the handler `{handler.func.name}`)" if handler else ""
    if handler is None or _stored_globally(ctx, node):
        return
    yield ctx.finding(
        RULE, node,
        f"a new {what} is opened on every request{via}: create it once at startup and reuse its pool",
        related=(handler.func,) if via else ())


def _stored_globally(ctx, call: ast.Call) -> bool:
    """`global _engine; if _engine is None: _engine = create_engine(...)`: created once."""
    parent = parent_of(ctx, call)
    if not isinstance(parent, ast.Assign):
        return False
    func = enclosing_def(ctx, call)
    declared = {n for s in ast.walk(func) if isinstance(s, ast.Global) for n in s.names}
    for target in parent.targets:
        if isinstance(target, ast.Name) and target.id in declared:
            return True
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                and target.value.id in ("app", "current_app", "cls"):
            return True
    return False


RULE = NodeRule(
    id="PY-DATA-005", slug="connection-per-request", area=Area.DATA,
    title="Database connection opened per request",
    fix="Create the engine, pool or client once at startup (module level, app factory, FastAPI "
        "lifespan) and borrow connections from its pool in handlers.",
    rows=("DATA-06",), doc=__doc__, confidence=Confidence.HIGH, example_path="app.py",
    coverage="partial", coverage_note="pool sizing and `CONN_MAX_AGE` are not checked",
    visits=(ast.Call,), check=check,
)
