"""
## What it does
Flags a debug switch read from the environment with a default that turns it on:
`os.getenv("DEBUG", "True")`, `os.environ.get("FLASK_DEBUG", "1")`,
`env.bool("DJANGO_DEBUG", default=True)`, `config("DEBUG", default=True, cast=bool)`
(python-decouple), `os.environ.setdefault("DEBUG", "1")`: any variable whose name contains the word
`DEBUG` and whose default is true, 1, yes or on.

## Why it matters
Production then runs in debug mode whenever someone forgets to set the variable: a new deployment
target, a renamed variable, a manifest that lost a line. Debug mode leaks stack traces, settings and
SQL to visitors (and in Flask opens an interactive console). Safe defaults fail closed: debug is off
unless explicitly enabled.

## Example
    ==> config/settings.py <==
    import os

    INSTALLED_APPS = ["django.contrib.auth"]
    DEBUG = os.getenv("DJANGO_DEBUG", "True") == "True"

## Use instead
    ==> config/settings.py <==
    import os

    INSTALLED_APPS = ["django.contrib.auth"]
    DEBUG = os.getenv("DJANGO_DEBUG", "False") == "True"

## Known limitations
Variables whose name says the opposite (`DISABLE_DEBUG`, `NO_DEBUG`) are not reported, nor are
development and test settings or scripts, nor shared base settings that environment files override
(`settings/base.py`). A comparison that inverts the default
(`os.getenv("DEBUG", "1") == "0"`) is not followed. Defaults set in `.env` files, Dockerfiles and
manifests are not checked here.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import const_str
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import (
    env_lookup, is_dev_module, is_truthy_default, settings_module, words_of,
)
from prodcheck.rules.python.helpers import parent_of, replace_span_diff

NEGATING_WORDS = frozenset({"disable", "disabled", "no", "not", "skip", "off", "without", "suppress"})


def check(call: ast.Call, ctx):
    first = call.args[0] if call.args else None
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str) and "debug" in first.value.lower()):
        return
    if is_dev_module(ctx) or settings_module(ctx) == "base":
        return
    found = env_lookup(ctx, call)
    if found is None:
        return
    variable, default = found
    words = set(words_of(variable))
    if "debug" not in words or words & NEGATING_WORDS or not is_truthy_default(default):
        return
    if _compared_with_falsy(call, ctx):
        return
    replacement = _off_value(default)
    yield ctx.finding(RULE, default, f"`{variable}` defaults to on ({_text(default)}) when the environment "
                                     "does not set it", diff=replace_span_diff(ctx, default, replacement))


def _compared_with_falsy(call: ast.Call, ctx) -> bool:
    """`os.getenv("DEBUG", "1") == "0"` is off by default; so is `!= "1"`."""
    parent = parent_of(ctx, call)
    while isinstance(parent, (ast.Call, ast.Attribute)):
        parent = parent_of(ctx, parent)
    if not isinstance(parent, ast.Compare) or len(parent.ops) != 1:
        return False
    texts = [const_str(side) for side in (parent.left, parent.comparators[0])]
    text = next((t for t in texts if t is not None), None)
    if text is None:
        return False
    truthy = text.strip().lower() in ("1", "true", "yes", "on", "t", "y")
    return isinstance(parent.ops[0], ast.Eq) and not truthy or isinstance(parent.ops[0], ast.NotEq) and truthy


def _off_value(default: ast.AST) -> str:
    value = default.value if isinstance(default, ast.Constant) else None
    if isinstance(value, bool):
        return "False"
    if isinstance(value, int):
        return "0"
    if isinstance(value, str):
        return {"1": '"0"', "yes": '"no"', "on": '"off"', "y": '"n"', "t": '"f"'}.get(
            value.strip().lower(), '"False"' if value[:1].isupper() else '"false"')
    return ""


def _text(default: ast.AST) -> str:
    return repr(default.value) if isinstance(default, ast.Constant) else "a true value"


RULE = NodeRule(
    id="PY-OPS-002", slug="debug-enabled-by-default", area=Area.OPS,
    title="Debug mode on unless the environment turns it off",
    fix="Make the default off (`os.getenv(\"DEBUG\", \"0\")`, `env.bool(\"DEBUG\", default=False)`) and enable "
        "debug explicitly in development.",
    rows=("OPS-02",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-1188",),
    coverage="partial",
    coverage_note="covers debug defaults only; profiler, admin and docs exposure are other checks",
    example_path="config/settings.py", visits=(ast.Call,), check=check,
)
