"""
## What it does
Flags GET and HEAD routes whose handler writes to the database. The route registration and the
handler must be in the same file: gin/echo `r.GET("/path", h)`, chi/fiber `r.Get("/path", h)`,
net/http `mux.HandleFunc("GET /path", h)` (Go 1.22 patterns), gorilla `r.HandleFunc("/path",
h).Methods("GET")`, with the handler given as a function, a method, a `func` literal or a
handler factory of the file (`h.List(store)` returning a `func` literal). A write is an
`Exec`/`ExecContext`/`NamedExec`/`MustExec` (or a `Query` with `RETURNING`) of a constant SQL
statement that starts with INSERT, UPDATE, DELETE, UPSERT, MERGE, REPLACE or TRUNCATE, or, in a
file that imports GORM, `Create`/`Save`/`Delete`/`Update`/`Updates`/`UpdateColumn(s)` on a
database handle (`db`, `tx`, a `.Model(...)`/`.Where(...)` chain).

Routes whose path marks a link that must be a GET by protocol (OAuth `callback`, e-mail `verify`
/ `confirm` / `activate`, `unsubscribe`, magic links) are not reported.

## Why it matters
HTTP clients, caches, proxies, crawlers, link previewers and browsers' prefetchers assume GET is
safe and repeat it freely: a GET that deletes or updates runs again on every retry, prefetch and
crawl, and can be triggered cross-site by an `<img src>` with the victim's cookies (CSRF
protection usually exempts GET). State changes belong to POST, PUT, PATCH or DELETE.

## Example
    package api

    import (
    	"database/sql"
    	"net/http"

    	"github.com/gin-gonic/gin"
    )

    const cancelOrder = "UPDATE orders SET status = 'cancelled' WHERE id = $1"

    type Handler struct{ db *sql.DB }

    func (h *Handler) Routes(r *gin.Engine) {
    	r.GET("/orders/:id/cancel", h.Cancel)
    }

    func (h *Handler) Cancel(c *gin.Context) {
    	if _, err := h.db.ExecContext(c, cancelOrder, c.Param("id")); err != nil {
    		c.Status(http.StatusInternalServerError)
    		return
    	}
    	c.Status(http.StatusNoContent)
    }

## Use instead
    package api

    import (
    	"database/sql"
    	"net/http"

    	"github.com/gin-gonic/gin"
    )

    const cancelOrder = "UPDATE orders SET status = 'cancelled' WHERE id = $1"

    type Handler struct{ db *sql.DB }

    func (h *Handler) Routes(r *gin.Engine) {
    	r.POST("/orders/:id/cancel", h.Cancel)
    }

    func (h *Handler) Cancel(c *gin.Context) {
    	if _, err := h.db.ExecContext(c, cancelOrder, c.Param("id")); err != nil {
    		c.Status(http.StatusInternalServerError)
    		return
    	}
    	c.Status(http.StatusNoContent)
    }

## Known limitations
Handlers defined in another file than their route, writes made through repository or service
methods (`h.store.MarkSeen(id)`), SQL built at run time and writes to caches, queues or files are
not followed. A GET that updates a "last seen" or view counter is reported like any other write.
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.go_common import (
    body_of, call_parts, selector_names, string_of, unparen, words,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import string_value
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import generated_or_tool, view

UPPER = frozenset({"GET", "HEAD"})
TITLE = frozenset({"Get", "Head"})
TITLE_ROUTERS = ("github.com/go-chi/chi", "github.com/gofiber/fiber")
EXEC_CALLS = frozenset({"Exec", "ExecContext", "MustExec", "MustExecContext", "NamedExec", "NamedExecContext",
                        "ExecEx"})
QUERY_CALLS = frozenset({"Query", "QueryContext", "QueryRow", "QueryRowContext", "QueryRowx", "Get", "GetContext"})
GORM_WRITES = frozenset({"Create", "Save", "Delete", "Update", "Updates", "UpdateColumn", "UpdateColumns",
                         "CreateInBatches", "FirstOrCreate"})
GORM_CHAIN = frozenset({"Model", "Where", "Table", "Unscoped", "Session", "WithContext", "Clauses", "Omit",
                        "Select"})
DB_WORDS = frozenset({"db", "tx", "gorm", "orm", "database", "conn", "pool"})
GORM = ("gorm.io/gorm", "github.com/jinzhu/gorm")
PROTOCOL_LINKS = frozenset({"callback", "verify", "verification", "confirm", "confirmation", "activate",
                            "activation", "unsubscribe", "magic", "oauth", "oauth2", "webhook", "webhooks"})
_WRITE_SQL = re.compile(r"^\s*(with\b.*?\)\s*)?(insert|update|delete|upsert|merge|replace|truncate)\b", re.I | re.S)
_RETURNING = re.compile(r"\breturning\b", re.I)


def check(call, ctx):
    if generated_or_tool(ctx):
        return
    route = _get_route(call, ctx)
    if route is None:
        return
    method, path, handler = route
    if set(words(path.replace("/", " "))) & PROTOCOL_LINKS:
        return
    for func in _handler_functions(handler, ctx):
        write = _first_write(func, ctx)
        if write is not None:
            label = view(ctx).text(write.child_by_field_name("function"))
            yield ctx.finding(RULE, call, f"`{method} {path}` changes state: its handler writes to the database "
                                          f"(`{label}(...)` on line {write.start_point[0] + 1})",
                              related=(write,))
            return


def _get_route(call, ctx):
    """(method, path, handler node) of a GET/HEAD route registration, else None."""
    file_view = view(ctx)
    operand, name = file_view.call_parts(call)
    args = file_view.arguments(call)
    if operand is None or len(args) < 2 and name != "Methods":
        return None
    imports = set(file_view.imports.values())
    if name in UPPER or name in TITLE and any(p.startswith(TITLE_ROUTERS) for p in imports):
        path = string_value(unparen(args[0]))
        if path is not None and path.startswith("/"):
            return name.upper(), path, args[-1]
        return None
    if name in ("HandleFunc", "Handle") and len(args) == 2:
        pattern = string_value(unparen(args[0]))
        if pattern is not None and " " in pattern.strip():
            method, _, path = pattern.strip().partition(" ")
            if method in UPPER and path.strip().startswith("/"):
                return method, path.strip(), args[1]
        return None
    if name == "Methods" and args:
        methods = [string_value(unparen(a)) for a in args]
        inner = unparen(operand)
        if not methods or any(m not in UPPER for m in methods) or inner.type != "call_expression":
            return None
        _, inner_name = file_view.call_parts(inner)
        inner_args = file_view.arguments(inner)
        if inner_name == "HandleFunc" and len(inner_args) == 2:
            path = string_value(unparen(inner_args[0]))
            if path is not None and path.startswith("/"):
                return methods[0], path, inner_args[1]
    return None


def _handler_functions(handler, ctx) -> list:
    """The function bodies a handler expression runs: a literal, a function or method of the file,
    or the `func` literals returned by a handler factory of the file."""
    file_view = view(ctx)
    handler = unparen(handler)
    if handler is None:
        return []
    if handler.type == "func_literal":
        return [handler]
    func = _resolve(handler, ctx)
    if func is None and handler.type == "call_expression":
        inner = unparen(handler.child_by_field_name("function"))
        func = _resolve(inner, ctx) if inner is not None else None
        if func is not None:
            return [n for n in file_view.walk_local(body_of(func)) if n.type == "func_literal"
                    and n.parent is not None and n.parent.type in ("expression_list", "return_statement")
                    and file_view.handler_framework(n)]
        return []
    return [func] if func is not None and file_view.handler_framework(func) else []


def _resolve(node, ctx):
    file_view = view(ctx)
    if node.type == "identifier":
        return file_view.functions.get(file_view.text(node))
    if node.type == "selector_expression":
        operand = unparen(node.child_by_field_name("operand"))
        if operand is not None and operand.type == "identifier" and file_view.package_path(operand):
            return None
        return file_view.method_named(file_view.text(node.child_by_field_name("field")))
    return None


def _first_write(func, ctx):
    file_view = view(ctx)
    gorm = file_view.imports_any(*GORM)
    for node in file_view.walk_local(body_of(func)):
        if node.type != "call_expression":
            continue
        operand, name = file_view.call_parts(node)
        if operand is None:
            continue
        if name in EXEC_CALLS or name in QUERY_CALLS:
            for arg in file_view.arguments(node)[:3]:
                sql = string_of(arg, file_view.consts, node, file_view)
                if sql and _WRITE_SQL.match(sql) and (name in EXEC_CALLS or _RETURNING.search(sql)):
                    return node
        elif gorm and name in GORM_WRITES and _database_chain(operand):
            return node
    return None


def _database_chain(operand) -> bool:
    names = selector_names(operand)
    if any(set(words(n)) & DB_WORDS for n in names):
        return True
    current = unparen(operand)
    while current is not None and current.type == "call_expression":
        inner, name = call_parts(current)
        if name in GORM_CHAIN:
            return True
        current = unparen(inner)
    return False


RULE = NodeRule(
    id="GO-API-002", slug="get-handler-mutates-state", area=Area.API,
    title="GET handler changes state",
    fix="Register the route with POST, PUT, PATCH or DELETE (and protect it against CSRF when it is "
        "cookie-authenticated); keep GET and HEAD free of writes.",
    rows=("API-07",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="api.go", visits=("call_expression",), check=check,
    coverage="partial", coverage_note="direct SQL and GORM writes in same-file handlers",
)
