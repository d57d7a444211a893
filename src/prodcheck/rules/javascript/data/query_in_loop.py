"""
## What it does
Flags N+1 queries: an `await`ed database read inside the body of a `for`, `for...of` or
`for...in` loop, or inside an `async` callback of `.forEach(...)`/`.map(...)` (one query per
element, also when the promises are gathered with `Promise.all`). Recognised reads:
- Prisma and Drizzle relational queries (`prisma.user.findUnique/findFirst/findMany/count/...`,
  `db.query.users.findFirst(...)`);
- TypeORM repositories and managers (`repo.findOne/findOneBy/find/findBy/count`,
  `manager.findOne(...)`, `createQueryBuilder(...).getOne/getMany()`);
- Sequelize and Mongoose models (`User.findByPk/findOne/findAll/findById/find/countDocuments`);
- the MongoDB driver (`db.collection('x').findOne(...)`, `users.find(...).toArray()`);
- knex (`knex('users').where(...).first()`, `db('users').select()`);
- SQL clients (`pool.query('SELECT ...')`, `client.query(...)`, `conn.execute(...)`, pg-promise
  `db.one/oneOrNone/many/any`).

Writes (create/update/delete/insert, `INSERT`/`UPDATE` SQL) are left to a bulk-write check;
`while` loops (polling, batch paging), small constant retry loops (`for (let attempt = 0;
attempt < 3; ...)`) and array `.find(x => ...)` are not reported.

## Why it matters
One query per item turns a page of 50 orders into 51 round trips: fast with three rows in
development, seconds of latency and an exhausted connection pool in production. `Promise.all`
over `.map(async ...)` hides the latency but still fires N queries at once. One query with an
`IN (...)` filter, a join or the ORM's `include` loads the same data in one round trip.

## Example
    import { PrismaClient } from '@prisma/client';

    const prisma = new PrismaClient();

    export async function ordersWithCustomers(orderIds: string[]) {
      const result = [];
      for (const id of orderIds) {
        const order = await prisma.order.findUnique({ where: { id }, include: { customer: true } });
        result.push(order);
      }
      return result;
    }

## Use instead
    import { PrismaClient } from '@prisma/client';

    const prisma = new PrismaClient();

    export async function ordersWithCustomers(orderIds: string[]) {
      return prisma.order.findMany({ where: { id: { in: orderIds } }, include: { customer: true } });
    }

## Known limitations
Queries hidden behind a repository method of the project (`await this.orders.byId(id)`) are not
recognised, nor lazy relation loading by getters. A loop known to run a handful of times but
written over a variable is reported.
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.js_common import (
    FUNCTION_TYPES, arguments_of, call_parts, callee, is_async, is_function, member_names, number_of,
    unwrap, words,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import string_value, text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.data_helpers import sql_text

PRISMA_READS = frozenset({"findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany",
                          "count", "aggregate", "groupBy"})
TYPEORM_READS = frozenset({"findOne", "findOneBy", "findOneOrFail", "findOneByOrFail", "find", "findBy",
                           "findAndCount", "findAndCountBy", "count", "countBy", "exist", "exists",
                           "existsBy", "query", "sum", "average", "minimum", "maximum"})
BUILDER_READS = frozenset({"getOne", "getMany", "getRawOne", "getRawMany", "getCount", "getManyAndCount",
                           "getOneOrFail", "getExists"})
MODEL_READS = frozenset({"findOne", "findAll", "findByPk", "findAndCountAll", "count", "max", "min", "sum",
                         "find", "findById", "countDocuments", "estimatedDocumentCount", "exists",
                         "aggregate", "distinct", "findOneBy", "findBy"})
DRIVER_READS = frozenset({"findOne", "find", "countDocuments", "aggregate", "distinct", "toArray"})
SQL_METHODS = frozenset({"query", "execute", "one", "oneOrNone", "many", "manyOrNone", "any", "none"})
SQL_RECEIVERS = frozenset({"pool", "client", "db", "conn", "connection", "pg", "database", "sql", "mysql",
                           "knex", "tx", "trx", "pgp", "postgres", "sequelize"})
KNEX_ROOTS = frozenset({"knex", "db", "trx", "database", "pg", "tx"})
WRITE_METHODS = frozenset({"insert", "update", "del", "delete", "upsert", "merge", "increment", "decrement",
                           "create", "save", "remove", "destroy", "truncate", "insertMany", "updateOne",
                           "updateMany", "deleteOne", "deleteMany", "bulkCreate", "createMany"})
REPO_WORDS = frozenset({"repository", "repo", "manager", "entitymanager", "datasource", "em"})
NOT_MODELS = frozenset({"Array", "Object", "Promise", "JSON", "Math", "Date", "Number", "String", "Map",
                        "Set", "Reflect", "Buffer", "URL", "Intl", "Symbol", "BigInt", "Error", "RegExp"})
LOOP_CALLBACKS = frozenset({"forEach", "map", "flatMap"})
RETRY_NAMES = frozenset({"attempt", "attempts", "retry", "retries", "tries", "try", "tryCount"})
_WRITE_SQL = re.compile(r"^\s*(insert|update|delete|upsert|merge|replace|create|drop|alter|truncate)\b", re.I)


def check(node, ctx):
    inner = unwrap(node.named_children[0]) if node.named_children else None
    if inner is None or inner.type != "call_expression":
        return
    label = _query_label(inner)
    if not label:
        return
    loop = _loop_of(node)
    if loop is None:
        return
    kind, loop_node = loop
    if kind == "map":
        yield ctx.finding(
            RULE, node, f"`{label}` runs once per element of `.map(async ...)`: N queries",
            related=(loop_node,), confidence=Confidence.MEDIUM)
        return
    where = "`.forEach(async ...)`" if kind == "forEach" else "a loop"
    yield ctx.finding(RULE, node, f"`{label}` is awaited inside {where}: one query per iteration",
                      related=(loop_node,))


def _query_label(call) -> str:
    """A short label for a database read call (anywhere in a method chain such as
    `Model.findById(id).lean()`), or "" when the call is not one."""
    chain = _chain(call)
    methods = [m for _, m in chain]
    if any(m in WRITE_METHODS for m in methods):
        return ""
    for index, (inner, _) in enumerate(chain):
        label = _call_label(inner, chain[index:], methods[index:])
        if label:
            return label
    return _knex_label(chain)


def _call_label(call, chain, methods) -> str:
    outer_receiver, outer = call_parts(call)
    names = member_names(callee(call))
    if not names:
        return ""
    if outer in PRISMA_READS and len(names) >= 3:
        return ".".join(names[-3:])
    if outer in BUILDER_READS and "createQueryBuilder" in methods:
        return f"createQueryBuilder(...).{outer}()"
    if outer in TYPEORM_READS and len(names) >= 2:
        receiver = names[-2]
        if set(words(receiver)) & REPO_WORDS or "getRepository" in methods:
            if outer == "query" and not _read_sql(call):
                return ""
            return f"{receiver}.{outer}"
    if outer in MODEL_READS and len(names) >= 2:
        model = names[-2]
        if model[:1].isupper() and model not in NOT_MODELS and not _array_find(call):
            return f"{model}.{outer}"
    if outer == "toArray" and any(m in ("find", "aggregate") for m in methods):
        return f"{next(m for m in methods if m in ('find', 'aggregate'))}(...).toArray"
    if outer in DRIVER_READS and (any(m == "collection" for m in methods[1:])
                                  or "collection" in words(names[-2] if len(names) >= 2 else "")):
        return f"{names[-2] if len(names) >= 2 else 'collection'}.{outer}"
    if outer in SQL_METHODS and len(names) >= 2 and outer_receiver is not None:
        receiver = names[-2]
        args = arguments_of(call)
        first = unwrap(args[0]) if args else None
        if first is None or first.type == "object":
            return ""
        sql = sql_text(first)
        if sql is not None:
            return f"{receiver}.{outer}" if _READ_START.match(sql) else ""
        if set(words(receiver)) & SQL_RECEIVERS:
            return f"{receiver}.{outer}"
        return ""
    return ""


_READ_START = re.compile(r"^\s*(select|with)\b", re.I)


def _read_sql(call) -> bool:
    args = arguments_of(call)
    sql = sql_text(unwrap(args[0])) if args else None
    return sql is None or not _WRITE_SQL.match(sql)


def _knex_label(chain) -> str:
    """`knex('users').where(...).first()`: a query builder rooted at a table-name call."""
    if not chain:
        return ""
    root_call, _ = chain[-1]
    function = callee(root_call)
    if function is not None and function.type == "identifier" and text_of(function) in KNEX_ROOTS:
        args = arguments_of(root_call)
        if len(args) == 1 and string_value(args[0]) is not None:
            return f"{text_of(function)}('{string_value(args[0])}')"
    if function is not None and function.type == "member_expression":
        names = member_names(function)
        if len(names) == 2 and names[0] in ("knex", "trx") and names[1] in ("select", "from", "raw", "first"):
            return f"{names[0]}.{names[1]}"
    return ""


def _chain(call) -> list[tuple[object, str]]:
    """(call, method) pairs from the outermost call down to the root of a method chain."""
    found = []
    current = call
    for _ in range(32):
        if current is None or current.type != "call_expression":
            break
        receiver, method = call_parts(current)
        found.append((current, method))
        function = callee(current)
        if function is None or function.type != "member_expression":
            break
        current = unwrap(function.child_by_field_name("object"))
        while current is not None and current.type == "member_expression":
            current = unwrap(current.child_by_field_name("object"))
    return found


def _array_find(call) -> bool:
    args = arguments_of(call)
    return bool(args) and is_function(unwrap(args[0]))


def _loop_of(node):
    """("loop" | "forEach" | "map", node) when `node` runs once per iteration of a loop in its own
    function; None otherwise."""
    child = node
    current = node.parent
    while current is not None:
        kind = current.type
        if kind in ("for_statement", "for_in_statement"):
            body = current.child_by_field_name("body")
            if body is not None and body.id == child.id and not _small_retry_loop(current):
                return "loop", current
        elif kind in FUNCTION_TYPES:
            return _callback_loop(current)
        elif kind in ("program", "class_body"):
            return None
        child = current
        current = current.parent
    return None


def _callback_loop(func):
    if not is_async(func):
        return None
    parent = func.parent
    if parent is None or parent.type != "arguments":
        return None
    call = parent.parent
    _, method = call_parts(call)
    args = arguments_of(call)
    if method not in LOOP_CALLBACKS or not args or args[0].id != func.id:
        return None
    return ("forEach", call) if method == "forEach" else ("map", call)


def _small_retry_loop(loop) -> bool:
    if loop.type != "for_statement":
        return False
    condition = loop.child_by_field_name("condition")
    if condition is None:
        return False
    condition = condition if condition.type != "expression_statement" else (
        condition.named_children[0] if condition.named_children else None)
    if condition is None or condition.type != "binary_expression":
        return False
    left = condition.child_by_field_name("left")
    right = condition.child_by_field_name("right")
    bound = number_of(right)
    name = text_of(left)
    if name in RETRY_NAMES or set(words(name)) & RETRY_NAMES:
        return True
    return bound is not None and bound <= 10


RULE = NodeRule(
    id="JS-DATA-001", slug="query-in-loop", area=Area.DATA,
    title="Database query inside a loop (N+1)",
    fix="Load all rows in one query before the loop (`where: { id: { in: ids } }`, `WHERE id = ANY($1)`, "
        "`include`/`relations`/`populate`), then look them up in a Map inside the loop.",
    rows=("DATA-01",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="orders.ts", visits=("await_expression",), check=check,
    coverage="partial", coverage_note="awaited ORM/SQL reads in loops; lazy relations and GraphQL resolvers are not checked",
)
