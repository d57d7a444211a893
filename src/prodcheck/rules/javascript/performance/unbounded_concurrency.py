"""
## What it does
Flags `Promise.all(items.map(async (item) => { await ... }))` (also `Promise.allSettled`, and a
callback that returns a database or HTTP call) when `items` comes from the request or from an
unbounded database read, so the number of concurrent operations is chosen by the client or by
the table size:
- request data: `req.body.items`, `request.body`, a value destructured from them, a NestJS
  `@Body()` parameter's field;
- a whole-collection read without limit in the same function (`findMany()` without `take`,
  `find({})`, `findAll()`, `SELECT` without `LIMIT`, the `rows` of such a query).

Arrays sliced or chunked first (`items.slice(0, 100)`), literal arrays and parameters of unknown
origin are not reported.

## Why it matters
Each element starts its query or HTTP call at once. With 5 000 ids in a request body that is
5 000 simultaneous operations: the connection pool (10 by default) queues them all and every
other request waits behind them, the upstream API rate-limits or falls over, sockets and memory
spike, and one slow element fails the whole batch. A bound (`p-limit`, `p-map`'s `concurrency`,
processing in chunks of 10 to 50) keeps the fan-out at a size the dependencies can absorb.

## Example
    import express from 'express';
    import axios from 'axios';

    const app = express();
    app.use(express.json());

    app.post('/webhooks/replay', async (req, res) => {
      const results = await Promise.all(req.body.urls.map(async (url: string) => {
        const response = await axios.post(url, req.body.payload, { timeout: 5000 });
        return response.status;
      }));
      res.json(results);
    });

## Use instead
    import express from 'express';
    import axios from 'axios';
    import pLimit from 'p-limit';

    const app = express();
    app.use(express.json());
    const limit = pLimit(10);

    app.post('/webhooks/replay', async (req, res) => {
      const urls: string[] = req.body.urls.slice(0, 100);
      const results = await Promise.all(urls.map((url) => limit(async () => {
        const response = await axios.post(url, req.body.payload, { timeout: 5000 });
        return response.status;
      })));
      res.json(results);
    });

## Known limitations
Only arrays whose origin is visible in the same function are judged; a validated maximum length
in a schema (`z.array(...).max(100)`) elsewhere is not seen, nor are callbacks that are not
inline functions. A `.map` callback wrapped in a limiter (`limit(() => ...)`) is recognised
because its own body then awaits nothing.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    FUNCTION_TYPES, body_of, collection_call, is_async, is_function,
    params_of, unwrap, walk_local,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.data_helpers import outbound_label, server_file, write_label
from prodcheck.rules.javascript.helpers import view

GATHER = frozenset({"all", "allSettled"})
REQUEST_ROOTS = frozenset({"req", "request", "ctx"})
REQUEST_FIELDS = frozenset({"body", "query"})
READ_METHODS = frozenset({"query", "execute", "findOne", "findUnique", "findFirst", "findById", "findByPk",
                          "findMany", "find", "findAll", "get", "post", "put", "patch", "delete", "send",
                          "request", "fetch"})


def check(call, ctx):
    if not server_file(ctx):
        return
    receiver, method = view(ctx).call_parts(call)
    if method not in GATHER or view(ctx).member_names(receiver) != ["Promise"]:
        return
    args = view(ctx).arguments(call)
    inner = unwrap(args[0]) if args else None
    if inner is None or inner.type != "call_expression":
        return
    items, mapper = view(ctx).call_parts(inner)
    map_args = view(ctx).arguments(inner)
    if mapper not in ("map", "flatMap") or items is None or not map_args:
        return
    callback = unwrap(map_args[0])
    if not is_function(callback) or not _does_io(callback, ctx):
        return
    origin = _origin(items, call, ctx)
    if not origin:
        return
    yield ctx.finding(
        RULE, call, f"`Promise.{method}` over {origin} starts one operation per element at once, with no bound "
                    f"on how many run together")


def _does_io(callback, ctx) -> bool:
    body = body_of(callback)
    if body is None:
        return False
    if body.type != "statement_block":
        inner = unwrap(body)
        return inner is not None and inner.type == "call_expression" and _io_call(inner, ctx)
    if not is_async(callback):
        return False
    for node in walk_local(body):
        if node.type == "await_expression":
            value = unwrap(node)
            if value is not None and value.type == "call_expression":
                return True
    return False


def _io_call(call, ctx) -> bool:
    if write_label(call, ctx) or outbound_label(call, ctx):
        return True
    _, method = view(ctx).call_parts(call)
    return method in READ_METHODS


def _origin(items, at, ctx) -> str:
    node = unwrap(items)
    if node is None:
        return ""
    if node.type == "member_expression":
        names = view(ctx).member_names(node)
        if _request_path(names):
            return f"`{'.'.join(names)}` (request data)"
        if len(names) >= 2 and _body_param(names[0], at, ctx):
            return f"`{'.'.join(names)}` (request body)"
        if names and names[-1] == "rows" and len(names) == 2:
            return _declared(names[0], at, ctx, "rows")
        return ""
    if node.type == "identifier":
        return _declared(text_of(node), at, ctx, "")
    return ""


def _request_path(names: list[str]) -> bool:
    return len(names) >= 3 and names[0] in REQUEST_ROOTS and names[1] in REQUEST_FIELDS


def _declared(name: str, at, ctx, field: str) -> str:
    v = view(ctx)
    decl = v.lookup(name, at)
    if decl is None or decl.type != "variable_declarator":
        return ""
    target = decl.child_by_field_name("name")
    value = unwrap(decl.child_by_field_name("value"))
    if value is None or target is None:
        return ""
    if target.type == "object_pattern":
        value_names = view(ctx).member_names(value)
        if len(value_names) >= 2 and value_names[0] in REQUEST_ROOTS and value_names[-1] in REQUEST_FIELDS:
            return f"`{name}` (request data)"
        if value.type == "call_expression" and collection_call(value) is not None:
            return f"`{name}` (an unbounded query result)"
        return ""
    if target.type != "identifier":
        return ""
    if value.type == "member_expression":
        names = view(ctx).member_names(value)
        if _request_path(names):
            return f"`{name}` (request data)"
        if len(names) >= 2 and _body_param(names[0], at, ctx):
            return f"`{name}` (request body)"
        return ""
    if value.type == "call_expression" and collection_call(value) is not None:
        return f"`{name}` (an unbounded query result)" if not field else f"`{name}.rows` (an unbounded query result)"
    return ""


def _body_param(name: str, at, ctx) -> bool:
    """`name` is a parameter decorated `@Body()` of the enclosing NestJS method."""
    current = at.parent
    while current is not None and current.type not in FUNCTION_TYPES:
        current = current.parent
    if current is None or current.type != "method_definition":
        return False
    for pname, param in params_of(current):
        if pname == name:
            decorators = [c for c in param.children if c.type == "decorator"]
            return any(text_of(d).startswith("@Body") for d in decorators)
    return False


RULE = NodeRule(
    id="JS-PERF-002", slug="unbounded-concurrency", area=Area.PERF,
    title="Unbounded parallel I/O over request or query data",
    fix="Bound the fan-out: `p-limit` (`const limit = pLimit(10); items.map((x) => limit(() => work(x)))`), "
        "`p-map` with `{ concurrency: 10 }`, or process the array in chunks; cap the array size in the "
        "request schema.",
    rows=("PERF-13",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-770",),
    example_path="app.ts", visits=("call_expression",), check=check,
    coverage="partial",
    coverage_note="Promise.all over .map(async) on request data or unbounded query results in one function",
)
