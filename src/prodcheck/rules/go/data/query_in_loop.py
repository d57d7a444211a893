"""
## What it does
Flags N+1 queries: a database read inside the body of a `for` loop (a `range` loop, a counted
loop, or a `for rows.Next()` loop over the results of another query). Recognised reads:
- database/sql and pgx: `db.Query/QueryRow/QueryContext/QueryRowContext(...)` on a receiver named
  like a database handle (`db`, `tx`, `conn`, `pool`, `s.db`, `r.store.DB`, ...) with a `SELECT`
  (or an SQL string that is not a literal);
- sqlx: `Get`, `Select`, `GetContext`, `SelectContext`, `Queryx`, `QueryRowx`;
- GORM: `First`, `Find`, `Take`, `Last`, `Count`, `Pluck`, also at the end of a chain
  (`db.Where("id = ?", id).First(&u)`);
- the MongoDB driver: `FindOne`, `Find`, `CountDocuments` on a collection.

Writes (`Exec`, `Create`, `Save`, `INSERT`/`UPDATE` SQL) are left to a bulk-write check; `for { }`
and `for cond { }` loops (polling, batch paging) other than `for rows.Next()`, and small constant
retry loops (`for i := 0; i < 3; i++`), are not reported. A read inside a `func` literal in the
loop is not attributed to the loop.

## Why it matters
One query per item turns a page of 50 orders into 51 round trips: fast with three rows in
development, seconds of latency and an exhausted connection pool in production. Nesting a query
inside `for rows.Next()` also holds the outer result set's connection while the inner query waits
for another one, which deadlocks a small pool. One query with `WHERE id = ANY($1)`, a join or
GORM's `Preload` loads the same data in one round trip.

## Example
    package orders

    import "database/sql"

    type Order struct {
    	ID         int64
    	CustomerID int64
    	Customer   string
    }

    func WithCustomers(db *sql.DB, orders []Order) error {
    	for i := range orders {
    		row := db.QueryRow("SELECT name FROM customers WHERE id = $1", orders[i].CustomerID)
    		if err := row.Scan(&orders[i].Customer); err != nil {
    			return err
    		}
    	}
    	return nil
    }

## Use instead
    package orders

    import (
    	"database/sql"

    	"github.com/lib/pq"
    )

    type Order struct {
    	ID         int64
    	CustomerID int64
    	Customer   string
    }

    func WithCustomers(db *sql.DB, orders []Order) error {
    	ids := make([]int64, len(orders))
    	for i, o := range orders {
    		ids[i] = o.CustomerID
    	}
    	rows, err := db.Query("SELECT id, name FROM customers WHERE id = ANY($1)", pq.Array(ids))
    	if err != nil {
    		return err
    	}
    	defer rows.Close()
    	names := map[int64]string{}
    	for rows.Next() {
    		var id int64
    		var name string
    		if err := rows.Scan(&id, &name); err != nil {
    			return err
    		}
    		names[id] = name
    	}
    	for i := range orders {
    		orders[i].Customer = names[orders[i].CustomerID]
    	}
    	return rows.Err()
    }

## Known limitations
Queries hidden behind a repository method of the project (`repo.ByID(ctx, id)` in a loop) are
not recognised. A loop known to run a handful of times but written over a variable is reported.
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.go_common import call_parts, selector_names, string_of, unparen, words
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import generated_or_tool, package_of, view

SQL_READS = {"Query": 0, "QueryRow": 0, "QueryContext": 1, "QueryRowContext": 1, "Queryx": 0, "QueryRowx": 0,
             "QueryxContext": 1, "QueryRowxContext": 1, "Get": 1, "Select": 1, "GetContext": 2,
             "SelectContext": 2}
GORM_READS = frozenset({"First", "Find", "Take", "Last", "Count", "Pluck", "FirstOrInit"})
MONGO_READS = frozenset({"FindOne", "CountDocuments"})
DB_WORDS = frozenset({"db", "tx", "conn", "pool", "sql", "sqlx", "database", "gorm", "orm", "pg", "pgx", "mysql",
                      "dbx", "txn", "dbconn", "conns", "rdb", "store", "repo", "stmt", "querier", "queries", "q"})
MONGO_WORDS = frozenset({"collection", "coll", "col", "mongo", "collections"})
_WRITE_SQL = re.compile(r"^\s*(insert|update|delete|upsert|merge|replace|create|drop|alter)\b", re.I)
SMALL_BOUND = 5


def check(call, ctx):
    if generated_or_tool(ctx):
        return
    operand, name = view(ctx).call_parts(call)
    operand = unparen(operand)
    if operand is None or package_of(operand, ctx):
        return
    label = _read(call, operand, name, ctx)
    if not label:
        return
    loop = _enclosing_loop(call)
    if loop is None:
        return
    yield ctx.finding(RULE, call, f"`{label}` runs once per iteration of the loop on line "
                                  f"{loop.start_point[0] + 1}: an N+1 query", related=(loop,))


def _read(call, operand, name: str, ctx) -> str:
    file_view = view(ctx)
    names = selector_names(operand)
    chain = [n for n in names]
    root_words = {w for n in chain for w in words(n)}
    args = file_view.arguments(call)
    if name in SQL_READS:
        if not root_words & DB_WORDS:
            return ""
        position = SQL_READS[name]
        if len(args) <= position:
            return ""
        if name in ("Get", "Select", "GetContext", "SelectContext") and len(args) < position + 1:
            return ""
        sql = string_of(args[position], file_view.consts, call)
        if sql is not None and _WRITE_SQL.match(sql):
            return ""
        if name in ("Get", "Select", "GetContext", "SelectContext") and sql is None:
            return ""
        return f"{file_view.text(operand)}.{name}"
    if name in GORM_READS and root_words & DB_WORDS:
        if name == "Find" and args and _looks_like_context(args[0]):
            return ""
        return f"{_short(operand)}.{name}"
    if (name in MONGO_READS or name == "Find" and args and _looks_like_context(args[0])) \
            and root_words & MONGO_WORDS:
        return f"{_short(operand)}.{name}"
    return ""


def _looks_like_context(node) -> bool:
    text = text_of(node)
    return text in ("ctx", "context.Background()", "context.TODO()") or text.endswith(("Context()", ".ctx"))


def _short(operand) -> str:
    text = " ".join(text_of(operand).split())
    return text if len(text) <= 40 else text[:37] + "..."


def _enclosing_loop(node):
    """The `for` statement whose body holds `node` and which runs per item, or None."""
    current = node
    while current.parent is not None:
        parent = current.parent
        if parent.type in ("func_literal", "function_declaration", "method_declaration"):
            return None
        if parent.type == "for_statement":
            body = parent.child_by_field_name("body")
            if body is not None and body.id == current.id and _per_item(parent):
                return parent
        current = parent
    return None


def _per_item(loop) -> bool:
    clauses = [c for c in loop.named_children if c.type != "comment" and c.type != "block"]
    if not clauses:
        return False                                   # for { ... }: a polling or worker loop
    clause = clauses[0]
    if clause.type == "range_clause":
        right = unparen(clause.child_by_field_name("right"))
        return not (right is not None and right.type == "int_literal" and _small(text_of(right)))
    if clause.type == "for_clause":
        condition = clause.child_by_field_name("condition")
        if condition is not None and condition.type == "binary_expression":
            bound = unparen(condition.child_by_field_name("right"))
            if bound is not None and bound.type == "int_literal" and _small(text_of(bound)):
                return False
        return condition is not None
    if clause.type == "call_expression":                # for rows.Next() { ... }
        return call_parts(clause)[1] in ("Next", "NextResultSet")
    return False


def _small(text: str) -> bool:
    try:
        return int(text, 0) <= SMALL_BOUND
    except ValueError:
        return False


RULE = NodeRule(
    id="GO-DATA-001", slug="query-in-loop", area=Area.DATA,
    title="Database query inside a loop (N+1)",
    fix="Load the rows for all items in one query (`WHERE id = ANY($1)`, a join, GORM `Preload`) "
        "before the loop, and look them up in a map inside it.",
    rows=("DATA-01",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="main.go", visits=("call_expression",), check=check,
    coverage="partial", coverage_note="reads only; repository methods and lazy loading are not recognised",
)
