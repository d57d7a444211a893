"""
## What it does
Flags queries that fetch more rows than the code needs:
- counting by fetching: `len(Model.objects.filter(...))`, `len(session.query(X)....all())`
  (use `.count()`);
- testing existence by fetching: `if Model.objects.filter(...):`, `bool(...)`, `not ...` on a
  Django queryset written in the test (use `.exists()`);
- (medium confidence) a whole table read while a request is served: `Model.objects.all()` (no
  `filter`, no slice), `Model.query.all()`, `session.query(Model).all()`,
  `session.scalars(select(Model)).all()` without `where`/`filter`/`limit`, iterated or
  materialised (`for`, a comprehension, `list()`, `len()`, `sum()`, `sorted()`) in a request
  handler or in a function of the same module that a handler calls. A query returned by a list
  endpoint is left to GEN-API-101 (list endpoint without pagination).

## Why it matters
`len(queryset)` transfers and builds every row to produce one number; `if queryset:` does the same
to produce one boolean. A whole-table read in a request grows with the table: an export or a loop
over all users that took 50 ms at launch takes a minute and gigabytes of memory a year later, and
ties up a worker and a connection while it runs.

## Example
    from shop.models import Order

    def has_open_orders(user):
        if Order.objects.filter(user=user, status="open"):
            return True
        return False

    def open_order_count(user):
        return len(Order.objects.filter(user=user, status="open"))

## Use instead
    from shop.models import Order

    def has_open_orders(user):
        return Order.objects.filter(user=user, status="open").exists()

    def open_order_count(user):
        return Order.objects.filter(user=user, status="open").count()

## Known limitations
Only queries written in the expression are followed (a queryset stored in a variable and
evaluated later is not), except SQLAlchemy statements assigned once in the function. Filtered
queries are never reported as unbounded (a filter usually bounds the rows by a parent key), and
small lookup tables (countries, categories) read whole in a handler are reported though they may
be harmless. `SELECT *` in raw SQL and unused columns are not checked.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import call_chain, last_name, name_tokens
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.data_helpers import handler_callees, is_test_or_migration, local_values, request_handlers
from prodcheck.rules.python.helpers import parent_of

DJANGO_QS = frozenset({"all", "filter", "exclude", "order_by", "select_related", "prefetch_related", "annotate",
                       "distinct", "only", "defer", "values", "values_list", "using", "alias"})
WHOLE_TABLE_STEPS = frozenset({"all", "order_by", "select_related", "prefetch_related", "annotate", "distinct",
                               "only", "defer", "values", "values_list", "using", "options"})
BOUNDING = frozenset({"filter", "filter_by", "where", "limit", "offset", "slice", "get", "first", "one",
                      "paginate", "exclude", "none", "join", "having", "fetchmany", "iterator", "yield_per",
                      "partitions", "in_bulk", "get_or_404", "first_or_404", "from_statement", "params",
                      "execution_options"})
MATERIALISERS = frozenset({"list", "len", "sum", "sorted", "tuple", "set", "max", "min", "any", "all"})
SESSION_WORDS = frozenset({"session", "sess", "db", "dbsession", "uow"})


def check(node: ast.AST, ctx):
    if is_test_or_migration(ctx):
        return
    if isinstance(node, ast.Call):
        yield from _counting(node, ctx)
        yield from _whole_table_call(node, ctx)
    elif isinstance(node, (ast.If, ast.While, ast.IfExp)):
        yield from _existence(node.test, ctx)
    elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
        yield from _whole_table_loop(node.iter, ctx)


# ---------------------------------------------------------------- count and exists

def _counting(call: ast.Call, ctx):
    if not (isinstance(call.func, ast.Name) and call.func.id == "len" and len(call.args) == 1):
        return
    arg = call.args[0]
    model = _django_queryset(arg)
    if model:
        yield ctx.finding(RULE, call, f"`len()` of a `{model}` queryset fetches every matching row to count "
                                      f"them: use `.count()`")
        return
    if isinstance(arg, ast.Call) and last_name(arg.func) == "all" and _sqlalchemy_query(arg, ctx):
        yield ctx.finding(RULE, call, "`len(....all())` fetches every matching row to count them: use a "
                                      "`count()` query")


def _counted(arg: ast.AST, ctx) -> bool:
    """Reported as counting by fetching, not as a whole-table read."""
    return bool(_django_queryset(arg)) or isinstance(arg, ast.Call) and last_name(arg.func) == "all" \
        and _sqlalchemy_query(arg, ctx)


def _existence(test: ast.AST, ctx):
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "bool" and test.args:
        test = test.args[0]
    model = _django_queryset(test)
    if model:
        yield ctx.finding(RULE, test, f"testing a `{model}` queryset for truth fetches its rows: use `.exists()`")


def _django_queryset(node: ast.AST) -> str:
    """"Order" for an unsliced `Order.objects.filter(...)...` chain ending in a queryset method."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DJANGO_QS):
        return ""
    chain = call_chain(node, through_subscripts=False)
    if "objects" not in chain[1:]:
        return ""
    index = chain.index("objects")
    model = chain[index - 1]
    return model if model[:1].isupper() and all(step in DJANGO_QS for step in chain[index + 1:]) else ""


# ---------------------------------------------------------------- whole tables in handlers

def _whole_table_loop(iterable: ast.AST, ctx):
    query = _whole_table(iterable, ctx)
    if query:
        yield from _report_whole_table(iterable, query, "iterated", ctx)


