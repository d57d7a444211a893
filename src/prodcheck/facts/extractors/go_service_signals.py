"""Go: service-level signals for the pack-B project rules (request ids, body limits, rate limits,
standard-library logging), as `Signal(name, location, detail)`.

- `go-request-id` (detail: the mechanism): chi/echo `middleware.RequestID`, gin-contrib and fiber
  `requestid.New`, zerolog `hlog.RequestIDHandler`, OpenTelemetry / OpenCensus / Datadog HTTP
  instrumentation imports, a `X-Request-ID` / `X-Correlation-ID` / `traceparent` header name in
  the code, or a call named like a request-id middleware;
- `go-body-limit` (detail): a body limit that covers more than one handler: `http.MaxBytesHandler`,
  `http.MaxBytesReader` inside a middleware (a function taking or returning a handler), echo
  `middleware.BodyLimit`, chi `middleware.RequestSize`, gin-contrib/size;
- `go-body-read` (detail: the call as written): a handler reads the whole request body without a
  `MaxBytesReader` of its own: `io.ReadAll(r.Body)`, `json.NewDecoder(r.Body)`, gin
  `c.ShouldBindJSON`/`BindJSON`/`ShouldBind`/`Bind`/`GetRawData`, echo `c.Bind`;
- `go-rate-limiter` (detail): a rate-limiting library imported or a limiter middleware called;
- `go-stdlog-call` (detail: `log.Printf`, ...; the first per file): the standard `log` package
  used to log outside `main` and `init` (startup messages are not service logging).
"""
from __future__ import annotations

from prodcheck.facts.extract import Extractor
from prodcheck.facts.extractors.go_common import (
    GoFile, function_name, go_file, handler_params, middleware_kind, params_of, result_types,
    selector_names, unparen, words,
)
from prodcheck.facts.model import Signal

TRACING_IMPORTS = ("go.opentelemetry.io/contrib/instrumentation", "go.opencensus.io/plugin/ochttp",
                   "gopkg.in/DataDog/dd-trace-go.v1/contrib", "github.com/DataDog/dd-trace-go/contrib",
                   "github.com/newrelic/go-agent", "github.com/gin-contrib/requestid",
                   "github.com/gofiber/fiber/v2/middleware/requestid", "github.com/rs/zerolog/hlog",
                   "github.com/gofiber/contrib/otelfiber")
REQUEST_ID_HEADERS = frozenset({"x-request-id", "x-correlation-id", "x-requestid", "request-id", "traceparent",
                                "x-amzn-trace-id", "x-b3-traceid", "x-cloud-trace-context"})
RATE_IMPORTS = ("golang.org/x/time/rate", "github.com/didip/tollbooth", "github.com/ulule/limiter",
                "github.com/go-chi/httprate", "github.com/sethvargo/go-limiter", "github.com/go-redis/redis_rate",
                "github.com/throttled/throttled", "go.uber.org/ratelimit", "github.com/juju/ratelimit",
                "github.com/gofiber/fiber/v2/middleware/limiter", "github.com/gofiber/fiber/v3/middleware/limiter",
                "github.com/JGLTechnologies/gin-rate-limit", "github.com/khaaleoo/gin-rate-limiter",
                "github.com/aviddiviner/gin-limit", "github.com/redis/go-redis/v9/redis_rate",
                "github.com/go-redis/redis_rate/v10", "github.com/envoyproxy/ratelimit")
BODY_LIMIT_IMPORTS = ("github.com/gin-contrib/size",)
GIN_BODY_READS = frozenset({"ShouldBindJSON", "BindJSON", "ShouldBind", "Bind", "GetRawData", "ShouldBindXML",
                            "BindXML", "ShouldBindBodyWith", "ShouldBindYAML", "BindYAML", "ShouldBindWith",
                            "BindWith", "MustBindWith"})
DECODERS = frozenset({"encoding/json", "encoding/xml", "github.com/goccy/go-json", "github.com/json-iterator/go"})
LOG_CALLS = frozenset({"Print", "Printf", "Println", "Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln"})
GIN = "github.com/gin-gonic/gin"
ECHO = ("github.com/labstack/echo/v4", "github.com/labstack/echo")


def extract(parsed, builder) -> None:
    view = go_file(parsed)
    signals = builder.signals
    seen: set[str] = set()

    def add(name: str, node, detail: str, once: bool = True) -> None:
        if once and name in seen:
            return
        seen.add(name)
        signals.append(Signal(name, view.location(node), detail))

    for path in view.imports.values():
        if any(path == p or path.startswith(p + "/") for p in TRACING_IMPORTS):
            add("go-request-id", view.root, path)
        if any(path == p or path.startswith(p + "/") for p in RATE_IMPORTS):
            add("go-rate-limiter", view.root, path)
        if any(path == p or path.startswith(p + "/") for p in BODY_LIMIT_IMPORTS):
            add("go-body-limit", view.root, path)
    for node in view.nodes_of("call_expression", "selector_expression", "interpreted_string_literal",
                              "raw_string_literal"):
        kind = node.type
        if kind == "call_expression":
            _call(view, node, add)
        elif kind == "selector_expression":
            _selector(view, node, add)
        else:                            # a string literal: its text without the quotes
            literal = view.text(node)[1:-1]
            if literal.strip().lower() in REQUEST_ID_HEADERS:
                add("go-request-id", node, f"header {literal}")


