"""
## What it does
Flags handlers that send an internal error's text to the client with a server-error status
(5xx):

- net/http: `http.Error(w, err.Error(), http.StatusInternalServerError)`, and `fmt.Fprint*(w,
  ... err ...)`, `w.Write([]byte(err.Error()))` or `json.NewEncoder(w).Encode(...)` right after
  `w.WriteHeader(5xx)`;
- gin / echo: `c.JSON(500, gin.H{"error": err.Error()})`, `c.String(500, err.Error())`,
  `c.AbortWithStatusJSON(...)`, `c.IndentedJSON`, `c.XML` with a 5xx status, echo
  `echo.NewHTTPError(500, err.Error())` (echo's error handler sends the message);
- fiber: `c.Status(500).JSON(...)` / `.SendString(err.Error())` and `fiber.NewError(500,
  err.Error())`.

The error text is `err.Error()` (of any error-named value) or an error formatted into the message
(`fmt.Sprintf("query failed: %v", err)`). 4xx answers (a validation message for the caller) and
statuses held in variables are not reported; test files are not scanned.

## Why it matters
Internal errors carry what an attacker needs to plan the next step and nothing a client can act
on: SQL fragments and table names from the driver, file paths, host names and ports of backing
services, library versions (CWE-209). They also make the API's error contract depend on
third-party message strings. Log the error with the request id and answer with a generic message.

## Example
    package api

    import (
    	"database/sql"
    	"net/http"
    )

    type Server struct{ db *sql.DB }

    func (s *Server) Health(w http.ResponseWriter, r *http.Request) {
    	if err := s.db.PingContext(r.Context()); err != nil {
    		http.Error(w, err.Error(), http.StatusInternalServerError)
    		return
    	}
    	w.WriteHeader(http.StatusNoContent)
    }

## Use instead
    package api

    import (
    	"database/sql"
    	"log/slog"
    	"net/http"
    )

    type Server struct{ db *sql.DB }

    func (s *Server) Health(w http.ResponseWriter, r *http.Request) {
    	if err := s.db.PingContext(r.Context()); err != nil {
    		slog.ErrorContext(r.Context(), "database ping failed", "err", err)
    		http.Error(w, "internal error", http.StatusInternalServerError)
    		return
    	}
    	w.WriteHeader(http.StatusNoContent)
    }

## Known limitations
A status passed in a variable (`respond(c, status, err)` helpers) is not followed, so such helpers
are not reported; an error text first copied into another variable (`msg := err.Error()`) is not
traced. A central error handler that writes `err.Error()` for every error (echo
`HTTPErrorHandler`, fiber `ErrorHandler`) is not inspected.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import handler_params, statements_of, unparen
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import call_target, generated_or_tool, view
from prodcheck.rules.go.security_helpers import enclosing_handler, mentions_error_text, status_code, test_support

CONTEXT_WRITERS = {"JSON": 1, "String": 1, "AbortWithStatusJSON": 1, "IndentedJSON": 1, "PureJSON": 1,
                   "SecureJSON": 1, "JSONP": 1, "XML": 1, "YAML": 1, "HTML": 1, "JSONPretty": 1,
                   "HTMLBlob": 1, "Blob": 2}
FIBER_WRITERS = frozenset({"JSON", "SendString", "Send", "XML"})
ERROR_CONSTRUCTORS = {("github.com/labstack/echo/v4", "NewHTTPError"), ("github.com/labstack/echo", "NewHTTPError"),
                      ("github.com/gofiber/fiber/v2", "NewError"), ("github.com/gofiber/fiber/v3", "NewError")}
PRINTERS = frozenset({"Fprintf", "Fprint", "Fprintln"})


def check(call, ctx):
    file_view = view(ctx)
    if generated_or_tool(ctx) or test_support(ctx):
        return
    target = call_target(call, ctx)
    args = file_view.arguments(call)
    if target == ("net/http", "Error") and len(args) == 3:
        yield from _report(call, args[1], status_code(args[2], ctx), ctx)
        return
    if target in ERROR_CONSTRUCTORS and len(args) >= 2:
        yield from _report(call, args[1], status_code(args[0], ctx), ctx)
        return
    if target[0]:
        if target == ("fmt", target[1]) and target[1] in PRINTERS and len(args) >= 2:
            yield from _after_write_header(call, args[0], args[1:], ctx)
        return
    operand, name = file_view.call_parts(call)
    operand = unparen(operand)
    if operand is None or name not in CONTEXT_WRITERS and name not in FIBER_WRITERS and name not in ("Encode", "Write"):
        return                           # none of the writes below
    func, _ = enclosing_handler(call, ctx)
    if func is None:
        return
    roles = handler_params(func, file_view)
    if operand.type == "identifier" and roles.get(file_view.text(operand)) == "context" and name in CONTEXT_WRITERS \
            and len(args) > CONTEXT_WRITERS[name]:
        body = args[CONTEXT_WRITERS[name]:]
        yield from _report(call, body, status_code(args[0], ctx), ctx)
    elif operand.type == "call_expression" and (name in FIBER_WRITERS or name == "Encode") and args:
        inner_operand, inner = file_view.call_parts(operand)
        inner_args = file_view.arguments(operand)
        inner_operand = unparen(inner_operand)
        if inner == "Status" and len(inner_args) == 1 and inner_operand is not None \
                and roles.get(file_view.text(inner_operand)) == "context":
            yield from _report(call, args, status_code(inner_args[0], ctx), ctx)
        elif inner == "NewEncoder" and name == "Encode" and len(inner_args) == 1:
            yield from _after_write_header(call, inner_args[0], args, ctx)
    elif operand.type == "identifier" and roles.get(file_view.text(operand)) == "writer" and name == "Write":
        yield from _after_write_header(call, operand, args, ctx)


def _report(call, body, status: int | None, ctx):
    if status is None or status < 500:
        return
    parts = body if isinstance(body, list) else [body]
    if any(mentions_error_text(part) for part in parts):
        yield ctx.finding(RULE, call, f"internal error text sent to the client with status {status}")


def _after_write_header(call, writer, body: list, ctx):
    """A write to the response right after `w.WriteHeader(5xx)` in the same block."""
    file_view = view(ctx)
    writer = unparen(writer)
    func, _ = enclosing_handler(call, ctx)
    if writer is None or writer.type != "identifier" or func is None:
        return
    name = file_view.text(writer)
    if handler_params(func, file_view).get(name) != "writer":
        return
    statement = call
    while statement.parent is not None and statement.parent.type not in ("block", "statement_list"):
        statement = statement.parent
    block = statement.parent
    if block is None:
        return
    siblings = statements_of(block) if block.type == "block" else [c for c in block.named_children
                                                                     if c.type != "comment"]
    index = next((i for i, s in enumerate(siblings) if s.id == statement.id), None)
    if index is None:
        return
    for previous in reversed(siblings[max(0, index - 3):index]):
        found = _write_header(previous, name, ctx)
        if found is not None:
            if found >= 500 and any(mentions_error_text(part) or _error_value(part) for part in body):
                yield ctx.finding(RULE, call, f"internal error text written to the response after status {found}",
                                  confidence=Confidence.HIGH)
            return


def _error_value(node) -> bool:
    """An error variable printed as it is (`fmt.Fprint(w, err)`)."""
    node = unparen(node)
    return node is not None and node.type == "identifier" and text_of(node) == "err"


def _write_header(statement, writer: str, ctx) -> int | None:
    file_view = view(ctx)
    call = statement.named_children[0] if statement.type == "expression_statement" and statement.named_children \
        else None
    operand, name = file_view.call_parts(call)
    args = file_view.arguments(call)
    if name == "WriteHeader" and operand is not None and file_view.text(unparen(operand)) == writer and len(args) == 1:
        return status_code(args[0], ctx) or 0
    return None


RULE = NodeRule(
    id="GO-SEC-032", slug="error-details-leaked", area=Area.SEC,
    title="Internal error text returned to the client",
    fix="Log the error server-side (with the request id) and answer 5xx with a generic message, "
        "e.g. `http.Error(w, \"internal error\", http.StatusInternalServerError)`.",
    rows=("SEC-34",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-209",),
    stride=(Stride.INFORMATION_DISCLOSURE,),
    example_path="api.go", visits=("call_expression",), check=check,
)
