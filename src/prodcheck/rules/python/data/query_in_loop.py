"""
## What it does
Flags N+1 queries in Python code:
- a database query made inside the body of a `for` loop or a comprehension: Django ORM
  (`Model.objects.get/filter/...`, `get_object_or_404`), SQLAlchemy (`session.query/execute/get/
  scalars`, `Model.query...`), DB-API and asyncpg (`cursor.execute`, `conn.fetch/fetchrow`);
- (MEDIUM confidence) a lazy relation read per row: the loop walks a Django queryset or a
  SQLAlchemy query that loads no relations (`select_related`, `prefetch_related`, `joinedload`,
  `selectinload`, ...) and the body reads `row.<relation>.<field>` or a related manager
  (`row.items.all()`).

## Why it matters
One query per row turns a page of 50 orders into 51 round trips to the database: fast in
development with three rows, seconds of latency and a saturated connection pool in production.
The fix is almost always one query with a join, an `IN (...)` filter or a prefetch.

## Example
    from shop.models import Customer, Order

    def report(order_ids):
        lines = []
        for order_id in order_ids:
            order = Order.objects.get(pk=order_id)
            lines.append(order.total)
        return lines

## Use instead
    from shop.models import Customer, Order

    def report(order_ids):
        orders = Order.objects.in_bulk(order_ids)
        return [orders[i].total for i in order_ids if i in orders]

## Known limitations
Writes in a loop (`.save()`, `objects.create`, `INSERT`) are left to the bulk-write check. Loops
that do not walk rows are not reported: `range(...)` (retries, counters), collections written in
the code (`for role in ("admin", "editor")`), and `while` loops (polling and batch paging). The relation case relies on names: a field that is not a relation but is named like one
(`row.owner.x` where `owner` is a JSON field) can be reported, and relations configured to load
eagerly in the model (`lazy="selectin"`) are not seen.
"""
from __future__ import annotations

import ast
import re

from prodcheck.facts.extractors.python_common import (
    call_chain, child_nodes, const_str, last_name, module_nodes_of, name_tokens, walk,
)
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.helpers import (
    bound_constructor, enclosing_function, imports, parent_of, qualified,
)

DJANGO_READS = frozenset({
    "get", "filter", "exclude", "all", "first", "last", "count", "exists", "aggregate", "values",
    "values_list", "get_or_create", "update_or_create", "in_bulk", "latest", "earliest", "order_by",
    "annotate", "iterator", "raw", "distinct", "only", "defer", "contains", "afirst", "aget",
    "acount", "aexists", "alast", "aaggregate", "aget_or_create", "aupdate_or_create",
})
DJANGO_SHORTCUTS = frozenset({"django.shortcuts.get_object_or_404", "django.shortcuts.get_list_or_404",
                              "django.shortcuts.aget_object_or_404"})
SQLALCHEMY_QUERY = frozenset({"get", "get_or_404", "filter", "filter_by", "first", "first_or_404", "all",
                              "count", "one", "one_or_none", "scalar", "paginate", "order_by", "join",
                              "options", "limit", "offset", "exists", "one_or_404"})
SESSION_METHODS = frozenset({"query", "execute", "get", "scalar", "scalars", "exec", "refresh",
                             "get_one", "stream", "stream_scalars"})
SESSION_WORDS = frozenset({"session", "db", "sess", "dbsession", "uow", "tx", "transaction"})
HTTP_WORDS = frozenset({"http", "client", "aiohttp", "requests", "api", "web", "browser", "httpx"})
CURSOR_METHODS = frozenset({"execute", "fetch", "fetchrow", "fetchval", "fetch_all", "fetch_one",
                            "fetch_val"})
CURSOR_WORDS = frozenset({"cursor", "cur", "conn", "connection", "con", "cnx", "db", "database", "pool",
                          "session"})
NOT_DB_RECEIVERS = frozenset({"requests.Session", "requests.session", "httpx.Client", "httpx.AsyncClient",
                              "aiohttp.ClientSession"})
NOT_A_READ = re.compile(
    r"^\s*(insert|update|delete|upsert|merge|replace|create|drop|alter|truncate|install|load|set|"
    r"begin|commit|rollback|savepoint|release|pragma|grant|revoke|vacuum|analyze|attach|detach|"
    r"copy|lock|listen|notify|refresh)\b", re.I)
