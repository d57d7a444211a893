"""
## What it does
Flags passwords hashed with a fast, general-purpose digest:
`crypto.createHash('md5' | 'sha1' | 'sha256' | 'sha512' | ...).update(password)` (also through a
variable holding the hash object, and with the password inside a template or concatenation such
as `salt + password`), and the `md5`, `sha1`, `js-sha256`/`js-sha512` and `crypto-js`
(`CryptoJS.SHA256(password)`) helpers called on a password.

A value is a password when an identifier or property in the hashed expression is named like one
(`password`, `passwd`, `pwd`, `passphrase`); reset tokens and already-hashed values
(`resetToken`, `passwordHash`) are not.

## Why it matters
MD5 and the SHA families are built to be fast: a single GPU tries billions of candidates per
second, so a leaked table of such hashes (salted or not) gives up most real-world passwords in
hours (CWE-916). Password storage needs a deliberately slow, memory-hard function.

## Example
    import { createHash } from 'node:crypto';

    export function hashPassword(password: string, salt: string): string {
      return createHash('sha256').update(salt + password).digest('hex');
    }

## Use instead
    import argon2 from 'argon2';

    export function hashPassword(password: string): Promise<string> {
      return argon2.hash(password, { type: argon2.argon2id });
    }

A digest that only pre-hashes the password for a slow hash (`password = sha512(password)` before
bcrypt, or a function that also mentions bcrypt/argon2/scrypt/pbkdf2 or rounds) is not reported.

## Known limitations
Only the names in the hashed expression are read: a password renamed to a neutral variable
(`const input = password; hash.update(input)`) is not traced. HMAC (`createHmac`) of a password is
not reported.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    body_of, callee, enclosing_function, unwrap, walk_local, words,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import string_value, text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import view

PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "pass", "passcode"})
NOT_PASSWORD = frozenset({"token", "reset", "hash", "hashed", "digest", "policy", "length", "strength",
                          "field", "label", "placeholder", "regex", "pattern", "min", "max", "expiry",
                          "expires", "changed", "at", "url", "link", "template", "error", "message"})
HASH_PACKAGES = {"md5": "md5", "blueimp-md5": "md5", "sha1": "sha1", "js-sha256": "sha256",
                 "js-sha512": "sha512", "js-sha1": "sha1", "hash.js": "sha", "object-hash": "sha1"}
SLOW_HASH_WORDS = frozenset({"bcrypt", "bcryptjs", "argon", "argon2", "argon2id", "scrypt", "pbkdf2", "rounds",
                             "cost"})
CRYPTO_JS = frozenset({"MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512", "SHA3", "RIPEMD160"})


def check(call, ctx):
    receiver, method = view(ctx).call_parts(call)
    args = view(ctx).arguments(call)
    if not args:
        return
    if method == "update" and receiver is not None:
        algorithm = _hash_algorithm(receiver, ctx)
        if algorithm and _mentions_password(args[0]) and not _prehash(call):
            yield ctx.finding(RULE, call, f"password hashed with `{algorithm}`: a fast digest, not a "
                                          f"password hash")
        return
    function = callee(call)
    if function is None:
        return
    v = view(ctx)
    names = view(ctx).member_names(function)
    if len(names) == 1:
        binding = v.binding(names[0], call)
        if binding is not None and binding.spec in HASH_PACKAGES and _mentions_password(args[0]):
            yield ctx.finding(RULE, call, f"password hashed with `{names[0]}()` "
                                          f"({HASH_PACKAGES[binding.spec]}): a fast digest")
        return
    if len(names) == 2 and names[1] in CRYPTO_JS:
        binding = v.binding(names[0], call)
        if binding is not None and binding.spec.startswith("crypto-js") and _mentions_password(args[0]):
            yield ctx.finding(RULE, call, f"password hashed with `{names[0]}.{names[1]}()`: a fast digest")


def _prehash(call) -> bool:
    """A digest fed to a slow hash next (SHA-512 before bcrypt's 72-byte limit): the enclosing
    function mentions bcrypt/argon2/scrypt/pbkdf2 or work-factor rounds, or the digest replaces
    the password variable itself (`password = sha512(password)`)."""
    func = enclosing_function(call)
    top = call
    while top.parent is not None and top.parent.type in ("call_expression", "member_expression", "arguments"):
        top = top.parent
    parent = top.parent
    if parent is not None and parent.type == "assignment_expression":
        target = set(words(text_of(parent.child_by_field_name("left"))))
        if target & PASSWORD_WORDS:
            return True
    if func is None:
        return False
    for node in walk_local(body_of(func)):
        if node.type in ("identifier", "property_identifier", "string_fragment"):
            if set(words(text_of(node))) & SLOW_HASH_WORDS:
                return True
    return False


def _hash_algorithm(receiver, ctx) -> str:
    """The algorithm of `createHash(alg)` behind `receiver` (a call or a local variable)."""
    node = unwrap(receiver)
    for _ in range(3):
        if node is None:
            return ""
        if node.type == "identifier":
            node = unwrap(view(ctx).value_of(text_of(node), node))
            continue
        if node.type == "call_expression":
            inner_receiver, method = view(ctx).call_parts(node)
            if method == "createHash":
                args = view(ctx).arguments(node)
                return (string_value(args[0]) or "a digest") if args else "a digest"
            if method == "update" and inner_receiver is not None:
                node = unwrap(inner_receiver)
                continue
        return ""
    return ""


def _mentions_password(node) -> bool:
    node = unwrap(node)
    if node is None:
        return False
    for inner in [node, *walk_local(node)]:
        if inner.type in ("identifier", "property_identifier", "shorthand_property_identifier"):
            tokens = set(words(text_of(inner)))
            if tokens & PASSWORD_WORDS and not tokens & NOT_PASSWORD:
                return True
    return False


RULE = NodeRule(
    id="JS-SEC-020", slug="weak-password-hash", area=Area.SEC,
    title="Password hashed with a fast digest",
    fix="Hash passwords with argon2id (`argon2.hash`), bcrypt (`bcrypt.hash(password, 12)`) or "
        "`crypto.scrypt`, and compare with the library's verify function.",
    rows=("SEC-25",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-916",), stride=(Stride.INFORMATION_DISCLOSURE,),
    example_path="passwords.ts", visits=("call_expression",), check=check,
)
