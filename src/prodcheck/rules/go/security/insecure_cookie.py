"""
## What it does
Flags session and authentication cookies set without their protective flags:

- `http.Cookie{...}` and fiber `fiber.Cookie{...}` literals whose `Name` is a session or auth
  cookie (a name with session, sid, auth, token, jwt, refresh, remember, login in it, as a string
  literal or a constant) and that leave `HttpOnly` or `Secure` unset or literally `false`, or set
  `SameSite: http.SameSiteNoneMode` without `Secure`;
- gin `c.SetCookie(name, value, maxAge, path, domain, secure, httpOnly)` with such a name and a
  literal `false` for `secure` or `httpOnly`;
- gorilla/sessions and gin-contrib/sessions `sessions.Options{...}` (always a session cookie) that
  leave `HttpOnly` or `Secure` unset or `false`.

A flag read from configuration (`Secure: cfg.SecureCookies`) is a deliberate switch and is not
reported; cookies with other names (a theme, a locale) are not either; test files are not
scanned.

## Why it matters
Without `HttpOnly` any script injected into the page (one XSS is enough) reads the session cookie
and replays it from elsewhere (CWE-1004). Without `Secure` the browser also sends it over plain
HTTP, where anyone on the network path (public Wi-Fi, a misconfigured redirect) picks it up
(CWE-614). Either way the attacker becomes the user until the session expires.

## Example
    package auth

    import (
    	"net/http"
    	"time"
    )

    func setSession(w http.ResponseWriter, id string) {
    	http.SetCookie(w, &http.Cookie{
    		Name:    "session_id",
    		Value:   id,
    		Path:    "/",
    		Expires: time.Now().Add(24 * time.Hour),
    	})
    }

## Use instead
    package auth

    import (
    	"net/http"
    	"time"
    )

    func setSession(w http.ResponseWriter, id string) {
    	http.SetCookie(w, &http.Cookie{
    		Name:     "session_id",
    		Value:    id,
    		Path:     "/",
    		Expires:  time.Now().Add(24 * time.Hour),
    		HttpOnly: true,
    		Secure:   true,
    		SameSite: http.SameSiteLaxMode,
    	})
    }

## Known limitations
A cookie whose name is built at run time, or read from a variable of another file, is not
classified and so not reported. A missing `SameSite` alone is not reported (browsers default to
Lax). Cookies that a library sets for you (an OAuth state cookie, a CSRF middleware's cookie) are
configured through that library's options, which are not read. A `Secure: false` behind a
TLS-terminating proxy that rewrites cookies is still reported.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import composite_fields, composite_type, string_of, unparen, words
from prodcheck.model import Area, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import generated_or_tool, view
from prodcheck.rules.go.security_helpers import selector_package, test_support

SESSION_WORDS = frozenset({"session", "sess", "sid", "sessid", "sessionid", "auth", "token", "jwt", "refresh",
                           "remember", "login", "access", "bearer", "identity", "credential", "credentials"})
COOKIE_TYPES = {("net/http", "Cookie"): ("HttpOnly", "Secure"),
                ("github.com/gofiber/fiber/v2", "Cookie"): ("HTTPOnly", "Secure"),
                ("github.com/gofiber/fiber/v3", "Cookie"): ("HTTPOnly", "Secure"),
                ("github.com/gofiber/fiber", "Cookie"): ("HTTPOnly", "Secure")}
SESSION_OPTIONS = frozenset({("github.com/gorilla/sessions", "Options"),
                             ("github.com/gin-contrib/sessions", "Options")})
GIN = "github.com/gin-gonic/gin"


def check(node, ctx):
    if generated_or_tool(ctx) or test_support(ctx):
        return
    if node.type == "composite_literal":
        yield from _literal(node, ctx)
    else:
        yield from _gin_set_cookie(node, ctx)


def _literal(node, ctx):
    file_view = view(ctx)
    kind = composite_type(node, file_view)
    fields = composite_fields(node)
    if kind in SESSION_OPTIONS:
        missing = _missing(fields, "HttpOnly", "Secure")
        if missing:
            yield ctx.finding(RULE, node, f"session cookie options without {' and '.join(missing)}")
        return
    flags = COOKIE_TYPES.get(kind)
    if flags is None:
        return
    name = _cookie_name(fields.get("Name"), node, ctx)
    if name is None or not _session_name(name):
        return
    missing = _missing(fields, *flags)
    same_site = fields.get("SameSite")
    if same_site is not None and file_view.text(same_site).endswith("SameSiteNoneMode") and "`Secure`" in missing:
        missing = [m if m != "`Secure`" else "`Secure` (required by SameSite=None)" for m in missing]
    if missing:
        yield ctx.finding(RULE, node, f"cookie `{name}` set without {' and '.join(missing)}")


def _missing(fields: dict, *flags: str) -> list[str]:
    """Flags absent or literally false; a flag given any other expression is configuration."""
    found = []
    for flag in flags:
        value = unparen(fields.get(flag))
        if value is None or value.type == "false":
            found.append(f"`{flag}`")
    return found


def _gin_set_cookie(call, ctx):
    file_view = view(ctx)
    operand, name = file_view.call_parts(call)
    args = file_view.arguments(call)
    if name != "SetCookie" or len(args) != 7 or operand is None or GIN not in file_view.imports.values():
        return
    if selector_package(unparen(operand), ctx)[0] or file_view.package_path(unparen(operand)):
        return                                    # a package function, not `c.SetCookie`
    cookie = _cookie_name(args[0], call, ctx)
    if cookie is None or not _session_name(cookie):
        return
    missing = [label for label, arg in (("secure", args[5]), ("httpOnly", args[6]))
               if unparen(arg) is not None and unparen(arg).type == "false"]
    if missing:
        yield ctx.finding(RULE, call, f"cookie `{cookie}` set with {' and '.join(m + '=false' for m in missing)}")


def _cookie_name(node, at, ctx) -> str | None:
    file_view = view(ctx)
    if node is None:
        return None
    return string_of(node, file_view.consts, at, file_view)


def _session_name(name: str) -> bool:
    tokens = set(words(name))
    joined = "".join(words(name))
    return bool(tokens & SESSION_WORDS) or joined in SESSION_WORDS or "session" in joined


RULE = NodeRule(
    id="GO-SEC-026", slug="insecure-cookie", area=Area.SEC,
    title="Session or auth cookie without Secure/HttpOnly",
    fix="Set `HttpOnly: true`, `Secure: true` and `SameSite: http.SameSiteLaxMode` (or Strict) on session "
        "and auth cookies; for local HTTP development, read `Secure` from configuration.",
    rows=("SEC-28",), doc=__doc__, cwe=("CWE-614", "CWE-1004"),
    stride=(Stride.INFORMATION_DISCLOSURE, Stride.SPOOFING),
    example_path="auth.go", visits=("composite_literal", "call_expression"), check=check,
    coverage="partial", coverage_note="SameSite alone and library-managed cookies are not checked",
)