WRITE_STATEMENTS = frozenset({"insert", "update", "delete"})
EAGER_LOADERS = frozenset({"select_related", "prefetch_related", "options", "joinedload", "selectinload",
                           "subqueryload", "contains_eager", "immediateload", "raiseload", "values",
                           "values_list", "Prefetch"})
DJANGO_WRITES = frozenset({"update", "delete", "create", "bulk_create", "bulk_update", "save", "acreate",
                           "aupdate", "adelete", "abulk_create", "abulk_update"})
VALUE_METHODS = frozenset({
    "strip", "lstrip", "rstrip", "lower", "upper", "split", "rsplit", "replace", "format", "startswith",
    "endswith", "encode", "decode", "title", "capitalize", "isoformat", "strftime", "timestamp", "date",
    "time", "astimezone", "total_seconds", "keys", "items", "copy", "join", "casefold", "quantize",
    "year", "month", "day", "hour", "minute", "second", "days", "seconds", "tzinfo", "real", "imag",
})
RELATED_MANAGER_METHODS = frozenset({"all", "filter", "exclude", "count", "exists", "first", "last",
                                     "order_by", "values", "values_list", "get", "aggregate", "latest"})
NOT_RELATIONS = frozenset({
    "id", "pk", "uuid", "name", "title", "slug", "status", "state", "type", "kind", "email", "phone",
    "price", "amount", "total", "currency", "created", "updated", "modified", "date", "time",
    "datetime", "timestamp", "start", "end", "birthday", "deadline", "data", "meta", "metadata", "json",
    "payload", "extra", "config", "settings", "options", "attrs", "attributes", "properties",
    "description", "text", "body", "content", "html", "summary", "file", "image", "photo", "avatar",
    "picture", "thumbnail", "logo", "document", "attachment", "upload", "video", "audio", "url",
    "path", "location", "point", "geom", "geometry", "coords", "value", "values", "duration",
    "interval", "color", "flags", "priority", "score", "rating", "count", "quantity", "size",
    "weight", "height", "width", "length", "ip", "ip_address", "user_agent", "token", "key", "secret",
    "hash", "password", "uid", "code", "number", "sku", "language", "locale", "timezone", "tz",
    "country", "objects", "role", "level", "tags", "period", "range", "money", "balance", "version",
})
NOT_RELATION_SUFFIXES = ("_at", "_on", "_date", "_time", "_id", "_url", "_count", "_ts", "_json",
                         "_data", "_path", "_file", "_image", "_hash", "_key", "_code", "_number",
                         "_name", "_type", "_status", "_range", "_price", "_amount", "_info", "_ptr")


def check(node: ast.AST, ctx):
    if ctx.file.kind == "migration" or _is_migration_script(ctx) or _bounded_loop(node, ctx):
        return
    reported: set[int] = set()
    for call in _calls_per_iteration(node):
        kind = _query_kind(call, node, ctx)
        if kind and call.lineno not in reported:
            reported.add(call.lineno)
            yield ctx.finding(RULE, call, f"{kind} runs once per iteration of the loop on line "
                                          f"{node.lineno} (N+1 queries)")
    yield from _lazy_relations(node, ctx)


def _is_migration_script(ctx) -> bool:
    """Alembic revisions and Django migrations outside a `migrations/` directory run once."""
    key = "python.is_migration_script"
    if key not in ctx.data:
        modules = imports(ctx).values()
        ctx.data[key] = any(m == "alembic" or m.startswith(("alembic.", "django.db.migrations"))
                            for m in modules)
    return ctx.data[key]


# ---------------------------------------------------------------- what runs per iteration

def _regions(loop: ast.AST) -> list[ast.AST]:
    """The parts of a loop evaluated once per iteration."""
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        return list(loop.body)
    generators = loop.generators
    parts: list[ast.AST] = [g for gen in generators for g in gen.ifs]
    parts.extend(gen.iter for gen in generators[1:])
    if isinstance(loop, ast.DictComp):
        parts.extend([loop.key, loop.value])
    else:
        parts.append(loop.elt)
    return parts


