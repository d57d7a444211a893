"""
## What it does
Flags a whole table read into memory while serving a request: inside a request handler (net/http,
gin, echo, fiber signature) or a function of the same file that a handler calls,
- sqlx `db.Select(&list, sql)` / `SelectContext(ctx, &list, sql)` and database/sql, sqlx or pgx
  `db.Query/QueryContext/Queryx(...)` whose SQL (a literal or a constant) is a `SELECT ... FROM`
  with neither `WHERE`, `LIMIT`, `FETCH FIRST` nor `TOP`, and is not a single aggregate
  (`SELECT count(*) FROM t`);
- GORM `db.Find(&list)` into a slice where the chain has no `Where`, `Limit`, `Scopes`
  (a paginate scope), `Offset`, `Joins`, `Having` or `Raw` and `Find` gets no condition
  (`Find(&list, ids)` is filtered).

## Why it matters
A query without a bound returns every row of the table: fine with the fixtures of development,
then seconds of latency, hundreds of megabytes per request and an out-of-memory kill as the table
grows. Any client can trigger it repeatedly, so it is also a cheap denial-of-service lever.
Bound it with `LIMIT`/keyset pagination or GORM `Limit`/`Offset` driven by clamped page
parameters.

## Example
    package products

    import (
    	"net/http"

    	"github.com/gin-gonic/gin"
    	"gorm.io/gorm"
    )

    type Product struct {
    	ID   uint
    	Name string
    }

    type Handler struct {
    	DB *gorm.DB
    }

    func (h *Handler) List(c *gin.Context) {
    	var products []Product
    	if err := h.DB.Order("id").Find(&products).Error; err != nil {
    		c.AbortWithStatus(http.StatusInternalServerError)
    		return
    	}
    	c.JSON(http.StatusOK, products)
    }

## Use instead
    package products

    import (
    	"net/http"
    	"strconv"

    	"github.com/gin-gonic/gin"
    	"gorm.io/gorm"
    )

    type Product struct {
    	ID   uint
    	Name string
    }

    type Handler struct {
    	DB *gorm.DB
    }

    func (h *Handler) List(c *gin.Context) {
    	limit, err := strconv.Atoi(c.DefaultQuery("limit", "50"))
    	if err != nil || limit <= 0 || limit > 100 {
    		limit = 50
    	}
    	after, _ := strconv.Atoi(c.Query("after"))
    	var products []Product
    	if err := h.DB.Where("id > ?", after).Order("id").Limit(limit).Find(&products).Error; err != nil {
    		c.AbortWithStatus(http.StatusInternalServerError)
    		return
    	}
    	c.JSON(http.StatusOK, products)
    }

## Known limitations
Queries in repositories of other files or packages are not followed (the list endpoint itself is
judged by `list-endpoint-without-pagination` from the route inventory, which may report the same
handler). A `WHERE` clause is taken as a bound although a filter can still match most rows, and
SQL built at run time is not analysed. Small lookup tables read whole on purpose are reported
when read on the request path.
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.go_common import call_parts, string_of, unparen
from prodcheck.facts.extractors.go_handlers import is_slice_reference
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.data_helpers import handle_kind, looks_like_context, request_path
from prodcheck.rules.go.helpers import generated_or_tool, view

SQL_QUERIES = {"Query": 0, "QueryContext": 1, "Queryx": 0, "QueryxContext": 1, "Select": 1, "SelectContext": 2}
BOUNDING = frozenset({"Where", "Limit", "Scopes", "Offset", "Joins", "Having", "Raw", "First", "Take", "Last",
                      "InnerJoins", "Not", "Or", "Paginate", "Page"})
_SELECT_FROM = re.compile(r"^\s*select\b.*?\bfrom\b", re.I | re.S)
_BOUNDED = re.compile(r"\b(where|limit|fetch\s+first|top|offset)\b", re.I)
_AGGREGATE_ONLY = re.compile(r"^\s*select\s+(count|sum|avg|min|max|exists)\s*\(.*?\)\s*(as\s+\w+\s*)?from\b",
                             re.I | re.S)
_GROUP_BY = re.compile(r"\bgroup\s+by\b", re.I)


def check(call, ctx):
    if generated_or_tool(ctx):
        return
    operand, name = view(ctx).call_parts(call)
    operand = unparen(operand)
    if operand is None:
        return
    label = _unbounded(call, operand, name, ctx)
    if not label:
        return
    where = request_path(call, ctx)
    if not where:
        return
    yield ctx.finding(RULE, call, f"`{label}` reads a whole table with no `LIMIT` or filter, on the request "
                                  f"path ({where})")


def _unbounded(call, operand, name: str, ctx) -> str:
    file_view = view(ctx)
    args = file_view.arguments(call)
    if name in SQL_QUERIES:
        if not handle_kind(operand, call, ctx):
            return ""
        position = SQL_QUERIES[name]
        if name in ("Query", "Queryx") and args and looks_like_context(args[0]):
            position = 1                                   # pgx: Query(ctx, sql, ...)
        if name.startswith("Select") and not (len(args) > position and _slice_target(args[position - 1], call, ctx)):
            return ""
        if len(args) <= position:
            return ""
        sql = string_of(args[position], file_view.consts, call, file_view)
        if sql is None or not _SELECT_FROM.match(sql) or _BOUNDED.search(sql):
            return ""
        if _AGGREGATE_ONLY.match(sql) and not _GROUP_BY.search(sql):
            return ""
        return f"{_short(operand)}.{name}"
    if name == "Find" and len(args) == 1 and _slice_target(args[0], call, ctx):
        if handle_kind(operand, call, ctx) != "db" or _bounded_chain(operand):
            return ""
        return f"{_short(operand)}.Find"
    return ""


def _bounded_chain(operand) -> bool:
    node = unparen(operand)
    for _ in range(32):
        if node is None or node.type != "call_expression":
            return False
        if call_parts(node)[1] in BOUNDING:
            return True
        node = unparen(call_parts(node)[0])
    return False


def _slice_target(arg, at, ctx) -> bool:
    """`&list` where `list` is declared as a slice (`var list []T`, `list := []T{}`, `make([]T, 0)`)."""
    file_view = view(ctx)
    node = unparen(arg)
    if node is None or node.type != "unary_expression" or not file_view.text(node).startswith("&"):
        return False
    return is_slice_reference(node, at, file_view)


def _short(operand) -> str:
    text = " ".join(text_of(operand).split())
    return text if len(text) <= 40 else text[:37] + "..."


RULE = NodeRule(
    id="GO-DATA-004", slug="unbounded-query", area=Area.DATA,
    title="Unbounded query on the request path",
    fix="Bound the read: `LIMIT $1` with keyset or offset pagination from clamped query parameters, GORM "
        "`.Limit(n).Offset(o)` or a paginate scope, or a `WHERE` on the caller's own rows.",
    rows=("DATA-14",), doc=__doc__, confidence=Confidence.MEDIUM, cwe=("CWE-770",),
    example_path="main.go", visits=("call_expression",), check=check,
    coverage="partial", coverage_note="literal SQL and GORM Find in handlers and their same-file callees",
)
