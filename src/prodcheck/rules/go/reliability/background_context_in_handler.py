"""
## What it does
Flags `context.Background()` and `context.TODO()` inside a request handler (a function or `func`
literal with the net/http, gin, echo or fiber handler signature, and the `func` literals nested
in it), where the request's own context is at hand: `r.Context()` (net/http and chi),
`c.Request.Context()` (gin), `c.Request().Context()` (echo), `c.UserContext()` (fiber).
Deriving a timeout from it (`context.WithTimeout(context.Background(), 5*time.Second)`) is
reported too: the timeout is kept but the client's cancellation is lost.

Not reported, because detaching from the request is the point there:
- work started in a goroutine (`go func() { ... context.Background() ... }()`,
  `go audit.Record(context.Background(), ev)`) or in `time.AfterFunc`, which must outlive the
  request;
- deferred cleanup (`defer tx.Rollback(context.Background())`), which must run even when the
  request was cancelled;
- `srv.Shutdown(context.Background())` in an admin handler.

## Why it matters
When a client disconnects or its deadline passes, net/http cancels the request context. Queries,
HTTP calls and RPCs made with that context stop at once; made with `context.Background()` they
run to completion for nobody: a slow query keeps a pool connection busy, retries continue, and
under a traffic spike the server does the full work of every abandoned request, which is what
turns a slowdown into an outage. Tracing spans and request-scoped values carried by the context
are lost as well.

## Example
    package users

    import (
    	"context"
    	"database/sql"
    	"net/http"
    )

    type Handler struct {
    	DB *sql.DB
    }

    func (h *Handler) Get(w http.ResponseWriter, r *http.Request) {
    	var name string
    	err := h.DB.QueryRowContext(context.Background(), "SELECT name FROM users WHERE id = $1",
    		r.URL.Query().Get("id")).Scan(&name)
    	if err != nil {
    		http.Error(w, "not found", http.StatusNotFound)
    		return
    	}
    	_, _ = w.Write([]byte(name))
    }

## Use instead
    package users

    import (
    	"database/sql"
    	"net/http"
    )

    type Handler struct {
    	DB *sql.DB
    }

    func (h *Handler) Get(w http.ResponseWriter, r *http.Request) {
    	var name string
    	err := h.DB.QueryRowContext(r.Context(), "SELECT name FROM users WHERE id = $1",
    		r.URL.Query().Get("id")).Scan(&name)
    	if err != nil {
    		http.Error(w, "not found", http.StatusNotFound)
    		return
    	}
    	_, _ = w.Write([]byte(name))
    }

## Known limitations
Only handlers recognised by their signature are checked: services and repositories called from
a handler that create their own `context.Background()` are not followed. Work that is meant to
outlive the request but runs synchronously (an enqueue with its own deadline) is reported; use
`context.WithoutCancel(r.Context())` (Go 1.21) to make the intent explicit.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import FUNCTION_TYPES, call_parts, function_name
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.data_helpers import context_source, handler_of, in_defer, in_goroutine, is_context_call
from prodcheck.rules.go.helpers import generated_or_tool

DETACHING = frozenset({"AfterFunc", "Shutdown", "ShutdownWithContext", "WithoutCancel"})


def check(call, ctx):
    if generated_or_tool(ctx):
        return
    kind = is_context_call(call, ctx)
    if not kind:
        return
    handler = handler_of(call, ctx)
    if handler is None or in_goroutine(call, handler) or in_defer(call, handler) or _detached(call, handler):
        return
    source = context_source(handler, ctx)
    if not source:
        return
    name = function_name(handler) or "func literal"
    yield ctx.finding(RULE, call, f"`context.{kind}()` in handler `{name}` drops the request's cancellation "
                                  f"and deadline: pass `{source}` instead")


def _detached(call, handler) -> bool:
    """Inside a call that detaches on purpose (`time.AfterFunc(d, func() {...})`,
    `srv.Shutdown(context.Background())`)."""
    current = call.parent
    while current is not None and current.id != handler.id:
        if current.type == "call_expression" and call_parts(current)[1] in DETACHING:
            return True
        if current.type in FUNCTION_TYPES and current.type != "func_literal":
            return False
        current = current.parent
    return False


RULE = NodeRule(
    id="GO-REL-012", slug="background-context-in-handler", area=Area.REL,
    title="`context.Background()` used inside a request handler",
    fix="Pass the request's context (`r.Context()`, `c.Request.Context()`, `c.Request().Context()`, "
        "`c.UserContext()`) to downstream calls, deriving timeouts from it.",
    rows=("REL-02",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="main.go", visits=("call_expression",), check=check,
    coverage="partial", coverage_note="handlers recognised by signature; callees are not followed",
)