def _per_iteration(loop: ast.AST):
    """Nodes evaluated once per iteration: nested loops contribute only what they evaluate once
    (their iterable); their bodies are checked when the rule visits them."""
    stack = list(reversed(_regions(loop)))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, (ast.For, ast.AsyncFor)):
            stack.append(node.iter)
            continue
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            stack.append(node.generators[0].iter)
            continue
        stack.extend(reversed(child_nodes(node)))


def _calls_per_iteration(loop: ast.AST) -> list[ast.Call]:
    """Outermost calls of each method chain (`a.filter().first()` once, not twice)."""
    inner: set[int] = set()
    calls = []
    for node in _per_iteration(loop):
        if isinstance(node, ast.Call) and id(node) not in inner:
            calls.append(node)
            for link in _chain_calls(node)[1:]:
                inner.add(id(link))
    return calls


def _chain_calls(call: ast.Call) -> list[ast.Call]:
    """`a.b(x).c().d()` -> [d(), c(), b(x)], outermost first."""
    found = []
    current: ast.AST = call
    while True:
        if isinstance(current, ast.Call):
            found.append(current)
            current = current.func
        elif isinstance(current, (ast.Attribute, ast.Subscript)):
            current = current.value
        elif isinstance(current, ast.Await):
            current = current.value
        else:
            return found


def _bounded_loop(node: ast.AST, ctx) -> bool:
    """Loops that do not walk rows: `for attempt in range(3)`, `for i in range(n)`, and loops
    over a collection written in the code (`for name in ("admin", "editor"):`)."""
    if isinstance(node, (ast.For, ast.AsyncFor)):
        iterable = node.iter
    elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        iterable = node.generators[0].iter
    else:
        return False
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute) \
            and iterable.func.attr in ("items", "keys", "values") and not iterable.args:
        iterable = iterable.func.value
    if isinstance(iterable, ast.Call) and last_name(iterable.func) in ("range", "enumerate") \
            and (last_name(iterable.func) == "range" or iterable.args and _literal(iterable.args[0], node, ctx)):
        return True
    if isinstance(iterable, ast.Name) and _camel_case(iterable.id):
        return True                                   # `for reason in ResolutionReason:` (an Enum)
    return _literal(iterable, node, ctx)


def _camel_case(name: str) -> bool:
    return name[:1].isupper() and not name.isupper() and "_" not in name


DISPLAYS = (ast.List, ast.Tuple, ast.Set, ast.Dict)
MUTATORS = frozenset({"append", "extend", "add", "update", "insert", "setdefault"})


def _literal(expr: ast.AST, loop: ast.AST, ctx) -> bool:
    """A non-empty collection written in the code, or a name bound only to constant tables that
    nothing appends to."""
    if isinstance(expr, (ast.Constant, ast.JoinedStr)):
        return True
    if isinstance(expr, DISPLAYS):
        return bool(expr.keys if isinstance(expr, ast.Dict) else expr.elts)
    if not isinstance(expr, ast.Name):
        return False
    scope = enclosing_function(ctx, loop)
    values = _assigned_values(ctx, loop).get(expr.id)
    if values is None:
        scope = ctx.file.tree
        values = [n.value for n in getattr(scope, "body", []) if isinstance(n, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == expr.id for t in n.targets)]
    if not values or not all(_constant_table(v) for v in values):
        return False
    return expr.id not in _mutated_names(ctx, scope)


def _mutated_names(ctx, scope: ast.AST) -> frozenset[str]:
    """The names that `_mutates` finds changed anywhere in `scope`, memoised per scope (loops over
    module constants would otherwise walk the whole module each)."""
    memo = ctx.data.setdefault("python.query_in_loop.mutated", {})
    found = memo.get(id(scope))
    if found is None:
        names = set()
        for node in _nodes_of(ctx, scope, ast.AugAssign, ast.Call):
            if isinstance(node, ast.AugAssign):
                if isinstance(node.target, ast.Name):
                    names.add(node.target.id)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in MUTATORS and isinstance(node.func.value, ast.Name):
                names.add(node.func.value.id)
        found = memo[id(scope)] = frozenset(names)
    return found


def _constant_table(node: ast.AST) -> bool:
    if isinstance(node, ast.Dict):
        return bool(node.keys) and all(isinstance(k, ast.Constant) for k in node.keys)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return bool(node.elts) and all(isinstance(e, (ast.Constant, ast.Tuple)) for e in node.elts)
    return False


