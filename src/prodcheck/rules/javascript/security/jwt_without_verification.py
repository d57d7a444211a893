"""
## What it does
Flags JSON Web Tokens trusted without a proper signature check:
- `jwt.decode(token)` (jsonwebtoken), `jwtDecode(token)` (jwt-decode), jose's `decodeJwt(token)`
  or NestJS `jwtService.decode(token)` inside authentication code: an Express-style middleware
  `(req, res, next)`, a Fastify hook, a NestJS guard's `canActivate`, a Passport strategy's
  `validate`, or a function named like auth (`authenticate`, `verifyToken`, `requireAuth`, ...),
  when that code never calls a verifying function (`jwt.verify`, `jwtVerify`,
  `verifyAsync`, ...);
- `jwt.verify(token, key, { algorithms: [..., 'none'] })`, which accepts unsigned tokens;
- `jwt.verify(token, key, { ignoreExpiration: true })`, which accepts expired tokens forever.

## Why it matters
`decode` only base64-decodes the token: anyone can write a token claiming to be any user, and code
that authenticates with the decoded claims lets them in (CWE-347). Accepting the `none`
algorithm has the same effect; ignoring expiry makes a leaked token valid forever.

## Example
    import jwt from 'jsonwebtoken';
    import type { NextFunction, Request, Response } from 'express';

    export function authenticate(req: Request, res: Response, next: NextFunction) {
      const token = req.headers.authorization?.replace('Bearer ', '') ?? '';
      const claims = jwt.decode(token) as { sub: string } | null;
      if (!claims) return res.sendStatus(401);
      res.locals.userId = claims.sub;
      next();
    }

## Use instead
    import jwt from 'jsonwebtoken';
    import type { NextFunction, Request, Response } from 'express';

    export function authenticate(req: Request, res: Response, next: NextFunction) {
      const token = req.headers.authorization?.replace('Bearer ', '') ?? '';
      try {
        const claims = jwt.verify(token, process.env.JWT_PUBLIC_KEY!, { algorithms: ['RS256'] }) as { sub: string };
        res.locals.userId = claims.sub;
        next();
      } catch {
        res.sendStatus(401);
      }
    }

## Known limitations
A `decode` in a helper that an auth middleware calls is not traced back; the helper is reported
only when its own name looks like authentication. Algorithm confusion (an HS256 secret used to
verify RS256 tokens) is not checked.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    FUNCTION_TYPES, body_of, call_parts, callee, enclosing_class_name, function_name,
    object_pairs, params_of, resolve_object, strings_of, unwrap, walk_local, words,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import view

JWT_PACKAGES = frozenset({"jsonwebtoken"})
DECODERS = {"jwt-decode": frozenset({"default", "jwtDecode", "jwt_decode"}), "jose": frozenset({"decodeJwt"}),
            "jsonwebtoken": frozenset({"decode"})}
VERIFIERS = frozenset({"verify", "verifyAsync", "jwtVerify", "verifyIdToken", "verifyAccessToken",
                       "verifyToken", "verifyJwt", "verifyJWT", "validateToken", "compactVerify",
                       "authenticate", "verifySessionCookie"})
AUTH_FUNCTION_WORDS = frozenset({"auth", "authenticate", "authentication", "authorize", "authorization",
                                 "guard", "protect", "protected", "login", "session", "jwt", "bearer",
                                 "current", "principal", "identity"})


def check(call, ctx):
    v = view(ctx)
    receiver, method = view(ctx).call_parts(call)
    function = callee(call)
    if function is None:
        return
    label = ""
    if receiver is not None:
        names = view(ctx).member_names(receiver)
        binding = v.binding(names[0], call) if len(names) == 1 else None
        if binding is not None and binding.spec in JWT_PACKAGES:
            if method == "verify":
                yield from _verify_options(call, ctx, f"{names[0]}.verify")
                return
            if method == "decode":
                label = f"{names[0]}.decode()"
        elif binding is not None and binding.spec == "jose" and method == "decodeJwt":
            label = f"{names[0]}.decodeJwt()"
        elif method == "decode" and names and "jwt" in words(names[-1]) and names[0] != "Buffer":
            label = f"{'.'.join(names)}.decode()"
    elif function.type == "identifier":
        name = text_of(function)
        binding = v.binding(name, call)
        if binding is not None and binding.spec in DECODERS and binding.name in DECODERS[binding.spec]:
            label = f"{name}()"
        elif binding is not None and binding.spec in JWT_PACKAGES and binding.name == "verify":
            yield from _verify_options(call, ctx, name)
            return
    if not label:
        return
    where = _auth_context(call)
    if not where:
        return
    yield ctx.finding(RULE, call, f"`{label}` reads the token without checking its signature in {where}")


def _verify_options(call, ctx, label: str):
    args = view(ctx).arguments(call)
    if len(args) < 3:
        return
    options = object_pairs(resolve_object(args[2], view(ctx)))
    algorithms = strings_of(options.get("algorithms")) if "algorithms" in options else None
    if algorithms and any(a.lower() == "none" for a in algorithms):
        yield ctx.finding(RULE, call, f"`{label}()` accepts the `none` algorithm: unsigned tokens pass")
        return
    ignore = unwrap(options.get("ignoreExpiration"))
    if ignore is not None and ignore.type == "true":
        yield ctx.finding(RULE, call, f"`{label}()` sets `ignoreExpiration: true`: expired tokens stay valid",
                          confidence=Confidence.MEDIUM)


def _auth_context(call) -> str:
    """A description of the authentication code around `call`, or "" when it is not in one (or
    that code also verifies a token)."""
    found = ""
    current = call.parent
    functions = []
    while current is not None:
        if current.type in FUNCTION_TYPES:
            functions.append(current)
        current = current.parent
    for func in functions:
        described = _describe(func)
        if described:
            found = described
            break
    if not found:
        return ""
    for func in functions:
        if _verifies(func):
            return ""
    return found


def _describe(func) -> str:
    params = [name for name, _ in params_of(func)]
    lowered = [p.lower().lstrip("_") for p in params]
    if len(lowered) >= 3 and lowered[0].startswith("req") and lowered[1].startswith("res") \
            and lowered[2] in ("next", "done", "cb", "callback"):
        return "a middleware"
    if len(lowered) >= 2 and lowered[0] in ("request", "req") and lowered[1] == "reply":
        return "a request hook"
    name = function_name(func, None) if func.type != "method_definition" else text_of(func.child_by_field_name("name"))
    owner = enclosing_class_name(func)
    if name == "canActivate":
        return f"guard `{owner or 'canActivate'}`"
    if name == "validate" and owner and "strategy" in words(owner):
        return f"strategy `{owner}`"
    if owner and "guard" in words(owner):
        return f"guard `{owner}`"
    if name and set(words(name)) & AUTH_FUNCTION_WORDS or name and _verb_auth(name):
        return f"`{name}`"
    return ""


def _verb_auth(name: str) -> bool:
    tokens = words(name)
    return len(tokens) >= 2 and tokens[0] in ("verify", "check", "require", "ensure", "get", "parse",
                                              "extract", "validate") \
        and tokens[-1] in ("user", "token", "caller", "claims", "principal", "identity")


def _verifies(func) -> bool:
    body = body_of(func)
    for node in [body, *walk_local(body)] if body is not None else []:
        if node.type == "call_expression":
            _, method = call_parts(node)
            if method in VERIFIERS:
                return True
    return False


RULE = NodeRule(
    id="JS-SEC-022", slug="jwt-without-verification", area=Area.SEC,
    title="JWT trusted without signature verification",
    fix="Verify the token with `jwt.verify(token, key, { algorithms: ['RS256'] })` (or jose's "
        "`jwtVerify`) before trusting its claims; never allow `none` or ignore expiry.",
    rows=("SEC-23",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-347",), stride=(Stride.SPOOFING, Stride.ELEVATION_OF_PRIVILEGE),
    example_path="auth.ts", visits=("call_expression",), check=check,
    coverage="partial", coverage_note="decode without verify, `none` and ignoreExpiration; algorithm confusion and aud/iss are not checked",
)
