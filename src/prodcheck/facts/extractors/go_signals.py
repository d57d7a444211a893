"""Go: the service-level signals the Go project rules read (`Signal(name, location, detail)`).

- `go-signal-notify` (detail: Notify | NotifyContext): `signal.Notify(...)`/`signal.NotifyContext(...)`
  from `os/signal`;
- `go-server-shutdown` (detail: the call or library): a server drained on the way out,
  `srv.Shutdown(ctx)`, echo `e.Shutdown(ctx)`, fiber `app.Shutdown()`/`ShutdownWithContext`/
  `ShutdownWithTimeout`, gRPC `GracefulStop()`, or a library that does both (endless, grace,
  tableflip, graceful, `go.uber.org/fx`);
- `go-pprof-import`: `import _ "net/http/pprof"` (which registers /debug/pprof/ on the default
  mux);
- `go-default-mux-served` (detail: the address as written, "" when not a literal): the default
  mux answers on a listener: `http.ListenAndServe(addr, nil)`, `http.Serve(l, nil)`, an
  `http.Server` whose `Handler` is missing, nil or `http.DefaultServeMux`;
- `go-default-mux-route` (detail: the pattern): an application route registered on the default mux
  with `http.HandleFunc`/`http.Handle` (not under `/debug/`);
- `go-profiler-route` (detail): profiling handlers put on an application router outside any `if`:
  gin-contrib `pprof.Register(r)`, chi `r.Mount(path, middleware.Profiler())`, `pprof.Index`
  registered as a handler;
- `go-print-in-handler` (detail: `fmt.Println`, `log.Printf`, ...): stdout printing or the
  standard `log` package called inside a request handler (a function with the net/http, gin, echo
  or fiber handler signature).
"""
from __future__ import annotations

from prodcheck.facts.extract import Extractor
from prodcheck.facts.extractors.go_common import (
    GoFile, composite_fields, composite_type, function_name, go_file, string_of, unparen, words,
)
from prodcheck.facts.model import Signal

GRACEFUL_LIBRARIES = ("github.com/fvbock/endless", "github.com/facebookgo/grace", "github.com/cloudflare/tableflip",
                      "gopkg.in/tylerb/graceful.v1", "github.com/tylerb/graceful", "go.uber.org/fx",
                      "github.com/ory/graceful", "github.com/gofiber/fiber/v2/middleware/shutdown")
SHUTDOWN_METHODS = frozenset({"Shutdown", "ShutdownWithContext", "ShutdownWithTimeout", "GracefulStop",
                              "GracefulShutdown"})
PRINT_FUNCTIONS = {"fmt": frozenset({"Print", "Println", "Printf"}),
                   "log": frozenset({"Print", "Println", "Printf"})}
PPROF_HANDLERS = frozenset({"Index", "Profile", "Cmdline", "Symbol", "Trace"})
LOOPBACK = ("localhost:", "127.0.0.1:", "[::1]:", "127.")


def extract(parsed, builder) -> None:
    view = go_file(parsed)
    signals = builder.signals
    for path, spec in view.blank_imports:
        if path == "net/http/pprof":
            signals.append(Signal("go-pprof-import", view.location(spec), path))
    for path in view.imports.values():
        if any(path == lib or path.startswith(lib + "/") for lib in GRACEFUL_LIBRARIES):
            signals.append(Signal("go-server-shutdown", view.location(view.root), path))
    for node in view.nodes_of("call_expression", "composite_literal"):
        if node.type == "call_expression":
            _call(view, node, signals)
        else:
            _server_literal(view, node, signals)


