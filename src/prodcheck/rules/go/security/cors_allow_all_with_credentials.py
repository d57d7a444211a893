"""
## What it does
Flags CORS configurations that let any origin make credentialed requests: `AllowCredentials:
true` together with a wildcard origin in
- rs/cors and go-chi/cors `cors.Options{AllowedOrigins: []string{"*"}, ...}` (also `"https://*"`),
  or an `AllowOriginFunc`/`AllowOriginRequestFunc` that returns `true` for every origin;
- gin-contrib/cors `cors.Config{AllowAllOrigins: true, ...}`, `AllowOrigins: []string{"*"}` or an
  `AllowOriginFunc` returning `true`;
- echo `middleware.CORSConfig{AllowOrigins: []string{"*"}, ...}` or an always-true
  `AllowOriginFunc`;
- fiber `cors.Config{AllowOrigins: "*", ...}` or an always-true `AllowOriginsFunc`.

## Why it matters
Several of these libraries answer a wildcard configuration by echoing the caller's `Origin`
header, so any website the user visits can send requests with the user's cookies or credentials
and read the answers: their profile, tokens, data (CWE-942). Credentialed CORS needs an explicit
list of trusted origins.

## Example
    package main

    import (
    	"net/http"

    	"github.com/rs/cors"
    )

    func withCORS(h http.Handler) http.Handler {
    	return cors.New(cors.Options{
    		AllowedOrigins:   []string{"*"},
    		AllowCredentials: true,
    	}).Handler(h)
    }

## Use instead
    package main

    import (
    	"net/http"

    	"github.com/rs/cors"
    )

    func withCORS(h http.Handler) http.Handler {
    	return cors.New(cors.Options{
    		AllowedOrigins:   []string{"https://app.example.com"},
    		AllowCredentials: true,
    	}).Handler(h)
    }

## Known limitations
Origins read from configuration are not resolved: a `*` that reaches `AllowedOrigins` through an
environment variable is not seen. An origin function that reflects origins by a loose pattern
(`strings.HasSuffix(origin, "example.com")`) is not reported.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import (
    body_of, composite_fields, composite_type, is_true, statements_of, string_of, unparen,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import view

# import path -> config type names
CORS_TYPES = {
    "github.com/rs/cors": frozenset({"Options"}),
    "github.com/go-chi/cors": frozenset({"Options"}),
    "github.com/gin-contrib/cors": frozenset({"Config"}),
    "github.com/labstack/echo/v4/middleware": frozenset({"CORSConfig"}),
    "github.com/labstack/echo/middleware": frozenset({"CORSConfig"}),
    "github.com/gofiber/fiber/v2/middleware/cors": frozenset({"Config"}),
    "github.com/gofiber/fiber/v3/middleware/cors": frozenset({"Config"}),
}
ORIGIN_LISTS = ("AllowedOrigins", "AllowOrigins")
ORIGIN_FUNCS = ("AllowOriginFunc", "AllowOriginRequestFunc", "AllowOriginVaryRequestFunc", "AllowOriginsFunc")
WILDCARDS = frozenset({"*", "https://*", "http://*"})


def check(node, ctx):
    path, type_name = composite_type(node, view(ctx))
    if type_name not in CORS_TYPES.get(path, ()):
        return
    fields = composite_fields(node)
    if not is_true(fields.get("AllowCredentials")):
        return
    wildcard = _wildcard(fields, ctx, node)
    if wildcard:
        yield ctx.finding(RULE, node, f"CORS allows {wildcard} together with `AllowCredentials: true`")


def _wildcard(fields: dict, ctx, at) -> str:
    file_view = view(ctx)
    if is_true(fields.get("AllowAllOrigins")):
        return "every origin (`AllowAllOrigins: true`)"
    for key in ORIGIN_LISTS:
        value = unparen(fields.get(key))
        if value is None:
            continue
        single = string_of(value, file_view.consts, at)
        if single is not None and any(part.strip() in WILDCARDS for part in single.split(",")):
            return f"`{key}: \"{single}\"`"
        if value.type == "composite_literal":
            body = value.child_by_field_name("body")
            for element in (body.named_children if body is not None else []):
                item = element.named_children[0] if element.type == "literal_element" and element.named_children \
                    else element
                if string_of(item, file_view.consts, at) in WILDCARDS:
                    return f"`{key}` with `{string_of(item, file_view.consts, at)}`"
    for key in ORIGIN_FUNCS:
        func = unparen(fields.get(key))
        if func is not None and func.type == "func_literal" and _always_true(func):
            return f"every origin (`{key}` returns true)"
    return ""


def _always_true(func) -> bool:
    statements = statements_of(body_of(func))
    if len(statements) != 1 or statements[0].type != "return_statement":
        return False
    values = [c for c in statements[0].named_children if c.type != "comment"]
    if values and values[0].type == "expression_list":
        values = [c for c in values[0].named_children if c.type != "comment"]
    return bool(values) and is_true(values[0]) and all(text_of(v) == "nil" for v in values[1:])


RULE = NodeRule(
    id="GO-SEC-025", slug="cors-allow-all-with-credentials", area=Area.SEC,
    title="CORS allows any origin with credentials",
    fix="List the trusted origins explicitly (`AllowedOrigins: []string{\"https://app.example.com\"}`) "
        "when `AllowCredentials` is true, or turn credentials off for a public API.",
    rows=("SEC-30",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-942",),
    stride=(Stride.INFORMATION_DISCLOSURE, Stride.SPOOFING),
    example_path="main.go", visits=("composite_literal",), check=check,
)
