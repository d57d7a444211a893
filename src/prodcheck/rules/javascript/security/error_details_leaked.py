"""
## What it does
Flags HTTP responses that send a caught error's internals to the client, in Express, Fastify and
NestJS code (`res`/`response`/`reply` `.send()`, `.json()`, `.jsonp()`, `.end()`, `.write()`):
- a stack trace: `err.stack` anywhere in the sent value (`res.send(err.stack)`,
  `res.json({ message, stack: err.stack })`);
- the error object itself (`res.send(err)`, `res.status(500).json(err)`, `{ error: err }`): the
  serializer copies its enumerable fields, which for database and HTTP client errors include the
  SQL, the parameters, the request config and headers (not for Fastify's `reply.send(err)`, which
  hands an `Error` to Fastify's error handler);
- the exception text of a 5xx answer: `res.status(500).json({ message: err.message })`,
  `String(err)`, `` `${err}` ``.

An error is the parameter of a `catch` clause, of a `.catch(...)` callback, the first parameter of
an Express error handler `(err, req, res, next)` or a Fastify one `(error, request, reply)`, or
of a NestJS exception filter's `catch(exception, host)`. Values guarded by an environment check
(a ternary or `if` on `NODE_ENV`/`isDev`/`debug`) are not reported.

## Why it matters
Stack traces and raw exception messages tell an attacker which framework, library versions,
file layout, SQL statements and internal host names the service uses, and confirm which inputs
reach the database; database driver errors often carry the failing query and its values
(CWE-209). Clients need a stable error code and a request id, not the internals.

## Example
    app.use((err, req, res, next) => {
      res.status(500).json({ message: err.message, stack: err.stack });
    });

## Use instead
    app.use((err, req, res, next) => {
      req.log.error({ err }, 'unhandled error');
      res.status(500).json({ error: 'internal_error', requestId: req.id });
    });

## Known limitations
Only the error variable itself is followed (not a copy in another variable or a helper that
formats it). A 4xx answer with `err.message` is accepted (validation messages are meant for the
client). An error re-thrown to the framework's default handler is not checked.
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.js_common import (
    arguments_of, call_parts, enclosing_function, is_function, member_names, params_of, status_of, unwrap,
    walk_local,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import is_frontend, view

RESPONSE_NAMES = frozenset({"res", "response", "reply", "resp", "rep"})
SEND_METHODS = frozenset({"send", "json", "jsonp", "end", "write"})
ERROR_NAMES = frozenset({"err", "error", "e", "ex", "exc", "exception", "cause"})
GUARD = re.compile(r"NODE_ENV|isDev|isDevelopment|isProd|isProduction|development|production|debug|DEBUG|"
                   r"exposeErrors|showStack|env\b", re.I)


def check(call, ctx):
    receiver, method = view(ctx).call_parts(call)
    if method not in SEND_METHODS or receiver is None:
        return
    names = view(ctx).member_names(receiver)
    if not names or names[0] not in RESPONSE_NAMES:
        return
    args = view(ctx).arguments(call)
    if not args or is_frontend(ctx):
        return
    errors = _error_names(call)
    if not errors:
        return
    value = args[0]
    status = _status(receiver)
    leak = _leak(value, errors, status, names[0] in ("reply", "rep"))
    if not leak or _guarded(call, value):
        return
    what, confidence = leak
    yield ctx.finding(RULE, call, f"the response sends {what} to the client", confidence=confidence)


def _leak(value, errors: set[str], status: int | None, fastify: bool):
    stack = whole = message = None
    for node in [unwrap(value), *walk_local(value)]:
        if node is None:
            continue
        if node.type == "member_expression":
            parts = member_names(node)
            if len(parts) >= 2 and parts[-1] == "stack" and (parts[0] in errors or parts[-2] in ERROR_NAMES):
                stack = node
            elif len(parts) == 2 and parts[0] in errors and parts[1] == "message":
                message = node
        elif node.type in ("identifier", "shorthand_property_identifier") and text_of(node) in errors:
            parent = node.parent
            if parent is not None and parent.type in ("member_expression", "subscript_expression") \
                    and parent.child_by_field_name("object") == node:
                continue
            if parent is not None and parent.type in ("template_substitution", "arguments") \
                    and not _direct(node, value):
                message = node
                continue
            whole = node
    if stack is not None:
        return "a stack trace (`.stack`)", Confidence.HIGH
    if whole is not None and not fastify:
        return f"the error object `{text_of(whole)}` (its fields, e.g. SQL or request config)", Confidence.MEDIUM
    if message is not None and status is not None and status >= 500:
        return f"the exception text of a {status} error", Confidence.MEDIUM
    return None


def _direct(node, value) -> bool:
    """Is `node` the sent value itself or a field of the sent object literal?"""
    target = unwrap(value)
    if node == target:
        return True
    parent = node.parent
    return parent is not None and (parent.type == "pair" and parent.parent == target
                                   or parent.type == "object" and parent == target)


def _status(receiver) -> int | None:
    node = unwrap(receiver)
    for _ in range(4):
        if node is None or node.type != "call_expression":
            return None
        inner, method = call_parts(node)
        if method in ("status", "code", "sendStatus", "writeHead"):
            args = arguments_of(node)
            if not args:
                return None
            names = member_names(args[0])
            if names and names[-1].upper() in ("INTERNAL_SERVER_ERROR", "HTTP_STATUS_INTERNAL_SERVER_ERROR"):
                return 500
            return status_of(args[0])
        node = unwrap(inner)
    return None


def _error_names(call) -> set[str]:
    found: set[str] = set()
    current = call.parent
    while current is not None:
        if current.type == "catch_clause":
            param = current.child_by_field_name("parameter")
            if param is not None and param.type == "identifier":
                found.add(text_of(param))
        elif is_function(current):
            params = params_of(current)
            holder = current.parent
            if holder is not None and holder.type == "arguments":
                owner = holder.parent
                _, method = call_parts(owner)
                if method == "catch" and params and params[0][0]:
                    found.add(params[0][0])
            if len(params) in (3, 4) and params[0][0] and (params[0][0].lower() in ERROR_NAMES
                                                           or "error" in params[0][0].lower()) \
                    and any(name in RESPONSE_NAMES for name, _ in params[1:]):
                found.add(params[0][0])
            if current.type == "method_definition" and text_of(current.child_by_field_name("name")) == "catch" \
                    and len(params) == 2 and params[0][0]:
                found.add(params[0][0])
        current = current.parent
    return found


def _guarded(call, value) -> bool:
    for node in [unwrap(value), *walk_local(value)]:
        if node is not None and node.type == "ternary_expression" \
                and GUARD.search(text_of(node.child_by_field_name("condition"))):
            return True
    func = enclosing_function(call)
    current = call.parent
    while current is not None and current != func:
        if current.type == "if_statement" and GUARD.search(text_of(current.child_by_field_name("condition"))):
            return True
        current = current.parent
    return False


RULE = NodeRule(
    id="JS-SEC-032", slug="error-details-leaked", area=Area.SEC,
    title="Error internals sent to the client",
    fix="Log the error server-side (with its stack) and answer with a generic message, a stable "
        "error code and a request id; expose `err.message` only for errors you created for the client.",
    rows=("SEC-34",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-209",), stride=(Stride.INFORMATION_DISCLOSURE,),
    example_path="errors.js", visits=("call_expression",), check=check,
)
