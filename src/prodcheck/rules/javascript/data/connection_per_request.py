"""
## What it does
Flags a database client or pool created while serving a request: `new Pool()`/`new Client()`
(pg), `mysql.createConnection()`/`createPool()` (mysql, mysql2), `new PrismaClient()`,
`new Sequelize(...)`, `new DataSource(...)`/`createConnection()` (TypeORM),
`mongoose.connect()`/`mongoose.createConnection()`, `new MongoClient(...)`/`MongoClient.connect()`,
`knex({...})`, `postgres(...)`, `new Redis()` (ioredis) and `createClient()` (redis), when the call
sits in a route handler, a NestJS controller or `@Injectable()` service method, a `(req, res)`
function, or a function of the same file that those call.

A client made once and kept (`pool ??= new Pool()`, `if (!pool) pool = new Pool()` on a module
variable, `this.client = ...`) is a lazy singleton and is not reported, nor is anything created at
module scope, in a constructor or in `onModuleInit`.

## Why it matters
Opening a connection costs a TCP and TLS handshake plus authentication: several milliseconds to
hundreds on a managed database, on every request. Worse, a pool or client created per request is
a new pool each time: under load the database's `max_connections` is exhausted within seconds
(every request holds its own connections, often never closed), and `new PrismaClient()` per
request also starts a new query engine. One pool per process, created at startup and shared, is
the fix.

## Example
    import express from 'express';
    import { Pool } from 'pg';

    const app = express();

    app.get('/orders', async (req, res) => {
      const pool = new Pool({ connectionString: process.env.DATABASE_URL });
      const { rows } = await pool.query('SELECT id, total FROM orders WHERE user_id = $1 LIMIT 50', [req.user.id]);
      res.json(rows);
    });

## Use instead
    import express from 'express';
    import { Pool } from 'pg';

    const app = express();
    const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

    app.get('/orders', async (req, res) => {
      const { rows } = await pool.query('SELECT id, total FROM orders WHERE user_id = $1 LIMIT 50', [req.user.id]);
      res.json(rows);
    });

## Known limitations
Request-path functions are those of the same file (handlers registered elsewhere are recognised
by their `(req, res)` shape or NestJS decorators). A per-tenant client kept in a `Map` cache is
recognised only when it is assigned to a module variable or a field; a `new Client()` that is
closed with `client.end()` in the same request is still reported (it is still one connection per
request).
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import callee
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.data_helpers import cached_result, request_function, server_file
from prodcheck.rules.javascript.helpers import view

CONSTRUCTORS = {
    "Pool": frozenset({"pg", "pg-pool"}),
    "Client": frozenset({"pg"}),
    "PrismaClient": frozenset({"@prisma/client"}),
    "Sequelize": frozenset({"sequelize", "sequelize-typescript"}),
    "DataSource": frozenset({"typeorm"}),
    "MongoClient": frozenset({"mongodb"}),
    "Redis": frozenset({"ioredis"}),
    "Cluster": frozenset({"ioredis"}),
}
FACTORIES = {
    "createConnection": frozenset({"mysql", "mysql2", "mysql2/promise", "typeorm", "mongoose"}),
    "createPool": frozenset({"mysql", "mysql2", "mysql2/promise", "mariadb", "generic-pool"}),
    "connect": frozenset({"mongoose", "mongodb", "mariadb"}),
    "createClient": frozenset({"redis", "@redis/client"}),
}
DEFAULT_FACTORIES = frozenset({"knex", "postgres"})


def check(node, ctx):
    if not server_file(ctx):
        return
    label = _client(node, ctx)
    if not label:
        return
    found = request_function(node, ctx)
    if found is None or cached_result(node, ctx):
        return
    func, kind, _ = found
    if kind == "background":
        return
    where = {"handler": "a route handler", "nest": "a controller method", "next": "a route handler",
             "shaped": "a request handler", "service": "a service method",
             "called": "a function called by a request handler"}[kind]
    yield ctx.finding(
        RULE, node, f"`{label}` opens a new database connection inside {where}: one connection (or pool) "
                    f"per request", related=(func,),
        confidence=Confidence.MEDIUM if kind == "service" else None)


def _client(node, ctx) -> str:
    v = view(ctx)
    receiver, name = view(ctx).call_parts(node)
    if node.type == "new_expression":
        if name not in CONSTRUCTORS:
            return ""
        if receiver is None:
            binding = v.binding(name, node)
            packages = CONSTRUCTORS[name]
            if binding is not None and binding.spec in packages and binding.name in (name, "default"):
                return f"new {name}()"
            return ""
        names = view(ctx).member_names(receiver)
        binding = v.binding(names[0], node) if len(names) == 1 else None
        if binding is not None and binding.spec in CONSTRUCTORS[name]:
            return f"new {names[0]}.{name}()"
        return ""
    if receiver is None:
        function = callee(node)
        if function is None or function.type != "identifier":
            return ""
        binding = v.binding(text_of(function), node)
        if binding is None:
            return ""
        for factory, packages in FACTORIES.items():
            if binding.spec in packages and binding.name == factory:
                return f"{text_of(function)}()"
        if binding.spec in DEFAULT_FACTORIES and binding.name == "default":
            return f"{text_of(function)}()"
        return ""
    names = view(ctx).member_names(receiver)
    if len(names) != 1 or name not in FACTORIES:
        return ""
    binding = v.binding(names[0], node)
    if binding is None or binding.spec not in FACTORIES[name]:
        return ""
    if name == "connect" and binding.spec == "mongodb" and binding.name != "MongoClient":
        return ""
    return f"{names[0]}.{name}()"


RULE = NodeRule(
    id="JS-DATA-005", slug="connection-per-request", area=Area.DATA,
    title="Database connection or pool created per request",
    fix="Create the pool or client once at startup (module scope, a NestJS provider, a Fastify plugin) "
        "and reuse it in every request; size it with `max`/`connectionLimit`.",
    rows=("DATA-06",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-400",),
    example_path="app.ts", visits=("new_expression", "call_expression"), check=check,
    coverage="partial",
    coverage_note="client/pool constructors of pg, mysql, Prisma, Sequelize, TypeORM, Mongo, knex, redis "
                  "in request-path functions",
)
