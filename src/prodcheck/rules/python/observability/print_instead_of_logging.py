"""
## What it does
Flags `print(...)` in service code: application modules that are not scripts, CLIs, management
commands, entry points or examples. A `print` that writes to a file (`print(row, file=fh)`) is
output, not logging, and is left alone.

## Why it matters
`print` bypasses the logging pipeline: no level, no timestamp, no logger name, no request id, no
structured fields, and no way to turn it down in production. Under gunicorn or uvicorn the text may
be buffered, interleaved between workers or lost, and it never reaches the alerting that watches
the real logs.

## Example
    from fastapi import FastAPI

    app = FastAPI()


    @app.post("/orders")
    def create_order(order: dict):
        print("creating order", order["id"])
        return {"id": order["id"]}

## Use instead
    import logging

    from fastapi import FastAPI

    app = FastAPI()
    logger = logging.getLogger(__name__)


    @app.post("/orders")
    def create_order(order: dict):
        logger.info("creating order %s", order["id"])
        return {"id": order["id"]}

## Known limitations
Modules count as scripts by path (`scripts/`, `bin/`, `tools/`, `management/commands/`, `manage.py`,
`__main__.py`, `cli.py`, examples, docs), by importing a CLI library (`argparse`, `click`,
`typer`, `fire`, `docopt`), by reading `sys.argv`, or by having an `if __name__ == "__main__":`
block without importing a web framework. Also skipped: Django and Alembic migrations, code under
`if __name__ == "__main__":`, and a `print` whose line carries a Ruff `noqa` for T201 (the
equivalent rule, so it was already reviewed). A library that is not a service is judged like
service code.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import keyword
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import (
    in_main_guard, is_cli_module, linter_suppressed, top_level_values,
)
from prodcheck.rules.python.helpers import parent_of, qualified, replace_span_diff

STANDARD_STREAMS = frozenset({"sys.stdout", "sys.stderr"})
LINT_CODES = ("T201", "T203", "T001", "T002")


def check(call: ast.Call, ctx):
    if not isinstance(call.func, ast.Name) or call.func.id != "print" or qualified(ctx, call.func) != "print":
        return
    if _defines_print(ctx) or is_cli_module(ctx):
        return
    stream = keyword(call, "file")
    if stream is not None and qualified(ctx, stream) not in STANDARD_STREAMS:
        return
    if in_main_guard(ctx, call) or linter_suppressed(ctx, call, LINT_CODES):
        return
    yield ctx.finding(RULE, call, "`print()` in service code bypasses logging (no level, context or routing)",
                      diff=_diff(call, ctx))


def _defines_print(ctx) -> bool:
    """A module-level `print = ...` or `def print(...)` shadows the builtin."""
    if "print" in top_level_values(ctx):
        return True
    return any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "print"
               for s in getattr(ctx.file.tree, "body", []))


def _diff(call: ast.Call, ctx) -> str:
    """`print(x)` -> `logger.info(x)` when the module has a module-level `logger` and one argument."""
    if "logger" not in top_level_values(ctx) or len(call.args) != 1 or call.keywords \
            or isinstance(call.args[0], ast.Starred) or not isinstance(parent_of(ctx, call), ast.Expr):
        return ""
    if call.end_lineno != call.lineno:
        return ""
    raw = ctx.file.line(call.lineno).encode("utf-8")
    arg = call.args[0]
    text = raw[arg.col_offset:arg.end_col_offset].decode("utf-8", errors="replace")
    return replace_span_diff(ctx, call, f"logger.info({text})")


RULE = NodeRule(
    id="PY-OBS-001", slug="print-instead-of-logging", area=Area.OBS,
    title="`print()` used for logging in service code",
    fix="Log through a module logger (`logger = logging.getLogger(__name__)`, then `logger.info(...)`) so "
        "the message gets a level, context and the configured handlers.",
    rows=("OBS-02",), doc=__doc__, confidence=Confidence.MEDIUM, example_path="app.py",
    visits=(ast.Call,), check=check,
)
