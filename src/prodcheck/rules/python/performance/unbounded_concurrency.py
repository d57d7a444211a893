"""
## What it does
Flags fan-out whose width is decided by data the service does not control:
- `asyncio.gather(*[fetch(x) for x in items])` (also a generator, `map()`, or a list built
  beforehand) when `items` comes from the request (a handler parameter, `request.json`,
  `await request.json()`) or from a database query (`.all()`, `.fetchall()`, `.scalars()`,
  `.to_list()`, a Django queryset), and the module bounds nothing with an `asyncio.Semaphore`,
  `anyio.CapacityLimiter` or similar;
- (MEDIUM confidence) a `threading.Thread(...)`/`multiprocessing.Process(...)` started inside a
  route handler (one thread per request) or inside a loop over such a collection.

## Why it matters
One request with ten thousand ids opens ten thousand connections to the database or a partner API
at once: connection pools run dry, the partner rate-limits or bans the service, memory spikes,
and every other request waits. Threads started per request pile up under load until the process
runs out of memory or file descriptors. Bounded fan-out (a semaphore, a worker pool, a queue)
keeps the load proportional to capacity instead of to the input.

## Example
    import asyncio

    from fastapi import FastAPI

    app = FastAPI()


    @app.post("/thumbnails")
    async def thumbnails(urls: list[str]):
        return await asyncio.gather(*[render(url) for url in urls])

## Use instead
    import asyncio

    from fastapi import FastAPI

    app = FastAPI()
    limit = asyncio.Semaphore(10)


    async def render_bounded(url):
        async with limit:
            return await render(url)


    @app.post("/thumbnails")
    async def thumbnails(urls: list[str]):
        return await asyncio.gather(*[render_bounded(url) for url in urls[:100]])

## Known limitations
Collections whose origin is not visible in the function (parameters of a plain function,
attributes, results of the project's own helpers) are not reported. Any semaphore or capacity
limiter in the module is taken to bound every fan-out in it; a literal slice (`items[:50]`) counts
as a bound. `asyncio.TaskGroup` loops are not followed.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import dotted, module_nodes_of
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import ancestors
from prodcheck.rules.python.helpers import parent_of, qualified
from prodcheck.rules.python.security_helpers import in_function, is_route_handler

GATHERS = frozenset({"asyncio.gather", "asyncio.wait", "asyncio.as_completed", "anyio.gather", "trio.gather"})
LIMITERS = frozenset({"asyncio.Semaphore", "asyncio.BoundedSemaphore", "asyncio.locks.Semaphore",
                      "anyio.CapacityLimiter", "anyio.Semaphore", "trio.CapacityLimiter", "trio.Semaphore",
                      "threading.Semaphore", "threading.BoundedSemaphore", "aiometer.run_all", "aiometer.amap",
                      "aiolimiter.AsyncLimiter", "asyncio_pool.AioPool"})
THREADS = frozenset({"threading.Thread", "multiprocessing.Process", "threading.Timer"})
QUERY_METHODS = frozenset({"all", "fetchall", "fetchmany", "scalars", "to_list", "find", "filter", "exclude",
                           "values_list", "objects", "fetch", "execute", "iterator"})
REQUEST_ATTRIBUTES = frozenset({"json", "get_json", "form", "args", "data", "query_params", "GET", "POST",
                                "getlist", "files", "FILES"})
NOT_DATA_ANNOTATIONS = frozenset({"Depends", "Request", "BackgroundTasks", "Session", "AsyncSession",
                                  "Response", "WebSocket"})


def check(call: ast.Call, ctx):
    name = qualified(ctx, call.func)
    if name in GATHERS:
        yield from _gather(call, name, ctx)
    elif name in THREADS:
        yield from _thread(call, name, ctx)


def _gather(call: ast.Call, name: str, ctx):
    if _limited(ctx):
        return
    function = in_function(ctx, call)
    if function is None:
        return
    spread = [a.value for a in call.args if isinstance(a, ast.Starred)]
    if name != "asyncio.gather" and call.args and not spread:
        spread = [call.args[0]]
    for value in spread:
        iterable = _fanned_over(value, function)
        if iterable is None:
            continue
        origin = _origin(iterable, function, ctx)
        if origin:
            short = name.rsplit(".", 1)[-1]
            yield ctx.finding(RULE, call, f"`{short}()` starts one coroutine per item of {origin} with no bound "
                                          "on how many run at once")
            return


def _fanned_over(value: ast.AST, function: ast.AST, depth: int = 0) -> ast.AST | None:
    """The collection a comprehension, `map()` or a list built in a loop iterates over."""
    if isinstance(value, (ast.ListComp, ast.GeneratorExp, ast.SetComp)) and len(value.generators) == 1 \
            and isinstance(value.elt, (ast.Call, ast.Await)):
        return value.generators[0].iter
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "map" \
            and len(value.args) == 2:
        return value.args[1]
    if isinstance(value, ast.Name) and depth == 0:
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and node.targets[0].id == value.id:
                found = _fanned_over(node.value, function, depth + 1)
                if found is not None:
                    return found
            if isinstance(node, (ast.For, ast.AsyncFor)) and _appends_call_to(node.body, value.id):
                return node.iter
    return None


def _appends_call_to(body: list[ast.stmt], name: str) -> bool:
    for stmt in body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) \
                and isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr == "append" \
                and dotted(stmt.value.func.value) == name and stmt.value.args \
                and isinstance(stmt.value.args[0], ast.Call):
            return True
    return False


def _origin(iterable: ast.AST, function: ast.AST, ctx, depth: int = 0) -> str:
    """"the request" / "a query result" when the collection certainly comes from there; ""."""
    if depth > 3:
        return ""
    if isinstance(iterable, ast.Subscript) and isinstance(iterable.slice, ast.Slice) \
            and isinstance(iterable.slice.upper, ast.Constant):
        return ""                                  # items[:50]
    if isinstance(iterable, ast.Await):
        iterable = iterable.value
    if isinstance(iterable, ast.Call):
        func = iterable.func
        if isinstance(func, ast.Name) and func.id in ("list", "set", "sorted", "tuple", "enumerate", "zip",
                                                       "reversed") and iterable.args:
            return _origin(iterable.args[0], function, ctx, depth + 1)
        if isinstance(func, ast.Attribute):
            if func.attr in QUERY_METHODS and _query_chain(func.value):
                return "a query result"
            if func.attr in ("get", "getlist", "items", "values", "keys", "get_json", "json", "split"):
                return _origin(func.value, function, ctx, depth + 1) or \
                    ("the request body" if func.attr in ("get_json", "json") and _is_request(func.value) else "")
        return ""
    if isinstance(iterable, ast.Subscript):
        return _origin(iterable.value, function, ctx, depth + 1)
    if isinstance(iterable, ast.Attribute):
        if iterable.attr in REQUEST_ATTRIBUTES and _is_request(iterable.value):
            return "the request"
        return _origin(iterable.value, function, ctx, depth + 1) if isinstance(iterable.value, ast.Name) \
            and _is_handler_param(iterable.value.id, function, ctx) else ""
    if isinstance(iterable, ast.Name):
        if _is_handler_param(iterable.id, function, ctx):
            return "the request"
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and node.targets[0].id == iterable.id:
                found = _origin(node.value, function, ctx, depth + 1)
                if found:
                    return found
    return ""


def _query_chain(node: ast.AST) -> bool:
    """`session.scalars(...)`, `Model.objects.filter(...)`, `cursor`, `db.users.find(...)`: the
    receiver chain names a database object or another query call."""
    while isinstance(node, (ast.Call, ast.Attribute, ast.Await)):
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "query", "session", "cursor", "db",
                                                             "collection", "execute", "scalars", "filter"):
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return isinstance(node, ast.Name) and node.id in ("session", "db", "cursor", "conn", "connection", "cur",
                                                      "collection", "database")


def _is_request(node: ast.AST) -> bool:
    if isinstance(node, ast.Await):
        node = node.value
    if isinstance(node, ast.Call):
        node = node.func.value if isinstance(node.func, ast.Attribute) else node.func
    return isinstance(node, ast.Name) and node.id in ("request", "req") or \
        isinstance(node, ast.Attribute) and node.attr == "request"


def _is_handler_param(name: str, function: ast.AST, ctx) -> bool:
    if not is_route_handler(ctx, function):
        return False
    args = function.args
    defaults = dict(zip([a.arg for a in args.args][len(args.args) - len(args.defaults):], args.defaults))
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
        if arg.arg != name or name in ("self", "request", "req"):
            continue
        annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
        default = defaults.get(name)
        marker = ast.unparse(default.func) if isinstance(default, ast.Call) else ""
        if any(word in annotation or word in marker for word in NOT_DATA_ANNOTATIONS):
            return False
        return annotation.startswith(("list", "List", "set", "Set", "Sequence", "tuple", "Tuple")) or \
            "Body" in marker or "Query" in marker and annotation.startswith(("list", "List"))
    return False


def _thread(call: ast.Call, name: str, ctx):
    function = in_function(ctx, call)
    if function is None:
        return
    for parent in ancestors(ctx, call):
        if parent is function:
            break
        if isinstance(parent, (ast.For, ast.AsyncFor)) and call not in ast.walk(parent.iter):
            origin = _origin(parent.iter, function, ctx)
            if origin:
                yield ctx.finding(RULE, call, f"`{name}` started for every item of {origin}",
                                  confidence=Confidence.MEDIUM)
            return
    if is_route_handler(ctx, function) and _started(call, ctx):
        yield ctx.finding(RULE, call, f"a new `{name.rsplit('.', 1)[-1]}` is started on every request",
                          confidence=Confidence.MEDIUM,
                          fix="Hand the work to a bounded pool created once (`ThreadPoolExecutor(max_workers=...)`) "
                              "or a task queue.")


def _started(call: ast.Call, ctx) -> bool:
    """`Thread(...).start()` or `t = Thread(...)` followed by `t.start()` in the same function."""
    parent = parent_of(ctx, call)
    if isinstance(parent, ast.Attribute) and parent.attr == "start":
        return True
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        name = parent.targets[0].id
        function = in_function(ctx, call)
        return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "start"
                   and dotted(n.func.value) == name for n in ast.walk(function))
    return False


def _limited(ctx) -> bool:
    key = "python.fanout_limited"
    found = ctx.data.get(key)
    if found is None:
        found = any(isinstance(n, ast.Call) and (qualified(ctx, n.func) in LIMITERS
                                                 or (dotted(n.func) or "").lower().endswith(("semaphore", "limiter")))
                    for n in module_nodes_of(ctx.file, ast.Call))
        ctx.data[key] = found
    return found


RULE = NodeRule(
    id="PY-PERF-002", slug="unbounded-concurrency", area=Area.PERF,
    title="Fan-out sized by the request or a query",
    fix="Bound the concurrency: an `asyncio.Semaphore` around each call, a fixed-size worker pool or "
        "queue, and a maximum number of items accepted per request.",
    rows=("PERF-13",), doc=__doc__, confidence=Confidence.HIGH, example_path="app.py",
    coverage="partial", coverage_note="gather over request or query collections, threads per request",
    visits=(ast.Call,), check=check,
)
