"""
## What it does
Flags CORS configurations that let any origin make credentialed requests:
- the `cors` middleware (Express) and `@fastify/cors` with `credentials: true` and an `origin`
  that accepts everyone: `true`, `'*'`, a match-all regular expression, a callback that always
  allows (`(origin, cb) => cb(null, true)`) or echoes the origin back (`cb(null, origin)`);
  `credentials: true` without any `origin` (the default `*`) is reported too;
- NestJS `app.enableCors({...})` and `NestFactory.create(AppModule, { cors: {...} })` with the
  same options;
- a hand-written middleware that copies `req.headers.origin` (or `*`) into
  `Access-Control-Allow-Origin` and also sends `Access-Control-Allow-Credentials: true`.

An origin list, a callback that checks an allowlist, or a configuration without credentials is
fine.

## Why it matters
With credentials allowed, the browser attaches the user's cookies (or HTTP auth) to cross-origin
requests and lets the calling page read the response. Reflecting every origin means any website
the user visits can call the API as the user and read their data (CWE-942): the same-origin policy
is switched off for authenticated requests. With a literal `*` browsers refuse credentialed
requests, which usually leads to "fixing" it by reflecting the origin.

## Example
    import cors from 'cors';
    import express from 'express';

    const app = express();
    app.use(cors({ origin: true, credentials: true }));

## Use instead
    import cors from 'cors';
    import express from 'express';

    const app = express();
    app.use(cors({ origin: ['https://app.example.com', 'https://admin.example.com'], credentials: true }));

## Known limitations
Options built in another module, or an origin callback whose check is delegated to another
function, are not followed (the callback is then trusted).
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.js_common import (
    arguments_of, body_of, call_parts, callee, enclosing_function, is_function, is_true,
    member_names, object_pairs, params_of, resolve_object, unwrap, walk_local,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import string_value, text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import view

CORS_PACKAGES = frozenset({"cors", "@fastify/cors", "fastify-cors", "@koa/cors", "@hono/cors"})
CHECKING_CALLS = frozenset({"includes", "indexOf", "test", "match", "some", "has", "startsWith", "endsWith",
                            "find", "exec", "matches", "isAllowed", "every", "search"})
COMPARISONS = frozenset({"===", "==", "!==", "!=", "&&", "||", "??"})
MATCH_ALL = re.compile(r"^/(\.\*|\.\+|\^?\.\*\$?|\^\.\*\$|\.\*\$)/[gimsuy]*$")


def check(call, ctx):
    v = view(ctx)
    receiver, method = view(ctx).call_parts(call)
    args = view(ctx).arguments(call)
    options = None
    label = ""
    function = callee(call)
    if receiver is None and function is not None and function.type == "identifier":
        binding = v.binding(text_of(function), call)
        if binding is not None and binding.spec in CORS_PACKAGES and args:
            options, label = args[0], f"{text_of(function)}()"
    elif method == "register" and len(args) >= 2:
        plugin = unwrap(args[0])
        names = view(ctx).member_names(plugin) if plugin is not None else []
        binding = v.binding(names[0], call) if names else None
        spec = binding.spec if binding is not None else ""
        if plugin is not None and plugin.type == "call_expression":
            spec = string_value(view(ctx).arguments(plugin)[0]) if view(ctx).arguments(plugin) else ""
        if spec in CORS_PACKAGES:
            options, label = args[1], "register(cors)"
    elif method == "enableCors" and args:
        options, label = args[0], "enableCors()"
    elif method == "create" and view(ctx).member_names(receiver) == ["NestFactory"] and len(args) >= 2:
        outer = object_pairs(resolve_object(args[1], v))
        if "cors" in outer:
            options, label = outer["cors"], "NestFactory.create({ cors })"
    elif method in ("setHeader", "header", "set") and len(args) >= 2:
        yield from _manual(call, args, ctx)
        return
    if options is None:
        return
    pairs = object_pairs(resolve_object(options, v))
    if not pairs or not is_true(pairs.get("credentials")):
        return
    origin = pairs.get("origin")
    verdict = _allows_all(origin, v) if origin is not None else "the default origin `*`"
    if verdict:
        confidence = Confidence.MEDIUM if "`*`" in verdict else Confidence.HIGH
        yield ctx.finding(RULE, call, f"`{label}` allows credentials from {verdict}", confidence=confidence)


def _allows_all(origin, v) -> str:
    node = unwrap(origin)
    if node is None:
        return ""
    if node.type == "true":
        return "every origin (`origin: true` reflects the caller)"
    if node.type == "string" and string_value(node) == "*":
        return "origin `*`"
    if node.type == "regex" and MATCH_ALL.match(text_of(node)):
        return f"every origin ({text_of(node)})"
    if node.type == "identifier":
        value = unwrap(v.value_of(text_of(node), node))
        if value is not None and value is not node and value.type != "identifier":
            return _allows_all(value, v)
        return ""
    if is_function(node):
        return _reflects(node)
    return ""


def _reflects(func) -> str:
    """A callback origin that lets every caller in: `(origin, cb) => cb(null, true | origin)`."""
    params = [name for name, _ in params_of(func)]
    if len(params) < 2 or not params[1]:
        return ""
    origin, callback = params[0], params[1]
    allowed = False
    for node in [body_of(func), *walk_local(body_of(func))]:
        if node is None:
            continue
        if node.type in ("if_statement", "ternary_expression", "switch_statement"):
            return ""
        if node.type == "binary_expression" and text_of(node.child_by_field_name("operator")) in COMPARISONS:
            return ""
        if node.type == "call_expression":
            receiver, method = call_parts(node)
            if method in CHECKING_CALLS:
                return ""
            function = callee(node)
            if function is not None and function.type == "identifier" and text_of(function) == callback:
                args = arguments_of(node)
                if len(args) >= 2:
                    value = unwrap(args[1])
                    if value is not None and (value.type == "true" or text_of(value) == origin):
                        allowed = True
    return "every origin (the origin callback allows all)" if allowed else ""


def _manual(call, args, ctx):
    header = (string_value(args[0]) or "").lower()
    if header != "access-control-allow-origin":
        return
    value = unwrap(args[1])
    reflected = _request_origin(value)
    star = value is not None and string_value(value) == "*"
    if not (reflected or star):
        return
    func = enclosing_function(call)
    scope = body_of(func) if func is not None else ctx.file.tree.root_node
    for node in walk_local(scope):
        if node.type != "call_expression":
            continue
        _, method = view(ctx).call_parts(node)
        inner = view(ctx).arguments(node)
        if method in ("setHeader", "header", "set") and len(inner) >= 2 \
                and (string_value(inner[0]) or "").lower() == "access-control-allow-credentials" \
                and (string_value(inner[1]) == "true" or is_true(inner[1])):
            what = "the request's own origin" if reflected else "origin `*`"
            yield ctx.finding(RULE, call, f"`Access-Control-Allow-Origin` echoes {what} while "
                                          f"`Access-Control-Allow-Credentials` is true",
                              confidence=Confidence.HIGH if reflected else Confidence.MEDIUM)
            return


def _request_origin(value) -> bool:
    """`req.headers.origin`, `req.headers['origin']`, `req.get('origin')`, `req.header('Origin')`."""
    if value is None:
        return False
    names = member_names(value)
    if value.type in ("member_expression", "subscript_expression"):
        return len(names) >= 3 and names[-2] == "headers" and names[-1].lower() == "origin"
    if value.type == "call_expression" and call_parts(value)[1] in ("get", "header"):
        inner = arguments_of(value)
        return bool(inner) and (string_value(inner[0]) or "").lower() == "origin"
    return False


RULE = NodeRule(
    id="JS-SEC-025", slug="cors-allow-all-with-credentials", area=Area.SEC,
    title="CORS allows every origin with credentials",
    fix="List the allowed origins explicitly (`origin: ['https://app.example.com']` or a callback "
        "checking an allowlist) when `credentials: true`.",
    rows=("SEC-30",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-942",), stride=(Stride.INFORMATION_DISCLOSURE, Stride.SPOOFING),
    example_path="app.ts", visits=("call_expression",), check=check,
)
