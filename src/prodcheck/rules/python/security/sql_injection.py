"""
## What it does
Follows request data (query and path parameters, form fields, JSON bodies, headers, cookies) from
Flask, FastAPI/Starlette and Django/DRF handlers, through assignments, string building and calls
between the project's own functions, to the text of an SQL statement: DB-API `cursor.execute()` /
`executemany()` / `executescript()`, SQLAlchemy `text()` and `session.execute()` /
`connection.execute()` given a string, Django `Manager.raw()`, `QuerySet.extra()` and `RawSQL()`,
and `pandas.read_sql()`.

## Why it matters
A value pasted into SQL text is parsed as SQL: `' OR '1'='1` widens a filter to every row, and
`'; DROP TABLE users; --` or a `UNION SELECT` reads or destroys data the caller should never reach.
SQL injection leads to full database disclosure and, with some drivers, to code execution.

## Example
    import sqlite3

    from flask import Flask, request

    app = Flask(__name__)


    @app.get("/users")
    def find_users():
        name = request.args.get("name", "")
        db = sqlite3.connect("app.db")
        rows = db.execute(f"SELECT id, name FROM users WHERE name = '{name}'").fetchall()
        return {"users": rows}

## Use instead
    import sqlite3

    from flask import Flask, request

    app = Flask(__name__)


    @app.get("/users")
    def find_users():
        name = request.args.get("name", "")
        db = sqlite3.connect("app.db")
        rows = db.execute("SELECT id, name FROM users WHERE name = ?", (name,)).fetchall()
        return {"users": rows}

## Known limitations
Identifiers cannot be bound as parameters; a table or column name is accepted when it is checked
against a fixed collection (`if column not in ALLOWED: abort(400)`), looked up in a module-level
mapping, or converted with `int()`. Values that only pass through an object's attributes set in
another method, or through a database and back (second-order injection), are not followed.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.python.security.taint_rule import python_taint_rule

RULE = python_taint_rule(
    "sql", doc=__doc__, confidence=Confidence.HIGH,
    fix="Pass request values as bound parameters (`execute(\"... WHERE id = %s\", (value,))`, "
        "`text(\"... :id\").bindparams(id=value)`, the ORM's filters); check identifiers against "
        "an allow-list.",
)
