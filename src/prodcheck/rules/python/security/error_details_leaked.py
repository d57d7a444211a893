"""
## What it does
Flags responses that send exception details to the client:
- a stack trace (`traceback.format_exc()`, `format_exception()`, `format_tb()`) put in any
  response;
- the text of a caught exception (`str(e)`, `repr(e)`, `f"{e}"`, `e.args`, or a variable holding
  one of those) returned from a route handler or passed to a response
  (`jsonify(error=str(e))`, `JSONResponse({"detail": str(e)}, 500)`, `HttpResponse(str(e))`,
  DRF `Response`, `HTTPException(500, detail=str(e))`, `abort(500, str(e))`) inside an `except`
  block, or inside an application-wide handler for `Exception`/500 (`@app.exception_handler`,
  `@app.errorhandler`).

A response with an explicit 4xx status is not reported for exception text (a validation message
meant for the client), nor is one that catches a specific exception without a server-error status;
a broad `except Exception:` (or a database, OS or runtime error) is.

## Why it matters
Exception messages and tracebacks describe the inside of the service: SQL statements and table
names, file paths, library versions, internal host names, sometimes the data or credentials in a
connection string. They help an attacker shape the next request (CWE-209) and tell users nothing
they can act on.

## Example
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    app = FastAPI()


    @app.get("/reports/{report_id}")
    def get_report(report_id: int):
        try:
            return build_report(report_id)
        except Exception as exc:
            return JSONResponse({"detail": str(exc)}, status_code=500)

## Use instead
    import logging

    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    app = FastAPI()
    log = logging.getLogger(__name__)


    @app.get("/reports/{report_id}")
    def get_report(report_id: int):
        try:
            return build_report(report_id)
        except Exception:
            log.exception("report %s failed", report_id)
            return JSONResponse({"detail": "internal error"}, status_code=500)

## Known limitations
Exception text that reaches a response through a helper function, an attribute of another object
or a template is not followed. Responses built only in a development branch (`if settings.DEBUG:`)
are not reported. Which exception messages are safe to show is a judgement: a specific exception
answered with status 200 is assumed to carry a message meant for the user.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import argument, dotted
from prodcheck.facts.extractors.python_handlers import status_code_of
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import enclosing_handler, is_broad_handler, under_dev_guard
from prodcheck.rules.python.helpers import parent_of, qualified
from prodcheck.rules.python.security_helpers import in_function, is_route_handler

WEB_ROOTS = ("flask", "werkzeug", "quart", "fastapi", "starlette", "django", "rest_framework", "ninja", "sanic",
             "litestar", "aiohttp")
# last name -> (status position, status keyword, default status; None: must be given)
RESPONSES: dict[str, tuple[int | None, str, int | None]] = {
    "jsonify": (None, "", 200), "make_response": (1, "status", 200), "Response": (1, "status", 200),
    "JSONResponse": (1, "status_code", 200), "PlainTextResponse": (1, "status_code", 200),
    "HTMLResponse": (1, "status_code", 200), "ORJSONResponse": (1, "status_code", 200),
    "UJSONResponse": (1, "status_code", 200), "HttpResponse": (2, "status", 200),
    "JsonResponse": (None, "status", 200), "HttpResponseServerError": (None, "", 500),
    "HttpResponseBadRequest": (None, "", 400), "HTTPException": (0, "status_code", None),
    "abort": (0, "code", None), "APIException": (None, "", 500), "json_response": (None, "status", 200),
}
# where the message of an HTTPException / abort goes (other arguments are headers and codes)
MESSAGE_ARGS = {"HTTPException": (1, "detail"), "abort": (1, "description")}
NOT_CONTENT = frozenset({"headers", "media_type", "content_type", "mimetype"})
TRACEBACK_CALLS = frozenset({"traceback.format_exc", "traceback.format_exception", "traceback.format_tb",
                             "traceback.format_stack", "traceback.format_exception_only"})
SAFE_ATTRIBUTES = frozenset({"status_code", "code", "status", "detail", "errors", "messages", "message_dict",
                             "error_dict", "error_list", "json", "headers", "field", "fields", "name",
                             "__name__", "__class__", "title", "description"})
SERVER_ERROR_WORDS = ("DatabaseError", "OperationalError", "ProgrammingError", "DBAPIError", "SQLAlchemyError",
                      "IntegrityError", "InternalError", "PyMongoError", "OSError", "IOError", "RuntimeError",
                      "RedisError", "ConnectionError")
HANDLER_DECORATORS = frozenset({"exception_handler", "errorhandler", "app_errorhandler"})
BROAD = frozenset({"Exception", "BaseException", "500"})


def check(node: ast.AST, ctx):
    if isinstance(node, ast.Return):
        yield from _return(node, ctx)
    else:
        yield from _response_call(node, ctx)


def _response_kind(call: ast.AST, ctx) -> str:
    if not isinstance(call, ast.Call):
        return ""
    name = qualified(ctx, call.func)
    last = name.rsplit(".", 1)[-1]
    if last in RESPONSES and name.split(".")[0] in WEB_ROOTS:
        return last
    return ""


def _return(ret: ast.Return, ctx):
    value = ret.value
    if value is None:
        return
    first = value.elts[0] if isinstance(value, ast.Tuple) and value.elts else value
    if _response_kind(first, ctx):
        return                               # reported where the response is built
    function = in_function(ctx, ret)
    if function is None or not (is_route_handler(ctx, function) or _handler_function(function, ctx)):
        return
    status = status_code_of(value.elts[1]) if isinstance(value, ast.Tuple) and len(value.elts) > 1 else 200
    yield from _report(ret, [first], status, ctx)


def _response_call(call: ast.Call, ctx):
    kind = _response_kind(call, ctx)
    if not kind:
        return
    position, keyword_name, default = RESPONSES[kind]
    if position is not None:
        status_node = argument(call, position, keyword_name)
    else:
        status_node = next((k.value for k in call.keywords if keyword_name and k.arg == keyword_name), None)
    status = status_code_of(status_node) if status_node is not None else default
    parent = parent_of(ctx, call)
    if status_node is None and isinstance(parent, ast.Tuple) and parent.elts and parent.elts[0] is call \
            and len(parent.elts) > 1:
        status = status_code_of(parent.elts[1])
    if kind in MESSAGE_ARGS:
        message = argument(call, *MESSAGE_ARGS[kind])
        parts = [message] if message is not None else []
    else:
        parts = [a for a in call.args if a is not status_node] + \
            [k.value for k in call.keywords if k.value is not status_node and k.arg not in NOT_CONTENT]
    yield from _report(call, parts, status, ctx)


def _report(at: ast.AST, parts: list[ast.AST], status: int | None, ctx):
    if not parts or under_dev_guard(ctx, at):
        return
    trace = next((n for p in parts for n in _walk(p) if isinstance(n, ast.Call)
                  and qualified(ctx, n.func) in TRACEBACK_CALLS and not under_dev_guard(ctx, n)), None)
    if trace is not None:
        yield ctx.finding(RULE, at, f"the response contains a stack trace (`{qualified(ctx, trace.func)}()`)")
        return
    caught = _caught(at, ctx)
    if caught is None:
        return
    names, broad = caught
    if status is not None and 400 <= status < 500:
        return
    if not broad and not (status is not None and status >= 500):
        return
    leaked = next((n for p in parts for n in _walk(p) if _is_exception_text(n, names, ctx)
                   and not under_dev_guard(ctx, n)), None)
    if leaked is not None:
        yield ctx.finding(RULE, at, f"the response contains the text of the caught exception "
                                    f"(`{ast.unparse(_shown(leaked, ctx))[:60]}`)")


def _caught(at: ast.AST, ctx) -> tuple[set[str], bool] | None:
    """The names holding the caught exception (or text made from it) and whether the catch is broad
    or a server-side error; None when `at` is not in an except block or an exception handler."""
    handler = enclosing_handler(ctx, at)
    if handler is not None and handler.name:
        return _derived_names(handler.body, {handler.name}, at, ctx), \
            is_broad_handler(ctx, handler) or _server_error(handler.type)
    function = in_function(ctx, at)
    if function is not None:
        broad = _handler_function(function, ctx)
        if broad:
            params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
            exc = [p for p in params if p not in ("self", "request", "req", "scope")]
            if exc:
                return _derived_names(function.body, {exc[-1]}, at, ctx), True
    return None


def _derived_names(body: list[ast.stmt], names: set[str], at: ast.AST, ctx) -> set[str]:
    """`msg = str(e)`, `detail = f"failed: {e}"`: local names assigned from the exception text
    before `at`."""
    found = set(names)
    for stmt in body:
        for node in ast.walk(stmt):
            if getattr(node, "lineno", 0) >= getattr(at, "lineno", 0):
                continue
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and any(_is_exception_text(n, found, ctx) for n in _walk(node.value)):
                found.add(node.targets[0].id)
    return found


def _is_exception_text(node: ast.AST, names: set[str], ctx) -> bool:
    if not (isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load)):
        return False
    parent = parent_of(ctx, node)
    if isinstance(parent, ast.Attribute) and parent.attr in SAFE_ATTRIBUTES:
        return False
    if isinstance(parent, ast.Call) and qualified(ctx, parent.func) in ("type", "isinstance", "id", "len", "bool",
                                                                        "getattr", "hasattr"):
        return False
    if isinstance(parent, ast.Compare):
        return False
    return True


def _shown(node: ast.AST, ctx) -> ast.AST:
    """`str(e)` rather than `e`, the f-string rather than its placeholder."""
    parent = parent_of(ctx, node)
    if isinstance(parent, ast.Call) and node in parent.args \
            and qualified(ctx, parent.func) in ("str", "repr", "format"):
        return parent
    if isinstance(parent, ast.FormattedValue):
        return parent_of(ctx, parent) or node
    return node


def _walk(node: ast.AST):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for child in ast.iter_child_nodes(current):
            if not isinstance(child, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
                stack.append(child)


def _server_error(kind: ast.AST | None) -> bool:
    elements = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return any((dotted(e) or "").endswith(SERVER_ERROR_WORDS) for e in elements if e is not None)


def _handler_function(function: ast.AST, ctx) -> bool:
    """An application-wide error handler for Exception or 500 (`@app.exception_handler(Exception)`,
    `@app.errorhandler(500)`)."""
    for decorator in getattr(function, "decorator_list", []):
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) \
                and decorator.func.attr in HANDLER_DECORATORS and decorator.args:
            target = decorator.args[0]
            text = str(target.value) if isinstance(target, ast.Constant) else (dotted(target) or "").rsplit(".", 1)[-1]
            if text in BROAD:
                return True
    return False


RULE = NodeRule(
    id="PY-SEC-032", slug="error-details-leaked", area=Area.SEC,
    title="Exception details sent to the client",
    fix="Log the exception (`logger.exception(...)`) and answer with a generic message and an error id; "
        "keep exception text and stack traces out of responses.",
    rows=("SEC-34",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-209",),
    stride=(Stride.INFORMATION_DISCLOSURE,), example_path="app.py", coverage="partial",
    coverage_note="exception text and tracebacks in responses; DEBUG settings are PY-SEC-024",
    visits=(ast.Return, ast.Call), check=check,
)
