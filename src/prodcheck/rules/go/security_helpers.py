"""Helpers shared by the Go security, performance, observability and API rules of pack B.

Every function takes tree-sitter nodes and the rule context, answers "don't know" (None, "",
False) rather than raising, and memoises per-file results in `ctx.data` through `helpers.view`.

- `int_value(node, ctx)`: the value of an integer literal (`0644`, `0o777`, `0x1ff`, `1<<20`),
  `os.ModePerm`/`fs.ModePerm`, a `|`/`+`/`<<` of those, or a conversion `os.FileMode(0o600)`;
- `enclosing_handler(node, ctx)`: the outermost function holding `node` when it has a request
  handler signature (net/http, gin, echo, fiber), with its framework;
- `mentions_error_text(node)`: does an expression put an error's text in a response
  (`err.Error()`, `fmt.Sprintf("...%v", err)`, `fmt.Sprint(err)`);
- `status_code(node, ctx)`: the HTTP status an argument names (`500`, `http.StatusBadGateway`,
  `fiber.StatusInternalServerError`), or None;
- `selector_package(node, ctx)`: (import path, field) of `pkg.Name` where `pkg` is an import;
- `test_support(ctx)`: a test-helper package (`httptest`-style names ending in `test`, `testutil`,
  `testing`), not production code;
- `runnable(files)`: a group of Go file facts holds a `func main()` (a program, not a library).
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.go_common import arguments_of, call_parts, unparen, walk_local, words
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.go.helpers import package_of, view

MODE_PERM = 0o777
STATUS_CONSTANTS = {
    "StatusContinue": 100, "StatusOK": 200, "StatusCreated": 201, "StatusAccepted": 202,
    "StatusNoContent": 204, "StatusBadRequest": 400, "StatusUnauthorized": 401, "StatusForbidden": 403,
    "StatusNotFound": 404, "StatusMethodNotAllowed": 405, "StatusConflict": 409, "StatusGone": 410,
    "StatusRequestEntityTooLarge": 413, "StatusUnsupportedMediaType": 415, "StatusUnprocessableEntity": 422,
    "StatusTooManyRequests": 429, "StatusInternalServerError": 500, "StatusNotImplemented": 501,
    "StatusBadGateway": 502, "StatusServiceUnavailable": 503, "StatusGatewayTimeout": 504,
    "StatusInsufficientStorage": 507,
}
STATUS_PACKAGES = ("net/http", "github.com/gofiber/fiber", "github.com/valyala/fasthttp",
                   "github.com/labstack/echo")
ERROR_FORMATTERS = frozenset({"Sprintf", "Sprint", "Sprintln", "Errorf"})
_INT = re.compile(r"^(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[1-9][0-9_]*|0)$")


def test_support(ctx) -> bool:
    package = view(ctx).package
    return package.endswith(("test", "testing", "testutil", "testutils", "testhelpers", "fixtures"))


def runnable(files) -> bool:
    return any(e.kind == "main" for f in files for e in f.entrypoints)


def selector_package(node, ctx) -> tuple[str, str]:
    """(import path, field) of a selector `pkg.Name` whose operand is an import; ("", "")."""
    node = unparen(node)
    if node is None or node.type != "selector_expression":
        return "", ""
    operand = unparen(node.child_by_field_name("operand"))
    return package_of(operand, ctx), view(ctx).text(node.child_by_field_name("field"))


def int_value(node, ctx, depth: int = 0) -> int | None:
    file_view = view(ctx)
    node = unparen(node)
    if node is None or depth > 8:
        return None
    if node.type == "int_literal":
        return parse_int(file_view.text(node))
    if node.type == "selector_expression":
        path, name = selector_package(node, ctx)
        if path in ("os", "io/fs") and name == "ModePerm":
            return MODE_PERM
        return None
    if node.type == "binary_expression":
        left = int_value(node.child_by_field_name("left"), ctx, depth + 1)
        right = int_value(node.child_by_field_name("right"), ctx, depth + 1)
        if left is None or right is None:
            return None
        operator = file_view.text(node.child_by_field_name("operator"))
        if operator in ("|", "+"):
            return left | right if operator == "|" else left + right
        if operator == "<<" and right < 64:
            return left << right
        if operator == "*":
            return left * right
        if operator == "&^":
            return left & ~right
        return None
    if node.type == "call_expression":                  # os.FileMode(0o644), fs.FileMode(...)
        operand, name = file_view.call_parts(node)
        args = file_view.arguments(node)
        if name == "FileMode" and len(args) == 1 and package_of(unparen(operand), ctx) in ("os", "io/fs"):
            return int_value(args[0], ctx, depth + 1)
    return None


def parse_int(text: str) -> int | None:
    text = text.strip()
    if not _INT.match(text):
        return None
    clean = text.replace("_", "")
    try:
        if clean[:2] in ("0x", "0X"):
            return int(clean[2:], 16)
        if clean[:2] in ("0o", "0O"):
            return int(clean[2:], 8)
        if clean[:2] in ("0b", "0B"):
            return int(clean[2:], 2)
        if len(clean) > 1 and clean.startswith("0"):
            return int(clean[1:], 8)
        return int(clean)
    except ValueError:
        return None


def enclosing_handler(node, ctx) -> tuple[object | None, str]:
    """(function, framework) of the request handler holding `node`: the innermost enclosing
    function with a handler signature (a `func` literal handler inside a route registration counts),
    else the outermost declaration if it has one; (None, "") otherwise."""
    file_view = view(ctx)
    current = file_view.enclosing_function(node)
    while current is not None:
        framework = file_view.handler_framework(current)
        if framework:
            return current, framework
        current = file_view.enclosing_function(current)
    return None, ""


def outer_handler(node, ctx) -> tuple[object | None, str]:
    file_view = view(ctx)
    func = file_view.outermost_function(node)
    framework = file_view.handler_framework(func) if func is not None else ""
    return (func, framework) if framework else (None, "")


def mentions_error_text(node) -> bool:
    """An expression that carries an error's message: `err.Error()` anywhere in it, or an error
    variable formatted by `fmt.Sprintf`/`Sprint`/`Errorf`."""
    node = unparen(node)
    if node is None:
        return False
    for inner in [node, *walk_local(node, into_literals=False)]:
        if inner.type != "call_expression":
            continue
        operand, name = call_parts(inner)
        args = arguments_of(inner)
        if name == "Error" and not args and operand is not None and _error_name(operand):
            return True
        if name in ERROR_FORMATTERS and operand is not None and text_of(unparen(operand)) == "fmt":
            if any(_error_name(a) for a in args[1 if name in ("Sprintf", "Errorf") else 0:]):
                return True
    return False


def _error_name(node) -> bool:
    node = unparen(node)
    if node is None:
        return False
    if node.type == "call_expression":
        _, name = call_parts(node)
        return name == "Error"
    if node.type == "selector_expression":
        node = node.child_by_field_name("field")
    if node is None or node.type not in ("identifier", "field_identifier"):
        return False
    name = text_of(node)
    tokens = words(name)
    return name in ("err", "e", "er") or bool(tokens) and tokens[-1] in ("err", "error")


def status_code(node, ctx) -> int | None:
    node = unparen(node)
    if node is None:
        return None
    if node.type == "int_literal":
        return parse_int(view(ctx).text(node))
    if node.type == "selector_expression":
        path, name = selector_package(node, ctx)
        if any(path == p or path.startswith(p + "/") for p in STATUS_PACKAGES):
            return STATUS_CONSTANTS.get(name)
    return None


def loop_ancestor(node, stop):
    """The nearest `for` statement between `node` and the function `stop`, or None."""
    current = node.parent if node is not None else None
    while current is not None and current is not stop and current.id != getattr(stop, "id", None):
        if current.type == "for_statement":
            return current
        if current.type in ("function_declaration", "method_declaration", "func_literal"):
            return None
        current = current.parent
    return None


__all__ = ["enclosing_handler", "int_value", "loop_ancestor", "mentions_error_text", "outer_handler",
           "parse_int", "runnable", "selector_package", "status_code", "test_support"]
