"""
## What it does
Flags a Django `ALLOWED_HOSTS` that accepts any host: `ALLOWED_HOSTS = ["*"]` (also in a tuple or
with other entries, or added with `+=`) at module level of a settings module production loads, and
(MEDIUM confidence) `"*"` as the default of the environment variable it is read from
(`os.getenv("ALLOWED_HOSTS", "*").split(",")`, `env.list("ALLOWED_HOSTS", default=["*"])`).

## Why it matters
Django builds absolute URLs (password-reset links, redirects, `request.build_absolute_uri()`) from
the `Host` header, and `ALLOWED_HOSTS` is what stops a forged header: with `*` an attacker can make
the site email reset links that point to their own domain, and poison caches keyed on the host.

## Example
    ==> mysite/settings.py <==
    INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
    ALLOWED_HOSTS = ["*"]

## Use instead
    ==> mysite/settings.py <==
    import os

    INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
    ALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",")

## Known limitations
Development and test settings (`settings/local.py`, `settings_dev.py`, `settings/test.py`), shared
base settings that production files override (`settings/base.py`) and values set in a
development-only branch (`if DEBUG:`) are not reported. A wildcard set by the deployment
environment (`ALLOWED_HOSTS=*` in a manifest) is not seen here.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import const_str
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import env_lookup, settings_module, under_dev_guard
from prodcheck.rules.python.helpers import parent_of

_STOP = (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def check(node: ast.AST, ctx):
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if not any(isinstance(t, ast.Name) and t.id == "ALLOWED_HOSTS" for t in targets):
        return
    if not isinstance(parent_of(ctx, node), ast.Module) or settings_module(ctx) not in ("django", "settings") \
            or node.value is None:
        return
    for star, from_env in _wildcards(node.value, ctx):
        if under_dev_guard(ctx, star):
            continue
        if from_env:
            yield ctx.finding(RULE, star, "`ALLOWED_HOSTS` falls back to `*` when the environment variable "
                                          "is not set", confidence=Confidence.MEDIUM)
        else:
            yield ctx.finding(RULE, star, "`ALLOWED_HOSTS` contains `*`: every Host header is accepted")
        return


def _wildcards(value: ast.AST, ctx):
    """(node, read from the environment) for each `"*"` host in the value."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, _STOP):
            continue
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            for element in node.elts:
                if const_str(element) == "*":
                    yield element, False
        if isinstance(node, ast.Call):
            found = env_lookup(ctx, node)
            if found is not None and found[1] is not None and _default_is_wildcard(found[1]):
                yield found[1], True
                continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _default_is_wildcard(default: ast.AST) -> bool:
    text = const_str(default)
    if text is not None:
        return "*" in [part.strip() for part in text.split(",")]
    if isinstance(default, (ast.List, ast.Tuple)):
        return any(const_str(e) == "*" for e in default.elts)
    return False


RULE = NodeRule(
    id="PY-OPS-001", slug="allowed-hosts-wildcard", area=Area.OPS,
    title="Django ALLOWED_HOSTS accepts any host",
    fix="List the host names the site answers to (`ALLOWED_HOSTS = [\"shop.example.com\"]`, or read them "
        "from a required environment variable without a `*` default).",
    rows=("OPS-02",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-644",),
    coverage="partial",
    coverage_note="covers ALLOWED_HOSTS only; profiler, admin and docs exposure are other checks",
    example_path="mysite/settings.py", visits=(ast.Assign, ast.AugAssign, ast.AnnAssign), check=check,
)
