"""
## What it does
Flags passwords stored with a fast hash instead of a password-hashing function:
- `hashlib.md5/sha1/sha256/sha512/blake2b/new(...)` (or `.update(...)` on such a hash) applied to a
  value named like a password (`password`, `new_password`, `user.passwd`,
  `request.form["password"]`), also with a salt concatenated;
- Werkzeug `generate_password_hash(pw, method="sha256")` (or `md5`, `sha1`, `plain`);
- passlib: a weak scheme as the default of a `CryptContext(schemes=[...])` or called directly
  (`passlib.hash.hex_md5.hash(pw)`, `md5_crypt`, `ldap_sha1`, `plaintext`, ...);
- Django `PASSWORD_HASHERS` whose first (default) entry is an MD5, SHA1, unsalted or crypt hasher.

## Why it matters
MD5, SHA-1 and SHA-256 are built to be fast: a single GPU tries billions of candidates per second,
so a leaked table of such hashes is cracked almost entirely within hours, salt or not. bcrypt,
scrypt, Argon2 and PBKDF2 with a high work factor make each guess expensive.

## Example
    import hashlib


    def store_password(user, password):
        user.password_hash = hashlib.sha256(password.encode()).hexdigest()
        user.save()

## Use instead
    from argon2 import PasswordHasher

    hasher = PasswordHasher()


    def store_password(user, password):
        user.password_hash = hasher.hash(password)
        user.save()

## Known limitations
Only values whose name ends in password/passwd/pwd/passphrase count (`hashed_password`,
`password_reset_token` do not). Not reported: a function that also calls a password hasher
(bcrypt, Argon2, scrypt, PBKDF2, passlib, Django `make_password`, Werkzeug), which covers pre-hashing
before bcrypt and rehashing legacy hashes; hashes marked `usedforsecurity=False`; files that query
the Have I Been Pwned range API (SHA-1 by design); weak hashers listed after a strong default in
`PASSWORD_HASHERS` (kept to verify old hashes) and hashers set in development or test settings.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import (
    argument, const_str, const_str_list, dotted, keyword, walk_local,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import (
    innermost_function, literal_bool, settings_module, under_dev_guard, words_of,
)
from prodcheck.rules.python.helpers import bound_constructor, parent_of, qualified

FAST_HASHES = frozenset({
    "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_224", "sha3_256", "sha3_384",
    "sha3_512", "blake2b", "blake2s", "new",
})
FAST_HASH_NAMES = frozenset({f"hashlib.{name}" for name in FAST_HASHES} | {
    f"{package}.Hash.{algorithm}.new" for package in ("Crypto", "Cryptodome")
    for algorithm in ("MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512", "SHA3_256", "SHA3_512")
})
PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "passwort"})
NOT_PASSWORD_WORDS = frozenset({"hash", "hashed", "digest", "salt", "encrypted", "reset", "len", "length",
                                "policy", "field", "label", "url", "prompt", "hint", "min", "max"})
STRONG_KDF_PREFIXES = ("bcrypt.", "argon2.", "passlib.", "scrypt.", "pwdlib.", "nacl.pwhash.",
                       "Crypto.Protocol.KDF.", "Cryptodome.Protocol.KDF.",
                       "cryptography.hazmat.primitives.kdf.")
STRONG_KDF_NAMES = frozenset({
    "hashlib.pbkdf2_hmac", "hashlib.scrypt", "django.contrib.auth.hashers.make_password",
    "django.contrib.auth.hashers.check_password", "werkzeug.security.generate_password_hash",
    "werkzeug.security.check_password_hash", "werkzeug.generate_password_hash",
})
WEAK_WERKZEUG_METHODS = ("plain", "md5", "sha1", "sha224", "sha256", "sha384", "sha512")
WEAK_PASSLIB_SCHEMES = frozenset({
    "md5_crypt", "apr_md5_crypt", "sun_md5_crypt", "hex_md5", "hex_sha1", "hex_sha256", "hex_sha512",
    "ldap_md5", "ldap_sha1", "ldap_salted_md5", "ldap_salted_sha1", "ldap_plaintext", "plaintext",
    "des_crypt", "bsdi_crypt", "bigcrypt", "crypt16", "mysql323", "mysql41", "postgres_md5",
    "oracle10", "oracle11", "msdcc", "msdcc2", "nthash", "lmhash", "django_salted_md5",
    "django_salted_sha1", "django_des_crypt", "django_disabled", "htdigest", "roundup_plaintext",
})
WEAK_DJANGO_HASHERS = ("MD5PasswordHasher", "SHA1PasswordHasher", "UnsaltedMD5PasswordHasher",
                       "UnsaltedSHA1PasswordHasher", "CryptPasswordHasher")
PWNED_MARKERS = ("pwnedpasswords", "haveibeenpwned", "hibp")


def check(node: ast.AST, ctx):
    if isinstance(node, ast.Assign):
        yield from _django_hashers(node, ctx)
        return
    call = node
    func = call.func
    attr = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if attr in FAST_HASHES or attr == "update" or attr == "new":
        yield from _fast_hash(call, ctx)
    elif attr == "generate_password_hash":
        yield from _werkzeug(call, ctx)
    elif attr == "CryptContext" or attr in ("hash", "encrypt"):
        yield from _passlib(call, ctx)


# ---------------------------------------------------------------- hashlib

def _fast_hash(call: ast.Call, ctx):
    data, algorithm = _hashed_data(call, ctx)
    if data is None or _deliberately_fast(call, ctx):
        return
    password = _password_part(data)
    if not password:
        return
    yield ctx.finding(RULE, call, f"`{password}` is hashed with fast {algorithm}; use a password "
                                  "hashing function (Argon2, bcrypt, scrypt or PBKDF2)")


def _hashed_data(call: ast.Call, ctx) -> tuple[ast.expr | None, str]:
    """The data a hash constructor or `.update()` consumes, and the algorithm's name."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "update":
        receiver = func.value
        made = qualified(ctx, receiver.func) if isinstance(receiver, ast.Call) else bound_constructor(ctx, receiver)
        if made not in FAST_HASH_NAMES:
            return None, ""
        ctor = receiver if isinstance(receiver, ast.Call) else None
        return (call.args[0] if call.args else None), _algorithm(made, ctor)
    name = qualified(ctx, func)
    if name not in FAST_HASH_NAMES:
        return None, ""
    if name == "hashlib.new":
        return argument(call, 1, "data"), _algorithm(name, call)
    data = argument(call, 0, "data") or keyword(call, "string")
    return data, _algorithm(name, call)


