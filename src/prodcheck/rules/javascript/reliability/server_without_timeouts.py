"""
## What it does
Flags Node HTTP servers whose built-in timeouts are switched off explicitly:
- `server.requestTimeout = 0`, `server.headersTimeout = 0`, `server.keepAliveTimeout = 0` on a
  server: an object named like one (`server`, `httpServer`, `app.server`) or a local made by
  `http.createServer(...)`/`app.listen(...)`;
- the same keys set to `0` in the options of `http.createServer({...})`,
  `https.createServer({...})` or `http2.createSecureServer({...})`;
- `requestTimeout: 0` or `connectionTimeout: 0` written in the options of `Fastify({...})`.

## Why it matters
Since Node 18 a server drops clients that take more than five minutes to send a request
(`requestTimeout`) or a minute to send their headers (`headersTimeout`): the defence against
slow-loris clients that open thousands of connections and trickle bytes. Setting them to `0`
(often copied to "fix" long uploads) lets every slow or malicious client hold a socket and its
memory forever, until the process runs out of file descriptors. `keepAliveTimeout = 0` keeps
idle keep-alive sockets open without limit.

## Example
    import http from 'node:http';
    import { app } from './app';

    const server = http.createServer(app);
    server.requestTimeout = 0;
    server.listen(3000);

## Use instead
    import http from 'node:http';
    import { app } from './app';

    const server = http.createServer(app);
    server.requestTimeout = 120_000;
    server.headersTimeout = 20_000;
    server.keepAliveTimeout = 65_000;
    server.listen(3000);

## Known limitations
Only explicit disabling is reported: Node 18+ applies `requestTimeout` and `headersTimeout` by
default, and `server.timeout` (the socket inactivity timeout) is `0` by default since Node 13, so
`server.timeout = 0` and `server.setTimeout(0)` change nothing and are not reported. Fastify's
own `requestTimeout` and `connectionTimeout` default to `0`; a Fastify app that leaves them unset
is not reported. A value read from configuration is trusted. A `keepAliveTimeout` shorter than
the load balancer's idle timeout (the cause of sporadic 502s) cannot be checked without the load
balancer's configuration.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    callee, number_of, object_pairs, resolve_object, unwrap, words,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import is_frontend, view

SERVER_KEYS = ("requestTimeout", "headersTimeout", "keepAliveTimeout")
FASTIFY_KEYS = ("requestTimeout", "connectionTimeout")
SERVER_FACTORIES = frozenset({"createServer", "createSecureServer"})
NODE_HTTP = frozenset({"http", "https", "http2", "node:http", "node:https", "node:http2"})
FASTIFY = frozenset({"fastify"})


def check(node, ctx):
    if ctx.file.kind != "source" or is_frontend(ctx):
        return
    if node.type == "assignment_expression":
        yield from _assignment(node, ctx)
    else:
        yield from _options(node, ctx)


def _assignment(node, ctx):
    names = view(ctx).member_names(node.child_by_field_name("left"))
    if len(names) < 2 or names[-1] not in SERVER_KEYS:
        return
    value = node.child_by_field_name("right")
    if number_of(value) != 0 or not _server(node.child_by_field_name("left"), ctx):
        return
    yield ctx.finding(
        RULE, node, f"`{'.'.join(names)} = 0` disables the server's {_what(names[-1])}")


def _server(target, ctx) -> bool:
    """The object whose timeout is set is a server: named like one (`server`, `httpServer`,
    `app.server`), or a local made by `createServer(...)`/`app.listen(...)`."""
    target = unwrap(target)
    owner = unwrap(target.child_by_field_name("object")) if target is not None else None
    names = view(ctx).member_names(owner)
    if not names:
        return False
    if "server" in words(names[-1]) or names[-1] in ("srv", "httpd"):
        return True
    if len(names) != 1:
        return False
    value = unwrap(view(ctx).value_of(names[0], target))
    if value is None or value.type != "call_expression":
        return False
    _, method = view(ctx).call_parts(value)
    return method in SERVER_FACTORIES or method == "listen"


def _options(call, ctx):
    receiver, method = view(ctx).call_parts(call)
    v = view(ctx)
    keys: tuple[str, ...] = ()
    label = ""
    options_at = 0
    if method in SERVER_FACTORIES and receiver is not None:
        names = view(ctx).member_names(receiver)
        binding = v.binding(names[0], call) if len(names) == 1 else None
        if binding is not None and binding.spec in NODE_HTTP:
            keys, label = SERVER_KEYS, f"{names[0]}.{method}"
    elif receiver is None:
        function = callee(call)
        if function is not None and function.type == "identifier":
            binding = v.binding(text_of(function), call)
            if binding is not None and binding.spec in FASTIFY:
                keys, label = FASTIFY_KEYS, text_of(function)
    if not keys:
        return
    args = view(ctx).arguments(call)
    if len(args) <= options_at:
        return
    options = resolve_object(args[options_at], v)
    if options is None:
        return
    pairs = object_pairs(options)
    for key in keys:
        value = pairs.get(key)
        if value is not None and value.type != "shorthand_property_identifier" and number_of(value) == 0:
            yield ctx.finding(RULE, value.parent, f"`{key}: 0` in `{label}(...)` disables the server's "
                                                  f"{_what(key)}")


def _what(key: str) -> str:
    return {
        "requestTimeout": "limit on the time a client may take to send a whole request",
        "headersTimeout": "limit on the time a client may take to send its headers",
        "keepAliveTimeout": "limit on idle keep-alive connections",
        "connectionTimeout": "socket timeout",
    }[key]


RULE = NodeRule(
    id="JS-REL-008", slug="server-without-timeouts", area=Area.REL,
    title="HTTP server timeouts disabled",
    fix="Remove the `= 0` (Node's defaults are 300 s for `requestTimeout` and 60 s for `headersTimeout`) "
        "or set explicit bounds, e.g. `server.requestTimeout = 120_000; server.headersTimeout = 20_000`; "
        "give long uploads their own route-level limit instead.",
    rows=("REL-03",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-400",),
    example_path="server.ts", visits=("assignment_expression", "call_expression"), check=check,
    coverage="partial",
    coverage_note="explicitly disabled Node/Fastify server timeouts; defaults and LB idle timeouts are not checked",
)