def _call(view: GoFile, call, signals: list) -> None:
    operand, name = view.call_parts(call)
    operand = unparen(operand)
    package = view.package_path(operand) if operand is not None and operand.type == "identifier" else ""
    args = view.arguments(call)
    if package == "os/signal" and name in ("Notify", "NotifyContext"):
        signals.append(Signal("go-signal-notify", view.location(call), name))
    elif name in SHUTDOWN_METHODS and operand is not None and not package:
        signals.append(Signal("go-server-shutdown", view.location(call), f"{view.text(operand)}.{name}"))
    elif package == "net/http" and name in ("ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS"):
        handler_at = {"ListenAndServe": 1, "ListenAndServeTLS": 3, "Serve": 1, "ServeTLS": 1}[name]
        if len(args) > handler_at and _default_mux(view, args[handler_at]):
            address = string_of(args[0], view.consts, call) if name.startswith("Listen") else ""
            signals.append(Signal("go-default-mux-served", view.location(call), address or ""))
    elif package == "net/http" and name in ("HandleFunc", "Handle") and args:
        pattern = string_of(args[0], view.consts, call) or ""
        if "/debug/" not in pattern:
            signals.append(Signal("go-default-mux-route", view.location(call), pattern))
    elif package in PRINT_FUNCTIONS and name in PRINT_FUNCTIONS[package] and _in_handler(view, call):
        signals.append(Signal("go-print-in-handler", view.location(call), f"{view.text(operand)}.{name}"))
    if _conditional(call, view):
        return
    if package.startswith("github.com/gin-contrib/pprof") and name in ("Register", "RouteRegister"):
        signals.append(Signal("go-profiler-route", view.location(call), f"{view.text(operand)}.{name}"))
    elif name in ("Mount", "Handle", "HandleFunc") and len(args) >= 2:
        handler = unparen(args[-1])
        handler_call = handler if handler is not None and handler.type == "call_expression" else None
        inner_operand, inner = view.call_parts(handler_call) if handler_call is not None else (None, "")
        inner_operand = unparen(inner_operand)
        inner_package = view.package_path(inner_operand) if inner_operand is not None \
            and inner_operand.type == "identifier" else ""
        if inner == "Profiler" and inner_package.startswith("github.com/go-chi/chi"):
            signals.append(Signal("go-profiler-route", view.location(call), "middleware.Profiler()"))
        elif handler is not None and handler.type == "selector_expression":
            holder = unparen(handler.child_by_field_name("operand"))
            if holder is not None and view.package_path(holder) == "net/http/pprof" \
                    and view.text(handler.child_by_field_name("field")) in PPROF_HANDLERS \
                    and not (package == "net/http" and name in ("Handle", "HandleFunc")) \
                    and _first_profiler_route(view, call, signals):
                signals.append(Signal("go-profiler-route", view.location(call), view.text(handler)))


def _first_profiler_route(view: GoFile, call, signals: list) -> bool:
    """One signal per function, and none inside a function that only builds a profiler router for
    others to mount (chi's `middleware.Profiler()`, a `pprofRoutes(r)` helper): the mount is the
    exposure."""
    func = view.outermost_function(call)
    name = function_name(func) if func is not None else ""
    if set(words(name)) & {"profiler", "pprof", "profiling"}:
        return False
    line_range = (func.start_point[0] + 1, func.end_point[0] + 1) if func is not None else (0, 0)
    return not any(s.name == "go-profiler-route" and s.location.path == view.path
                   and line_range[0] <= s.location.line <= line_range[1] for s in signals)


def _server_literal(view: GoFile, node, signals: list) -> None:
    path, type_name = composite_type(node, view)
    if (path, type_name) != ("net/http", "Server"):
        return
    fields = composite_fields(node)
    if "Addr" not in fields:
        return
    handler = fields.get("Handler")
    if handler is None or _default_mux(view, handler):
        address = string_of(fields.get("Addr"), view.consts, node)
        signals.append(Signal("go-default-mux-served", view.location(node), address or ""))


def _default_mux(view: GoFile, node) -> bool:
    node = unparen(node)
    if node is None:
        return False
    if node.type == "nil":
        return True
    if node.type == "selector_expression":
        operand = unparen(node.child_by_field_name("operand"))
        return view.package_path(operand) == "net/http" \
            and view.text(node.child_by_field_name("field")) == "DefaultServeMux"
    return False


def _in_handler(view: GoFile, node) -> bool:
    func = view.enclosing_function(node)
    while func is not None:
        if view.handler_framework(func):
            return True
        func = view.enclosing_function(func)
    return False


def _conditional(node, view: GoFile) -> bool:
    """Inside an `if` or `switch` of its function (enabled by a flag or an environment check)."""
    current = view.parent(node)
    while current is not None and current.type not in ("function_declaration", "method_declaration",
                                                          "func_literal"):
        if current.type in ("if_statement", "expression_switch_statement", "type_switch_statement"):
            return True
        current = view.parent(current)
    return False


def is_loopback(address: str) -> bool:
    return address.startswith(LOOPBACK)


EXTRACTOR = Extractor("go-signals", extract, languages=("go",), kinds=("source",))

__all__ = ["EXTRACTOR", "extract", "is_loopback"]