def _selector(view: GoFile, node, add) -> None:
    """`middleware.RequestID` passed as a value (chi `r.Use(middleware.RequestID)`)."""
    field = view.text(node.child_by_field_name("field"))
    operand = unparen(node.child_by_field_name("operand"))
    if operand is None or operand.type != "identifier":
        return
    path = view.package_path(operand)
    if not path:
        return
    if field in ("RequestID", "RequestIDWithConfig", "RequestIDHandler"):
        add("go-request-id", node, f"{view.text(operand)}.{field}")
    elif field in ("RateLimiter", "RateLimiterWithConfig"):
        add("go-rate-limiter", node, f"{view.text(operand)}.{field}")
    elif field in ("BodyLimit", "BodyLimitWithConfig", "RequestSize") and "middleware" in path:
        add("go-body-limit", node, f"{view.text(operand)}.{field}")


def _call(view: GoFile, call, add) -> None:
    operand, name = view.call_parts(call)
    operand = unparen(operand)
    path = view.package_path(operand) if operand is not None and operand.type == "identifier" else ""
    label = ".".join(selector_names(call.child_by_field_name("function"), view)) or name
    if name == "New" and path.endswith("/requestid"):
        add("go-request-id", call, label)
    elif "".join(words(name)) in ("requestid", "withrequestid", "requestidmiddleware", "correlationid",
                                  "correlationidmiddleware"):
        add("go-request-id", call, label)
    if middleware_kind(label) == "rate" or path.endswith("/limiter") and name == "New":
        add("go-rate-limiter", call, label)
    if path == "net/http" and name == "MaxBytesHandler":
        add("go-body-limit", call, label)
    elif path == "net/http" and name == "MaxBytesReader" and _in_middleware(call, view):
        add("go-body-limit", call, label)
    if path == "log" and name in LOG_CALLS and function_name(view.outermost_function(call)) not in ("", "main", "init"):
        add("go-stdlog-call", call, label)
    _body_read(view, call, operand, name, path, add)


def _in_middleware(call, view: GoFile) -> bool:
    func = view.outermost_function(call)
    if func is None:
        return False
    texts = [view.text(t) for _, t in params_of(func)] + [view.text(t) for t in result_types(func)]
    return any("Handler" in t or t.endswith("Middleware") or "MiddlewareFunc" in t for t in texts)


def _body_read(view: GoFile, call, operand, name: str, path: str, add) -> None:
    if name not in GIN_BODY_READS and not (name == "ReadAll" and path in ("io", "io/ioutil")
                                           or name == "NewDecoder" and path in DECODERS):
        return                           # no body read, whatever the function
    func = view.enclosing_function(call)
    if func is None:
        return
    if not view.handler_framework(func):
        func = view.outermost_function(call)
        if func is None or not view.handler_framework(func):
            return                       # a helper or a binding library, not a request handler
    roles = handler_params(func, view)
    args = view.arguments(call)
    label = ""
    if path in ("io", "io/ioutil") and name == "ReadAll" and args and _raw_body(args[0], roles, view):
        label = f"{view.text(operand)}.ReadAll({view.text(args[0])})"
    elif path in DECODERS and name == "NewDecoder" and args and _raw_body(args[0], roles, view):
        label = f"{view.text(operand)}.NewDecoder({view.text(args[0])})"
    elif operand is not None and operand.type == "identifier" and roles.get(view.text(operand)) == "context":
        imports = set(view.imports.values())
        if GIN in imports and name in GIN_BODY_READS or imports & set(ECHO) and name == "Bind":
            label = f"{view.text(operand)}.{name}"
    if not label or _limits_itself(func, view):
        return
    add("go-body-read", call, label, once=False)


def _raw_body(node, roles: dict[str, str], view: GoFile) -> bool:
    """`r.Body` of the handler's request, gin `c.Request.Body`, echo `c.Request().Body`."""
    names = selector_names(node, view)
    if len(names) == 2 and names[1] == "Body":
        return roles.get(names[0]) == "request"
    if len(names) == 3 and names[1:] == ["Request", "Body"]:
        return roles.get(names[0]) == "context"
    return False


def _limits_itself(func, view: GoFile) -> bool:
    for node in view.walk_local(func):
        if node.type == "call_expression":
            _, name = view.call_parts(node)
            if name in ("MaxBytesReader", "LimitReader"):
                return True
    return False


EXTRACTOR = Extractor("go-service-signals", extract, languages=("go",), kinds=("source",))

__all__ = ["EXTRACTOR", "extract"]
