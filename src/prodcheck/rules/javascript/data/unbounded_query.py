"""
## What it does
Flags whole-table reads with no row limit made while serving a request (route handlers, NestJS
controller and `@Injectable()` service methods, `(req, res)` functions, and the functions of the
same file they call):
- Prisma `prisma.x.findMany()` with no `take` and no `where`;
- TypeORM `repo.find()`/`findAndCount()` with no `take` and no `where`, `repo.findBy({})`;
- Sequelize `Model.findAll()`/`findAndCountAll()` with no `limit` and no `where`;
- Mongoose `Model.find()`/`Model.find({})` and the MongoDB driver's `collection.find({})` whose
  chain has no `.limit()` (nor `.cursor()`/`.stream()`, which stream);
- knex `knex('table')`/`.select(...)` chains with no `where*`, `limit`, `first` or paging;
- SQL `SELECT ... FROM ...` with neither `WHERE` nor `LIMIT`/`FETCH FIRST` through
  `pool.query`/`client.query`/`execute` (an aggregate such as `SELECT count(*)` is fine).

Lookups and filtered queries (`findUnique`, `findOne`, `findByPk`, a `where` clause) are not
reported: whether a filter bounds the result depends on data this check cannot see.

## Why it matters
A query without a limit returns whatever the table holds: ten rows in development, two million in
production. The request then spends seconds reading and serialising, the process holds the whole
result set in memory (a few large responses at once exhaust the heap), and one cheap request
makes the database scan a table: a denial-of-service lever. A `take`/`limit` with a page or cursor
keeps the cost of a request independent of the table size.

## Example
    import { Controller, Get } from '@nestjs/common';
    import { PrismaService } from './prisma.service';

    @Controller('orders')
    export class OrdersController {
      constructor(private readonly prisma: PrismaService) {}

      @Get()
      list() {
        return this.prisma.order.findMany({ orderBy: { createdAt: 'desc' } });
      }
    }

## Use instead
    import { Controller, Get, Query } from '@nestjs/common';
    import { PrismaService } from './prisma.service';

    @Controller('orders')
    export class OrdersController {
      constructor(private readonly prisma: PrismaService) {}

      @Get()
      list(@Query('cursor') cursor?: string) {
        return this.prisma.order.findMany({
          orderBy: { createdAt: 'desc' },
          take: 50,
          ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
        });
      }
    }

## Known limitations
Options passed as a variable or spread from another object are trusted to carry a limit. Small,
bounded tables (countries, feature flags, roles) are reported too when read in a request; the
related GEN-API-101 check reports GET endpoints without pagination from the route inventory.
Repositories in other modules are not followed.
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.js_common import (
    arguments_of, callee, object_pairs, unwrap, words,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import string_value, text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.data_helpers import (
    DB_WORDS, NOT_MODELS, REPO_WORDS, chain_methods, request_function, server_file, sql_argument,
    typed_repository,
)
from prodcheck.rules.javascript.helpers import view

BOUND_KEYS = frozenset({"take", "limit", "first", "last", "where", "cursor", "top", "perPage", "pageSize"})
CHAIN_BOUNDS = re.compile(r"^(where\w*|limit|first|paginate|forPage|offset|skip|cursor|stream|batchSize|"
                          r"pluck|count\w*|findOne|exists|distinct|stream|page|range|modify|andWhere|orWhere)$")
KNEX_ROOTS = frozenset({"knex", "db", "trx", "database"})
KNEX_PASSIVE = frozenset({"select", "orderBy", "from", "column", "columns", "leftJoin", "innerJoin", "join",
                          "as", "orderByRaw", "groupBy", "then"})
SQL_READ = re.compile(r"^\s*select\b", re.I)
SQL_FROM = re.compile(r"\bfrom\b", re.I)
SQL_BOUND = re.compile(r"\b(where|limit|fetch\s+first|top|offset)\b", re.I)
SQL_AGGREGATE = re.compile(r"^\s*select\s+(count|sum|avg|min|max|exists)\s*\(", re.I)
SQL_METHODS = frozenset({"query", "execute", "any", "manyOrNone", "many"})


def check(call, ctx):
    if not server_file(ctx):
        return
    label = _unbounded(call, ctx)
    if not label:
        return
    found = request_function(call, ctx)
    if found is None:
        return
    func, kind, _ = found
    if kind == "background":
        return
    yield ctx.finding(
        RULE, call, f"`{label}` reads a whole table with no limit while serving a request", related=(func,))


def _unbounded(call, ctx) -> str:
    receiver, method = view(ctx).call_parts(call)
    if receiver is None:
        return _knex(call)
    names = view(ctx).member_names(receiver)
    args = view(ctx).arguments(call)
    if method == "findMany" and len(names) >= 2:
        base = names[:-1] if names[0] != "this" else names[1:-1]
        if base and set(words(" ".join(base))) & DB_WORDS and _open_options(args, ctx):
            return f"{'.'.join(names[-2:])}.findMany()"
        return ""
    if method in ("find", "findAndCount") and names and _repository(receiver, names):
        return f"{names[-1]}.{method}()" if _open_options(args, ctx) else ""
    if method == "findBy" and names and _repository(receiver, names):
        return f"{names[-1]}.findBy({{}})" if _empty(args) else ""
    if method in ("findAll", "findAndCountAll") and len(names) == 1 and _model(names[0]):
        return f"{names[0]}.{method}()" if _open_options(args, ctx) else ""
    if method == "find" and _empty_filter(args) and (
            len(names) == 1 and _model(names[0])
            or "collection" in chain_methods(receiver)
            or names and "collection" in words(names[-1])):
        if _bounded_chain(call):
            return ""
        target = names[-1] if names else "collection"
        return f"{target}.find({{}})"
    if method in SQL_METHODS and names:
        sql = sql_argument(call)
        if sql is None or not SQL_READ.match(sql) or not SQL_FROM.search(sql) or SQL_BOUND.search(sql) \
                or SQL_AGGREGATE.match(sql):
            return ""
        return f"{'.'.join(names[-2:])}.{method}('{' '.join(sql.split()[:4])} ...')"
    if method in KNEX_PASSIVE:
        return _knex(call)
    return ""


def _repository(receiver, names: list[str]) -> bool:
    last = names[-1]
    return bool(set(words(last)) & REPO_WORDS) or "getRepository" in chain_methods(receiver) \
        or (len(names) == 2 and names[0] == "this" and typed_repository(receiver, last))


def _model(name: str) -> bool:
    return name[:1].isupper() and name not in NOT_MODELS and name != name.upper()


def _open_options(args: list, ctx) -> bool:
    """No arguments, or an options object literal with no limit and no filter."""
    if not args:
        return True
    node = unwrap(args[0])
    if node is None or node.type != "object":
        return False
    pairs = object_pairs(node)
    return "..." not in pairs and not (set(pairs) & BOUND_KEYS)


def _empty(args: list) -> bool:
    if not args:
        return True
    node = unwrap(args[0])
    return node is not None and node.type == "object" and not node.named_children


def _empty_filter(args: list) -> bool:
    return _empty(args[:1])


def _outer_methods(call) -> list[str]:
    """Methods chained after `call`: `call.limit(10).lean()` -> ["limit", "lean"]."""
    found = []
    current = call
    for _ in range(16):
        parent = current.parent
        if parent is None or parent.type != "member_expression":
            break
        outer = parent.parent
        if outer is None or outer.type != "call_expression":
            break
        found.append(text_of(parent.child_by_field_name("property")))
        current = outer
    return found


def _has_outer_method(call) -> bool:
    """Is a method chained after `call` (`call.x(...)`)? One step up only: `Node.parent` costs a
    walk from the root in tree-sitter, so deep chains must not climb it repeatedly."""
    parent = call.parent
    return (parent is not None and parent.type == "member_expression"
            and parent.parent is not None and parent.parent.type == "call_expression")


def _bounded_chain(call) -> bool:
    return any(CHAIN_BOUNDS.match(m) for m in _outer_methods(call))


def _knex(call) -> str:
    """The top of a `knex('t')[.select(...)...]` chain with nothing that bounds it."""
    if _has_outer_method(call):
        return ""                     # not the top of the chain: the top call decides
    methods = []
    current = call
    root = None
    for _ in range(16):
        if current is None or current.type != "call_expression":
            return ""
        function = callee(current)
        if function is not None and function.type == "identifier":
            args = arguments_of(current)
            if text_of(function) in KNEX_ROOTS and len(args) == 1 and string_value(args[0]) is not None:
                root = f"{text_of(function)}('{string_value(args[0])}')"
            break
        if function is None or function.type != "member_expression":
            return ""
        methods.append(text_of(function.child_by_field_name("property")))
        current = unwrap(function.child_by_field_name("object"))
    if root is None or not _awaited_or_returned(call):
        return ""
    if any(m not in KNEX_PASSIVE for m in methods):
        return ""
    return root + "".join(f".{m}()" for m in reversed(methods))


def _awaited_or_returned(call) -> bool:
    parent = call.parent
    return parent is not None and parent.type in ("await_expression", "return_statement", "arrow_function",
                                                  "variable_declarator")


RULE = NodeRule(
    id="JS-DATA-004", slug="unbounded-query", area=Area.DATA,
    title="Whole-table query without a limit in a request",
    fix="Bound the query: `take`/`limit` with a page or cursor taken from the request (clamped to a "
        "maximum), `.limit(n)` on Mongoose and knex chains, `LIMIT $1` in SQL.",
    rows=("DATA-14",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-770",),
    example_path="orders.controller.ts", visits=("call_expression",), check=check,
    coverage="partial", coverage_note="unfiltered reads without limit in request-path functions of the same file",
)
