"""
## What it does
Flags CORS configurations that let any origin make credentialed requests:
- Starlette/FastAPI `CORSMiddleware` (through `app.add_middleware(...)` or `Middleware(...)`) with
  `allow_credentials=True` and `allow_origins=["*"]` or a match-all `allow_origin_regex` (`.*`);
- flask-cors `CORS(app, supports_credentials=True)` or `@cross_origin(supports_credentials=True)`
  without `origins` (the default is `*`) or with `origins="*"`, or with a `resources` entry that
  allows `*`;
- django-cors-headers settings `CORS_ALLOW_ALL_ORIGINS = True` (or the old
  `CORS_ORIGIN_ALLOW_ALL = True`) or a match-all `CORS_ALLOWED_ORIGIN_REGEXES`, together with
  `CORS_ALLOW_CREDENTIALS = True` in the same settings module.

## Why it matters
Browsers refuse `Access-Control-Allow-Origin: *` on credentialed requests, so these libraries echo
the caller's `Origin` back instead. Any website the user visits can then call the API with the
user's cookies and read the answers: account data, CSRF tokens, anything the session can see.

## Example
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=True,
        allow_methods=["*"],
    )

## Use instead
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://shop.example.com"],
        allow_credentials=True,
        allow_methods=["*"],
    )

## Known limitations
Only literal values (and module constants) are read: origins from settings objects or the
environment are trusted. A wildcard without credentials is not reported (it is right for public,
cookie-less APIs). flask-cors options given through `app.config["CORS_*"]` and django-cors-headers
settings split across several files are not combined; development settings are skipped.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import const_str, const_str_list, keyword
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import (
    is_dev_module, literal_bool, module_constant, settings_module, top_level_values, under_dev_guard,
)
from prodcheck.rules.python.helpers import parent_of, qualified

STARLETTE_CORS = frozenset({"starlette.middleware.cors.CORSMiddleware", "fastapi.middleware.cors.CORSMiddleware"})
MIDDLEWARE_WRAPPERS = frozenset({"starlette.middleware.Middleware", "fastapi.middleware.Middleware"})
FLASK_CORS = frozenset({"flask_cors.CORS", "flask_cors.cross_origin", "flask_cors.extension.CORS",
                        "quart_cors.cors", "quart_cors.route_cors"})
MATCH_ALL_REGEXES = frozenset({".*", ".+", "^.*$", "^.+$", "^.*", ".*$", "(.*)", "https?://.*", "https://.*",
                               "http://.*", "^https?://.*$", "^https://.*$", "https?://.+", "https://.+",
                               r"^https?://.*", r"^https://.*", "*"})
ALLOW_ALL_SETTINGS = ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")


def check(node: ast.AST, ctx):
    if is_dev_module(ctx):
        return
    if isinstance(node, ast.Assign):
        yield from _django(node, ctx)
        return
    func = node.func
    attr = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if attr in ("add_middleware", "Middleware") and node.args:
        if qualified(ctx, node.args[0]) in STARLETTE_CORS and (attr == "add_middleware" or
                                                               qualified(ctx, func) in MIDDLEWARE_WRAPPERS):
            yield from _starlette(node, ctx)
    elif attr in ("CORS", "cross_origin", "cors", "route_cors") and qualified(ctx, func) in FLASK_CORS:
        yield from _flask_cors(node, ctx)


def _value(node: ast.AST | None, ctx) -> ast.AST | None:
    return module_constant(ctx, node) if isinstance(node, ast.Name) else node


def _starlette(call: ast.Call, ctx):
    if literal_bool(_value(keyword(call, "allow_credentials"), ctx)) is not True or under_dev_guard(ctx, call):
        return
    origins = _value(keyword(call, "allow_origins"), ctx)
    regex = const_str(_value(keyword(call, "allow_origin_regex"), ctx))
    if "*" in (const_str_list(origins) or []):
        yield ctx.finding(RULE, call, "`CORSMiddleware` allows every origin (`*`) with credentials: the "
                                      "request's origin is echoed back")
    elif regex is not None and regex.strip() in MATCH_ALL_REGEXES:
        yield ctx.finding(RULE, call, f"`CORSMiddleware` allows every origin (`allow_origin_regex={regex!r}`) "
                                      "with credentials")


def _flask_cors(call: ast.Call, ctx):
    if literal_bool(_value(keyword(call, "supports_credentials"), ctx)) is not True or under_dev_guard(ctx, call):
        return
    if any(kw.arg is None for kw in call.keywords):
        return
    origins = keyword(call, "origins")
    resources = _value(keyword(call, "resources"), ctx)
    if origins is None and resources is None:
        yield ctx.finding(RULE, call, "flask-cors with `supports_credentials=True` and no `origins` allows "
                                      "every origin with credentials")
        return
    if origins is not None and _is_wildcard(_value(origins, ctx)):
        yield ctx.finding(RULE, call, "flask-cors allows every origin (`*`) with credentials")
        return
    if isinstance(resources, ast.Dict):
        for options in resources.values:
            options = _value(options, ctx)
            if isinstance(options, ast.Dict):
                for key, value in zip(options.keys, options.values):
                    if const_str(key) == "origins" and _is_wildcard(_value(value, ctx)):
                        yield ctx.finding(RULE, value, "flask-cors allows every origin (`*`) with credentials "
                                                       "for this resource")
                        return


def _is_wildcard(node: ast.AST | None) -> bool:
    text = const_str(node)
    if text is not None:
        return text.strip() in ("*", ".*")
    return "*" in (const_str_list(node) or [])


def _django(node: ast.Assign, ctx):
    names = [t.id for t in node.targets if isinstance(t, ast.Name)
             and (t.id in ALLOW_ALL_SETTINGS or t.id == "CORS_ALLOWED_ORIGIN_REGEXES")]
    if not names or not isinstance(parent_of(ctx, node), ast.Module) \
            or settings_module(ctx) not in ("django", "settings"):
        return
    name = names[0]
    allow_all = name in ALLOW_ALL_SETTINGS and literal_bool(node.value) is True
    match_all = name == "CORS_ALLOWED_ORIGIN_REGEXES" and any(
        r.strip() in MATCH_ALL_REGEXES for r in const_str_list(node.value) or [])
    if not (allow_all or match_all):
        return
    credentials = top_level_values(ctx).get("CORS_ALLOW_CREDENTIALS", [])
    if not credentials or literal_bool(credentials[-1][1]) is not True:
        return
    what = f"`{name} = True`" if allow_all else "a match-all `CORS_ALLOWED_ORIGIN_REGEXES`"
    yield ctx.finding(RULE, node, f"{what} with `CORS_ALLOW_CREDENTIALS = True` lets every origin make "
                                  "credentialed requests",
                      related=[credentials[-1][0]],
                      fix="Set `CORS_ALLOWED_ORIGINS` to the front-end origins and remove "
                          "`CORS_ALLOW_ALL_ORIGINS`.")


RULE = NodeRule(
    id="PY-SEC-025", slug="cors-allow-all-with-credentials", area=Area.SEC,
    title="CORS allows any origin with credentials",
    fix="List the trusted origins explicitly (`allow_origins=[\"https://app.example.com\"]`, "
        "`CORS(app, origins=[...], supports_credentials=True)`) or drop credentials for a public API.",
    rows=("SEC-30",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-942",),
    stride=(Stride.INFORMATION_DISCLOSURE, Stride.SPOOFING), example_path="app.py",
    coverage="partial",
    coverage_note="hand-written reflected-origin middleware and origins from the environment are not checked",
    visits=(ast.Call, ast.Assign), check=check,
)