def _mutates(node: ast.AST, name: str) -> bool:
    if isinstance(node, ast.AugAssign):
        return isinstance(node.target, ast.Name) and node.target.id == name
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
        and node.func.attr in MUTATORS and isinstance(node.func.value, ast.Name) and node.func.value.id == name


# ---------------------------------------------------------------- queries

def _query_kind(call: ast.Call, loop: ast.AST, ctx) -> str:
    if isinstance(call.func, ast.Attribute) and call.func.attr in DJANGO_WRITES or _batched(call, loop):
        return ""
    if qualified(ctx, call.func) in DJANGO_SHORTCUTS:
        return f"`{last_name(call.func)}()`"
    for link in _chain_calls(call):
        if not isinstance(link.func, ast.Attribute):
            continue
        method = link.func.attr
        receiver = link.func.value
        names = call_chain(receiver)
        if method in DJANGO_READS and names[-1:] == ["objects"] and len(names) >= 2:
            return f"`{'.'.join(names[-2:])}.{method}()`"
        if method in SQLALCHEMY_QUERY and names[-1:] == ["query"] and len(names) == 2 \
                and names[0][:1].isupper():
            return f"`{names[0]}.query.{method}()`"
        if method in SESSION_METHODS and _is_session(receiver, ctx) and _session_query(link, method, loop, ctx) \
                and (method != "query" or _executed(call, ctx)):
            return f"`{'.'.join(names)}.{method}()`"
        if method in CURSOR_METHODS and _is_cursor(receiver, ctx) and _cursor_query(link, loop, ctx):
            return f"`{'.'.join(names)}.{method}()`"
    return ""


SQLALCHEMY_TERMINALS = frozenset({"all", "first", "one", "one_or_none", "scalar", "count", "get", "exists",
                                  "paginate", "delete", "update", "fetchall", "first_or_404",
                                  "one_or_404", "get_or_404", "all_or_404"})


def _executed(call: ast.Call, ctx) -> bool:
    """A SQLAlchemy `session.query(...)` chain runs only when a terminal method or an iteration
    executes it; building queries in a loop (for a union) costs nothing."""
    if isinstance(call.func, ast.Attribute) and call.func.attr in SQLALCHEMY_TERMINALS:
        return True
    parent = parent_of(ctx, call)
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is call:
        return True
    return isinstance(parent, ast.Call) and last_name(parent.func) in ("list", "tuple", "set", "sorted", "len")


def _batched(call: ast.Call, loop: ast.AST) -> bool:
    """`filter(id__in=chunk)` / `.in_(ids_of_group)` on the loop variable: one query per batch
    of rows (chunked processing), not one per row."""
    targets = _loop_targets(loop)
    for node in walk(call):
        values: list[ast.AST] = []
        if isinstance(node, ast.Call):
            values.extend(k.value for k in node.keywords if k.arg and k.arg.endswith("__in"))
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("in_", "any_"):
                values.extend(node.args)
        if any(_collection_of(v, targets) for v in values):
            return True
    return False


