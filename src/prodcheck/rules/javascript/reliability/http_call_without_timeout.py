"""
## What it does
Flags outbound HTTP calls in server code that can wait forever:
- axios: `axios.get/post/put/patch/delete/head/options/request(...)` and `axios(config)` whose
  config has no `timeout` (or `timeout: 0`), and calls on an instance made in the same file with
  `axios.create({...})` without a `timeout` (an instance created with one, or given
  `instance.defaults.timeout = ...`, is fine; so is `axios.defaults.timeout = ...` in the file);
- got: `got(url)`, `got.get/post/...(url, options)` without `timeout`, also on `got.extend(...)`
  instances without one;
- the global `fetch(url, init)` (and `node-fetch`) without a `signal` (e.g.
  `AbortSignal.timeout(10_000)`), reported with MEDIUM confidence.

A config passed as a variable that cannot be resolved in the file, or spread from another object,
is trusted to carry the timeout. Browser code (JSX/TSX, React/Vue imports) is not checked.

## Why it matters
axios and got wait without limit by default, and `fetch` only gives up after undici's five-minute
header timeout. When an upstream accepts the connection and then stalls, every request that
depends on it hangs, the event loop keeps piling up sockets and memory, and the service stops
answering: a cascade one timeout would have cut short.

## Example
    import axios from 'axios';

    export async function fetchRates(base: string) {
      const response = await axios.get('https://api.example.com/rates', { params: { base } });
      return response.data;
    }

## Use instead
    import axios from 'axios';

    export async function fetchRates(base: string) {
      const response = await axios.get('https://api.example.com/rates', { params: { base }, timeout: 10_000 });
      return response.data;
    }

## Known limitations
A default timeout set in another module (`axios.defaults.timeout` in a bootstrap file, an
instance imported from elsewhere) is not seen; instances built in other files are not checked.
`http.request`, superagent and undici's own `request` are not checked (undici applies default
timeouts).
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    callee, number_of, object_pairs, resolve_object, unwrap,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of, walk
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import is_frontend, view

AXIOS_CONFIG_AT = {"get": 1, "delete": 1, "head": 1, "options": 1, "post": 2, "put": 2, "patch": 2,
                   "postForm": 2, "putForm": 2, "patchForm": 2, "request": 0}
GOT_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "stream", "paginate"})
FETCH_PACKAGES = frozenset({"node-fetch", "cross-fetch", "isomorphic-fetch"})


def check(call, ctx):
    if is_frontend(ctx):
        return
    found = _classify(call, ctx)
    if found is None:
        return
    kind, label, config, instance = found
    if kind == "fetch":
        if not _has_key(config, ("signal", "timeout", "dispatcher"), ctx):
            yield ctx.finding(
                RULE, call, f"`{label}()` has no timeout: pass `signal: AbortSignal.timeout(ms)`",
                fix="Pass `signal: AbortSignal.timeout(10_000)` (or an `AbortController` aborted by a "
                    "timer) in the request options.",
                confidence=Confidence.MEDIUM)
        return
    zero = _zero_timeout(config, ctx)
    if zero:
        yield ctx.finding(RULE, call, f"`{label}()` passes `timeout: 0`, which disables the timeout")
        return
    if _has_key(config, ("timeout", "signal"), ctx):
        return
    if instance is not None:
        yield ctx.finding(
            RULE, call,
            f"`{label}()` is called without a timeout on an instance created without one (line "
            f"{instance.start_point[0] + 1})",
            related=(instance,))
        return
    yield ctx.finding(RULE, call, f"`{label}()` is called without a timeout")


def _classify(call, ctx):
    """(kind, label, config node or None, instance creation node or None), or None."""
    v = view(ctx)
    receiver, method = view(ctx).call_parts(call)
    args = view(ctx).arguments(call)
    function = callee(call)
    if function is None:
        return None
    if receiver is None and function.type == "identifier":
        name = text_of(function)
        binding = v.binding(name, call)
        if binding is not None and binding.spec == "axios" and binding.name in ("default", "*", "axios"):
            if _axios_defaults(ctx, name):
                return None
            config = args[1] if len(args) > 1 else (args[0] if args and _is_object(args[0], ctx) else None)
            return "axios", name, config, None
        if binding is not None and binding.spec == "got" and binding.name in ("default", "got"):
            config = args[1] if len(args) > 1 else (args[0] if args and _is_object(args[0], ctx) else None)
            return "got", name, config, None
        if name == "fetch" and binding is None and v.lookup("fetch", call) is None \
                or binding is not None and binding.spec in FETCH_PACKAGES:
            return "fetch", name, args[1] if len(args) > 1 else None, None
        instance = _instance(name, call, ctx)
        if instance is not None:
            kind, made = instance
            config = args[1] if len(args) > 1 else (args[0] if args and _is_object(args[0], ctx) else None)
            return kind, name, config, made
        return None
    if receiver is None:
        return None
    names = view(ctx).member_names(receiver)
    if len(names) != 1:
        return None
    root = names[0]
    binding = v.binding(root, call)
    if binding is not None and binding.spec == "axios" and binding.name in ("default", "*", "axios"):
        if method not in AXIOS_CONFIG_AT or _axios_defaults(ctx, root):
            return None
        position = AXIOS_CONFIG_AT[method]
        return "axios", f"{root}.{method}", args[position] if len(args) > position else None, None
    if binding is not None and binding.spec == "got" and method in GOT_METHODS:
        return "got", f"{root}.{method}", args[1] if len(args) > 1 else None, None
    instance = _instance(root, call, ctx)
    if instance is not None:
        kind, made = instance
        if kind == "axios" and method in AXIOS_CONFIG_AT:
            position = AXIOS_CONFIG_AT[method]
            return kind, f"{root}.{method}", args[position] if len(args) > position else None, made
        if kind == "got" and method in GOT_METHODS:
            return kind, f"{root}.{method}", args[1] if len(args) > 1 else None, made
    return None


def _instance(name: str, at, ctx):
    """("axios" | "got", creation call) for a local `axios.create({...})`/`got.extend({...})`
    instance made without a timeout; None otherwise."""
    v = view(ctx)
    value = unwrap(v.value_of(name, at))
    if value is None or value.type != "call_expression":
        return None
    receiver, method = view(ctx).call_parts(value)
    names = view(ctx).member_names(receiver) if receiver is not None else []
    if len(names) != 1:
        return None
    binding = v.binding(names[0], value)
    if binding is None:
        return None
    args = view(ctx).arguments(value)
    if binding.spec == "axios" and method == "create":
        kind = "axios"
    elif binding.spec == "got" and method == "extend":
        kind = "got"
    else:
        return None
    if args and (_has_key(args[0], ("timeout", "signal"), ctx) and not _zero_timeout(args[0], ctx)):
        return None
    if _instance_defaults(ctx, name):
        return None
    return kind, value


def _axios_defaults(ctx, name: str) -> bool:
    """`axios.defaults.timeout = ...` somewhere in the file."""
    return _instance_defaults(ctx, name)


def _instance_defaults(ctx, name: str) -> bool:
    key = f"js.defaults-timeout.{name}"
    if key not in ctx.data:
        found = False
        for node in walk(ctx.file.tree.root_node):
            if node.type == "assignment_expression":
                names = view(ctx).member_names(node.child_by_field_name("left"))
                if names[:1] == [name] and names[-1:] == ["timeout"] and "defaults" in names:
                    found = True
                    break
            elif node.type == "call_expression":
                receiver, method = view(ctx).call_parts(node)
                if method == "defaults" and view(ctx).member_names(receiver) == [name]:
                    found = True
                    break
        ctx.data[key] = found
    return ctx.data[key]


def _is_object(node, ctx) -> bool:
    return resolve_object(node, view(ctx)) is not None


def _has_key(config, keys: tuple[str, ...], ctx) -> bool:
    """Does a config carry one of `keys`? Unresolvable configs and spreads are trusted."""
    node = unwrap(config)
    if node is None:
        return False
    if node.type in ("identifier", "member_expression", "call_expression", "spread_element",
                     "ternary_expression", "subscript_expression"):
        resolved = resolve_object(node, view(ctx)) if node.type == "identifier" else None
        if resolved is None:
            return True
        node = resolved
    if node.type != "object":
        return True
    pairs = object_pairs(node)
    return "..." in pairs or any(key in pairs for key in keys)


def _zero_timeout(config, ctx) -> bool:
    node = resolve_object(config, view(ctx))
    if node is None:
        return False
    value = object_pairs(node).get("timeout")
    return value is not None and number_of(value) == 0


RULE = NodeRule(
    id="JS-REL-001", slug="http-call-without-timeout", area=Area.REL,
    title="Outbound HTTP call without a timeout",
    fix="Pass `timeout` in milliseconds (`{ timeout: 10_000 }`), create the client with "
        "`axios.create({ timeout: 10_000 })`, or give `fetch` a `signal: AbortSignal.timeout(10_000)`.",
    rows=("REL-01",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-400",),
    example_path="app.ts", visits=("call_expression",), check=check, coverage="partial",
    coverage_note="axios, got and fetch; http.request, superagent and undici are not checked",
)
