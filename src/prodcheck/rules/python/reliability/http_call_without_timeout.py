"""
## What it does
Flags outbound HTTP calls that can wait forever:
- `requests.get/post/put/patch/delete/head/options/request(...)` without `timeout=`, also on a
  `requests.Session()` (`requests.Session().get(url)`, `s = requests.Session(); s.get(url)`);
- `urllib.request.urlopen(url)` without a timeout;
- an explicit `timeout=None` on any of these, on `httpx` calls and clients
  (`httpx.get(url, timeout=None)`, `httpx.Client(timeout=None)`), or `httpx.Timeout(None)`.

`httpx` applies a 5-second default timeout, so an `httpx` call without `timeout=` is fine; only
turning it off is reported. A `**kwargs` argument may carry the timeout and is trusted.

## Why it matters
`requests` and `urlopen` have no default timeout: when the upstream accepts the connection and then
stalls, the calling thread waits forever. Under load every worker ends up waiting on the slow
dependency and the whole service stops answering, a cascade that one timeout would have cut.

## Example
    import requests

    def fetch_rates(base):
        response = requests.get("https://api.example.com/rates", params={"base": base})
        return response.json()

## Use instead
    import requests

    def fetch_rates(base):
        response = requests.get("https://api.example.com/rates", params={"base": base}, timeout=10)
        return response.json()

## Known limitations
A session whose adapters set a timeout (`session.mount(..., TimeoutAdapter())`) or a `Session`
subclass is trusted. Sessions passed in as parameters, and `aiohttp` (whose sessions default to a
5-minute total timeout), are not checked.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import dotted, is_none, keyword, module_nodes_of
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.helpers import (
    bound_constructor, imports, is_local_name, insert_keyword_diff, may_pass_keyword, qualified, replace_span_diff,
)

VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
REQUESTS_MODULES = ("requests", "requests.api")
REQUESTS_SESSIONS = frozenset({"requests.Session", "requests.session", "requests.sessions.Session"})
HTTPX_CALLS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream"})
HTTPX_CLIENTS = frozenset({"httpx.Client", "httpx.AsyncClient"})
URLOPEN = frozenset({"urllib.request.urlopen", "urllib2.urlopen", "six.moves.urllib.request.urlopen"})
FIX_KEYWORD = "timeout=10"


def check(call: ast.Call, ctx):
    name = qualified(ctx, call.func)
    if not name or not _bound_by_import(call.func, name, ctx):
        return
    kind = _kind(call, name, ctx)
    if not kind:
        return
    label = _label(call, name)
    timeout = keyword(call, "timeout")
    if is_none(timeout):
        yield ctx.finding(RULE, call, f"`{label}()` passes `timeout=None`, which disables the timeout",
                          diff=replace_span_diff(ctx, timeout, "10"))
        return
    if kind == "httpx-timeout":
        if call.args and is_none(call.args[0]) and not call.keywords:
            yield ctx.finding(RULE, call, "`httpx.Timeout(None)` disables every timeout",
                              diff=replace_span_diff(ctx, call.args[0], "10"))
        return
    if kind == "httpx":
        return
    position = 2 if kind == "urlopen" else None
    if not may_pass_keyword(call, "timeout", position):
        yield ctx.finding(RULE, call, f"`{label}()` is called without a timeout",
                          diff=insert_keyword_diff(ctx, call, FIX_KEYWORD))


def _kind(call: ast.Call, name: str, ctx) -> str:
    """"requests", "urlopen", "httpx", "httpx-timeout" or "" for calls this rule ignores."""
    module, _, attr = name.rpartition(".")
    if name in URLOPEN:
        return "urlopen"
    if attr in VERBS and (module in REQUESTS_MODULES or module.removesuffix("()") in REQUESTS_SESSIONS):
        return "requests"
    if name in ("httpx.Timeout",):
        return "httpx-timeout"
    if name in HTTPX_CLIENTS or module == "httpx" and attr in HTTPX_CALLS \
            or module.removesuffix("()") in HTTPX_CLIENTS and attr in HTTPX_CALLS:
        return "httpx"
    if attr in VERBS | HTTPX_CALLS and isinstance(call.func, ast.Attribute) and _uses_http_clients(ctx):
        receiver = dotted(call.func.value)
        bound = bound_constructor(ctx, call.func.value) if receiver else ""
        if bound in REQUESTS_SESSIONS and attr in VERBS and not _has_adapters(receiver, ctx):
            return "requests"
        if bound in HTTPX_CLIENTS:
            return "httpx"
    return ""


def _bound_by_import(func: ast.expr, name: str, ctx) -> bool:
    """`requests.get(...)` is the library only when `requests` comes from an import: a local dict
    or parameter that happens to be called `requests` is not."""
    root = func
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or name.split(".")[0] not in ("requests", "httpx", "urllib"):
        return True
    return root.id in imports(ctx) and not is_local_name(ctx, func, root.id)


def _uses_http_clients(ctx) -> bool:
    """Only a file that imports requests or httpx can bind one of their sessions or clients."""
    return any(m.split(".")[0] in ("requests", "httpx") for m in imports(ctx).values())


def _has_adapters(receiver: str, ctx) -> bool:
    """`session.mount("https://", adapter)`: an adapter may set the timeout."""
    key = f"python.mounted.{receiver}"
    if key not in ctx.data:
        ctx.data[key] = any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "mount"
            and dotted(n.func.value) == receiver for n in module_nodes_of(ctx.file, ast.Call))
    return ctx.data[key]


def _label(call: ast.Call, name: str) -> str:
    if isinstance(call.func, ast.Attribute) and not name.startswith(("requests.", "httpx.", "urllib")):
        return dotted(call.func) or name
    return name


RULE = NodeRule(
    id="PY-REL-001", slug="http-call-without-timeout", area=Area.REL,
    title="Outbound HTTP call without a timeout",
    fix="Pass `timeout=` in seconds (e.g. `timeout=10`, or `(3.05, 27)` for connect and read).",
    rows=("REL-01",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-400",),
    example_path="app.py", visits=(ast.Call,), check=check,
)