def _algorithm(name: str, ctor: ast.Call | None) -> str:
    if name == "hashlib.new":
        text = const_str(ctor.args[0]) if ctor is not None and ctor.args else None
        return (text or "hash").upper()
    if name.startswith("hashlib."):
        return name.split(".")[-1].upper()
    return name.split(".")[-2]


def _password_part(data: ast.AST) -> str:
    """The source name of a password inside the hashed expression, or ""."""
    for node in [data, *walk_local(data)]:
        name = ""
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.Subscript):
            name = const_str(node.slice) or ""
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and node.args:
            name = const_str(node.args[0]) or ""
        if name and _is_password_name(name):
            return dotted(node) or name
    return ""


def _is_password_name(name: str) -> bool:
    words = words_of(name)
    return bool(words) and words[-1] in PASSWORD_WORDS and not set(words) & NOT_PASSWORD_WORDS


def _deliberately_fast(call: ast.Call, ctx) -> bool:
    """`usedforsecurity=False`, a password hasher in the same function (pre-hashing, legacy
    migration), or a Have I Been Pwned lookup in the file."""
    ctor = call.func.value if isinstance(call.func, ast.Attribute) and call.func.attr == "update" else call
    if isinstance(ctor, ast.Call) and literal_bool(keyword(ctor, "usedforsecurity")) is False:
        return True
    if _mentions_pwned(ctx):
        return True
    scope = innermost_function(ctx, call)
    return scope is not None and _uses_strong_kdf(scope, ctx)


