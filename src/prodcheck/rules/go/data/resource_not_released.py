"""
## What it does
Flags database resources that a function opens and never releases:
- result sets: `rows, err := db.Query(...)` / `QueryContext` (database/sql), `Queryx`,
  `QueryxContext`, `NamedQuery` (sqlx), `pool.Query(ctx, ...)` (pgx) and GORM
  `db.Model(&T{}).Rows()`, with no `rows.Close()` in the function (deferred, explicit, or inside a
  deferred `func` literal);
- prepared statements: `stmt, err := db.Prepare(...)` / `PrepareContext` / `Preparex` /
  `PrepareNamed` with no `stmt.Close()`;
- dedicated connections: `conn, err := db.Conn(ctx)` without `conn.Close()`, and pgx
  `conn, err := pool.Acquire(ctx)` without `conn.Release()`;
- results thrown away: `db.Query(...)` as a statement or `_, err := db.Query(...)` (the rows,
  and the connection under them, can never be closed).

A resource that is returned, passed to another function (`pgx.CollectRows(rows, ...)`,
`pgxscan.ScanAll(&list, rows)`, `scanUsers(rows)`; not GORM `db.ScanRows` or sqlx
`StructScan`/`MapScan`/`SliceScan`, which read one row) or stored in a struct field or variable is
the new owner's to close and is not reported. The receiver must be a database handle by its type
in this file (`*sql.DB`, `*sqlx.DB`, `*pgxpool.Pool`, `pgx.Tx`, `*gorm.DB`, ...) or by its name
(`db`, `s.db`, `pool`, `tx`, `conn`), and the query argument must look like SQL. A result set
that is read by a `for rows.Next()` loop with no `return` or `break` in it is closed by the driver
when the loop ends; that case is reported with MEDIUM confidence (an error or panic before the
loop ends still leaks it).

## Why it matters
An open `*sql.Rows` holds its pooled connection until it is closed. Every early `return` on a
`Scan` error leaks one connection; under load the pool runs dry (`SetMaxOpenConns` reached) and
every request blocks waiting for a connection that never comes back. Prepared statements and
acquired connections leak the same way, plus server-side statement handles.

## Example
    package users

    import (
    	"context"
    	"database/sql"
    )

    func Emails(ctx context.Context, db *sql.DB) ([]string, error) {
    	rows, err := db.QueryContext(ctx, "SELECT email FROM users WHERE active")
    	if err != nil {
    		return nil, err
    	}
    	var out []string
    	for rows.Next() {
    		var email string
    		if err := rows.Scan(&email); err != nil {
    			return nil, err
    		}
    		out = append(out, email)
    	}
    	return out, rows.Err()
    }

## Use instead
    package users

    import (
    	"context"
    	"database/sql"
    )

    func Emails(ctx context.Context, db *sql.DB) ([]string, error) {
    	rows, err := db.QueryContext(ctx, "SELECT email FROM users WHERE active")
    	if err != nil {
    		return nil, err
    	}
    	defer rows.Close()
    	var out []string
    	for rows.Next() {
    		var email string
    		if err := rows.Scan(&email); err != nil {
    			return nil, err
    		}
    		out = append(out, email)
    	}
    	return out, rows.Err()
    }

## Known limitations
The analysis is per function: a resource handed to any function is assumed to be released by
it, and a variable reused for a second query after `defer rows.Close()` is not tracked. Receivers
whose type is declared in another file and whose name does not look like a database handle
(`s.store.Query(...)`) are not checked. Transactions are checked by
`transaction-without-rollback`.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import walk_local
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.data_helpers import (
    DISCARDED, assigned_target, fate, handle_kind, is_sql_text, looks_like_context,
)
from prodcheck.rules.go.helpers import generated_or_tool, view

QUERIES = frozenset({"Query", "QueryContext", "Queryx", "QueryxContext", "NamedQuery", "NamedQueryContext"})
PREPARES = frozenset({"Prepare", "PrepareContext", "Preparex", "PreparexContext", "PrepareNamed",
                      "PrepareNamedContext"})
CLOSE = frozenset({"Close"})
RELEASE = frozenset({"Release"})
SCANNERS = frozenset({"ScanRows", "StructScan", "MapScan", "SliceScan"})   # read a row, do not close


def check(call, ctx):
    file_view = view(ctx)
    if generated_or_tool(ctx):
        return
    operand, name = file_view.call_parts(call)
    if operand is None:
        return
    found = _resource(call, operand, name, ctx)
    if found is None:
        return
    noun, closers = found
    label = f"{_short(operand)}.{name}"
    target = assigned_target(call)
    if target == DISCARDED:
        if noun in ("rows", "connection"):
            yield ctx.finding(RULE, call, f"the {noun} returned by `{label}` are thrown away and can never be "
                                          f"closed: the connection under them leaks"
                              if noun == "rows" else
                              f"the connection returned by `{label}` is thrown away and never released")
        return
    if target is None:
        return
    func = file_view.enclosing_function(call)
    if func is None:
        return
    variable = file_view.text(target)
    ending = fate(variable, func, call.end_byte, closers)
    owners = [c for c in ending.passed if file_view.call_parts(c)[1] not in SCANNERS]
    if ending.closed or ending.returned or ending.stored or owners:
        return
    closer = next(iter(closers))
    if noun == "rows" and _drained(variable, func, call.end_byte):
        yield ctx.finding(RULE, call, f"`{variable}` from `{label}` is never closed: it is released only if "
                                      f"the `for {variable}.Next()` loop runs to its end; add "
                                      f"`defer {variable}.Close()`", confidence=Confidence.MEDIUM)
        return
    yield ctx.finding(RULE, call, f"`{variable}` from `{label}` is never released (no `{variable}.{closer}()` "
                                  f"in this function): its connection leaks")


def _resource(call, operand, name: str, ctx):
    """(noun, closing methods) when `call` opens a database resource, else None."""
    args = view(ctx).arguments(call)
    if name in QUERIES:
        kind = handle_kind(operand, call, ctx)
        if not kind or not args:
            return None
        sql = args[1] if len(args) > 1 and (name.endswith("Context") or looks_like_context(args[0])) else args[0]
        return ("rows", CLOSE) if is_sql_text(sql, call, ctx) else None
    if name == "Rows" and not args and operand.type == "call_expression":
        return ("rows", CLOSE) if handle_kind(operand, call, ctx) == "db" else None
    if name in PREPARES and args:
        if handle_kind(operand, call, ctx) != "db":      # a statement prepared on a tx closes with it
            return None
        sql = args[1] if name.endswith("Context") and len(args) > 1 else args[0]
        return ("statement", CLOSE) if is_sql_text(sql, call, ctx) else None
    if name in ("Conn", "Acquire") and len(args) == 1 and looks_like_context(args[0]) \
            and handle_kind(operand, call, ctx) == "db":
        return ("connection", CLOSE if name == "Conn" else RELEASE)
    return None


def _drained(variable: str, func, after: int) -> bool:
    """A `for v.Next() { ... }` loop without `return`/`break` reads the rows to their end."""
    for node in walk_local(func.child_by_field_name("body"), into_literals=False):
        if node.type != "for_statement" or node.start_byte < after:
            continue
        condition = next((c for c in node.named_children if c.type == "call_expression"), None)
        if condition is None or text_of(condition).replace(" ", "") != f"{variable}.Next()":
            continue
        body = node.child_by_field_name("body")
        return not any(n.type in ("return_statement", "break_statement", "goto_statement")
                       for n in walk_local(body, into_literals=False))
    return False


def _short(operand) -> str:
    text = " ".join(text_of(operand).split())
    return text if len(text) <= 40 else text[:37] + "..."


RULE = NodeRule(
    id="GO-DATA-006", slug="resource-not-released", area=Area.DATA,
    title="Database rows, statement or connection never released",
    fix="Close what you open right after the error check: `defer rows.Close()`, `defer stmt.Close()`, "
        "`defer conn.Release()` (pgx pool), and use `Exec` rather than `Query` for statements that "
        "return no rows.",
    rows=("DATA-07",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-772",),
    example_path="main.go", visits=("call_expression",), check=check,
    coverage="partial",
    coverage_note="per function; database/sql, sqlx, pgx, GORM Rows(); ORM sessions are not tracked",
)
