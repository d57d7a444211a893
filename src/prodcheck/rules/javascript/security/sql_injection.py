"""
## What it does
Follows request data in Express, Fastify and NestJS handlers (`req.query`, `req.params`,
`req.body`, `req.headers`, `req.cookies`, `@Query()`/`@Param()`/`@Body()` parameters) through
assignments, template literals, concatenation, destructuring and calls between the project's own
functions and modules, to the text of an SQL statement: `query()`/`execute()` of mysql, mysql2, pg,
sqlite3, Sequelize and TypeORM, knex `raw()`/`whereRaw()`, Prisma `$queryRawUnsafe()`, TypeORM
`andWhere()`/`orWhere()` fragments and `sequelize.literal()`.

## Why it matters
A value pasted into SQL text is parsed as SQL: `' OR '1'='1` widens a filter to every row, and
`'; DROP TABLE users; --` or a `UNION SELECT` reads or destroys data the caller should never
reach. SQL injection routinely ends in a full database dump.

## Example
    const express = require("express");
    const { Pool } = require("pg");

    const app = express();
    const pool = new Pool();

    app.get("/orders", async (req, res) => {
      const status = req.query.status;
      const { rows } = await pool.query(`SELECT id, total FROM orders WHERE status = '${status}'`);
      res.json(rows);
    });

## Use instead
    const express = require("express");
    const { Pool } = require("pg");

    const app = express();
    const pool = new Pool();

    app.get("/orders", async (req, res) => {
      const status = req.query.status;
      const { rows } = await pool.query("SELECT id, total FROM orders WHERE status = $1", [status]);
      res.json(rows);
    });

## Known limitations
Identifiers (a sort column, a table) cannot be bound; they are accepted when checked against a
fixed collection (`if (!SORTS.includes(sort)) return ...`, `sort === "asc"`) or converted with
`parseInt()`/`Number()`. Tagged templates (postgres.js and slonik `sql` templates, Prisma
`$queryRaw`) bind their values and are not flagged. Values kept on `this` by one method and read
by another, values that go through the database and back, and callbacks stored for later are not
followed.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.javascript.security.taint_rule import javascript_taint_rule

RULE = javascript_taint_rule(
    "sql", doc=__doc__, confidence=Confidence.HIGH,
    fix="Pass request values as bound parameters (`query(\"... WHERE id = $1\", [id])`, `?` "
        "placeholders, knex/TypeORM/Prisma parameters or tagged templates); check identifiers "
        "against an allow-list.",
)
