"""SQL for users."""
from psycopg2.errors import UniqueViolation
from psycopg2.extensions import connection as Connection

from app.errors import Conflict


def insert(conn: Connection, email: str, password_hash: str) -> dict:
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "INSERT INTO users (email, password_hash) VALUES (%s, %s) RETURNING id, email, created_at",
                (email, password_hash),
            )
            user_id, stored_email, created_at = cur.fetchone()
    except UniqueViolation:
        raise Conflict("an account with this email already exists") from None
    return {"id": user_id, "email": stored_email, "created_at": created_at}


def find_credentials(conn: Connection, email: str) -> tuple[int, str] | None:
    with conn, conn.cursor() as cur:
        cur.execute("SELECT id, password_hash FROM users WHERE email = %s", (email,))
        return cur.fetchone()


def get(conn: Connection, user_id: int) -> dict | None:
    with conn, conn.cursor() as cur:
        cur.execute("SELECT id, email, created_at FROM users WHERE id = %s", (user_id,))
        row = cur.fetchone()
    return {"id": row[0], "email": row[1], "created_at": row[2]} if row else None
