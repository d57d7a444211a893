"""
## What it does
Flags unbounded memoization of instance methods: `@functools.cache`, `@functools.lru_cache(maxsize=None)`
(also `@lru_cache(None)`) on a method that takes `self` (not a `staticmethod` or `classmethod`, nor
a function whose first parameter is `cls`), in a class (the pattern of Ruff's B019).

## Why it matters
The cache lives on the function, shared by every instance, and its keys include `self`: every
object the method was ever called on stays referenced, with everything it holds, for the life of
the process. For request-scoped objects (services, repositories, handlers) that is a memory leak
that grows with traffic until the worker is killed.

## Example
    from functools import cache


    class PriceService:
        def __init__(self, client):
            self.client = client

        @cache
        def price_of(self, sku):
            return self.client.get_price(sku)

## Use instead
    class PriceService:
        def __init__(self, client):
            self.client = client
            self._prices = {}

        def price_of(self, sku):
            if sku not in self._prices:
                self._prices[sku] = self.client.get_price(sku)
            return self._prices[sku]

## Known limitations
A class that is only ever instantiated once (a module-level singleton) does not leak, but is still
reported: the code does not show how many instances exist. A bounded `lru_cache(maxsize=128)` on a
method keeps at most that many instances alive and is not reported, and neither are unbounded caches
on module-level functions (often meant to live forever) or `cached_property`, which stores the value
on the instance.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import argument
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.helpers import parent_of, qualified

CACHE = frozenset({"functools.cache"})
LRU_CACHE = frozenset({"functools.lru_cache"})
CLASS_PARAMETERS = frozenset({"cls", "mcs", "metacls", "klass"})
NOT_INSTANCE = frozenset({"staticmethod", "classmethod", "builtins.staticmethod", "builtins.classmethod"})


def check(function: ast.AST, ctx):
    if not function.decorator_list or not isinstance(parent_of(ctx, function), ast.ClassDef):
        return
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    if not positional or positional[0].arg in CLASS_PARAMETERS or any(
            qualified(ctx, d) in NOT_INSTANCE for d in function.decorator_list):
        return
    for decorator in function.decorator_list:
        label = _unbounded(decorator, ctx)
        if label:
            yield ctx.finding(RULE, decorator, f"`@{label}` on method `{function.name}` keeps every instance "
                                               "(`self` is part of the key) alive for the life of the process")
            return


def _unbounded(decorator: ast.AST, ctx) -> str:
    if isinstance(decorator, ast.Call):
        name = qualified(ctx, decorator.func)
        if name in LRU_CACHE:
            size = argument(decorator, 0, "maxsize")
            if isinstance(size, ast.Constant) and size.value is None:
                return f"{name.rsplit('.', 1)[-1]}(maxsize=None)"
        return ""
    name = qualified(ctx, decorator)
    return name.rsplit(".", 1)[-1] if name in CACHE else ""


RULE = NodeRule(
    id="PY-PERF-004", slug="unbounded-memoization", area=Area.PERF,
    title="Unbounded cache on a method keeps instances alive",
    fix="Cache per instance (a dict attribute, `functools.cached_property`) or move the cached function to "
        "module level with arguments that do not include `self`, and bound its size.",
    rows=("PERF-04",), doc=__doc__, confidence=Confidence.MEDIUM, example_path="app.py",
    coverage="partial",
    coverage_note="only unbounded caches on methods; module-level caches, listeners and unclosed handles are not checked",
    visits=(ast.FunctionDef, ast.AsyncFunctionDef), check=check,
)
