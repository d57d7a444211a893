"""
## What it does
Flags session and authentication cookies that can leak:
- `response.set_cookie(...)` (Django, Flask/Werkzeug, Starlette/FastAPI share the signature) and
  Django's `set_signed_cookie(...)` for a cookie named like a session or credential (`session`,
  `sessionid`, `sid`, `token`, `access_token`, `refresh_token`, `jwt`, `auth`, `remember_token`,
  `api_key`) without `secure=True` or without `httponly=True`;
- Django settings `SESSION_COOKIE_SECURE = False`, `CSRF_COOKIE_SECURE = False`,
  `SESSION_COOKIE_HTTPONLY = False` in a settings module production loads;
- Flask `app.config["SESSION_COOKIE_SECURE"] = False` / `SESSION_COOKIE_HTTPONLY` /
  `REMEMBER_COOKIE_SECURE` / `REMEMBER_COOKIE_HTTPONLY` set to `False` (also through
  `app.config.update(...)`).

## Why it matters
A cookie without `Secure` is also sent over plain HTTP, where anyone on the network can copy it;
one without `HttpOnly` can be read by JavaScript, so a single XSS bug hands the session to the
attacker. Both flags cost nothing for cookies the browser only has to send back.

## Example
    from fastapi import FastAPI, Response

    app = FastAPI()


    @app.post("/login")
    def login(response: Response):
        response.set_cookie("session_token", "opaque-value", max_age=3600)
        return {"ok": True}

## Use instead
    from fastapi import FastAPI, Response

    app = FastAPI()


    @app.post("/login")
    def login(response: Response):
        response.set_cookie("session_token", "opaque-value", max_age=3600, secure=True, httponly=True,
                            samesite="lax")
        return {"ok": True}

## Known limitations
Cookies are recognised by name; `csrftoken`-style cookies, which JavaScript must read, are not
checked for `httponly`. Flags given as variables (`secure=not settings.DEBUG`) or through
`**options` are trusted. Django's default `SESSION_COOKIE_SECURE = False` is reported only when set
explicitly (a missing setting may be set by another settings file); development settings and
development-only branches are skipped.
"""
from __future__ import annotations

import ast
from types import MappingProxyType

from prodcheck.facts.extractors.python_common import const_str, dotted, keyword, may_pass_keyword
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import (
    is_dev_module, literal_bool, settings_module, under_dev_guard, words_of,
)
from prodcheck.rules.python.helpers import insert_keyword_diff, parent_of, replace_span_diff

AUTH_COOKIE_WORDS = frozenset({"session", "sessionid", "sess", "sid", "token", "jwt", "auth", "authentication",
                               "remember", "apikey", "bearer", "sso", "credentials", "credential", "rememberme",
                               "authtoken", "jsessionid", "phpsessid"})
CSRF_WORDS = frozenset({"csrf", "xsrf", "csrftoken"})
NOT_AUTH_WORDS = frozenset({"theme", "lang", "language", "locale", "consent", "banner", "tz", "timezone",
                            "seen", "tour", "cart", "preference", "preferences", "prefs", "flash", "message",
                            "redirect", "next", "utm", "tracking", "analytics", "ga", "count", "expires"})
DJANGO_FLAGS = MappingProxyType({"SESSION_COOKIE_SECURE": "Secure", "CSRF_COOKIE_SECURE": "Secure",
                "SESSION_COOKIE_HTTPONLY": "HttpOnly"})
FLASK_FLAGS = MappingProxyType({"SESSION_COOKIE_SECURE": "Secure", "SESSION_COOKIE_HTTPONLY": "HttpOnly",
               "REMEMBER_COOKIE_SECURE": "Secure", "REMEMBER_COOKIE_HTTPONLY": "HttpOnly"})
SECURE_POSITION, HTTPONLY_POSITION = 6, 7


