"""
## What it does
Flags JSON Web Tokens read without checking who signed them (PyJWT and python-jose):
- `jwt.decode(token, options={"verify_signature": False})`, python-jose
  `jwt.get_unverified_claims(token)`, and PyJWT 1.x `jwt.decode(token, verify=False)`, when the
  claims are used for more than reading the expiry or picking a key;
- `algorithms=["none"]`, which accepts unsigned tokens;
- (MEDIUM confidence) `jwt.decode(token, key)` without `algorithms=` (PyJWT 1.x and python-jose
  then accept whatever algorithm the token names), and an `algorithms` list that mixes HMAC
  (`HS256`) with public-key algorithms (`RS256`), which opens algorithm confusion.

## Why it matters
A JWT is only as trustworthy as its signature check. Without it anyone can write
`{"sub": "admin"}` into a token and be that user. Letting the token choose its algorithm is nearly
as bad: `none` needs no key, and an HMAC check keyed with the RSA public key (which is public) can
be satisfied by anyone.

## Example
    import jwt
    from fastapi import Header, HTTPException


    def current_user_id(authorization: str = Header()):
        token = authorization.removeprefix("Bearer ")
        claims = jwt.decode(token, options={"verify_signature": False})
        if "sub" not in claims:
            raise HTTPException(status_code=401)
        return claims["sub"]

## Use instead
    import jwt
    from fastapi import Header, HTTPException

    from settings import JWT_PUBLIC_KEY


    def current_user_id(authorization: str = Header()):
        token = authorization.removeprefix("Bearer ")
        claims = jwt.decode(token, JWT_PUBLIC_KEY, algorithms=["RS256"], audience="orders-api")
        if "sub" not in claims:
            raise HTTPException(status_code=401)
        return claims["sub"]

## Known limitations
Not reported: an unverified decode in a function that also decodes with verification (reading `iss`
or `kid` to pick the key first), claims used only for `exp`/`iat`/`nbf`/`kid`/`iss` (client code
refreshing its own token), functions named for expiry checks or debugging, `get_unverified_header`,
`options` built elsewhere, and `verify_exp`/`verify_aud` switched off. `authlib` and `jwcrypto`
are not checked.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import (
    argument, const_str, const_str_list, keyword, may_pass_keyword, walk_local,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import innermost_function, literal_bool, words_of
from prodcheck.rules.python.helpers import parent_of, qualified

PYJWT_DECODE = frozenset({"jwt.decode", "jwt.api_jwt.decode", "jwt.PyJWT().decode", "jwt.api_jwt.PyJWT().decode",
                          "jwt.decode_complete", "jwt.api_jwt.decode_complete"})
JOSE_DECODE = frozenset({"jose.jwt.decode"})
UNVERIFIED_CLAIMS = frozenset({"jose.jwt.get_unverified_claims"})
HMAC_PREFIX = "HS"
PUBLIC_KEY_PREFIXES = ("RS", "ES", "PS", "ED")
SAFE_CLAIMS = frozenset({"exp", "iat", "nbf", "kid", "iss", "alg", "typ", "jku", "x5u", "x5t"})
NOT_AUTH_FUNCTION_WORDS = frozenset({"expired", "expiry", "expires", "expiration", "exp", "ttl", "lifetime",
                                     "peek", "inspect", "debug", "remaining", "age", "describe", "unverified"})
METHODS = frozenset({"decode", "decode_complete", "get_unverified_claims"})


def check(call: ast.Call, ctx):
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in METHODS:
        return
    name = qualified(ctx, func)
    if name in UNVERIFIED_CLAIMS:
        if not _harmless_unverified(call, ctx):
            yield ctx.finding(RULE, call, "`jwt.get_unverified_claims()` trusts claims whose signature was "
                                          "never checked")
        return
    if name not in PYJWT_DECODE and name not in JOSE_DECODE:
        return
    label = "jwt.decode" if name.endswith(".decode") else "jwt.decode_complete"
    disabled = _signature_disabled(call)
    if disabled:
        if not _harmless_unverified(call, ctx):
            yield ctx.finding(RULE, call, f"`{label}()` with {disabled} accepts tokens anyone can forge",
                              confidence=Confidence.MEDIUM if "PyJWT 1.x" in disabled else None)
        return
    algorithms = argument(call, 2, "algorithms") if name in PYJWT_DECODE else keyword(call, "algorithms")
    listed = _algorithms(algorithms)
    if listed is not None and any(a.lower() == "none" for a in listed):
        yield ctx.finding(RULE, call, f"`{label}()` accepts the `none` algorithm: unsigned tokens pass")
        return
    if listed is not None and any(a.upper().startswith(HMAC_PREFIX) for a in listed) \
            and any(a.upper().startswith(PUBLIC_KEY_PREFIXES) for a in listed):
        yield ctx.finding(RULE, call, f"`{label}()` accepts both HMAC and public-key algorithms "
                                      f"({', '.join(listed)}): algorithm confusion", confidence=Confidence.MEDIUM)
        return
    position = 2 if name in PYJWT_DECODE else None
    if algorithms is None and not may_pass_keyword(call, "algorithms", position):
        yield ctx.finding(RULE, call, f"`{label}()` without `algorithms=` lets the token choose its algorithm",
                          confidence=Confidence.MEDIUM,
                          fix="Pin the algorithm you issue tokens with: `algorithms=[\"RS256\"]` (or "
                              "`[\"HS256\"]`).")


def _signature_disabled(call: ast.Call) -> str:
    options = keyword(call, "options")
    if isinstance(options, ast.Dict):
        for key, value in zip(options.keys, options.values):
            if const_str(key) == "verify_signature" and literal_bool(value) is False:
                return "`verify_signature: False`"
    if isinstance(options, ast.Call) and isinstance(options.func, ast.Name) and options.func.id == "dict":
        if literal_bool(keyword(options, "verify_signature")) is False:
            return "`verify_signature=False`"
    if literal_bool(keyword(call, "verify")) is False:
        return "`verify=False` (PyJWT 1.x)"
    return ""


def _algorithms(node: ast.AST | None) -> list[str] | None:
    text = const_str(node)
    if text is not None:
        return [text]
    return const_str_list(node)


def _harmless_unverified(call: ast.Call, ctx) -> bool:
    """A two-step decode (peek, then verify), a client reading its own token's expiry, or a
    debugging helper."""
    function = innermost_function(ctx, call)
    if function is None or isinstance(function, ast.Lambda):
        return False
    if set(words_of(function.name)) & NOT_AUTH_FUNCTION_WORDS:
        return True
    if any(isinstance(n, ast.Call) and n is not call and _verified_decode(n, ctx) for n in walk_local(function)):
        return True
    parent = parent_of(ctx, call)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return _only_safe_claims(function, parent.targets[0].id, ctx)
    if isinstance(parent, ast.Subscript) and const_str(parent.slice) in SAFE_CLAIMS:
        return True
    return False


def _verified_decode(call: ast.Call, ctx) -> bool:
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in ("decode", "decode_complete"):
        return False
    name = qualified(ctx, call.func)
    return (name in PYJWT_DECODE or name in JOSE_DECODE) and not _signature_disabled(call)


def _only_safe_claims(function: ast.AST, variable: str, ctx) -> bool:
    """Every read of `variable` is `variable["exp"]` or `variable.get("kid")` (and the like)."""
    uses = 0
    for node in walk_local(function):
        if not isinstance(node, ast.Name) or node.id != variable or not isinstance(node.ctx, ast.Load):
            continue
        uses += 1
        parent = parent_of(ctx, node)
        if isinstance(parent, ast.Subscript) and const_str(parent.slice) in SAFE_CLAIMS:
            continue
        if isinstance(parent, ast.Attribute) and parent.attr == "get":
            call = parent_of(ctx, parent)
            if isinstance(call, ast.Call) and call.args and const_str(call.args[0]) in SAFE_CLAIMS:
                continue
        return False
    return uses > 0


RULE = NodeRule(
    id="PY-SEC-022", slug="jwt-without-verification", area=Area.SEC,
    title="JWT decoded without verifying its signature or pinning the algorithm",
    fix="Decode with the verification key and a pinned algorithm list "
        "(`jwt.decode(token, key, algorithms=[\"RS256\"], audience=...)`) and never trust unverified claims.",
    rows=("SEC-23",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-347",),
    stride=(Stride.SPOOFING, Stride.ELEVATION_OF_PRIVILEGE), example_path="app.py",
    coverage="partial", coverage_note="exp/aud/iss validation and authlib/jwcrypto are not checked",
    visits=(ast.Call,), check=check,
)
