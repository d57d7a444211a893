"""
## What it does
Flags debug mode switched on in code that production runs:
- Flask (also Quart, Sanic, Flask-SocketIO): `app.run(debug=True)`, `app.debug = True`,
  `app.config["DEBUG"] = True`, `app.config.update(DEBUG=True)`; a run inside
  `if __name__ == "__main__":` is reported with MEDIUM confidence (it is the development entry
  point, but images often start the app that way);
- FastAPI and Starlette: `FastAPI(debug=True)`, `Starlette(debug=True)`;
- settings modules: an unconditional module-level `DEBUG = True` in `settings.py`,
  `settings/production.py` or a module defining `INSTALLED_APPS`; `DEBUG = True` in a config class
  named for production (`class ProductionConfig`).

## Why it matters
Debug mode shows every visitor the stack trace, local variables, settings and SQL of any failing
request. Flask's (Werkzeug's) debugger goes further: its console runs arbitrary Python on the
server, and its PIN can be derived from information the same error pages leak. Django's debug pages
also list settings and keep every SQL query in memory.

## Example
    from fastapi import FastAPI

    app = FastAPI(title="orders", debug=True)

## Use instead
    import os

    from fastapi import FastAPI

    app = FastAPI(title="orders", debug=os.getenv("APP_DEBUG") == "1")

## Known limitations
Not reported: development and test settings and scripts (paths or names with dev, local, test, ci,
example, demo), shared settings files that production settings override (`settings/base.py`,
`settings/common.py`), assignments in a branch that only runs in development (`if DEBUG:`,
`if "test" in sys.argv:`) and values read from the environment (a default of "on" there is
PY-OPS-002).
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import const_str, dotted, keyword
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import (
    in_main_guard, is_dev_module, literal_bool, settings_module, under_dev_guard, words_of,
)
from prodcheck.rules.python.helpers import bound_constructor, imports, parent_of, qualified, replace_span_diff

APP_CLASSES = frozenset({"flask.Flask", "quart.Quart", "sanic.Sanic", "flask_socketio.SocketIO",
                         "connexion.App", "connexion.FlaskApp", "apiflask.APIFlask"})
ASGI_APPS = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI", "starlette.applications.Starlette",
                       "quart.Quart", "litestar.Litestar", "starlite.Starlite"})
APP_NAMES = frozenset({"app", "application", "server", "api", "socketio", "flask_app"})
FRAMEWORK_IMPORTS = ("flask", "quart", "sanic", "flask_socketio", "apiflask", "connexion")
PROD_CLASS_WORDS = frozenset({"prod", "production", "live", "staging", "release", "deploy", "deployment"})
CONFIG_METHODS = frozenset({"update", "from_mapping"})


def check(node: ast.AST, ctx):
    if is_dev_module(ctx):
        return
    found = _call(node, ctx) if isinstance(node, ast.Call) else _assignment(node, ctx)
    if found is None or under_dev_guard(ctx, node):
        return
    at, message, value, confidence = found
    yield ctx.finding(RULE, at, message, confidence=confidence,
                      diff=replace_span_diff(ctx, value, "False") if value is not None else "")


def _call(call: ast.Call, ctx):
    debug = keyword(call, "debug")
    func = call.func
    if literal_bool(debug) is True:
        name = qualified(ctx, func)
        if name in ASGI_APPS:
            return debug, f"`{name.rsplit('.', 1)[-1]}(debug=True)` serves tracebacks to clients", debug, None
        if isinstance(func, ast.Attribute) and func.attr == "run" and _is_app(func.value, ctx):
            confidence = Confidence.MEDIUM if in_main_guard(ctx, call) else None
            return debug, f"`{dotted(func) or 'app.run'}(debug=True)` starts the interactive debugger", debug, \
                confidence
        return None
    if isinstance(func, ast.Attribute) and func.attr in CONFIG_METHODS and isinstance(func.value, ast.Attribute) \
            and func.value.attr == "config" and _is_app(func.value.value, ctx):
        value = keyword(call, "DEBUG")
        if literal_bool(value) is True:
            return value, f"`{dotted(func)}(DEBUG=True)` turns on debug mode", value, None
    return None


def _is_app(receiver: ast.AST, ctx) -> bool:
    if isinstance(receiver, ast.Call):
        return qualified(ctx, receiver.func) in APP_CLASSES
    bound = bound_constructor(ctx, receiver)
    if bound in APP_CLASSES:
        return True
    framework = any(target.split(".")[0] in FRAMEWORK_IMPORTS for target in imports(ctx).values())
    if bound:       # `app = create_app()`: an application factory in a Flask module
        return framework and bool({"app", "application"} & set(words_of(bound.rsplit(".", 1)[-1])))
    return framework and dotted(receiver).split(".")[-1] in APP_NAMES


def _assignment(node: ast.Assign, ctx):
    if literal_bool(node.value) is not True:
        return None
    parent = parent_of(ctx, node)
    for target in node.targets:
        if isinstance(target, ast.Name) and target.id == "DEBUG":
            if isinstance(parent, ast.Module) and settings_module(ctx) in ("django", "settings"):
                return node, "`DEBUG = True` in a settings module production loads", node.value, None
            if isinstance(parent, ast.ClassDef) and set(words_of(parent.name)) & PROD_CLASS_WORDS:
                return node, f"`DEBUG = True` in the `{parent.name}` configuration", node.value, None
        if isinstance(target, ast.Attribute) and target.attr == "debug" and _is_app(target.value, ctx):
            return node, f"`{dotted(target)} = True` turns on debug mode", node.value, None
        if isinstance(target, ast.Subscript) and const_str(target.slice) == "DEBUG" \
                and isinstance(target.value, ast.Attribute) and target.value.attr == "config" \
                and _is_app(target.value.value, ctx):
            return node, f"`{dotted(target.value)}[\"DEBUG\"] = True` turns on debug mode", node.value, None
    return None


RULE = NodeRule(
    id="PY-SEC-024", slug="debug-mode-enabled", area=Area.SEC,
    title="Debug mode enabled in production code",
    fix="Turn debug off by default and enable it only from the environment in development "
        "(`DEBUG = os.getenv(\"DJANGO_DEBUG\") == \"1\"`, `FastAPI(debug=settings.debug)`).",
    rows=("SEC-34", "OPS-02"), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-489",),
    stride=(Stride.INFORMATION_DISCLOSURE, Stride.ELEVATION_OF_PRIVILEGE), example_path="app.py",
    coverage="partial",
    coverage_note="error details returned to clients (tracebacks, exception text) are not checked",
    visits=(ast.Call, ast.Assign), check=check,
)
