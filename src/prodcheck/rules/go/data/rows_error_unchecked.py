"""
## What it does
Flags a `for rows.Next() { ... }` loop over database rows after which the function never calls
`rows.Err()`. The rows are those of a database query in the same function
(`db.Query/QueryContext`, sqlx `Queryx/NamedQuery`, pgx `pool.Query`, GORM `Rows()`) or a
parameter or variable typed `*sql.Rows`, `*sqlx.Rows` or `pgx.Rows`. Rows handed to another
function or returned after the loop are not reported.

## Why it matters
`rows.Next()` returns false both at the end of the result set and when reading the next row
failed (a dropped connection, a query cancelled by its context, a type conversion error in the
driver). Without `rows.Err()` the two cannot be told apart: the function returns a truncated
list as if it were complete, and the caller caches, paginates or exports partial data with no
error anywhere.

## Example
    package users

    import (
    	"context"
    	"database/sql"
    )

    func Names(ctx context.Context, db *sql.DB) ([]string, error) {
    	rows, err := db.QueryContext(ctx, "SELECT name FROM users")
    	if err != nil {
    		return nil, err
    	}
    	defer rows.Close()
    	var names []string
    	for rows.Next() {
    		var n string
    		if err := rows.Scan(&n); err != nil {
    			return nil, err
    		}
    		names = append(names, n)
    	}
    	return names, nil
    }

## Use instead
    package users

    import (
    	"context"
    	"database/sql"
    )

    func Names(ctx context.Context, db *sql.DB) ([]string, error) {
    	rows, err := db.QueryContext(ctx, "SELECT name FROM users")
    	if err != nil {
    		return nil, err
    	}
    	defer rows.Close()
    	var names []string
    	for rows.Next() {
    		var n string
    		if err := rows.Scan(&n); err != nil {
    			return nil, err
    		}
    		names = append(names, n)
    	}
    	if err := rows.Err(); err != nil {
    		return nil, err
    	}
    	return names, nil
    }

## Known limitations
Rows whose origin is not visible in the function (a field, a call of another function) are not
checked. A `rows.Err()` call anywhere in the function counts, even before the loop.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import (
    body_of, call_parts, declared_type, declared_value, local_declaration, type_ref, unparen, walk_local,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.data_helpers import ROWS_TYPES, fate, handle_kind
from prodcheck.rules.go.helpers import generated_or_tool, view

QUERIES = frozenset({"Query", "QueryContext", "Queryx", "QueryxContext", "NamedQuery", "NamedQueryContext",
                     "Rows"})


def check(loop, ctx):
    file_view = view(ctx)
    if generated_or_tool(ctx):
        return
    condition = next((c for c in loop.named_children if c.type != "comment"), None)
    condition = unparen(condition)
    if condition is None or condition.type != "call_expression" or file_view.arguments(condition):
        return
    operand, name = file_view.call_parts(condition)
    operand = unparen(operand)
    if name != "Next" or operand is None or operand.type != "identifier":
        return
    variable = file_view.text(operand)
    if not _rows(variable, condition, ctx):
        return
    func = file_view.enclosing_function(loop)
    if func is None or _err_checked(variable, func):
        return
    after = fate(variable, func, loop.end_byte, frozenset())
    if after.returned or after.passed or after.stored:
        return
    yield ctx.finding(RULE, loop, f"the `for {variable}.Next()` loop is never followed by `{variable}.Err()`: "
                                  f"an error while reading rows ends the loop like the end of the data")


def _rows(variable: str, at, ctx) -> bool:
    file_view = view(ctx)
    decl = local_declaration(variable, at, file_view)
    if decl is None:
        return False
    kind = declared_type(decl, variable)
    if kind is not None:
        return type_ref(kind, file_view) in ROWS_TYPES
    value = unparen(declared_value(decl, variable))
    if value is None or value.type != "call_expression":
        return False
    operand, name = file_view.call_parts(value)
    return name in QUERIES and operand is not None and bool(handle_kind(operand, value, ctx))


def _err_checked(variable: str, func) -> bool:
    for node in walk_local(body_of(func)):
        if node.type == "call_expression" and call_parts(node)[1] == "Err":
            operand = unparen(call_parts(node)[0])
            if operand is not None and text_of(operand) == variable:
                return True
    return False


RULE = NodeRule(
    id="GO-DATA-007", slug="rows-error-unchecked", area=Area.DATA,
    title="`rows.Err()` not checked after iterating rows",
    fix="After the `for rows.Next()` loop, check `if err := rows.Err(); err != nil { return ..., err }` "
        "before using the results.",
    rows=("DATA-07",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-754",),
    example_path="main.go", visits=("for_statement",), check=check,
    coverage="partial", coverage_note="database/sql, sqlx, pgx and GORM rows; per function",
)
