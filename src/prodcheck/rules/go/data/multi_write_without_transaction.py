"""
## What it does
Flags a function (a handler, service or repository method, or a `func` literal) that performs two
or more database writes one after the other on a plain database handle instead of a transaction:
- SQL writes: `Exec`, `ExecContext`, `MustExec`, `NamedExec`, `NamedExecContext` (database/sql,
  sqlx), pgx `Exec(ctx, ...)`, and `QueryRow`/`Query` (`INSERT ... RETURNING id`) whose statement
  is an `INSERT`, `UPDATE`, `DELETE`, `UPSERT`, `MERGE` or `REPLACE` written in the code;
- GORM writes: `Create`, `Save`, `Update`, `Updates`, `UpdateColumn`, `UpdateColumns`, `Delete`,
  `CreateInBatches`, also at the end of a chain (`db.Model(&u).Update(...)`).

The handle must be a database (`*sql.DB`, `*sqlx.DB`, `*pgxpool.Pool`, `*gorm.DB` by type in
this file, or named `db`, `s.db`, `pool`, ...), not a transaction (`tx`, a variable from `Begin`,
the parameter of a `db.Transaction(func(tx *gorm.DB) error {...})` callback). Functions that
begin a transaction themselves are not reported, nor are writes in different branches of an
`if`/`switch` (only one runs), a branch that returns after its write, or seed, migration and
fixture functions (`seed`, `migrate`, `fixtures`, `init`, `main`).

## Why it matters
Without a transaction a failure (an error, a timeout, a crash, a deploy) between the two writes
leaves the data half-updated: an order without its items, a debited account without the matching
credit, a user without the profile every other query expects. Nothing repairs it afterwards, and
concurrent readers can observe the intermediate state even when both writes succeed.

## Example
    package accounts

    import (
    	"context"
    	"database/sql"
    )

    func Transfer(ctx context.Context, db *sql.DB, from, to, cents int64) error {
    	if _, err := db.ExecContext(ctx, "UPDATE accounts SET balance = balance - $1 WHERE id = $2", cents, from); err != nil {
    		return err
    	}
    	_, err := db.ExecContext(ctx, "UPDATE accounts SET balance = balance + $1 WHERE id = $2", cents, to)
    	return err
    }

## Use instead
    package accounts

    import (
    	"context"
    	"database/sql"
    )

    func Transfer(ctx context.Context, db *sql.DB, from, to, cents int64) error {
    	tx, err := db.BeginTx(ctx, nil)
    	if err != nil {
    		return err
    	}
    	defer tx.Rollback()
    	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance - $1 WHERE id = $2", cents, from); err != nil {
    		return err
    	}
    	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET balance = balance + $1 WHERE id = $2", cents, to); err != nil {
    		return err
    	}
    	return tx.Commit()
    }

## Known limitations
Writes made through repository methods (`s.users.Create(ctx, u); s.audit.Log(ctx, ...)`) are not
recognised, and SQL built at run time is not counted. A write in a loop counts once (bulk writes
in loops are a separate concern). Two writes that are deliberately independent (an idempotent
`last_seen` update next to an insert) are reported.
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.go_common import function_name, statements_of, string_of, unparen, words
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.data_helpers import (
    BEGIN_METHODS, GORM_PATHS, TX_CALLBACKS, chain_root, expr_type, handle_kind, looks_like_context,
)
from prodcheck.rules.go.helpers import generated_or_tool, view

SQL_WRITES = frozenset({"Exec", "ExecContext", "MustExec", "MustExecContext", "NamedExec", "NamedExecContext",
                        "QueryRow", "QueryRowContext", "QueryRowx", "QueryRowxContext", "Query", "QueryContext"})
GORM_WRITES = frozenset({"Create", "Save", "Update", "Updates", "UpdateColumn", "UpdateColumns", "Delete",
                         "CreateInBatches"})
GORM_CHAIN = frozenset({"Model", "Where", "Table", "Omit", "Select", "Clauses", "WithContext", "Session",
                        "Unscoped", "Debug"})
SETUP_WORDS = frozenset({"seed", "seeder", "seeds", "migrate", "migration", "migrations", "fixture", "fixtures",
                         "init", "main", "bootstrap", "populate", "setup", "reset", "truncate", "cleanup"})
_WRITE_SQL = re.compile(r"^\s*(insert|update|delete|upsert|merge|replace)\b", re.I)
SKIP_PATH = re.compile(r"(^|/)(seeds?|seeders?|migrations?|fixtures|testdata|scripts?)(/|$)")


def check(func, ctx):
    if generated_or_tool(ctx) or SKIP_PATH.search(ctx.path):
        return
    if set(words(function_name(func))) & SETUP_WORDS:
        return
    writes = []
    file_view = view(ctx)
    for node in file_view.calls_in(func):
        operand, name = file_view.call_parts(node)
        if operand is None:
            continue
        if name in BEGIN_METHODS or name in TX_CALLBACKS:
            return                                     # the function manages a transaction
        label = _write(node, unparen(operand), name, ctx)
        if label:
            writes.append((node, label))
    if len(writes) < 2:
        return
    writes = _once_per_loop(writes, file_view)
    for index in range(1, len(writes)):
        first, first_label = writes[0]
        second, second_label = writes[index]
        if _exclusive(first, second, func, file_view):
            continue
        yield ctx.finding(RULE, second, f"`{second_label}` is the second database write of this function "
                                        f"after `{first_label}` on line {first.start_point[0] + 1}, outside "
                                        f"a transaction: a failure between them leaves partial data",
                          related=(first,))
        return


def _write(call, operand, name: str, ctx) -> str:
    file_view = view(ctx)
    args = file_view.arguments(call)
    if name in SQL_WRITES:
        if not args or handle_kind(operand, call, ctx) != "db":
            return ""
        sql_arg = args[1] if len(args) > 1 and (name.endswith("Context") or looks_like_context(args[0])) else args[0]
        sql = string_of(sql_arg, file_view.consts, call, file_view)
        return _label(operand, name) if sql is not None and _WRITE_SQL.match(sql) else ""
    if name in GORM_WRITES and args:
        if handle_kind(operand, call, ctx) != "db":
            return ""
        root = chain_root(operand)
        typed = expr_type(root, call, ctx) if root is not None else ("", "")
        gorm = typed[0] in GORM_PATHS or (not typed[0] and file_view.imports_any(*GORM_PATHS))
        chained = operand.type == "call_expression" and file_view.call_parts(operand)[1] in GORM_CHAIN
        pointer = file_view.text(unparen(args[0])).startswith("&")
        if gorm or (chained and name.startswith("Update")) or (pointer and name in ("Create", "Save", "Delete")
                                                                and not typed[0]):
            return _label(operand, name)
    return ""


def _label(operand, name: str) -> str:
    root = chain_root(operand)
    text = " ".join(text_of(root if root is not None else operand).split())
    return f"{text}.{name}" if len(text) <= 30 else f"....{name}"


def _once_per_loop(writes: list, file_view) -> list:
    kept, seen_loops = [], set()
    for node, label in writes:
        loop = _loop_of(node, file_view)
        if loop is not None:
            if loop.id in seen_loops:
                continue
            seen_loops.add(loop.id)
        kept.append((node, label))
    return kept


def _loop_of(node, file_view):
    current = file_view.parent(node)
    while current is not None and current.type not in ("function_declaration", "method_declaration", "func_literal"):
        if current.type == "for_statement":
            return current
        current = file_view.parent(current)
    return None


def _ancestors(node, stop, file_view) -> list:
    found = []
    current = file_view.parent(node)
    while current is not None and current.id != stop.id:
        found.append(current)
        current = file_view.parent(current)
    return found


def _exclusive(first, second, func, file_view) -> bool:
    """Can the two writes not both run: different branches of an `if`/`switch`/`select`, or the
    first one's branch returns before the second is reached?"""
    up_first = _ancestors(first, func, file_view)
    second_ids = {n.id for n in _ancestors(second, func, file_view)}
    common = next((n for n in up_first if n.id in second_ids), None)
    if common is not None and common.type in ("if_statement", "expression_switch_statement",
                                              "type_switch_statement", "select_statement"):
        return True
    for block in up_first:
        if block.id in second_ids:
            break
        if block.type == "block":
            if any(c.type == "return_statement" and c.start_byte > first.end_byte for c in statements_of(block)):
                return True
    return False


RULE = NodeRule(
    id="GO-DATA-002", slug="multi-write-without-transaction", area=Area.DATA,
    title="Several database writes outside a transaction",
    fix="Run the writes in one transaction: `tx, err := db.BeginTx(ctx, nil)` + `defer tx.Rollback()` + "
        "`tx.Commit()`, or GORM `db.Transaction(func(tx *gorm.DB) error {...})`.",
    rows=("DATA-08",), doc=__doc__, confidence=Confidence.MEDIUM,
    example_path="main.go", visits=("function_declaration", "method_declaration", "func_literal"), check=check,
    coverage="partial", coverage_note="SQL literals and GORM writes in one function; repository calls are not followed",
)
