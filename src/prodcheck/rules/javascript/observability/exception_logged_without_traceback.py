"""
## What it does
Flags a `catch (err)` block that logs the error at error level only as text: the logger
(`logger.error`, `this.logger.error`, `req.log.error`, `console.error`, also `fatal`/`critical`)
receives `err.message`, `String(err)`, `JSON.stringify(err)`, `` `${err}` `` or `'...' + err`,
while the error object itself (or `err.stack`) reaches no logger and leaves the block in no other
way (rethrown, passed to `next(err)`, to Sentry, wrapped as a `cause`).

## Why it matters
The message says what failed, not where: `Cannot read properties of undefined (reading 'id')`
without its stack trace can come from any of a hundred lines. Structured loggers (pino, winston
with `format.errors({ stack: true })`, NestJS's `Logger.error(message, stack)`) print the stack and
the error's own fields (`code`, `cause`) only when they get the error object; the string form
loses them for good, and `JSON.stringify(err)` gives `{}`.

## Example
    import { logger } from './logger';
    import { chargeCard } from './payments';

    export async function checkout(orderId: string, amount: number) {
      try {
        return await chargeCard(orderId, amount);
      } catch (err) {
        logger.error(`charge failed for order ${orderId}: ${err.message}`);
        return null;
      }
    }

## Use instead
    import { logger } from './logger';
    import { chargeCard } from './payments';

    export async function checkout(orderId: string, amount: number) {
      try {
        return await chargeCard(orderId, amount);
      } catch (err) {
        logger.error({ err, orderId }, 'charge failed');
        return null;
      }
    }

## Known limitations
Only the `catch` block's own statements are read: an error handed to a helper of the project
(`report(err)`) counts as carrying the stack. Logs inside a branch that tests the error's type or
code (`if (err instanceof ValidationError)`, `if (err.code === 'ENOENT')`) are expected errors
and are not reported. Scripts, CLIs and browser code (where printing the message is the intent)
are not checked. A logger configured to print plain text without stacks is not detected.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    FUNCTION_TYPES, call_parts, member_names, walk_local, words,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import is_frontend, is_tooling_path, view

LEVELS = frozenset({"error", "fatal", "critical", "crit", "emerg", "alert"})
LOGGER_WORDS = frozenset({"log", "logger", "logging", "console", "winston", "pino", "bunyan", "signale",
                          "loglevel", "consola", "tracer"})
STRINGIFIERS = frozenset({"String", "stringify", "toString", "format"})
STACK_FIELDS = frozenset({"stack", "stackTrace"})


def check(catch, ctx):
    if ctx.file.kind != "source" or is_tooling_path(ctx.path) or is_frontend(ctx):
        return
    param = catch.child_by_field_name("parameter")
    body = catch.child_by_field_name("body")
    if param is None or body is None or param.type != "identifier":
        return
    name = text_of(param)
    logs = []
    for node in walk_local(body):
        if node.type == "shorthand_property_identifier" and text_of(node) == name:
            return
        if node.type == "identifier" and text_of(node) == name:
            use = _use(node, body)
            if use == "carried":
                return
            if use == "text":
                call = _logger_call(node, body)
                if call is not None:
                    logs.append(call)
    if not logs:
        return
    call = min(logs, key=lambda c: c.start_byte)
    receiver, method = view(ctx).call_parts(call)
    label = f"{'.'.join(view(ctx).member_names(receiver))}.{method}"
    yield ctx.finding(
        RULE, call, f"`{label}(...)` logs only the text of `{name}`: its stack trace is lost",
        fix=f"Pass the error object itself: `{label}({{ err: {name} }}, 'what failed')` (pino), "
            f"`{label}('what failed', {name})` (winston, console) or `{label}(msg, {name}.stack)` (NestJS).")


def _use(ident, body) -> str:
    """How one reference to the caught error is used: "text" (stringified, or a field other than
    the stack), "carried" (the object or its stack goes somewhere), or "" (a test, a comparison)."""
    parent = ident.parent
    if parent is None:
        return ""
    kind = parent.type
    if kind == "member_expression" and parent.child_by_field_name("object") == ident:
        field = text_of(parent.child_by_field_name("property"))
        if field in STACK_FIELDS:
            return "carried"
        outer = parent.parent
        if field == "toString" and outer is not None and outer.type == "call_expression":
            return "text"
        return "text" if _logger_call(parent, body) is not None else ""
    if kind == "template_substitution":
        return "text"
    if kind == "binary_expression":
        operator = text_of(parent.child_by_field_name("operator"))
        if operator == "+":
            return "text"
        return ""
    if kind == "arguments":
        call = parent.parent
        _, method = call_parts(call)
        if method in STRINGIFIERS:
            return "text"
        return "carried"
    if kind in ("unary_expression", "instanceof_expression", "if_statement", "parenthesized_expression"):
        return ""
    if kind == "ternary_expression":
        return "carried" if parent.child_by_field_name("condition") != ident else ""
    return "carried"


def _logger_call(node, body):
    """The error-level logger call `node` is an argument of (through templates, `+`, objects), or
    None; also None when the call sits in a branch that tests the error's type or code."""
    current = node.parent
    while current is not None and current.id != body.id:
        if current.type in FUNCTION_TYPES:
            return None
        if current.type == "call_expression":
            receiver, method = call_parts(current)
            if method in STRINGIFIERS:
                current = current.parent
                continue
            if method in LEVELS and receiver is not None and _is_logger(receiver):
                return None if _expected_branch(current, body) else current
            return None
        current = current.parent
    return None


def _is_logger(receiver) -> bool:
    names = member_names(receiver)
    if not names:
        return False
    return bool(set(words(" ".join(n for n in names if n != "this"))) & LOGGER_WORDS)


def _expected_branch(call, body) -> bool:
    current = call.parent
    while current is not None and current.id != body.id:
        if current.type in ("if_statement", "switch_statement"):
            condition = current.child_by_field_name("condition") or current.child_by_field_name("value")
            text = text_of(condition) if condition is not None else ""
            if "instanceof" in text or ".code" in text or ".name" in text or ".status" in text:
                return True
        current = current.parent
    return False


RULE = NodeRule(
    id="JS-OBS-002", slug="exception-logged-without-traceback", area=Area.OBS,
    title="Caught error logged without its stack trace",
    fix="Pass the error object to the logger (`logger.error({ err }, 'message')`, "
        "`logger.error('message', err)`), not `err.message` or a string built from it.",
    rows=("OBS-06",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="checkout.ts", visits=("catch_clause",), check=check,
    coverage="partial", coverage_note="catch blocks logging the error as text only; rethrow/wrapper paths are trusted",
)
