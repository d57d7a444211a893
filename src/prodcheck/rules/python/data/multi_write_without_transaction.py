"""
## What it does
Flags a function that makes two or more database writes that do not commit together:
- Django (autocommit: every ORM write is its own transaction): two or more writes (`.save()`,
  `objects.create/update/delete/bulk_create/...`, queryset `.update()`/`.delete()`, a raw
  `cursor.execute("INSERT ...")`) outside `transaction.atomic()` (`with` block, decorator, or
  `method_decorator(transaction.atomic)`);
- SQLAlchemy and DB-API drivers (a session or connection is one transaction until `commit()`):
  writes committed by two or more separate `commit()` calls in the same function, outside a
  `session.begin()` block.

Writes in mutually exclusive branches (`if`/`else`, an early `return`) are not paired. When Django
settings set `ATOMIC_REQUESTS = True` for a database, Django code is not reported.

## Why it matters
A multi-step change that fails half-way (a constraint error, a timeout, a deploy killing the worker)
leaves the first steps committed: an order without its lines, money debited but not credited, a
user without a profile. Nothing retries or repairs it, and the inconsistency surfaces weeks later.
One transaction makes the change all-or-nothing.

## Example
    from shop.models import Order, OrderLine, Stock

    def place_order(cart, user):
        order = Order.objects.create(user=user, total=cart.total)
        for item in cart.items:
            OrderLine.objects.create(order=order, product=item.product, quantity=item.quantity)
        Stock.objects.filter(product__in=cart.products).update(reserved=True)
        return order

## Use instead
    from django.db import transaction

    from shop.models import Order, OrderLine, Stock

    @transaction.atomic
    def place_order(cart, user):
        order = Order.objects.create(user=user, total=cart.total)
        for item in cart.items:
            OrderLine.objects.create(order=order, product=item.product, quantity=item.quantity)
        Stock.objects.filter(product__in=cart.products).update(reserved=True)
        return order

## Known limitations
Writes made by helpers the function calls are not counted, and a transaction opened by the caller
is not seen (a service called only from inside `transaction.atomic()` is reported). For that reason
Django signal receivers (`@receiver`) and `save()`/`delete()`/`save_model()` overrides, which run
inside the operation that triggered them, are not checked; neither are scripts, management commands,
test helpers and migrations. Two calls of the same bulk write (`bulk_create` in batches) are not
paired. `ATOMIC_REQUESTS` is read from a literal `DATABASES` dict or
`DATABASES["default"]["ATOMIC_REQUESTS"] = True`. Writes in a loop count as one write site.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import last_name, module_nodes_of, module_parents, walk_local
from prodcheck.facts.model import Signal
from prodcheck.model import Area, Confidence, Location
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.python.ast_helpers import is_cli_module, is_dev_module
from prodcheck.rules.python.data_helpers import SESSION_WRITES, enclosing_transaction, orm_write
from prodcheck.rules.python.helpers import parent_of

SIGNAL = "py-multi-write"
ATOMIC_SIGNAL = "py-django-atomic-requests"
TERMINATORS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
LOCAL_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)   # where `walk_local` stops
OVERRIDES = frozenset({"save", "delete", "save_model", "delete_model", "save_related", "save_formset",
                       "asave", "adelete"})


# ---------------------------------------------------------------- per file (called by the extractor)

def file_signals(ctx) -> list[Signal]:
    """The multi-write functions of one file, as signals for the project rule."""
    tree = ctx.file.tree
    if tree is None or is_dev_module(ctx) or is_cli_module(ctx):
        return []
    django = any(v == "django" or v.startswith("django.") for v in _imports(ctx).values())
    found = []
    for node in module_nodes_of(ctx.file, ast.FunctionDef, ast.AsyncFunctionDef):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not _runs_in_callers_transaction(ctx, node):
            signal = _function_signal(ctx, node, django)
            if signal is not None:
                found.append(signal)
    return found


def _runs_in_callers_transaction(ctx, func) -> bool:
    """Django signal receivers and `save()`/`delete()` overrides (and admin `save_model` hooks) run
    inside the operation that triggered them, which views and the admin usually make atomic."""
    if any(last_name(d.func if isinstance(d, ast.Call) else d) == "receiver" for d in func.decorator_list):
        return True
    return func.name in OVERRIDES and isinstance(parent_of(ctx, func), ast.ClassDef)


def _imports(ctx):
    from prodcheck.rules.python.helpers import imports
    return imports(ctx)


def _function_signal(ctx, func, django: bool) -> Signal | None:
    writes, commits = _writes_and_commits(ctx, _local_calls(ctx).get(id(func), ()))
    if len(writes) < 2:
        return None
    writes.sort(key=lambda w: (w[0].lineno, w[0].col_offset))
    commits.sort(key=lambda c: (c.lineno, c.col_offset))
    if _has_ties([w[0] for w in writes]) or _has_ties(commits):
        # Calls at one position (`a().save()` nested in `b().save()`, repeated f-string parts) keep
        # the order of `walk_local`, which the sorts above do not restore: collect them that way.
        writes, commits = _writes_and_commits(ctx, (n for n in walk_local(func) if isinstance(n, ast.Call)))
        writes.sort(key=lambda w: (w[0].lineno, w[0].col_offset))
        commits.sort(key=lambda c: (c.lineno, c.col_offset))
    autocommitted = [w for w in writes if not _unit_of_work_write(w[0])]
    if not commits and len(autocommitted) >= 2 \
            and (django or any(".objects." in what or "queryset" in what for _, what in autocommitted)):
        return _django_pair(ctx, func, autocommitted)
    if commits:
        return _commit_pair(ctx, func, writes, commits)
    return None


def _writes_and_commits(ctx, calls) -> tuple[list[tuple[ast.Call, str]], list[ast.Call]]:
    writes: list[tuple[ast.Call, str]] = []
    commits: list[ast.Call] = []
    for node in calls:
        if isinstance(node.func, ast.Attribute) and node.func.attr == "commit" and not node.args \
                and not node.keywords:
            commits.append(node)
            continue
        what = orm_write(ctx, node)
        if what and not enclosing_transaction(ctx, node)[0]:
            writes.append((node, what))
    return writes, commits


def _has_ties(calls: list[ast.Call]) -> bool:
    return any((a.lineno, a.col_offset) == (b.lineno, b.col_offset) for a, b in zip(calls, calls[1:]))


def _local_calls(ctx) -> dict[int, list[ast.Call]]:
    """id(function, lambda or class) -> the calls that `walk_local` of it yields (those whose
    innermost enclosing function, lambda or class it is), from one pass over the module's calls
    instead of one walk per function."""
    found = ctx.data.get("python.multi_write.local_calls")
    if found is None:
        found = {}
        parents = module_parents(ctx.file)
        for call in module_nodes_of(ctx.file, ast.Call):
            owner = parents.get(id(call))
            while owner is not None and not isinstance(owner, LOCAL_SCOPES):
                owner = parents.get(id(owner))
            if owner is not None:
                found.setdefault(id(owner), []).append(call)
        ctx.data["python.multi_write.local_calls"] = found
    return found


def _unit_of_work_write(call: ast.Call) -> bool:
    """`session.add(obj)` and friends: pending until the session commits, never autocommitted."""
    return isinstance(call.func, ast.Attribute) and call.func.attr in SESSION_WRITES and bool(call.args)


def _django_pair(ctx, func, writes) -> Signal | None:
    for index, (second, what2) in enumerate(writes[1:], start=1):
        for first, what1 in writes[:index]:
            if "bulk_" in what1 and "bulk_" in what2:
                continue                      # batches of one bulk write, not steps of one change
            if not _exclusive(ctx, first, second, func):
                message = (f"{what1} (line {first.lineno}) and {what2} (line {second.lineno}) in `{func.name}` "
                           f"commit separately (Django autocommit): a failure between them leaves partial data")
                return Signal(SIGNAL, _loc(ctx, second), f"django|{func.name}|{message}")
    return None


def _commit_pair(ctx, func, writes, commits) -> Signal | None:
    """Two commits that each commit at least one write, both reachable in one call."""
    segments: list[tuple[ast.Call, list[tuple[ast.Call, str]]]] = []
    for commit in commits:
        previous = segments[-1][0] if segments else None
        batch = [w for w in writes if _before(w[0], commit) and (previous is None or _before(previous, w[0]))
                 and not _exclusive(ctx, w[0], commit, func)]
        if batch:
            segments.append((commit, batch))
    for index, (second_commit, second_batch) in enumerate(segments[1:], start=1):
        first_commit, first_batch = segments[index - 1]
        if _exclusive(ctx, first_commit, second_commit, func):
            continue
        what1 = first_batch[0][1]
        what2 = second_batch[0][1]
        message = (f"`{func.name}` commits {what1} on line {first_commit.lineno} and then {what2} on line "
                   f"{second_commit.lineno} in a second transaction: a failure between the commits leaves "
                   f"partial data")
        return Signal(SIGNAL, _loc(ctx, second_commit), f"sqlalchemy|{func.name}|{message}")
    return None


def _before(a: ast.AST, b: ast.AST) -> bool:
    return (a.lineno, a.col_offset) < (b.lineno, b.col_offset)


def _loc(ctx, node: ast.AST) -> Location:
    return Location.at(ctx.path, node.lineno, node.col_offset + 1)


def _path(ctx, node: ast.AST, stop: ast.AST) -> list[tuple[ast.AST, str, int]]:
    """(compound statement, branch name, statement index) from `node` up to `stop`."""
    found = []
    child = node
    current = parent_of(ctx, node)
    while current is not None and current is not stop:
        for branch in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(current, branch, None)
            if isinstance(block, list) and child in block:
                found.append((current, branch, block.index(child)))
                break
        child, current = current, parent_of(ctx, current)
    return found


def _exclusive(ctx, a: ast.AST, b: ast.AST, func: ast.AST) -> bool:
    """Can `a` (earlier) and `b` not both run in one call? Different branches of one `if`/`try`,
    or `a` sits in a block that ends with `return`/`raise` that does not contain `b`."""
    path_a = _path(ctx, a, func)
    path_b = {id(n): branch for n, branch, _ in _path(ctx, b, func)}
    for node, branch, index in path_a:
        if id(node) in path_b:
            other = path_b[id(node)]
            if other != branch and isinstance(node, (ast.If, ast.Try)) or \
                    isinstance(node, ast.Try) and "handlers" in (branch, other):
                return True
            return False
        block = getattr(node, branch)
        if isinstance(node, (ast.If, ast.Try, ast.With, ast.AsyncWith)) and block \
                and isinstance(block[-1], TERMINATORS) and not isinstance(block[-1], (ast.Continue, ast.Break)):
            return True
        if isinstance(node, ast.ExceptHandler):
            return True
    return False


# ---------------------------------------------------------------- project rule

def check(project, ctx):
    atomic_roots = [s.location.path for s in project.signals(ATOMIC_SIGNAL)]
    for signal in project.signals(SIGNAL):
        orm, function, message = signal.detail.split("|", 2)
        if orm == "django" and _covered(signal.location.path, atomic_roots, project):
            continue
        yield ctx.finding(RULE, signal.location, message, symbol=function)


def _covered(path: str, settings_paths: list[str], project) -> bool:
    """Is the file in the same service as a settings module with ATOMIC_REQUESTS?"""
    if not settings_paths:
        return False
    from prodcheck.facts.stack import service_of
    service = service_of(path, project.stack)
    return any(service_of(p, project.stack) == service for p in settings_paths)


RULE = ProjectRule(
    id="PY-DATA-002", slug="multi-write-without-transaction", area=Area.DATA,
    title="Several database writes without one transaction",
    fix="Wrap the writes in one transaction: `with transaction.atomic():` / `@transaction.atomic` "
        "(Django), `with session.begin():` or a single `commit()` at the end (SQLAlchemy).",
    rows=("DATA-08",), doc=__doc__, confidence=Confidence.MEDIUM, example_path="shop/services.py",
    coverage="partial", coverage_note="transactions opened by callers and writes in called helpers are not seen",
    needs_languages=("python",), check=check,
)
