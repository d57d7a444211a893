"""
## What it does
Flags streamed HTTP responses that are never released:
- `requests` calls with `stream=True` (`requests.get(url, stream=True)`, also on a
  `requests.Session`) and `httpx` `client.send(request, stream=True)` whose response is neither
  used in a `with` block, closed (`response.close()`), read in full (`.content`, `.text`,
  `.json()`, `.read()`, or a `for` loop over `iter_content()`/`iter_lines()`/`iter_bytes()` that
  has no `break`), returned or yielded, stored, nor passed to another function;
- `httpx.stream(...)` and `client.stream(...)` called outside a `with`/`async with` statement:
  they return a context manager, so the request only runs, and the response is only closed,
  inside one.

A bare statement (`requests.get(url, stream=True)`) and reading only the status or headers of a
chained call (`requests.get(url, stream=True).status_code`) are reported too.

## Why it matters
With `stream=True` the body is not downloaded up front, and the connection stays checked out of the
session's pool until the body is read to the end or the response is closed. Responses that are
dropped after a look at the status code keep their sockets until the garbage collector gets to
them; under load the pool runs dry (`Connection pool is full`, requests waiting for a free
connection) and the process runs out of file descriptors (CWE-772).

## Example
    import requests


    def remote_size(url):
        response = requests.get(url, stream=True, timeout=10)
        response.raise_for_status()
        return int(response.headers.get("Content-Length", 0))

## Use instead
    import requests


    def remote_size(url):
        with requests.get(url, stream=True, timeout=10) as response:
            response.raise_for_status()
            return int(response.headers.get("Content-Length", 0))

## Known limitations
The response is followed by its variable name within one function: a response closed by a
caller after being passed on, stored or returned is trusted, and so is one that is closed on only
some paths (`close()` outside a `finally`). `urllib.request.urlopen` and `aiohttp` responses are
not checked. A `for` loop over the body counts as reading it all unless the loop has a `break`.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import dotted, keyword, walk_local
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import literal_bool
from prodcheck.rules.python.helpers import bound_constructor, enclosing_function, imports, parent_of, qualified

VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
REQUESTS_SESSIONS = frozenset({"requests.Session", "requests.session", "requests.sessions.Session"})
HTTPX_CLIENTS = frozenset({"httpx.Client", "httpx.AsyncClient"})
CONSUMING = frozenset({"content", "text", "json", "read", "aread", "close", "aclose", "release_conn", "iter_content",
                       "iter_lines", "iter_bytes", "iter_text", "iter_raw", "aiter_bytes", "aiter_lines",
                       "aiter_text", "aiter_raw", "raw", "__enter__", "__aenter__"})
ITERATORS = frozenset({"iter_content", "iter_lines", "iter_bytes", "iter_text", "iter_raw", "aiter_bytes",
                       "aiter_lines", "aiter_text", "aiter_raw"})
METADATA = frozenset({"status_code", "headers", "ok", "url", "reason", "cookies", "encoding", "elapsed",
                      "raise_for_status", "is_success", "is_error", "links", "history", "http_version"})


def check(call: ast.Call, ctx):
    kind = _kind(call, ctx)
    if not kind:
        return
    label = _label(call)
    if kind == "context":
        if not _in_with(call, ctx):
            yield ctx.finding(RULE, call, f"`{label}(...)` returns a context manager: outside `with` the request "
                                          "never runs and its response is never closed",
                              confidence=Confidence.HIGH if _httpx_receiver(call, ctx) else Confidence.MEDIUM)
        return
    problem = _fate(call, ctx)
    if problem:
        yield ctx.finding(RULE, call, f"the response of `{label}(..., stream=True)` {problem}")


def _kind(call: ast.Call, ctx) -> str:
    """"stream" (stream=True on a requests/httpx call), "context" (httpx `stream()`), or ""."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return ""
    attr = func.attr
    if attr == "stream":
        if _httpx_receiver(call, ctx):
            return "context"
        receiver = dotted(func.value).split(".")[-1].lower()
        return "context" if receiver.endswith("client") and _imports(ctx, "httpx") else ""
    if attr not in VERBS and attr != "send" or literal_bool(keyword(call, "stream")) is not True:
        return ""
    name = qualified(ctx, func)
    module = name.rpartition(".")[0].removesuffix("()")
    if module in ("requests", "requests.api", "httpx") or module in REQUESTS_SESSIONS | HTTPX_CLIENTS:
        return "stream"
    bound = bound_constructor(ctx, func.value)
    if bound in REQUESTS_SESSIONS | HTTPX_CLIENTS:
        return "stream"
    return ""


