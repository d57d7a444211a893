"""
## What it does
Flags `Math.random()` used to build a secret value: the result flows (in the same expression,
through the variable, property or argument it is assigned to, or out of the function that returns
it) into something named like a token, password, OTP, verification or reset code, nonce, salt,
session id, API key or CSRF token (`const resetToken = Math.random().toString(36).slice(2)`,
`function generateOtp() { return Math.floor(100000 + Math.random() * 900000) }`).

## Why it matters
`Math.random()` is not a cryptographic generator: V8's xorshift128+ state can be recovered from a
handful of outputs, so an attacker who sees a few values predicts the next ones, and a 6-digit
code or 11-character token has far less than the 128 bits of entropy a secret needs (CWE-338).
Predictable reset tokens, OTPs and session ids are account takeover.

## Example
    export function createResetToken(): string {
      return Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
    }

## Use instead
    import { randomBytes } from 'node:crypto';

    export function createResetToken(): string {
      return randomBytes(32).toString('base64url');
    }

## Known limitations
The value is followed only as far as the enclosing variable, property, argument or function
name: a random value stored under a neutral name (`const r = Math.random()`) and later used as a
token elsewhere is not reported. Browser code is checked too.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    FUNCTION_TYPES, arguments_of, call_parts, function_name, member_names, words,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import string_value, text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import view

SECRET_WORDS = frozenset({"token", "tokens", "secret", "secrets", "password", "passwd", "pwd", "otp",
                          "totp", "hotp", "nonce", "salt", "csrf", "xsrf", "passphrase", "passcode",
                          "credential", "credentials", "sessionid", "sid", "apikey", "pin"})
CODE_QUALIFIERS = frozenset({"verification", "verify", "reset", "confirm", "confirmation", "auth",
                             "login", "invite", "invitation", "activation", "sms", "email", "mfa",
                             "security", "access", "recovery", "magic", "one", "signup", "2fa",
                             "twofactor", "unlock"})
KEY_QUALIFIERS = frozenset({"api", "secret", "private", "access", "signing", "encryption", "session",
                            "auth", "hmac", "license", "activation"})


def check(call, ctx):
    receiver, method = view(ctx).call_parts(call)
    if method != "random" or view(ctx).member_names(receiver) != ["Math"] or view(ctx).arguments(call):
        return
    if view(ctx).lookup("Math", call) is not None:
        return
    name = _secret_name(call)
    if name:
        yield ctx.finding(RULE, call, f"`Math.random()` builds `{name}`: use `crypto.randomBytes`/"
                                      f"`crypto.randomInt` for secrets")


def _secret_name(node) -> str:
    """The secret-looking name the value built around `node` is given, or ""."""
    current = node
    while current is not None:
        parent = current.parent
        if parent is None:
            return ""
        kind = parent.type
        name = ""
        if kind == "variable_declarator":
            target = parent.child_by_field_name("name")
            name = text_of(target) if target is not None and target.type == "identifier" else ""
        elif kind in ("assignment_expression", "augmented_assignment_expression"):
            names = member_names(parent.child_by_field_name("left"))
            name = names[-1] if names else ""
        elif kind == "pair":
            name = text_of(parent.child_by_field_name("key")).strip("'\"")
        elif kind in ("public_field_definition", "field_definition"):
            key = parent.child_by_field_name("name") or parent.child_by_field_name("property")
            name = text_of(key)
        elif kind == "arguments":
            call = parent.parent
            args = arguments_of(call)
            label = string_value(args[0]) if args else None
            _, method = call_parts(call)
            if label and method in ("cookie", "setHeader", "set", "setItem", "header") and args[0] is not current:
                name = label
        elif kind in FUNCTION_TYPES:
            return _function_secret(parent)
        if name and _is_secret(name):
            return name
        if kind in ("program", "class_body"):
            return ""
        current = parent
    return ""


def _function_secret(func) -> str:
    name = function_name(func, None)
    if func.type == "method_definition":
        name = text_of(func.child_by_field_name("name"))
    return name if name and _is_secret(name) else ""


def _is_secret(name: str) -> bool:
    tokens = set(words(name))
    if tokens & SECRET_WORDS:
        return True
    if "session" in tokens and tokens & {"id", "key"}:
        return True
    if "code" in tokens and tokens & CODE_QUALIFIERS:
        return True
    if "key" in tokens and tokens & KEY_QUALIFIERS:
        return True
    return False


RULE = NodeRule(
    id="JS-SEC-021", slug="insecure-randomness-for-secrets", area=Area.SEC,
    title="Math.random() used for a secret",
    fix="Use the CSPRNG: `crypto.randomBytes(32).toString('base64url')` for tokens, "
        "`crypto.randomInt(0, 1_000_000)` for numeric codes, `crypto.randomUUID()` for ids.",
    rows=("SEC-26",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-338",), stride=(Stride.SPOOFING,),
    example_path="tokens.ts", visits=("call_expression",), check=check,
)
