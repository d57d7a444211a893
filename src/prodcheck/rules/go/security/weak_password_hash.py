"""
## What it does
Flags passwords hashed with a fast digest: `md5.Sum(...)`, `sha1.Sum(...)`, `sha256.Sum256(...)`,
`sha512.Sum512(...)` (and the other fixed-size variants) over an expression that mentions a
password, and `h.Write(...)` / `io.WriteString(h, ...)` of a password into a hash made in the same
function with `md5.New()`, `sha1.New()`, `sha256.New()` or `sha512.New()`.

A value is a password when an identifier or field in the hashed expression is named like one
(`password`, `passwd`, `pwd`, `passphrase`); reset tokens and already-hashed values
(`passwordHash`, `resetToken`) are not.

## Why it matters
MD5 and the SHA families are built to be fast: a single GPU tries billions of candidates per
second, so a leaked table of such hashes (salted or not) gives up most real-world passwords in
hours (CWE-916). Password storage needs a deliberately slow, memory-hard function.

## Example
    package users

    import (
    	"crypto/sha256"
    	"encoding/hex"
    )

    func HashPassword(password, salt string) string {
    	sum := sha256.Sum256([]byte(salt + password))
    	return hex.EncodeToString(sum[:])
    }

## Use instead
    package users

    import "golang.org/x/crypto/bcrypt"

    func HashPassword(password string) (string, error) {
    	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
    	return string(hash), err
    }

## Known limitations
Implementations of password-hashing schemes themselves (a package or function named like
`bcrypt_pbkdf`, `pbkdf2`, `scrypt`, `md5crypt`, `digest` auth) are not reported. Only the names in the hashed expression are read: a password copied into a neutral variable
(`input := password; md5.Sum([]byte(input))`) is not traced. HMAC and PBKDF2 with a low
iteration count are not reported.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import function_name, local_value, unparen, walk_local, words
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import package_of, view

DIGESTS = {"crypto/md5": "MD5", "crypto/sha1": "SHA-1", "crypto/sha256": "SHA-256", "crypto/sha512": "SHA-512"}
SUMS = frozenset({"Sum", "Sum224", "Sum256", "Sum384", "Sum512", "Sum512_224", "Sum512_256"})
CONSTRUCTORS = frozenset({"New", "New224", "New384", "New512_224", "New512_256"})
PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "passcode", "pass"})
KDF_WORDS = frozenset({"kdf", "pbkdf", "pbkdf2", "bcrypt", "scrypt", "argon2", "hkdf", "crypt", "sha256crypt",
                       "sha512crypt", "md5crypt", "htpasswd", "digest"})
NOT_PASSWORD = frozenset({"hash", "hashed", "digest", "token", "reset", "policy", "length", "strength", "expiry",
                          "expires", "changed", "at", "url", "link", "template", "error", "message", "field",
                          "label", "min", "max", "regex", "pattern"})


def check(call, ctx):
    file_view = view(ctx)
    operand, name = file_view.call_parts(call)
    if name not in SUMS and name != "Write" and name != "WriteString":
        return                           # none of the hashing calls below
    if _implements_kdf(call, ctx):
        return
    operand = unparen(operand)
    args = file_view.arguments(call)
    if operand is None or not args:
        return
    package = package_of(operand, ctx)
    if package in DIGESTS and name in SUMS:
        if _mentions_password(args[0]):
            yield ctx.finding(RULE, call, f"password hashed with {DIGESTS[package]} (`{file_view.text(operand)}.{name}`): "
                                          f"a fast digest, not a password hash")
        return
    if name == "Write" and operand.type == "identifier":
        algorithm = _hash_object(file_view.text(operand), call, ctx)
        if algorithm and _mentions_password(args[0]):
            yield ctx.finding(RULE, call, f"password written into a {algorithm} hash: a fast digest, not a "
                                          f"password hash")
        return
    if package == "io" and name == "WriteString" and len(args) >= 2:
        target = unparen(args[0])
        if target is not None and target.type == "identifier":
            algorithm = _hash_object(file_view.text(target), call, ctx)
            if algorithm and _mentions_password(args[1]):
                yield ctx.finding(RULE, call, f"password written into a {algorithm} hash: a fast digest, not "
                                              f"a password hash")


def _implements_kdf(call, ctx) -> bool:
    """Inside a key-derivation or password-hashing implementation (bcrypt_pbkdf, pbkdf2, a
    package named so), where a digest over the password is the algorithm itself."""
    file_view = view(ctx)
    names = [file_view.package, function_name(file_view.outermost_function(call))]
    return any(set(words(n)) & KDF_WORDS for n in names if n)


def _hash_object(name: str, at, ctx) -> str:
    file_view = view(ctx)
    value = unparen(local_value(name, at, file_view))
    if value is None or value.type != "call_expression":
        return ""
    operand, made = file_view.call_parts(value)
    package = package_of(operand, ctx)
    return DIGESTS.get(package, "") if made in CONSTRUCTORS else ""


def _mentions_password(node) -> bool:
    return any(inner.type in ("identifier", "field_identifier") and _password_name(text_of(inner))
               for inner in [node, *walk_local(node)])


def _password_name(name: str) -> bool:
    tokens = set(words(name))
    return bool(tokens & PASSWORD_WORDS) and not tokens & NOT_PASSWORD


RULE = NodeRule(
    id="GO-SEC-020", slug="weak-password-hash", area=Area.SEC,
    title="Password hashed with a fast digest",
    fix="Hash passwords with `bcrypt.GenerateFromPassword` (golang.org/x/crypto/bcrypt) or "
        "`argon2.IDKey` with a random salt, and compare with `bcrypt.CompareHashAndPassword`.",
    rows=("SEC-25",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-916",),
    stride=(Stride.INFORMATION_DISCLOSURE, Stride.SPOOFING),
    example_path="main.go", visits=("call_expression",), check=check,
)
