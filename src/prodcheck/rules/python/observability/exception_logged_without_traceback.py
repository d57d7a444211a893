"""
## What it does
Flags `logger.error(...)`/`logging.error(...)` (also `critical`, `self.log.error`,
`app.logger.error`) inside a broad `except` block (`except:`, `except Exception:`,
`except BaseException:`) that passes no `exc_info` and does not re-raise. The fix is
`logger.exception(...)` (offered as a diff), or `exc_info=True`.

## Why it matters
A broad handler catches the errors nobody planned for, and for those the message alone (often
`str(e)`, which can be empty or just `'id'` for a `KeyError`) says what failed but not where: the
stack trace is what turns a midnight page into a one-line fix. Logging it once, at the handler that
stops the error, keeps the trace without duplicates.

## Example
    import logging

    logger = logging.getLogger(__name__)


    def charge(gateway, order):
        try:
            return gateway.charge(order.total)
        except Exception as exc:
            logger.error("charge failed for order %s: %s", order.id, exc)
            return None

## Use instead
    import logging

    logger = logging.getLogger(__name__)


    def charge(gateway, order):
        try:
            return gateway.charge(order.total)
        except Exception:
            logger.exception("charge failed for order %s", order.id)
            return None

## Known limitations
Narrow handlers (`except ValidationError as e: logger.error(...)`) are not reported: an expected
error's message is often enough. Handlers that re-raise are skipped (the trace is logged where the
error is finally handled), and so are handlers that record the trace another way
(`logger.exception(e)` next to the message, `traceback.print_exc()`,
`sentry_sdk.capture_exception()`). A `**kwargs` argument is trusted to carry `exc_info`; loguru's
`logger.opt(exception=True)` is not recognised as such.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import keyword, walk_local
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import enclosing_handler, is_broad_handler, logging_method
from prodcheck.rules.python.helpers import qualified, replace_span_diff

REPORTED = frozenset({"error", "critical", "fatal"})
TRACEBACK_CALLS = frozenset({"traceback.print_exc", "traceback.format_exc", "traceback.print_exception",
                             "traceback.format_exception", "sentry_sdk.capture_exception",
                             "raven.Client().captureException", "rollbar.report_exc_info",
                             "bugsnag.notify"})


def check(call: ast.Call, ctx):
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in REPORTED:
        return
    if logging_method(ctx, call) not in REPORTED:
        return
    if keyword(call, "exc_info") is not None or keyword(call, "stack_info") is not None \
            or any(kw.arg is None for kw in call.keywords):
        return
    handler = enclosing_handler(ctx, call)
    if handler is None or not is_broad_handler(ctx, handler) or _reraises(handler) \
            or _records_traceback(handler, ctx):
        return
    receiver = ast.unparse(func.value)
    diff = replace_span_diff(ctx, func, f"{receiver}.exception") if func.attr == "error" else ""
    yield ctx.finding(RULE, call, f"`{receiver}.{func.attr}()` in `except` drops the traceback; use "
                                  f"`{receiver}.exception()` or `exc_info=True`", diff=diff)


def _records_traceback(handler: ast.ExceptHandler, ctx) -> bool:
    """Another call in the handler logs the trace: `logger.exception(e)`, `exc_info=...`,
    `traceback.print_exc()`, `sentry_sdk.capture_exception()`."""
    key = f"python.obs002.traceback.{id(handler)}"
    if key not in ctx.data:
        ctx.data[key] = any(isinstance(n, ast.Call) and _traceback_call(n, ctx) for n in walk_local(handler))
    return ctx.data[key]


def _traceback_call(call: ast.Call, ctx) -> bool:
    if keyword(call, "exc_info") is not None:
        return True
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "exception" and logging_method(ctx, call):
        return True
    return qualified(ctx, func) in TRACEBACK_CALLS


def _reraises(handler: ast.ExceptHandler) -> bool:
    stack = list(handler.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


RULE = NodeRule(
    id="PY-OBS-002", slug="exception-logged-without-traceback", area=Area.OBS,
    title="Exception logged without its traceback",
    fix="Use `logger.exception(...)` in the handler (or pass `exc_info=True`).",
    rows=("OBS-06",), doc=__doc__, confidence=Confidence.HIGH, example_path="app.py",
    coverage="partial", coverage_note="request/user context in error logs is not checked",
    visits=(ast.Call,), check=check,
)