def check(node: ast.AST, ctx):
    if is_dev_module(ctx):
        return
    if isinstance(node, ast.Assign):
        yield from _settings(node, ctx)
        return
    func = node.func
    if not isinstance(func, ast.Attribute):
        return
    if func.attr in ("set_cookie", "set_signed_cookie"):
        yield from _set_cookie(node, ctx)
    elif func.attr == "update" and isinstance(func.value, ast.Attribute) and func.value.attr == "config":
        for kw in node.keywords:
            if kw.arg in FLASK_FLAGS and literal_bool(kw.value) is False and not under_dev_guard(ctx, node):
                yield ctx.finding(RULE, kw.value, f"`{kw.arg}=False` drops the {FLASK_FLAGS[kw.arg]} flag from "
                                                  "the session cookie", diff=replace_span_diff(ctx, kw.value, "True"))


def _set_cookie(call: ast.Call, ctx):
    name_node = call.args[0] if call.args else keyword(call, "key")
    name = _cookie_name(name_node)
    if not name:
        return
    ordered = words_of(name)
    words = set(ordered)
    if "apikey" in "".join(ordered):
        words.add("apikey")
    csrf = bool(words & CSRF_WORDS)
    if not csrf and (not words & AUTH_COOKIE_WORDS or words & NOT_AUTH_WORDS):
        return
    if under_dev_guard(ctx, call):
        return
    signed = call.func.attr == "set_signed_cookie"      # (key, value, salt, **kwargs): flags by keyword only
    missing = []
    if _flag_off(call, "secure", None if signed else SECURE_POSITION):
        missing.append("secure")
    if not csrf and _flag_off(call, "httponly", None if signed else HTTPONLY_POSITION):
        missing.append("httponly")
    if not missing:
        return
    flags = " and ".join(f"`{m}=True`" for m in missing)
    present = [keyword(call, m) for m in missing if keyword(call, m) is not None]
    if not present:
        diff = insert_keyword_diff(ctx, call, ", ".join(f"{m}=True" for m in missing))
    else:
        diff = replace_span_diff(ctx, present[0], "True") if len(missing) == 1 else ""
    yield ctx.finding(RULE, call, f"cookie `{name}` is set without {flags}", diff=diff)


def _cookie_name(node: ast.AST | None) -> str:
    text = const_str(node)
    if text is not None:
        return text
    name = dotted(node)          # settings.SESSION_COOKIE_NAME, AUTH_COOKIE
    return name.split(".")[-1] if name else ""


def _flag_off(call: ast.Call, flag: str, position: int | None) -> bool:
    value = keyword(call, flag)
    if value is not None:
        return literal_bool(value) is False
    return not may_pass_keyword(call, flag, position)


def _settings(node: ast.Assign, ctx):
    if literal_bool(node.value) is not False or under_dev_guard(ctx, node):
        return
    for target in node.targets:
        if isinstance(target, ast.Name) and DJANGO_FLAGS.get(target.id) \
                and isinstance(parent_of(ctx, node), ast.Module) and settings_module(ctx) in ("django", "settings"):
            flag = DJANGO_FLAGS[target.id]
            yield ctx.finding(RULE, node, f"`{target.id} = False` drops the {flag} flag from the "
                                          f"{'CSRF' if target.id.startswith('CSRF') else 'session'} cookie",
                              diff=replace_span_diff(ctx, node.value, "True"))
            return
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute) \
                and target.value.attr == "config":
            key = const_str(target.slice)
            if key in FLASK_FLAGS:
                yield ctx.finding(RULE, node, f"`{key} = False` drops the {FLASK_FLAGS[key]} flag from the "
                                              "session cookie", diff=replace_span_diff(ctx, node.value, "True"))
                return


RULE = NodeRule(
    id="PY-SEC-026", slug="insecure-cookie", area=Area.SEC,
    title="Session or auth cookie without Secure/HttpOnly",
    fix="Set session and auth cookies with `secure=True, httponly=True, samesite=\"lax\"` (Django: "
        "`SESSION_COOKIE_SECURE = True`, `CSRF_COOKIE_SECURE = True`).",
    rows=("SEC-28",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-614", "CWE-1004"),
    stride=(Stride.INFORMATION_DISCLOSURE, Stride.SPOOFING), example_path="app.py",
    coverage="partial", coverage_note="SameSite and Django's insecure defaults left unset are not checked",
    visits=(ast.Call, ast.Assign), check=check,
)
