"""
## What it does
Flags session and authentication cookies set without the flags that protect them:
- `res.cookie(name, value, options)` (Express, NestJS with `@Res()`) and `reply.setCookie(...)`
  (`@fastify/cookie`) for a cookie whose name looks like a session or credential (`session`,
  `sid`, `token`, `jwt`, `auth`, `access_token`, `refresh_token`, `remember_me`, ...) when the
  options are missing, leave out `httpOnly` or `secure`, or set either to `false`;
- `express-session` configured with `cookie: { secure: false }`, `httpOnly: false`, or with no
  `secure` at all (its default is `false`);
- `cookie-session` with `secure: false` or `httpOnly: false`.

Values computed from configuration or the environment (`secure: process.env.NODE_ENV ===
'production'`, `secure: config.cookieSecure`, express-session's `secure: 'auto'`) are accepted, and
so are CSRF cookies (`XSRF-TOKEN`, `_csrf`), which scripts must read.

## Why it matters
Without `HttpOnly`, any script injected into the page (one XSS) reads the session cookie and sends
it away: the attacker becomes the user (CWE-1004). Without `Secure`, the browser also sends the
cookie over plain HTTP (a redirect, a mixed-content request, a hostile Wi-Fi), where it can be
captured (CWE-614). Without `SameSite`, older browsers attach the cookie to cross-site requests,
opening the door to CSRF.

## Example
    import express from 'express';

    const app = express();

    app.post('/login', async (req, res) => {
      const token = await issueToken(req.body);
      res.cookie('session', token, { maxAge: 3600_000 });
      res.sendStatus(204);
    });

## Use instead
    import express from 'express';

    const app = express();

    app.post('/login', async (req, res) => {
      const token = await issueToken(req.body);
      res.cookie('session', token, { httpOnly: true, secure: true, sameSite: 'lax', maxAge: 3600_000 });
      res.sendStatus(204);
    });

## Known limitations
Options spread from another object (`{ ...cookieOptions }`) or built in another module are
trusted. Cookies whose name is not a literal are only checked when the name's variable says
session/token. A missing `SameSite` alone is not reported (browsers default to `Lax`).
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    callee, object_pairs, resolve_object, string_of, unwrap, words,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import string_value, text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import is_frontend, view
from prodcheck.rules.javascript.security_helpers import from_configuration, mentions

RESPONSE_NAMES = frozenset({"res", "response", "reply", "resp", "rep"})
SESSION_WORDS = frozenset({"session", "sess", "sid", "token", "jwt", "auth", "authorization", "access",
                           "refresh", "remember", "login", "credential", "credentials", "identity", "bearer",
                           "connect"})
NOT_SESSION = frozenset({"csrf", "xsrf", "theme", "locale", "lang", "consent", "cookie", "banner", "tracking",
                         "analytics", "preference", "preferences", "visited", "redirect"})
SESSION_PACKAGES = frozenset({"express-session", "cookie-session"})


def check(call, ctx):
    receiver, method = view(ctx).call_parts(call)
    args = view(ctx).arguments(call)
    if method in ("cookie", "setCookie") and receiver is not None and len(args) >= 2:
        names = view(ctx).member_names(receiver)
        if not names or names[0] not in RESPONSE_NAMES or is_frontend(ctx):
            return
        label = _cookie_label(args[0], ctx)
        if not label:
            return
        if len(args) < 3:
            yield ctx.finding(RULE, call, f"cookie `{label}` is set without options: not `httpOnly`, not "
                                          f"`secure`")
            return
        problems = _problems(args[2], ctx, secure_default=False, httponly_default=False)
        if problems:
            yield ctx.finding(RULE, call, f"cookie `{label}`: {', '.join(problems)}")
        return
    function = callee(call)
    if receiver is not None or function is None or function.type != "identifier" or not args \
            or not mentions(ctx, "-session"):
        return
    binding = view(ctx).binding(text_of(function), call)
    if binding is None or binding.spec not in SESSION_PACKAGES:
        return
    options = resolve_object(args[0], view(ctx))
    if options is None:
        return
    if binding.spec == "express-session":
        pairs = object_pairs(options)
        cookie = pairs.get("cookie")
        if cookie is None:
            if "..." not in pairs:
                yield ctx.finding(RULE, call, "express-session cookie is not `secure` (no `cookie` options; "
                                              "the default is `secure: false`)", confidence=Confidence.MEDIUM)
            return
        problems = _problems(cookie, ctx, secure_default=False, httponly_default=True)
    else:
        problems = _problems(options, ctx, secure_default=True, httponly_default=True)
    if problems:
        only_defaults = all(p.endswith("not set") for p in problems)
        yield ctx.finding(RULE, call, f"{binding.spec} cookie: {', '.join(problems)}",
                          confidence=Confidence.MEDIUM if only_defaults else Confidence.HIGH)


def _cookie_label(node, ctx) -> str:
    value = string_of(node, view(ctx).consts)
    if value is None:
        inner = unwrap(node)
        if inner is None or inner.type not in ("identifier", "member_expression"):
            return ""
        value = view(ctx).member_names(inner)[-1] if view(ctx).member_names(inner) else ""
        tokens = set(words(value))
        if not tokens & SESSION_WORDS or tokens & NOT_SESSION or "name" not in tokens and "cookie" not in \
                tokens and "key" not in tokens:
            return ""
        return value
    tokens = set(words(value.replace(".", "_").replace("-", "_")))
    if tokens & SESSION_WORDS and not tokens & NOT_SESSION or value.lower() in ("sid", "connect.sid"):
        return value
    return ""


def _problems(options, ctx, *, secure_default: bool, httponly_default: bool) -> list[str]:
    obj = resolve_object(options, view(ctx))
    if obj is None:
        return []
    pairs = object_pairs(obj)
    spread = "..." in pairs
    problems = []
    for key, default, label in (("httpOnly", httponly_default, "`httpOnly`"),
                                ("secure", secure_default, "`secure`")):
        value = pairs.get(key)
        if value is None:
            if not default and not spread:
                problems.append(f"{label} not set")
            continue
        node = unwrap(value)
        if node is not None and node.type == "false":
            problems.append(f"{label}: false")
        elif node is not None and node.type == "identifier" and not from_configuration(node):
            resolved = unwrap(view(ctx).value_of(text_of(node), node))
            if resolved is not None and resolved.type == "false":
                problems.append(f"{label}: false")
    same_site = pairs.get("sameSite")
    if same_site is not None and (string_value(same_site) or "").lower() == "none" \
            and not any("secure" in p for p in problems) and "secure" not in pairs:
        problems.append("`sameSite: 'none'` without `secure`")
    return problems


RULE = NodeRule(
    id="JS-SEC-026", slug="insecure-cookie", area=Area.SEC,
    title="Session or auth cookie without HttpOnly/Secure",
    fix="Set session and token cookies with `httpOnly: true`, `secure: true` (or from configuration "
        "per environment) and `sameSite: 'lax'` or `'strict'`.",
    rows=("SEC-28",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-1004", "CWE-614"), stride=(Stride.INFORMATION_DISCLOSURE, Stride.SPOOFING),
    example_path="auth.js", visits=("call_expression",), check=check,
)
