"""
## What it does
Follows request bodies and query strings from Express, Fastify and NestJS handlers into MongoDB
and Mongoose filters: `find()`, `findOne()`, `updateOne()`, `deleteMany()`,
`findOneAndUpdate()`, `countDocuments()`, `aggregate()`, `$where` and `where()`. `String(x)` or
`x.toString()`, `mongo-sanitize` and a `typeof x === "number"` check make the value safe.

## Why it matters
A JSON body (or a query string parsed by `qs`, `?password[$ne]=x`) turns a value into an
operator object: `{"password": {"$ne": null}}` matches every user and logs the caller in without
a password; `$where` and `$regex` run code or expensive scans.

## Example
    const express = require("express");
    const User = require("./models/user");

    const app = express();
    app.use(express.json());

    app.post("/login", async (req, res) => {
      const user = await User.findOne({ email: req.body.email, password: req.body.password });
      res.json({ ok: Boolean(user) });
    });

## Use instead
    const express = require("express");
    const User = require("./models/user");

    const app = express();
    app.use(express.json());

    app.post("/login", async (req, res) => {
      const user = await User.findOne({ email: String(req.body.email) });
      res.json({ ok: Boolean(user) });
    });

## Known limitations
The receiver's type is not known: find options with a `where` key are taken for an SQL ORM's
(Sequelize, TypeORM, Prisma) and not reported, although Prisma filters do accept operator objects
(`{"not": ""}`); other SQL ORM calls with the same method names are treated like MongoDB. Path
parameters and headers (always strings) are not reported. Schema validation
middleware that forces strings is not recognised.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.javascript.security.taint_rule import javascript_taint_rule

RULE = javascript_taint_rule(
    "nosql", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Cast request values to the type the field holds (`String(x)`, `Number(x)`), validate the "
        "body with a schema, or strip `$` keys (`mongo-sanitize`) before querying.",
)
