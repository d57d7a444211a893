"""
## What it does
Flags HTTP servers that accept connections without read timeouts:
- the `net/http` package functions `http.ListenAndServe`, `http.ListenAndServeTLS`,
  `http.Serve` and `http.ServeTLS`, which run a zero-value `http.Server` that cannot be given
  timeouts;
- an `http.Server{...}` literal without `ReadHeaderTimeout` or `ReadTimeout` (unless the same
  function sets one on the variable afterwards);
- gin's `r.Run(...)`/`r.RunTLS(...)`, which call `http.ListenAndServe` underneath;
- echo's `e.Start(...)`/`e.StartTLS(...)` when the file never sets `e.Server.ReadTimeout` or
  `ReadHeaderTimeout`;
- fiber's `app.Listen(...)` on an app made with `fiber.New()` without `ReadTimeout` in its
  `fiber.Config`.

## Why it matters
Without a read or header timeout a client that opens connections and sends the headers one byte
at a time (Slowloris) keeps a goroutine and a file descriptor per connection for as long as it
likes; a few thousand such connections exhaust the process. Idle keep-alive connections pile up
the same way without an `IdleTimeout`.

## Example
    package main

    import (
    	"log"
    	"net/http"
    )

    func main() {
    	mux := http.NewServeMux()
    	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
    	log.Fatal(http.ListenAndServe(":8080", mux))
    }

## Use instead
    package main

    import (
    	"log"
    	"net/http"
    	"time"
    )

    func main() {
    	mux := http.NewServeMux()
    	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {})
    	srv := &http.Server{
    		Addr:              ":8080",
    		Handler:           mux,
    		ReadHeaderTimeout: 5 * time.Second,
    		ReadTimeout:       15 * time.Second,
    		WriteTimeout:      30 * time.Second,
    		IdleTimeout:       60 * time.Second,
    	}
    	log.Fatal(srv.ListenAndServe())
    }

## Known limitations
Only `ReadHeaderTimeout`/`ReadTimeout` are required; a missing `WriteTimeout` or `IdleTimeout` is
not reported. A server configured in another function than the one that builds it, and routers
or apps that reach `Run`/`Start`/`Listen` through a struct field, are not followed. A server
behind a reverse proxy that enforces its own timeouts is still reported.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import (
    composite_fields, composite_type, declared_type, local_declaration, local_value, selector_names,
    type_ref, unparen, walk_local,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import generated_or_tool, local_constructor, package_of, view

PACKAGE_SERVERS = frozenset({"ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS"})
READ_TIMEOUTS = frozenset({"ReadHeaderTimeout", "ReadTimeout"})
GIN = "github.com/gin-gonic/gin"
ECHO = ("github.com/labstack/echo/v4", "github.com/labstack/echo")
FIBER = ("github.com/gofiber/fiber/v2", "github.com/gofiber/fiber/v3", "github.com/gofiber/fiber")


def check(node, ctx):
    if generated_or_tool(ctx):
        return
    if node.type == "call_expression":
        yield from _call(node, ctx)
    elif node.type == "composite_literal":
        yield from _server(node, ctx)


def _call(call, ctx):
    file_view = view(ctx)
    operand, name = file_view.call_parts(call)
    operand = unparen(operand)
    if operand is None or name not in PACKAGE_SERVERS and name not in SERVER_STARTS:
        return
    if name in PACKAGE_SERVERS and package_of(operand, ctx) == "net/http":
        yield ctx.finding(RULE, call, f"`http.{name}` runs a server without read or header timeouts")
        return
    if operand.type != "identifier" or package_of(operand, ctx):
        return
    receiver = file_view.text(operand)
    made = _made_by(receiver, call, ctx)
    if name in ("Run", "RunTLS") and made[0] == GIN:
        yield ctx.finding(RULE, call, f"gin `{receiver}.{name}()` serves with `http.ListenAndServe`: no "
                                      f"read or header timeouts")
    elif name in ("Start", "StartTLS") and made[0] in ECHO and not _echo_timeouts(receiver, ctx):
        yield ctx.finding(RULE, call, f"echo `{receiver}.{name}()` serves without read or header timeouts "
                                      f"(`{receiver}.Server.ReadHeaderTimeout` is not set)")
    elif name in ("Listen", "ListenTLS") and made[0] in FIBER and made[1] == "New" \
            and not _fiber_read_timeout(receiver, call, ctx):
        yield ctx.finding(RULE, call, f"fiber `{receiver}.{name}()` serves without a `ReadTimeout`")


SERVER_STARTS = frozenset({"Run", "RunTLS", "Start", "StartTLS", "Listen", "ListenTLS"})   # the methods below


def _made_by(name: str, at, ctx) -> tuple[str, str]:
    """(import path, constructor) of a local or package variable, or of a typed parameter."""
    file_view = view(ctx)
    made = local_constructor(name, at, ctx)
    if made[0]:
        return made
    decl = local_declaration(name, at, file_view)
    kind = declared_type(decl, name)
    if kind is not None:
        path, type_name = type_ref(kind, file_view)
        if (path, type_name) == (GIN, "Engine"):
            return GIN, "Engine"
    return "", ""


def _echo_timeouts(name: str, ctx) -> bool:
    for node in view(ctx).nodes_of("assignment_statement"):
        left = node.child_by_field_name("left")
        if left is not None and any(selector_names(c)[:2] == [name, "Server"]
                                    and selector_names(c)[-1:] and selector_names(c)[-1] in READ_TIMEOUTS
                                    for c in left.named_children):
            return True
    return False


def _fiber_read_timeout(name: str, at, ctx) -> bool:
    file_view = view(ctx)
    value = unparen(local_value(name, at, file_view))
    if value is None and name in file_view.package_vars:
        value = unparen(file_view.package_vars[name])
    if value is None or value.type != "call_expression":
        return True
    for arg in file_view.arguments(value):
        fields = composite_fields(arg)
        if "ReadTimeout" in fields:
            return True
        if unparen(arg) is not None and unparen(arg).type == "identifier":
            return True                       # a config built elsewhere: trust it
    return False


def _server(node, ctx):
    file_view = view(ctx)
    if composite_type(node, file_view) != ("net/http", "Server"):
        return
    fields = composite_fields(node)
    if READ_TIMEOUTS & set(fields):
        return
    target = _assigned_name(node)
    func = file_view.enclosing_function(node)
    if target and func is not None and _set_later(target, func):
        return
    yield ctx.finding(RULE, node, "`http.Server` without `ReadHeaderTimeout` or `ReadTimeout`")


def _assigned_name(node) -> str:
    outer = node.parent if node.parent is not None and node.parent.type == "unary_expression" else node
    values = outer.parent
    if values is None or values.type != "expression_list":
        return ""
    holder = values.parent
    if holder is None or holder.type not in ("short_var_declaration", "assignment_statement"):
        return ""
    left = holder.child_by_field_name("left")
    targets = list(left.named_children) if left is not None else []
    position = [c.id for c in values.named_children]
    if outer.id not in position or position.index(outer.id) >= len(targets):
        return ""
    target = targets[position.index(outer.id)]
    return text_of(target) if target.type == "identifier" else ""


def _set_later(name: str, func) -> bool:
    for node in walk_local(func.child_by_field_name("body")):
        if node.type == "assignment_statement":
            left = node.child_by_field_name("left")
            if left is not None and any(
                    len(selector_names(c)) == 2 and selector_names(c)[0] == name
                    and selector_names(c)[1] in READ_TIMEOUTS for c in left.named_children):
                return True
    return False


RULE = NodeRule(
    id="GO-REL-008", slug="server-without-timeouts", area=Area.REL,
    title="HTTP server without read timeouts",
    fix="Serve through an `http.Server` with `ReadHeaderTimeout` (and `ReadTimeout`, `WriteTimeout`, "
        "`IdleTimeout`) set, e.g. `srv := &http.Server{Addr: addr, Handler: r, ReadHeaderTimeout: 5 * time.Second}`.",
    rows=("REL-03",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-400",),
    example_path="main.go", visits=("call_expression", "composite_literal"), check=check,
    coverage="partial", coverage_note="read/header timeouts only; write and idle timeouts are not required",
)