def _imports(ctx, package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in imports(ctx).values())


def _httpx_receiver(call: ast.Call, ctx) -> bool:
    func = call.func
    name = qualified(ctx, func)
    module = name.rpartition(".")[0].removesuffix("()")
    return module == "httpx" or module in HTTPX_CLIENTS or bound_constructor(ctx, func.value) in HTTPX_CLIENTS


def _label(call: ast.Call) -> str:
    return dotted(call.func) or call.func.attr


def _outer(node: ast.AST, ctx) -> tuple[ast.AST, ast.AST | None]:
    """The node the value flows into, past `await` and parentheses: (value node, its parent)."""
    parent = parent_of(ctx, node)
    while isinstance(parent, ast.Await):
        node, parent = parent, parent_of(ctx, parent)
    return node, parent


def _in_with(call: ast.Call, ctx) -> bool:
    node, parent = _outer(call, ctx)
    if isinstance(parent, ast.withitem) and parent.context_expr is node:
        return True
    # `stack.enter_context(client.stream(...))`, `return client.stream(...)`: someone else enters it.
    return isinstance(parent, (ast.Call, ast.keyword, ast.Return, ast.Yield, ast.YieldFrom))


def _fate(call: ast.Call, ctx) -> str:
    """What is wrong with the response, or "" when it is released (or handed on)."""
    node, parent = _outer(call, ctx)
    if isinstance(parent, ast.Expr):
        return "is dropped without being closed"
    if isinstance(parent, ast.Attribute):
        if parent.attr in METADATA:
            return f"is dropped after reading `.{parent.attr}`, without being closed"
        return ""
    if isinstance(parent, (ast.Assign, ast.AnnAssign)):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        if len(targets) == 1 and isinstance(targets[0], ast.Name):
            return "" if _released(targets[0].id, call, ctx) else \
                f"(`{targets[0].id}`) is neither closed, read in full, nor used in a `with` block"
    return ""


def _released(name: str, call: ast.Call, ctx) -> bool:
    scope = enclosing_function(ctx, call)
    for node in walk_local(scope):
        if not isinstance(node, ast.Name) or node.id != name or not isinstance(node.ctx, ast.Load):
            continue
        if _use_releases(node, ctx):
            return True
    return False


def _use_releases(use: ast.Name, ctx) -> bool:
    parent = parent_of(ctx, use)
    if isinstance(parent, ast.Attribute):
        if parent.attr not in CONSUMING:
            return False
        if parent.attr in ITERATORS or parent.attr == "raw":
            return _iterated_in_full(parent, ctx)
        return True
    if isinstance(parent, ast.withitem):
        return True
    if isinstance(parent, ast.For) and parent.iter is use:
        return not _breaks(parent)
    if isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom, ast.keyword, ast.Call, ast.Tuple, ast.List,
                           ast.Dict, ast.Starred)):
        return not isinstance(parent, ast.Call) or parent.func is not use
    if isinstance(parent, (ast.Assign, ast.AnnAssign)):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        return any(not isinstance(t, ast.Name) for t in targets)      # stored on self / in a container
    return False


def _iterated_in_full(attribute: ast.Attribute, ctx) -> bool:
    """`for chunk in r.iter_content():` without `break`, or the iterator (or `r.raw`) handed on."""
    node: ast.AST = attribute
    parent = parent_of(ctx, node)
    if isinstance(parent, ast.Call) and parent.func is node:
        node, parent = parent, parent_of(ctx, parent)
    if isinstance(parent, (ast.For, ast.AsyncFor)) and parent.iter is node:
        return not _breaks(parent)
    if isinstance(parent, ast.comprehension):
        return True
    return isinstance(parent, (ast.Call, ast.keyword, ast.Return, ast.Yield, ast.YieldFrom, ast.Assign))


def _breaks(loop: ast.AST) -> bool:
    return any(isinstance(n, (ast.Break, ast.Return)) for stmt in loop.body for n in ast.walk(stmt))


RULE = NodeRule(
    id="PY-REL-011", slug="response-body-not-closed", area=Area.REL,
    title="Streamed HTTP response never closed",
    fix="Use the streamed response as a context manager (`with requests.get(url, stream=True) as r:`, "
        "`with client.stream(\"GET\", url) as r:`) or close it in a `finally` block.",
    rows=("DATA-07",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-772",),
    example_path="app.py", visits=(ast.Call,), check=check,
)
