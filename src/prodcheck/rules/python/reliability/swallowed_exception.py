"""
## What it does
Flags broad exception handlers that throw the error away: `except:`, `except Exception:` and
`except BaseException:` (also inside a tuple) whose whole body is `pass` or `...`, and (MEDIUM
confidence) whose whole body is `continue`, `return` or `return None`; also (MEDIUM confidence)
`with contextlib.suppress(Exception):`. Nothing is logged and nothing is raised.

## Why it matters
A silenced broad handler hides every failure behind it, including the ones nobody expected: a typo
(`NameError`), a lost database connection, a full disk. The request "succeeds", the data is quietly
wrong, and there is nothing in the logs to start the investigation from.

## Example
    def sync_inventory(client, store):
        try:
            store.save(client.fetch_inventory())
        except Exception:
            pass

## Use instead
    import logging

    logger = logging.getLogger(__name__)


    def sync_inventory(client, store):
        try:
            store.save(client.fetch_inventory())
        except Exception:
            logger.exception("inventory sync failed")

## Known limitations
Narrow handlers (`except KeyError: pass`) are deliberate and not reported. Also left alone, as
conscious decisions: a handler with a comment in its body explaining it (not a TODO/FIXME) or a
linter suppression on its `except` line (`noqa: BLE001`, `pylint: disable`), best-effort cleanup
(a `try` that only calls `close()`, `unlink()`, `rollback()` and the like; handlers inside
`finally:`, `__del__`, `__exit__`, `close()`, `cleanup()`, `shutdown()` and similar),
optional imports, and `return None` after a single computation under `except Exception:`
(`try: return UUID(v)`, `try: data = signer.loads(token)`) or in functions named `safe_*`, `try_*`, `maybe_*` or
`*_or_none`.
"""
from __future__ import annotations

import ast
import re

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import ancestors, is_broad_handler, words_of
from prodcheck.rules.python.helpers import parent_of, qualified

CLEANUP_FUNCTION_WORDS = frozenset({"close", "aclose", "cleanup", "teardown", "shutdown", "dispose", "stop",
                                    "terminate", "release", "del", "exit", "aexit", "finalize", "disconnect",
                                    "atexit"})
CLEANUP_CALLS = frozenset({"close", "aclose", "shutdown", "cancel", "kill", "terminate", "unlink", "remove",
                           "rmtree", "release", "disconnect", "stop", "flush", "cleanup", "rollback", "dispose",
                           "remove_file", "rmdir", "join", "wait_closed", "detach", "unsubscribe"})
OPTIONAL_FUNCTION_PREFIXES = ("safe", "try", "maybe", "optional")
SUPPRESS = frozenset({"contextlib.suppress"})
BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
TODO = re.compile(r"\b(todo|fixme|xxx|hack)\b", re.I)
LINT_SUPPRESSION = re.compile(r"(noqa|nosec|pylint:\s*disable|ruff:\s*noqa)\b", re.I)


def check(node: ast.AST, ctx):
    if isinstance(node, ast.ExceptHandler):
        yield from _handler(node, ctx)
    else:
        yield from _suppress(node, ctx)


def _handler(handler: ast.ExceptHandler, ctx):
    if not is_broad_handler(ctx, handler):
        return
    kind = _swallow_kind(handler.body)
    if not kind or _explained(handler.lineno, handler.end_lineno or handler.lineno, ctx):
        return
    function = _function(handler, ctx)
    parent = parent_of(ctx, handler)
    if _cleanup(handler, function, ctx) or _optional_import(handler, ctx) \
            or isinstance(parent, ast.Try) and (_only_cleanup_calls(parent.body, ctx)
                                                or kind == "pass" and _falls_back(parent, ctx)):
        return
    if kind == "return" and (function is not None and _optional_result(function.name)
                             or _value_or_none(handler, ctx)):
        return
    caught = "except:" if handler.type is None else f"except {ast.unparse(handler.type)}:"
    body = {"pass": "`pass`", "return": "`return`", "continue": "`continue`"}[kind]
    yield ctx.finding(RULE, handler, f"`{caught}` swallows every error with {body}: nothing is logged or "
                                     "re-raised", confidence=None if kind == "pass" else Confidence.MEDIUM)


def _falls_back(try_node: ast.Try, ctx) -> bool:
    """`try: return fast() / except Exception: pass / <slower way>`: the `pass` hands over to the
    code after the `try`, which is a fallback, not a swallowed error."""
    if not try_node.body or not isinstance(try_node.body[-1], ast.Return) or try_node.orelse:
        return False
    block = parent_of(ctx, try_node)
    for field in ("body", "orelse", "finalbody"):
        statements = getattr(block, field, None)
        if isinstance(statements, list) and try_node in statements:
            return statements.index(try_node) < len(statements) - 1
    return False