def _whole_table_call(call: ast.Call, ctx):
    if isinstance(call.func, ast.Name) and call.func.id in MATERIALISERS and call.args \
            and not (call.func.id == "len" and _counted(call.args[0], ctx)):
        query = _whole_table(call.args[0], ctx)
        if query:
            yield from _report_whole_table(call.args[0], query, f"materialised with `{call.func.id}()`", ctx)
        return
    if isinstance(call.func, ast.Attribute) and call.func.attr == "all" and not call.args:
        parent = parent_of(ctx, call)
        if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is call \
                or isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) \
                and parent.func.id in MATERIALISERS:
            return                                      # reported by the loop or the materialiser
        query = _sqlalchemy_whole_table(call, ctx)
        if query:
            yield from _report_whole_table(call, query, "loaded with `.all()`", ctx)


def _report_whole_table(node: ast.AST, query: str, how: str, ctx):
    func, handler = _serving_function(node, ctx)
    if handler is None or _in_return(node, ctx, func):
        return
    via = "" if handler.func is func else f" (called by the handler `{handler.func.name}`)"
    yield ctx.finding(
        RULE, node,
        f"{query} reads the whole table, {how}, while serving a request in `{func.name}`{via}: bound it "
        f"(filter, slice or `.limit()`) or move it to a background job",
        confidence=Confidence.MEDIUM)


def _serving_function(node: ast.AST, ctx):
    current = parent_of(ctx, node)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if isinstance(current, (ast.Lambda, ast.ClassDef)):
            return None, None
        current = parent_of(ctx, current)
    if current is None:
        return None, None
    handler = request_handlers(ctx).get(id(current)) or handler_callees(ctx).get(id(current))
    return current, handler


def _in_return(node: ast.AST, ctx, func: ast.AST) -> bool:
    current = parent_of(ctx, node)
    while current is not None and current is not func:
        if isinstance(current, ast.Return):
            return True
        current = parent_of(ctx, current)
    return False


def _whole_table(node: ast.AST, ctx) -> str:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        chain = call_chain(node, through_subscripts=False)
        if "objects" in chain[1:]:
            index = chain.index("objects")
            model = chain[index - 1]
            steps = chain[index + 1:]
            if model[:1].isupper() and steps and set(steps) <= WHOLE_TABLE_STEPS:
                return f"`{model}.objects.{steps[0]}()`"
            return ""
        if node.func.attr == "all":
            return _sqlalchemy_whole_table(node, ctx)
    return ""


def _sqlalchemy_whole_table(call: ast.Call, ctx) -> str:
    """`Model.query.all()`, `session.query(M).all()`, `session.scalars(select(M)).all()`,
    `session.execute(select(M)).scalars().all()` with nothing that bounds or filters them."""
    names: set[str] = set()
    model = ""
    for inner in _walk_with_statements(call, ctx):
        if isinstance(inner, ast.Attribute):
            names.add(inner.attr)
        elif isinstance(inner, ast.Call) and last_name(inner.func) in ("select", "query") and len(inner.args) == 1 \
                and isinstance(inner.args[0], ast.Name) and inner.args[0].id[:1].isupper():
            model = inner.args[0].id
        elif isinstance(inner, ast.Subscript):
            return ""
    if names & BOUNDING:
        return ""
    chain = call_chain(call, through_subscripts=False)
    if len(chain) >= 3 and chain[1] == "query" and chain[0][:1].isupper() and set(chain[2:]) <= WHOLE_TABLE_STEPS:
        return f"`{chain[0]}.query.all()`"
    if model and _sqlalchemy_query(call, ctx):
        return f"a query on `{model}` without a filter or limit"
    return ""


def _sqlalchemy_query(call: ast.Call, ctx) -> bool:
    chain = call_chain(call, through_subscripts=False)
    if len(chain) >= 2 and chain[1] == "query" and chain[0][:1].isupper():
        return True
    return any(set(name_tokens(n)) & SESSION_WORDS for n in chain[:1]) \
        and bool({"query", "scalars", "execute", "exec"} & set(chain))


def _walk_with_statements(call: ast.Call, ctx):
    """The call's nodes, plus the value of a statement variable it executes (`stmt = select(M)`)."""
    scope = parent_of(ctx, call)
    while scope is not None and not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
        scope = parent_of(ctx, scope)
    assigned = local_values(ctx, scope) if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) else {}
    for inner in ast.walk(call):
        yield inner
        if isinstance(inner, ast.Name) and inner.id in assigned and isinstance(parent_of(ctx, inner), ast.Call):
            values = assigned[inner.id]
            if len(values) == 1 and isinstance(values[0], ast.expr):
                yield from ast.walk(values[0])
            elif len(values) > 1:
                for value in values:
                    yield from (n for n in ast.walk(value) if isinstance(n, ast.Attribute))


RULE = NodeRule(
    id="PY-DATA-004", slug="unbounded-query", area=Area.DATA,
    title="Query fetches rows only to count them, test them, or read a whole table",
    fix="Count with `.count()`, test with `.exists()`, and bound reads made while serving a request "
        "(filter, slice, `.limit()`, pagination), moving whole-table work to background jobs.",
    rows=("DATA-14",), doc=__doc__, confidence=Confidence.HIGH, example_path="shop/services.py",
    coverage="partial", coverage_note="SELECT * and unused columns are not checked",
    visits=(ast.Call, ast.If, ast.While, ast.IfExp, ast.For, ast.AsyncFor, ast.comprehension), check=check,
)
