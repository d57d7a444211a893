"""
## What it does
Flags request body parsers configured with an explicit size limit above 10 MB (or `Infinity`):
`express.json/urlencoded/raw/text({ limit })`, the same parsers from `body-parser`, NestJS
`app.useBodyParser('json', { limit })`, and Fastify's `bodyLimit` option. The defaults (100 kB for
Express, 1 MB for Fastify) are fine and not reported.

## Why it matters
A parser buffers and parses the whole body in memory before the handler runs. With a 50 MB
limit a few concurrent requests exhaust the heap or block the event loop in `JSON.parse`, a cheap
denial of service (CWE-770). Large uploads belong on a streaming endpoint or direct-to-storage
upload, not on the JSON parser of every route.

## Example
    import express from 'express';

    const app = express();
    app.use(express.json({ limit: '50mb' }));

## Use instead
    import express from 'express';

    const app = express();
    app.use(express.json({ limit: '1mb' }));

## Known limitations
Limits computed at runtime (from configuration) are not evaluated. The threshold is fixed at
10 MB.
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.js_common import (
    callee, number_of, object_pairs, resolve_object, unwrap,
)
from prodcheck.model import Area, Confidence, Severity, Stride
from prodcheck.parsing.treesitter import string_value, text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import view

THRESHOLD = 10 * 1024 * 1024
PARSERS = frozenset({"json", "urlencoded", "raw", "text"})
PARSER_PACKAGES = frozenset({"express", "body-parser"})
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|pb)?\s*$", re.I)
_UNITS = {"b": 1, "kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3, "tb": 1024 ** 4, "pb": 1024 ** 5}


def check(call, ctx):
    v = view(ctx)
    receiver, method = view(ctx).call_parts(call)
    args = view(ctx).arguments(call)
    function = callee(call)
    option, label = None, ""
    if method in PARSERS and receiver is not None:
        names = view(ctx).member_names(receiver)
        binding = v.binding(names[0], call) if len(names) == 1 else None
        if binding is not None and binding.spec in PARSER_PACKAGES and args:
            option, label = object_pairs(resolve_object(args[0], v)).get("limit"), f"{names[0]}.{method}()"
    elif receiver is None and function is not None and function.type == "identifier" and args:
        binding = v.binding(text_of(function), call)
        if binding is not None and binding.spec in PARSER_PACKAGES and binding.name in PARSERS:
            option, label = object_pairs(resolve_object(args[0], v)).get("limit"), f"{text_of(function)}()"
        elif binding is not None and binding.spec == "fastify":
            option, label = object_pairs(resolve_object(args[0], v)).get("bodyLimit"), f"{text_of(function)}()"
    elif method == "useBodyParser" and len(args) >= 2:
        option, label = object_pairs(resolve_object(args[1], v)).get("limit"), "useBodyParser()"
    if option is None:
        return
    size = _bytes(option)
    if size is not None and size > THRESHOLD:
        shown = "Infinity" if size == float("inf") else text_of(option)
        yield ctx.finding(RULE, option, f"`{label}` accepts bodies up to {shown}: parsed in memory on every request")


def _bytes(node) -> float | None:
    node = unwrap(node)
    if node is None:
        return None
    text = string_value(node)
    if text is not None:
        match = _SIZE.match(text)
        if not match:
            return None
        return float(match.group(1)) * _UNITS[(match.group(2) or "b").lower()]
    return number_of(node)


RULE = NodeRule(
    id="JS-SEC-036", slug="request-body-without-size-limit", area=Area.SEC,
    title="Request body parser with an excessive size limit",
    fix="Keep the parser limit small (the 100kb default, or a few MB at most) and move large "
        "uploads to a streaming or direct-to-storage endpoint.",
    rows=("SEC-01",), doc=__doc__, confidence=Confidence.HIGH,
    severity=Severity.LOW,
    severity_note="an explicit, bounded but oversized limit is a resource-exhaustion hardening issue, "
                  "not missing input validation (the row's HIGH)",
    cwe=("CWE-770",), stride=(Stride.DENIAL_OF_SERVICE,),
    example_path="app.ts", visits=("call_expression",), check=check,
    coverage="partial", coverage_note="oversized body-parser limits only; schema validation is checked through the inventory",
)