def _mentions_pwned(ctx) -> bool:
    key = "python.weak_password_hash.pwned"
    if key not in ctx.data:
        text = ctx.file.text.lower()
        ctx.data[key] = any(marker in text for marker in PWNED_MARKERS)
    return ctx.data[key]


def _uses_strong_kdf(scope: ast.AST, ctx) -> bool:
    key = f"python.weak_password_hash.kdf.{id(scope)}"
    if key not in ctx.data:
        ctx.data[key] = any(isinstance(n, ast.Call) and _is_strong_kdf(qualified(ctx, n.func))
                            for n in walk_local(scope))
    return ctx.data[key]


def _is_strong_kdf(name: str) -> bool:
    return name in STRONG_KDF_NAMES or name.startswith(STRONG_KDF_PREFIXES) and "md5" not in name \
        and not any(f".{scheme}." in f".{name}." for scheme in WEAK_PASSLIB_SCHEMES)


# ---------------------------------------------------------------- werkzeug, passlib

def _werkzeug(call: ast.Call, ctx):
    if not qualified(ctx, call.func).startswith("werkzeug"):
        return
    method = const_str(argument(call, 1, "method"))
    if method is None or not method.lower().startswith(WEAK_WERKZEUG_METHODS):
        return
    yield ctx.finding(RULE, call, f"`generate_password_hash(method=\"{method}\")` stores the password "
                                  "with a fast hash (or in plain text)")


def _passlib(call: ast.Call, ctx):
    name = qualified(ctx, call.func)
    if name == "passlib.context.CryptContext":
        schemes = const_str_list(keyword(call, "schemes"))
        default = const_str(keyword(call, "default"))
        chosen = default or (schemes[0] if schemes else None)
        if chosen in WEAK_PASSLIB_SCHEMES:
            yield ctx.finding(RULE, call, f"passlib hashes new passwords with the weak `{chosen}` scheme")
        return
    parts = name.split(".")
    if name.startswith("passlib.hash.") and len(parts) == 4 and parts[2] in WEAK_PASSLIB_SCHEMES:
        yield ctx.finding(RULE, call, f"passlib `{parts[2]}` is not a password hashing scheme")


# ---------------------------------------------------------------- Django settings

def _django_hashers(node: ast.Assign, ctx):
    if not any(isinstance(t, ast.Name) and t.id == "PASSWORD_HASHERS" for t in node.targets):
        return
    if not isinstance(parent_of(ctx, node), ast.Module) or not settings_module(ctx) \
            or under_dev_guard(ctx, node):
        return
    if not isinstance(node.value, (ast.List, ast.Tuple)) or not node.value.elts:
        return
    first = const_str(node.value.elts[0])
    if first is None or first.rsplit(".", 1)[-1] not in WEAK_DJANGO_HASHERS:
        return
    yield ctx.finding(RULE, node.value.elts[0], f"`PASSWORD_HASHERS` hashes new passwords with "
                                                f"`{first.rsplit('.', 1)[-1]}`",
                      fix="Put `Argon2PasswordHasher` (or `PBKDF2PasswordHasher`) first in "
                          "`PASSWORD_HASHERS`; keep the old hasher later in the list only to verify "
                          "existing hashes.")


RULE = NodeRule(
    id="PY-SEC-020", slug="weak-password-hash", area=Area.SEC,
    title="Password hashed with a fast hash (MD5/SHA-1/SHA-256)",
    fix="Hash passwords with Argon2 (`argon2-cffi`), bcrypt, scrypt or PBKDF2 (Django `make_password`, "
        "Werkzeug `generate_password_hash` with its default method).",
    rows=("SEC-25",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-916",),
    stride=(Stride.INFORMATION_DISCLOSURE, Stride.SPOOFING), example_path="app.py",
    coverage="partial", coverage_note="plaintext password storage and bcrypt cost factors are not checked",
    visits=(ast.Call, ast.Assign), check=check,
)
