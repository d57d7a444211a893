"""
## What it does
Flags panics in request-serving code that nothing recovers:
- **goroutines started by a request handler** (a function or `func` literal with the net/http,
  gin, echo or fiber handler signature) whose function has no deferred `recover()`:
  `go func() { ... }()` without `defer func() { if r := recover(); ... }()` (or a deferred call
  of a function named like a recovery helper, `defer recoverPanic()`, `defer sentry.Recover()`,
  or of a function of this file that calls `recover()`), and `go s.work(x)` where `s.work` is
  declared in this file without one. No router middleware covers a goroutine: a panic in it
  kills the whole process, with every in-flight request;
- **a fiber app without the recover middleware**: `app := fiber.New()` served from the function
  that creates it (`app.Listen(addr)`) without `recover.New()`; fasthttp does not recover handler
  panics, so one nil dereference in a handler crashes the server;
- **a gin, echo or chi router without recovery middleware**: `gin.New()` without
  `gin.Recovery()`/`gin.CustomRecovery(...)`, `echo.New()` without `middleware.Recover()`, or
  `chi.NewRouter()` without `middleware.Recoverer`, served from the function that creates it
  (`r.Run()`, `e.Start()`, `http.ListenAndServe(addr, r)`, `http.Server{Handler: r}`) where no
  recovering middleware or wrapper appears (a name that mentions recover/recovery/panic, or
  sentry). Here the process survives (net/http recovers each connection's panic), but the
  client's connection is dropped without a response, the panic bypasses the service's logger
  and error reporting, and `http.Server` only prints it to stderr.

`gin.Default()` includes `Recovery()` and is not reported. Routers that are returned or stored
rather than served where they are made (sub-routers mounted under a parent, routers that `main`
configures further) are not reported, nor are routers handed to a function named like a
middleware installer or to a function of this file that adds recovery, nor a router used with a
middleware list spread from a variable (`r.Use(mws...)`).

## Why it matters
A panic in a goroutine that no `recover` catches terminates the program: one bad request takes
down every other request the instance is serving, and a crash loop follows if the input is
retried. Without recovery middleware in the router, a handler panic gives the client an
`EOF`/connection reset instead of a 500 and leaves no trace in the structured logs and error
tracker the team watches.

## Example
    package api

    import (
    	"log"
    	"net/http"

    	"github.com/gin-gonic/gin"
    )

    func main() {
    	r := gin.New()
    	r.Use(gin.Logger())
    	r.POST("/notify/:id", Notify)
    	log.Fatal(r.Run(":8080"))
    }

    func Notify(c *gin.Context) {
    	go func() {
    		log.Println(c.Copy().Param("id"))
    	}()
    	c.Status(http.StatusAccepted)
    }

## Use instead
    package api

    import (
    	"log"
    	"net/http"

    	"github.com/gin-gonic/gin"
    )

    func main() {
    	r := gin.New()
    	r.Use(gin.Logger(), gin.Recovery())
    	r.POST("/notify/:id", Notify)
    	log.Fatal(r.Run(":8080"))
    }

    func Notify(c *gin.Context) {
    	id := c.Param("id")
    	go func() {
    		defer func() {
    			if err := recover(); err != nil {
    				log.Printf("notify panicked: %v", err)
    			}
    		}()
    		log.Println(id)
    	}()
    	c.Status(http.StatusAccepted)
    }

## Known limitations
Goroutines started outside handlers (workers, consumers started from `main`) and goroutines
started through a helper (`safe.Go(fn)`, `errgroup.Go`) are not checked. A goroutine that calls a
function of another file or package is not reported (its recovery cannot be seen). Routers are
checked only where they are served; recovery added in another file is recognised only through
the middleware installer naming described above.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import body_of, statements_of, unparen, walk_local, words
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.data_helpers import assigned_target, handler_of, local_callee
from prodcheck.rules.go.helpers import call_target, generated_or_tool, view

ROUTERS = {
    ("github.com/gin-gonic/gin", "New"): ("gin", "`gin.Recovery()`"),
    ("github.com/labstack/echo/v4", "New"): ("echo", "`middleware.Recover()`"),
    ("github.com/labstack/echo", "New"): ("echo", "`middleware.Recover()`"),
    ("github.com/go-chi/chi/v5", "NewRouter"): ("chi", "`middleware.Recoverer`"),
    ("github.com/go-chi/chi", "NewRouter"): ("chi", "`middleware.Recoverer`"),
    ("github.com/go-chi/chi/v5", "NewMux"): ("chi", "`middleware.Recoverer`"),
    ("github.com/gofiber/fiber/v2", "New"): ("fiber", "`recover.New()`"),
    ("github.com/gofiber/fiber/v3", "New"): ("fiber", "`recover.New()`"),
}
RECOVER_WORDS = frozenset({"recover", "recovery", "recoverer", "panic", "panics", "sentry", "sentrygin",
                           "sentryecho", "sentryhttp", "sentryfiber", "bugsnag", "rollbar", "crash"})
INSTALLER_WORDS = frozenset({"middleware", "middlewares", "mw", "use", "apply", "install", "global", "common",
                             "setup", "configure", "init", "initialize", "base", "defaults", "wrap"})
SERVING = frozenset({"Run", "RunTLS", "Start", "StartTLS", "StartAutoTLS", "Listen", "ListenTLS", "RunListener",
                     "StartServer"})
SERVERS = frozenset({"ListenAndServe", "ListenAndServeTLS", "Serve", "ServeTLS"})


def check(node, ctx):
    if generated_or_tool(ctx):
        return
    if node.type == "go_statement":
        yield from _goroutine(node, ctx)
    else:
        yield from _router(node, ctx)


# ---------------------------------------------------------------- goroutines

def _goroutine(statement, ctx):
    file_view = view(ctx)
    call = next((unparen(c) for c in statement.named_children if c.type != "comment"), None)
    if call is None or call.type != "call_expression":
        return
    handler = handler_of(statement, ctx)
    if handler is None:
        return
    function = unparen(call.child_by_field_name("function"))
    if function is not None and function.type == "func_literal":
        target, label = function, "func literal"
    else:
        target = local_callee(call, ctx)
        if target is None:
            return
        label = f"`{' '.join(file_view.text(function).split())}`"
    body = body_of(target)
    if body is None or not any(n.type == "call_expression" for n in file_view.walk_local(body)):
        return
    if _recovers(body, ctx):
        return
    yield ctx.finding(RULE, statement, f"goroutine ({label}) started by a request handler has no deferred "
                                       f"`recover()`: a panic in it crashes the whole process")


def _recovers(body, ctx, depth: int = 0) -> bool:
    """Does the function body defer a recovery?"""
    file_view = view(ctx)
    for statement in statements_of(body):
        if statement.type != "defer_statement":
            continue
        call = next((unparen(c) for c in statement.named_children if c.type != "comment"), None)
        if call is None or call.type != "call_expression":
            continue
        function = unparen(call.child_by_field_name("function"))
        if function is not None and function.type == "func_literal":
            if _calls_recover(body_of(function)):
                return True
            continue
        if set(words(file_view.call_parts(call)[1])) & RECOVER_WORDS or "recover" in file_view.text(function).lower():
            return True
        callee = local_callee(call, ctx)
        if callee is not None and _calls_recover(body_of(callee)):
            return True
    return False


def _calls_recover(body) -> bool:
    return any(n.type == "call_expression" and text_of(n.child_by_field_name("function")) == "recover"
               for n in walk_local(body))


# ---------------------------------------------------------------- routers

def _router(call, ctx):
    file_view = view(ctx)
    found = ROUTERS.get(call_target(call, ctx))
    if found is None:
        return
    framework, middleware = found
    target = assigned_target(call)
    func = file_view.enclosing_function(call)
    if target is None or target == "discarded" or func is None:
        return
    name = file_view.text(target)
    body = body_of(func)
    if _mentions_recovery(body):
        return
    served = False
    for node in file_view.walk_local(body):
        if node.type == "keyed_element" and file_view.text(node).replace(" ", "").startswith("Handler:") \
                and _names(node, name):
            served = True
        if node.type != "call_expression" or node.start_byte < call.end_byte:
            continue
        operand, method = file_view.call_parts(node)
        operand = unparen(operand)
        if operand is not None and file_view.text(operand) == name:
            if method in ("Use", "Pre") and _opaque_middleware(node, ctx):
                return
            served = served or method in SERVING
            continue
        if method in SERVERS and any(_names(a, name) for a in file_view.arguments(node)):
            served = True
            continue
        if any(file_view.text(unparen(a)) == name for a in file_view.arguments(node)):
            callee = local_callee(node, ctx)
            if callee is not None and _mentions_recovery(body_of(callee)):
                return
            if callee is None and set(words(file_view.call_parts(node)[1])) & INSTALLER_WORDS:
                return
    if not served:
        return
    if framework == "fiber":
        yield ctx.finding(RULE, call, f"fiber app `{name}` has no {middleware} middleware: a panic in any "
                                      f"handler crashes the server process")
    else:
        yield ctx.finding(RULE, call, f"{framework} router `{name}` has no recovery middleware ({middleware}): "
                                      f"a handler panic drops the client's connection without a 500 and "
                                      f"bypasses the service's logging", confidence=Confidence.MEDIUM)


def _names(node, name: str) -> bool:
    """Does the expression mention the identifier `name` (`r`, `handlers.Logging(os.Stdout, r)`)?"""
    node = unparen(node)
    if node is None:
        return False
    if node.type == "identifier":
        return text_of(node) == name
    return any(n.type == "identifier" and text_of(n) == name for n in walk_local(node))


def _mentions_recovery(body) -> bool:
    """A name in the code (not a comment) that speaks of recovery: `gin.Recovery()`,
    `middleware.Recoverer`, `recover.New()`, `sentrygin.New(...)`, `recover()`."""
    return any(n.type in ("identifier", "field_identifier", "package_identifier", "type_identifier")
               and set(words(text_of(n))) & RECOVER_WORDS for n in walk_local(body))


def _opaque_middleware(call, ctx) -> bool:
    """`r.Use(mws...)` or a middleware whose body is not visible and could recover."""
    file_view = view(ctx)
    args = file_view.arguments(call)
    arg_list = call.child_by_field_name("arguments")
    if arg_list is not None and "..." in file_view.text(arg_list):
        return True
    for arg in args:
        node = unparen(arg)
        if node is not None and node.type == "identifier" and local_callee(call, ctx) is None \
                and set(words(file_view.text(node))) & {"middlewares", "mws", "middleware", "chain", "stack"}:
            return True
    return False


RULE = NodeRule(
    id="GO-REL-014", slug="panic-not-recovered", area=Area.REL,
    title="Panics in request-serving code are not recovered",
    fix="Add the framework's recovery middleware (`gin.Recovery()`, echo `middleware.Recover()`, chi "
        "`middleware.Recoverer`, fiber `recover.New()`) and start goroutines from handlers with "
        "`defer func() { if err := recover(); err != nil { log... } }()`.",
    rows=("REL-12", "REL-13"), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-248",),
    example_path="main.go", visits=("go_statement", "call_expression"), check=check,
    coverage="partial", coverage_note="goroutines in handlers and router recovery middleware, per file",
)
