"""
## What it does
Flags a connection checked out of a pool, or a session, that is not given back on every path:
- `const client = await pool.connect()` (pg) without `client.release()` in a `finally` block;
- `const conn = await pool.getConnection()` (mysql, mysql2, mariadb) without `conn.release()`
  in a `finally` block;
- `const queryRunner = dataSource.createQueryRunner()` (TypeORM) without
  `queryRunner.release()` in a `finally` block;
- `const session = await mongoose.startSession()` (or a MongoDB client's) without
  `session.endSession()` in a `finally` block.

A release in `.finally(() => ...)`, or in both a `catch` block and the normal path, counts.
A handle that is returned or handed to another function (which may release it) is not reported.

## Why it matters
A pool lends a fixed number of connections. One that is released only when the query succeeds
leaks every time a query throws: a constraint violation or a timeout per request, and after `max`
failures (10 by default in pg) the pool is empty and every later request waits forever for a
connection, an outage caused by a handful of errors. A leaked TypeORM query runner also keeps its
transaction open, holding row locks.

## Example
    import { Pool } from 'pg';

    const pool = new Pool();

    export async function transfer(from: string, to: string, amount: number) {
      const client = await pool.connect();
      await client.query('BEGIN');
      await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
      await client.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
      await client.query('COMMIT');
      client.release();
    }

## Use instead
    import { Pool } from 'pg';

    const pool = new Pool();

    export async function transfer(from: string, to: string, amount: number) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [amount, from]);
        await client.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [amount, to]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    }

## Known limitations
The pool is recognised by its name (`pool`, `this.pool`, `dbPool`) for `connect()` and
`getConnection()`; callback forms (`pool.connect((err, client, done) => ...)`) are not checked.
Only the function that acquires the handle is read.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    FUNCTION_TYPES, body_of, call_parts, unwrap, words,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of, walk
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import is_frontend, view

ACQUIRE = {"connect": "release", "getConnection": "release", "createQueryRunner": "release",
           "startSession": "endSession"}
RELEASES = frozenset({"release", "end", "destroy", "endSession", "close"})


def check(declarator, ctx):
    if ctx.file.kind != "source" or is_frontend(ctx):
        return
    name_node = declarator.child_by_field_name("name")
    value = unwrap(declarator.child_by_field_name("value"))
    if name_node is None or name_node.type != "identifier" or value is None or value.type != "call_expression":
        return
    receiver, method = view(ctx).call_parts(value)
    if method not in ACQUIRE or receiver is None or view(ctx).arguments(value) and method != "createQueryRunner":
        return
    names = view(ctx).member_names(receiver)
    if method in ("connect", "getConnection") and not (names and "pool" in words(names[-1])):
        return
    func = _function_of(declarator)
    if func is None:
        return
    name = text_of(name_node)
    releases, handed_off = _uses(func, name, declarator)
    if handed_off:
        return
    label = f"{'.'.join(names)}.{method}()"
    expected = ACQUIRE[method]
    if not releases:
        yield ctx.finding(
            RULE, declarator, f"`{name}` from `{label}` is never released (`{name}.{expected}()`)")
        return
    if any(_in_finally(call, func) for call in releases):
        return
    in_catch = [c for c in releases if _inside(c, func, "catch_clause")]
    outside = [c for c in releases if not _inside(c, func, "catch_clause")]
    if in_catch and outside:
        return
    yield ctx.finding(
        RULE, releases[0], f"`{name}.{view(ctx).call_parts(releases[0])[1]}()` is skipped when a query before it "
                           f"throws: the `{label}` handle leaks",
        related=(declarator,))


def _function_of(node):
    current = node.parent
    while current is not None and current.type not in FUNCTION_TYPES:
        if current.type == "program":
            return None
        current = current.parent
    return current


def _uses(func, name: str, declarator) -> tuple[list, bool]:
    """(release calls on `name`, whether `name` is returned, passed on or stored)."""
    releases = []
    for node in walk(body_of(func)):
        if node.type == "shorthand_property_identifier" and text_of(node) == name:
            holder = node.parent
            if holder is not None and holder.parent is not None and holder.parent.type == "arguments":
                continue        # `{ session }` in a call's options: a use, not a hand-off
            return releases, True
        if node.type != "identifier" or text_of(node) != name:
            continue
        parent = node.parent
        if parent is None or node.id == declarator.child_by_field_name("name").id:
            continue
        if parent.type == "member_expression":
            outer = parent.parent
            if outer is not None and outer.type == "call_expression" \
                    and text_of(parent.child_by_field_name("property")) in RELEASES:
                releases.append(outer)
            continue
        if parent.type in ("arguments", "return_statement", "pair", "array", "assignment_expression",
                           "variable_declarator", "arrow_function"):
            return releases, True
    return releases, False


def _in_finally(call, func) -> bool:
    current = call.parent
    while current is not None and current.id != func.id:
        if current.type == "finally_clause":
            return True
        if current.type in FUNCTION_TYPES:
            parent = current.parent
            outer = parent.parent if parent is not None and parent.type == "arguments" else None
            if outer is not None and call_parts(outer)[1] == "finally":
                return True
        current = current.parent
    return False


def _inside(call, func, kind: str) -> bool:
    current = call.parent
    while current is not None and current.id != func.id:
        if current.type == kind:
            return True
        current = current.parent
    return False


RULE = NodeRule(
    id="JS-DATA-006", slug="resource-not-released", area=Area.DATA,
    title="Pooled connection or session not released on every path",
    fix="Release the handle in a `finally` block: `const client = await pool.connect(); try { ... } "
        "finally { client.release(); }` (`queryRunner.release()`, `session.endSession()`).",
    rows=("DATA-07",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-772",),
    example_path="transfer.ts", visits=("variable_declarator",), check=check,
    coverage="partial", coverage_note="pg/mysql pool checkouts, TypeORM query runners, Mongo sessions in one function",
)