def _swallow_kind(body: list[ast.stmt]) -> str:
    kinds = set()
    for stmt in body:
        if isinstance(stmt, ast.Pass) or isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            kinds.add("pass")
        elif isinstance(stmt, ast.Continue):
            kinds.add("continue")
        elif isinstance(stmt, ast.Return) and (stmt.value is None or isinstance(stmt.value, ast.Constant)
                                               and stmt.value.value is None):
            kinds.add("return")
        else:
            return ""
    for kind in ("continue", "return", "pass"):
        if kind in kinds:
            return kind
    return ""


def _explained(first: int, last: int, ctx) -> bool:
    """A comment in the handler's body records a decision, unless it is a TODO; on the `except` line
    itself only a linter suppression (noqa, nosec, pylint disable) counts."""
    for number in range(first, last + 1):
        line = ctx.file.line(number)
        if "#" not in line:
            continue
        comment = line[line.index("#") + 1:].strip()
        if number == first and not LINT_SUPPRESSION.match(comment):
            continue
        if comment and not TODO.search(comment):
            return True
    return False


def _function(node: ast.AST, ctx) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for parent in ancestors(ctx, node):
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return parent
        if isinstance(parent, (ast.Lambda, ast.ClassDef)):
            return None
    return None


def _cleanup(handler: ast.ExceptHandler, function, ctx) -> bool:
    if function is not None and set(words_of(function.name)) & CLEANUP_FUNCTION_WORDS:
        return True
    child: ast.AST = handler
    for parent in ancestors(ctx, handler):
        if isinstance(parent, ast.Try) and any(child is s for s in parent.finalbody):
            return True
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        child = parent
    return False


def _only_cleanup_calls(body: list[ast.stmt], ctx) -> bool:
    """`try: conn.close()` / `with suppress(Exception): os.unlink(tmp)`: best-effort cleanup."""
    if not body:
        return False
    for stmt in body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(call, ast.Await):
            call = call.value
        if not isinstance(call, ast.Call):
            return False
        name = qualified(ctx, call.func) or ""
        if name.rsplit(".", 1)[-1].removesuffix("()") not in CLEANUP_CALLS:
            return False
    return True


def _optional_import(handler: ast.ExceptHandler, ctx) -> bool:
    parent = parent_of(ctx, handler)
    return isinstance(parent, ast.Try) and bool(parent.body) and all(
        isinstance(s, (ast.Import, ast.ImportFrom)) for s in parent.body)


def _value_or_none(handler: ast.ExceptHandler, ctx) -> bool:
    """`try: return UUID(v)` / `try: data = s.loads(token)` with `return None` on failure: one
    computation whose failure the function reports as None."""
    if handler.type is None or "BaseException" in ast.unparse(handler.type):
        return False            # also swallows KeyboardInterrupt, SystemExit and task cancellation
    parent = parent_of(ctx, handler)
    return isinstance(parent, ast.Try) and len(parent.body) == 1 \
        and isinstance(parent.body[0], (ast.Return, ast.Assign, ast.AnnAssign))


def _optional_result(name: str) -> bool:
    words = words_of(name)
    return bool(words) and (words[0] in OPTIONAL_FUNCTION_PREFIXES or words[-2:] == ("or", "none"))


def _suppress(node: ast.With | ast.AsyncWith, ctx):
    for item in node.items:
        call = item.context_expr
        if not isinstance(call, ast.Call) or qualified(ctx, call.func) not in SUPPRESS:
            continue
        broad = [a for a in call.args if qualified(ctx, a) in BROAD]
        if not broad or _explained(node.lineno, node.lineno, ctx) or _cleanup(node, _function(node, ctx), ctx):
            continue
        if node.body and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in node.body) \
                or _only_cleanup_calls(node.body, ctx):
            continue
        yield ctx.finding(RULE, call, f"`suppress({ast.unparse(broad[0])})` swallows every error in the block",
                          confidence=Confidence.MEDIUM)
        return


RULE = NodeRule(
    id="PY-REL-003", slug="swallowed-exception", area=Area.REL,
    title="Broad exception swallowed without logging",
    fix="Catch the specific exceptions you expect, or log the error with its traceback "
        "(`logger.exception(...)`) and re-raise or return an explicit error.",
    rows=("REL-15",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-390",), example_path="app.py",
    visits=(ast.ExceptHandler, ast.With, ast.AsyncWith), check=check,
)