def _collection_of(value: ast.AST, targets: set[str]) -> bool:
    """Is the loop variable used as a collection here (`chunk`, `[o.id for o in group]`)?"""
    if isinstance(value, ast.Name):
        return value.id in targets
    if isinstance(value, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        return _collection_of(value.generators[0].iter, targets)
    if isinstance(value, ast.Call) and last_name(value.func) in ("list", "set", "tuple", "sorted") and value.args:
        return _collection_of(value.args[0], targets)
    return False


def _receiver_words(receiver: ast.AST) -> set[str]:
    return set(name_tokens(last_name(receiver)))


def _is_session(receiver: ast.AST, ctx) -> bool:
    words = _receiver_words(receiver)
    return bool(words & SESSION_WORDS) and not words & HTTP_WORDS \
        and bound_constructor(ctx, receiver) not in NOT_DB_RECEIVERS


def _is_cursor(receiver: ast.AST, ctx) -> bool:
    words = _receiver_words(receiver)
    return bool(words & CURSOR_WORDS) and not words & HTTP_WORDS \
        and bound_constructor(ctx, receiver) not in NOT_DB_RECEIVERS


def _session_query(call: ast.Call, method: str, loop: ast.AST, ctx) -> bool:
    first = call.args[0] if call.args else None
    if method in ("get", "get_one"):
        return len(call.args) >= 2 and last_name(first)[:1].isupper()
    if method in ("execute", "exec", "stream"):
        return not _writes_or_loop_var(first, loop, ctx)
    return True


def _cursor_query(call: ast.Call, loop: ast.AST, ctx) -> bool:
    first = call.args[0] if call.args else None
    return first is not None and not _writes_or_loop_var(first, loop, ctx)


def _writes_or_loop_var(first: ast.AST | None, loop: ast.AST, ctx=None) -> bool:
    """A write or a DDL/session statement (`INSERT ...`, `LOAD ext`: not N+1 reads), or a loop
    running a list of statements."""
    if _not_a_read(first):
        return True
    if isinstance(first, ast.Name) and ctx is not None:
        values = _assigned_values(ctx, loop).get(first.id, [])
        if values and all(_not_a_read(v) for v in values):
            return True
    return isinstance(first, ast.Name) and first.id in _loop_targets(loop)


def _not_a_read(node: ast.AST | None) -> bool:
    """A write or DDL statement: SQL text starting with INSERT/CREATE/..., or a SQLAlchemy
    `insert(...)`/`table.update()...` construct."""
    text = _leading_text(node)
    if text is not None:
        return bool(NOT_A_READ.match(text))
    return isinstance(node, ast.Call) and bool(set(call_chain(node)) & WRITE_STATEMENTS)


def _leading_text(node: ast.AST | None) -> str | None:
    """The literal start of a SQL string: "INSTALL " for f"INSTALL {name}"."""
    text = const_str(node)
    if text is not None:
        return text
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return str(node.values[0].value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _leading_text(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _leading_text(node.func.value)
    if isinstance(node, ast.Call) and last_name(node.func) == "text" and node.args:
        return _leading_text(node.args[0])
    return None


def _loop_targets(loop: ast.AST) -> set[str]:
    targets = [loop.target] if isinstance(loop, (ast.For, ast.AsyncFor)) else [g.target for g in loop.generators]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


# ---------------------------------------------------------------- lazy relations

def _lazy_relations(loop: ast.AST, ctx):
    """`for o in Order.objects.all(): o.customer.name` -> one finding per relation."""
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        target, iterable = loop.target, loop.iter
    else:
        target, iterable = loop.generators[0].target, loop.generators[0].iter
    if not isinstance(target, ast.Name):
        return
    loading = _eager_relations(iterable, loop, ctx)
    if loading is None:
        return
    orm, loaded = loading
    row = target.id
    seen: set[str] = set()
    for node in _per_iteration(loop):
        found = _relation_access(node, row, parent_of(ctx, node))
        if found is None:
            continue
        relation, manager = found
        if relation in seen or relation in loaded or "*" in loaded:
            continue
        seen.add(relation)
        how = ("prefetch_related" if manager else "select_related") if orm == "django" \
            else ("selectinload" if manager else "joinedload")
        advice = f"read `{row}.{relation}_id` instead" if not manager and node.attr in ("id", "pk") \
            else f"load it with the query (e.g. `{how}` of `{relation}`)"
        yield ctx.finding(
            RULE, node, f"`{row}.{relation}` is loaded lazily for every row of the query on line "
                        f"{iterable.lineno}; {advice}",
            confidence=Confidence.MEDIUM)


def _eager_relations(iterable: ast.AST, loop: ast.AST, ctx, depth: int = 0) -> tuple[str, set[str]] | None:
    """(ORM, relations loaded with the query) for an ORM query; None when the iterable is not a
    visible ORM query. "*" in the relations: unknown, assume everything is loaded."""
    if isinstance(iterable, ast.Name) and depth < 3:
        values = _assigned_values(ctx, loop).get(iterable.id, [])
        if not values:
            return None
        results = [_eager_relations(v, loop, ctx, depth + 1) for v in values]
        if any(r is None for r in results):
            return None
        return results[0][0], set().union(*(r[1] for r in results))
    if not isinstance(iterable, (ast.Call, ast.Attribute, ast.Await)):
        return None
    names = call_chain(iterable)
    django = "objects" in names[1:] and names[names.index("objects") - 1][:1].isupper()
    flask_sqlalchemy = len(names) >= 2 and names[1] == "query" and names[0][:1].isupper()
    orm_call = next((i for i, n in enumerate(names) if n in ("query", "scalars", "execute")), 0)
    session = orm_call > 0 and any(set(name_tokens(n)) & SESSION_WORDS for n in names[:orm_call])
    if not (django or flask_sqlalchemy or session):
        return None
    orm = "django" if django else "sqlalchemy"
    loaded: set[str] = set()
    statements = _assigned_values(ctx, loop)
    for link in _chain_calls(iterable) if isinstance(iterable, ast.Call) else []:
        parts = [link, *(statements.get(a.id, []) for a in link.args if isinstance(a, ast.Name))]
        for part in parts:
            for inner in (n for p in (part if isinstance(part, list) else [part]) for n in ast.walk(p)):
                if isinstance(inner, ast.Call) and last_name(inner.func) in EAGER_LOADERS:
                    loaded |= _loaded_names(inner)
    return orm, loaded


def _assigned_values(ctx, node: ast.AST) -> dict[str, list[ast.expr]]:
    """Name -> values assigned in the function around `node` (`stmt = select(...)`); memoised
    per function for the file's walk."""
    scope = enclosing_function(ctx, node)
    memo = ctx.data.setdefault("python.query_in_loop.assigned", {})
    found = memo.get(id(scope))
    if found is None:
        found = {}
        for inner in _nodes_of(ctx, scope, ast.Assign):
            if isinstance(inner, ast.Assign):
                for target in inner.targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, []).append(inner.value)
        memo[id(scope)] = found
    return found


def _nodes_of(ctx, scope: ast.AST, *node_types: type) -> list[ast.AST]:
    """The nodes of `ast.walk(scope)` of the given classes, in that order; for the module, from
    the file's memoised node lists instead of another walk of the whole tree."""
    if scope is ctx.file.tree:
        return module_nodes_of(ctx.file, *node_types)
    return [node for node in walk(scope) if isinstance(node, node_types)]


def _loaded_names(call: ast.Call) -> set[str]:
    name = last_name(call.func)
    if name in ("values", "values_list", "options", "raiseload"):
        return {"*"} if name != "options" or not call.args else set()
    if not call.args:
        return {"*"}
    found = set()
    for arg in call.args:
        text = const_str(arg)
        if text is not None:
            found.add(text.split("__")[0].split(".")[0])
        elif isinstance(arg, ast.Attribute):
            found.add(arg.attr)
        elif isinstance(arg, ast.Call):
            continue
        else:
            return {"*"}
    return found


def _relation_access(node: ast.AST, row: str, parent: ast.AST | None) -> tuple[str, bool] | None:
    """(relation, is a related manager) for `row.rel.field` or `row.rel.all()`."""
    if not isinstance(node, ast.Attribute) or not isinstance(node.ctx, ast.Load):
        return None
    inner = node.value
    if not isinstance(inner, ast.Attribute) or not isinstance(inner.value, ast.Name) or inner.value.id != row:
        return None
    relation, field = inner.attr, node.attr
    if relation.startswith("_") or field.startswith("_") or field[:1].isupper():
        return None
    called = isinstance(parent, ast.Call) and parent.func is node
    if called and (field in RELATED_MANAGER_METHODS or relation.endswith("_set")):
        positional_text = any(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in parent.args)
        dict_like = field in ("values", "values_list") and not parent.args and not parent.keywords
        return None if positional_text or dict_like else (relation, True)
    if relation in NOT_RELATIONS or relation.endswith(NOT_RELATION_SUFFIXES) or field in VALUE_METHODS:
        return None
    return relation, False


RULE = NodeRule(
    id="PY-DATA-001", slug="query-in-loop", area=Area.DATA,
    title="Database query inside a loop (N+1)",
    fix="Fetch the rows in one query before the loop (a join, `filter(id__in=...)`/`in_()`, "
        "`select_related`/`prefetch_related`, `joinedload`/`selectinload`) and look them up in memory.",
    rows=("DATA-01",), doc=__doc__, confidence=Confidence.HIGH, example_path="app.py",
    visits=(ast.For, ast.AsyncFor, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp),
    check=check, coverage="partial",
    coverage_note="GraphQL resolvers without DataLoader and eager-loading configured on models are not checked",
)
