"""Database access: one PostgreSQL connection per call."""
import psycopg2

from app.config import DATABASE_URL


def get_connection():
    return psycopg2.connect(DATABASE_URL)
