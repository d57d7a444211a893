"""
## What it does
Flags a database or cache connection (pool) created while serving a request: `sql.Open`,
`sqlx.Open/Connect/MustConnect`, `pgx.Connect`, `pgxpool.New/NewWithConfig`, `gorm.Open`,
`redis.NewClient/NewClusterClient/NewUniversalClient` (go-redis) or `mongo.Connect` called
- in the body of a request handler (a function with the net/http, gin, echo or fiber handler
  signature, including `func` literals registered as handlers), or
- in a function or method of the same file that such a handler calls (directly or through one
  more local function).

A connection cached for later requests is not reported: assigned to a package variable or a
struct field, created inside `sync.Once.Do(func() {...})`, or inside an `if x == nil { ... }`
lazy initialisation.

## Why it matters
`sql.Open`, `pgxpool.New` and `redis.NewClient` create a connection pool, not a connection. A
pool per request performs a TCP and TLS handshake plus authentication on every call (tens of
milliseconds), defeats connection reuse, and under load opens as many server connections as
there are requests in flight until the database refuses new ones (`too many clients`). If the
pool is not closed it also leaks its connections and goroutines.

## Example
    package handlers

    import (
    	"database/sql"
    	"net/http"
    	"os"
    )

    func Health(w http.ResponseWriter, r *http.Request) {
    	db, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))
    	if err != nil {
    		http.Error(w, "db", http.StatusServiceUnavailable)
    		return
    	}
    	defer db.Close()
    	if err := db.PingContext(r.Context()); err != nil {
    		http.Error(w, "db", http.StatusServiceUnavailable)
    		return
    	}
    	w.WriteHeader(http.StatusNoContent)
    }

## Use instead
    package handlers

    import (
    	"database/sql"
    	"net/http"
    )

    type Server struct {
    	DB *sql.DB // opened once in main, shared by every request
    }

    func (s *Server) Health(w http.ResponseWriter, r *http.Request) {
    	if err := s.DB.PingContext(r.Context()); err != nil {
    		http.Error(w, "db", http.StatusServiceUnavailable)
    		return
    	}
    	w.WriteHeader(http.StatusNoContent)
    }

## Known limitations
Calls are followed inside one file only: a handler that calls a connecting function of another
file or package is not reported. A connection cached in a map keyed by tenant inside a handler is
reported only when it is not assigned to a field or package variable.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import function_name, local_declaration, unparen
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.data_helpers import (
    DISCARDED, GORM_PATHS, PGX_PATHS, PGXPOOL_PATHS, assigned_target, function_name_of, handler_callers, handler_of,
    outer_declaration,
)
from prodcheck.rules.go.helpers import call_target, generated_or_tool, view

REDIS_PATHS = ("github.com/redis/go-redis/v9", "github.com/go-redis/redis/v8", "github.com/go-redis/redis/v7",
               "github.com/go-redis/redis")
CONNECTORS: dict[str, frozenset[str]] = {
    "database/sql": frozenset({"Open", "OpenDB"}),
    "github.com/jmoiron/sqlx": frozenset({"Open", "Connect", "ConnectContext", "MustConnect", "MustOpen"}),
    **{p: frozenset({"Connect", "ConnectConfig"}) for p in PGX_PATHS},
    **{p: frozenset({"New", "NewWithConfig", "Connect", "ConnectConfig"}) for p in PGXPOOL_PATHS},
    **{p: frozenset({"Open"}) for p in GORM_PATHS},
    **{p: frozenset({"NewClient", "NewClusterClient", "NewUniversalClient", "NewFailoverClient"})
       for p in REDIS_PATHS},
    "go.mongodb.org/mongo-driver/mongo": frozenset({"Connect", "NewClient"}),
    "go.mongodb.org/mongo-driver/v2/mongo": frozenset({"Connect"}),
}


def check(call, ctx):
    file_view = view(ctx)
    if generated_or_tool(ctx):
        return
    path, name = call_target(call, ctx)
    if not path:
        path = _go_redis(call, ctx)
    if not path or name not in CONNECTORS.get(path, ()):
        return
    if _cached(call, ctx):
        return
    label = f"{file_view.text(unparen(file_view.call_parts(call)[0]))}.{name}"
    handler = handler_of(call, ctx, through_goroutines=True)
    if handler is not None:
        yield ctx.finding(RULE, call, f"`{label}` opens a new connection pool on every request "
                                      f"(in handler `{function_name_of(handler)}`)")
        return
    func = outer_declaration(call)
    caller = handler_callers(ctx).get(func.id) if func is not None else None
    if caller is not None:
        yield ctx.finding(RULE, call, f"`{label}` opens a new connection pool on every request: "
                                      f"`{function_name(func)}` is called by handler `{caller}`",
                          confidence=Confidence.MEDIUM)


def _go_redis(call, ctx) -> str:
    """`redis.NewClient` from "github.com/redis/go-redis/v9" imported without an alias: the
    package is named `redis` although its directory is `go-redis`."""
    file_view = view(ctx)
    operand = unparen(file_view.call_parts(call)[0])
    if operand is None or operand.type != "identifier" or file_view.text(operand) != "redis":
        return ""
    path = file_view.imports.get("go-redis", "")
    return path if path in REDIS_PATHS and not file_view.shadowed("redis", operand) else ""


def _cached(call, ctx) -> bool:
    file_view = view(ctx)
    target = assigned_target(call)
    if target is None:                                 # a field, an argument, a struct literal
        parent = call.parent
        return parent is not None and parent.type != "return_statement" and not (
            parent.type == "expression_list" and parent.parent is not None
            and parent.parent.type == "return_statement")
    if target != DISCARDED and target.parent is not None and target.parent.parent is not None:
        holder = target.parent.parent
        if holder.type == "assignment_statement" \
                and local_declaration(file_view.text(target), holder, file_view) is None:
            return True                                # a package-level variable
    current = call.parent
    while current is not None and current.type not in ("function_declaration", "method_declaration"):
        if current.type == "func_literal":
            holder = current.parent.parent if current.parent is not None else None
            if holder is not None and holder.type == "call_expression" and file_view.call_parts(holder)[1] == "Do":
                return True                            # once.Do(func() { ... })
        if current.type == "if_statement" and "== nil" in file_view.text(current.child_by_field_name("condition")):
            return True
        current = current.parent
    return False


RULE = NodeRule(
    id="GO-DATA-005", slug="connection-per-request", area=Area.DATA,
    title="Database connection opened per request",
    fix="Open the pool once at startup (`sql.Open` + `SetMaxOpenConns`, `pgxpool.New`, "
        "`redis.NewClient`) and inject it into the handlers (a struct field or closure).",
    rows=("DATA-06",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-400",),
    example_path="main.go", visits=("call_expression",), check=check,
    coverage="partial", coverage_note="handlers and same-file callees; pool sizing is not checked",
)
