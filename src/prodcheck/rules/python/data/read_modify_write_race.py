"""
## What it does
Flags a lost-update race in Python ORM code: a row is loaded without a lock (Django
`Model.objects.get(...)`, `get_object_or_404(...)`, `.filter(...).first()`; SQLAlchemy
`session.get(Model, id)`, `session.query(Model)...first()`, `Model.query.get(...)`,
`session.scalar(select(Model)...)`), one of its fields is recomputed from its own old value in
Python (`obj.balance -= amount`, `obj.count = obj.count + 1`), and the object is written back
(`obj.save()`, `session.commit()`/`flush()`). Loads that lock the row (`select_for_update()`,
`with_for_update()`, `session.get(..., with_for_update=True)`) are not reported.

## Why it matters
Two requests that load the same row at the same time both compute their new value from the same
old one; the second `save()` silently overwrites the first. With balances, stock counts, quotas or
counters this loses money or oversells. A transaction alone does not help: at the default READ
COMMITTED isolation both reads see the old value. The database must do the arithmetic
(`F("balance") - amount`, `update(...).values(balance=Account.balance - amount)`) or the row must
be locked while it is read.

## Example
    from django.db import transaction

    from bank.models import Account

    def withdraw(account_id, amount):
        account = Account.objects.get(pk=account_id)
        account.balance -= amount
        account.save(update_fields=["balance"])

## Use instead
    from django.db import transaction
    from django.db.models import F

    from bank.models import Account

    def withdraw(account_id, amount):
        Account.objects.filter(pk=account_id).update(balance=F("balance") - amount)

    def withdraw_locked(account_id, amount):
        with transaction.atomic():
            account = Account.objects.select_for_update().get(pk=account_id)
            account.balance -= amount
            account.save(update_fields=["balance"])

## Known limitations
Only a row loaded in the same function is followed; an object passed in as a parameter or loaded
in a loop is not. Optimistic locking (a `version` column checked in the `UPDATE`, SQLAlchemy
`version_id_col`) and `SERIALIZABLE` isolation configured elsewhere are not seen. Check-then-insert
races (`if not exists(): create()`) are not checked here.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import (
    call_chain, dotted, keyword, last_name, name_tokens, walk_local,
)
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.data_helpers import is_test_or_migration, local_values
from prodcheck.rules.python.helpers import enclosing_function, qualified

DJANGO_FETCH = frozenset({"get", "first", "last", "aget", "afirst", "alast", "latest", "earliest"})
SQLALCHEMY_FETCH = frozenset({"get", "first", "one", "one_or_none", "scalar", "scalar_one",
                              "scalar_one_or_none", "get_or_404", "first_or_404", "one_or_404", "get_one"})
SESSION_WORDS = frozenset({"session", "sess", "db", "dbsession", "uow"})
LOCKS = frozenset({"select_for_update", "with_for_update"})
ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.BitOr, ast.BitAnd)


def check(node: ast.AST, ctx):
    if is_test_or_migration(ctx):
        return
    found = _recomputed_field(node)
    if found is None:
        return
    obj, attr = found
    scope = enclosing_function(ctx, node)
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return
    values = local_values(ctx, scope).get(obj, [])
    if len(values) != 1 or not isinstance(values[0], ast.expr):
        return
    fetch = _unlocked_fetch(ctx, values[0])
    if not fetch:
        return
    reported = ctx.data.setdefault("python.data.rmw_reported", set())
    key = (id(scope), obj, attr)
    if key in reported:
        return
    written = _written_back(scope, obj, node, fetch[1])
    if written is None:
        return
    reported.add(key)
    yield ctx.finding(
        RULE, node,
        f"`{obj}.{attr}` is recomputed from the value read by {fetch[0]} on line {values[0].lineno} and "
        f"written back on line {written.lineno} without a row lock: concurrent requests lose updates",
        related=(values[0], written))


def _recomputed_field(node: ast.AST) -> tuple[str, str] | None:
    """(object, field) for `obj.f += x` or `obj.f = obj.f - x`."""
    if isinstance(node, ast.AugAssign):
        if isinstance(node.op, ARITHMETIC):
            target = node.target
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                return target.value.id, target.attr
        return None
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
            return None
        value = node.value
        if isinstance(value, ast.BinOp) and isinstance(value.op, ARITHMETIC):
            for side in (value.left, value.right):
                if isinstance(side, ast.Attribute) and side.attr == target.attr \
                        and isinstance(side.value, ast.Name) and side.value.id == target.value.id:
                    return target.value.id, target.attr
        if isinstance(value, ast.Call) and last_name(value.func) in ("max", "min", "round", "abs"):
            for arg in value.args:
                if isinstance(arg, ast.BinOp) and any(
                        isinstance(s, ast.Attribute) and s.attr == target.attr and isinstance(s.value, ast.Name)
                        and s.value.id == target.value.id for s in (arg.left, arg.right)):
                    return target.value.id, target.attr
    return None


def _unlocked_fetch(ctx, value: ast.expr) -> tuple[str, str] | None:
    """(description, orm) when the value loads one row without locking it."""
    call = value.value if isinstance(value, ast.Await) else value
    if not isinstance(call, ast.Call):
        return None
    names = set()
    for inner in ast.walk(call):
        if isinstance(inner, ast.Attribute):
            names.add(inner.attr)
        elif isinstance(inner, ast.Name):
            names.add(inner.id)
        elif isinstance(inner, ast.keyword) and inner.arg == "with_for_update":
            return None
    if names & LOCKS:
        return None
    resolved = qualified(ctx, call.func)
    if resolved in ("django.shortcuts.get_object_or_404", "django.shortcuts.aget_object_or_404"):
        return "`get_object_or_404()`", "django"
    if not isinstance(call.func, ast.Attribute):
        return None
    method = call.func.attr
    chain = call_chain(call.func.value)
    if method in DJANGO_FETCH and "objects" in chain:
        index = chain.index("objects")
        return f"`{'.'.join(chain[max(index - 1, 0):index + 1])}.{method}()`", "django"
    if method in SQLALCHEMY_FETCH:
        if len(chain) >= 2 and chain[1] == "query" and chain[0][:1].isupper():
            return f"`{chain[0]}.query.{method}()`", "sqlalchemy"
        words = set(name_tokens(chain[-1])) if chain else set()
        if method in ("get", "get_one") and words & SESSION_WORDS and call.args \
                and last_name(call.args[0])[:1].isupper() and keyword(call, "with_for_update") is None:
            return f"`{'.'.join(chain)}.{method}()`", "sqlalchemy"
        if "query" in chain and any(set(name_tokens(n)) & SESSION_WORDS for n in chain[:chain.index("query")]):
            return f"`{'.'.join(chain[:chain.index('query') + 1])}(...).{method}()`", "sqlalchemy"
        if {"execute", "scalars", "scalar"} & set(chain) and "select" in names \
                and any(set(name_tokens(n)) & SESSION_WORDS for n in chain[:1]):
            return "a `select()` read", "sqlalchemy"
        if method == "scalar" and words & SESSION_WORDS and "select" in names:
            return f"`{'.'.join(chain)}.scalar(select(...))`", "sqlalchemy"
    return None


def _written_back(scope: ast.AST, obj: str, after: ast.AST, orm: str) -> ast.AST | None:
    """The `obj.save()` (Django) or `commit()`/`flush()`/`add(obj)` (SQLAlchemy) after the change."""
    line = after.lineno
    best = None
    for node in walk_local(scope):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute) or node.lineno < line:
            continue
        method = node.func.attr
        receiver = dotted(node.func.value)
        if method in ("save", "asave") and receiver == obj:
            found = node
        elif orm == "sqlalchemy" and method in ("commit", "flush") and not node.args:
            found = node
        elif orm == "sqlalchemy" and method == "add" and node.args and dotted(node.args[0]) == obj:
            found = node
        else:
            continue
        if best is None or found.lineno < best.lineno:
            best = found
    return best


RULE = NodeRule(
    id="PY-DATA-003", slug="read-modify-write-race", area=Area.DATA,
    title="Read-modify-write of a row without a lock (lost update)",
    fix="Let the database do the arithmetic (`Model.objects.filter(pk=pk).update(f=F(\"f\") + n)`, "
        "SQLAlchemy `update(Model).values(f=Model.f + n)`), or load the row with "
        "`select_for_update()`/`with_for_update()` inside a transaction.",
    rows=("DATA-11",), doc=__doc__, confidence=Confidence.HIGH, example_path="bank/services.py",
    coverage="partial", coverage_note="check-then-insert races and optimistic version columns are not checked",
    visits=(ast.AugAssign, ast.Assign), check=check,
)
