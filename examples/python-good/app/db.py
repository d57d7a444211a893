"""PostgreSQL access through one bounded connection pool per process.

The pool is opened and closed by the application's lifespan and kept on `app.state`. Every
connection has a connect timeout and a statement timeout; `get_db` hands a request one connection
inside a transaction (commit on success, rollback on error) and always returns it to the pool.
"""
from collections.abc import Iterator

from fastapi import Request
from psycopg2.extensions import connection as Connection
from psycopg2.pool import ThreadedConnectionPool

from app.settings import Settings


def open_pool(settings: Settings) -> ThreadedConnectionPool:
    return ThreadedConnectionPool(
        settings.db_pool_min,
        settings.db_pool_max,
        dsn=str(settings.database_url),
        connect_timeout=settings.db_connect_timeout_s,
        options=f"-c statement_timeout={settings.db_statement_timeout_ms}",
        application_name="orders",
    )


def get_db(request: Request) -> Iterator[Connection]:
    pool: ThreadedConnectionPool = request.app.state.db_pool
    conn = pool.getconn()
    try:
        with conn:
            yield conn
    finally:
        pool.putconn(conn)
