"""When a name is secret-ish, and when a literal is a real secret rather than a placeholder.

Shared by the secrets rules; everything here is a pure function over strings, and the word lists
are data. The guiding rule is precision: a value only counts as a secret when nothing about it
says "example", "template" or "read from elsewhere".
"""
from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import PurePosixPath

# The last word of a name decides: `db_password` is a secret, `password_reset_url` is not.
SECRET_TAIL_WORDS = frozenset({
    "password", "passwd", "pwd", "secret", "token", "credential", "credentials", "passphrase",
    "apikey", "authorization", "privatekey", "secretkey", "accesskey", "authtoken", "clientsecret",
})
# `<qualifier>_key` is a secret; a bare `key`, `primary_key` or `cache_key` is not.
KEY_QUALIFIERS = frozenset({
    "api", "secret", "private", "access", "signing", "sign", "encryption", "encrypt", "master",
    "hmac", "app", "auth", "client", "service", "admin", "jwt", "webhook", "crypto", "aes",
    "cipher", "fernet", "storage", "account",
})
# Tokens that are not credentials: pagination cursors and anti-forgery tokens.
NON_SECRET_TOKEN_QUALIFIERS = frozenset({
    "page", "next", "prev", "previous", "continuation", "cursor", "sync", "csrf", "xsrf", "max",
    "num", "lexer", "cancellation",
})
# `DB_PASS`, `PGADMIN_PW`: `pass` and `pw` only count with a qualifier before them.
QUALIFIED_ONLY_TAIL_WORDS = frozenset({"pass", "pw"})
# One-word names: `PGPASSWORD`, `APIKEY`.
SINGLE_WORD_SUFFIXES = ("password", "passwd", "secret", "token", "apikey", "secretkey", "privatekey",
                        "accesskey")

_NAME_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def name_words(name: str) -> tuple[str, ...]:
    """`OAuth2ClientSecret` -> (o, auth, 2, client, secret); `DB_PASSWORD` -> (db, password)."""
    return tuple(word.lower() for word in _NAME_WORDS.findall(name))


def is_secret_name(name: str) -> bool:
    words = tuple(w for w in name_words(name) if not w.isdigit())
    if not words:
        return False
    last = words[-1]
    previous = words[-2] if len(words) > 1 else ""
    if last in SECRET_TAIL_WORDS:
        return not (last == "token" and previous in NON_SECRET_TOKEN_QUALIFIERS)
    if last == "key":
        return previous in KEY_QUALIFIERS
    if last in QUALIFIED_ONLY_TAIL_WORDS:
        return bool(previous)
    return len(words) == 1 and last.endswith(SINGLE_WORD_SUFFIXES)


# --- values -----------------------------------------------------------------------------------

_TEMPLATE = re.compile(
    r"\$\{|\$\(|\{\{|\}\}|\{%|%\(|%[sd]\b|#\{|@\{|\{\d*\}|<[^<>]*>|^\$[A-Za-z_{]|^%[A-Za-z_]+%$")
_ENV_LOOKUP = re.compile(
    r"os\.environ|os\.getenv|process\.env|getenv|import\.meta\.env|env\(|environ\[|secrets\.|"
    r"vault:|secretsmanager|ssm:|keyvault", re.I)
PLACEHOLDER_WORDS = frozenset({
    "none", "null", "nil", "true", "false", "undefined", "empty", "changeme", "secret", "password",
    "passwd", "token", "apikey", "api_key", "key", "test", "testing", "dummy", "example", "sample",
    "placeholder", "redacted", "default", "todo", "tbd", "fixme", "required", "optional", "string",
    "str", "value", "foo", "bar", "foobar", "abc", "abc123", "123456", "12345678", "password1",
    "password123", "admin", "root", "guest", "user", "pass", "pw", "dev", "local", "localhost",
})
PLACEHOLDER_MARKERS = (
    "changeme", "change_me", "change-me", "changeit", "change_this", "change-this", "changethis",
    "replace_me", "replace-me", "replaceme", "replace_with", "your", "example", "dummy", "placeholder",
    "sample",
    "fake", "redacted", "xxxx", "***", "...", "\u2026", "todo", "fixme", "notreal", "not-real",
    "not_real", "not-a-", "not_a_", "do-not-use", "do_not_use", "donotuse", "insert", "mock", "test",
    "lorem", "<", ">",
)
SECRET_WORDS_IN_VALUES = ("password", "passwd", "secret", "token", "apikey", "api_key", "api-key",
                          "private_key", "credential")
KEYBOARD_SEQUENCES = ("12345678", "23456789", "abcdefgh", "qwerty", "asdfgh", "zxcvbn", "87654321")

_REPEATED = re.compile(r"(.)\1{5,}")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]+")
_LOWER_WORDS = re.compile(r"[a-z]+(?:[-_. ][a-z]+)*")
_GLUED_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]")
MIN_GLUED_WORD_LENGTH = 3
_REGEX_SYNTAX = re.compile(r"\\[wdsbWDSB.]|\(\?|\[\^|\.\*|\.\+")
_DOTTED_IDENTIFIER = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_FILE_EXTENSION = re.compile(
    r"\.(?:pem|key|crt|cer|der|p12|pfx|jks|json|ya?ml|txt|env|ini|cfg|conf|toml|pub|gpg|asc)$", re.I)
_PASSWORD_HASH = re.compile(
    r"^(?:\$(?:2[abxy]?|argon2(?:id|i|d)?|pbkdf2[\w-]*|scrypt|[156])\$|pbkdf2_sha\d+\$|bcrypt\$)")
_AUTH_SCHEME = re.compile(r"^(?:Bearer|Basic|Token|Bot|ApiKey)\s+", re.I)

MIN_SECRET_LENGTH = 8
MAX_SECRET_LENGTH = 1000
MIN_ENTROPY = 3.0              # bits per character, for values of one or two character classes
MIN_ENTROPY_MIXED = 2.5        # for values that mix three or more character classes


def shannon_entropy(text: str) -> float:
    if not text:
        return 0.0
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def character_classes(text: str) -> int:
    return sum((any(c.islower() for c in text), any(c.isupper() for c in text),
                any(c.isdigit() for c in text), any(not c.isalnum() for c in text)))


def is_placeholder(value: str) -> bool:
    """An empty value, a template or env lookup, or an obvious stand-in (`changeme`, `<key>`)."""
    text = value.strip()
    lowered = text.lower()
    if not text or _TEMPLATE.search(text) or _ENV_LOOKUP.search(text):
        return True
    if lowered in PLACEHOLDER_WORDS or any(marker in lowered for marker in PLACEHOLDER_MARKERS):
        return True
    return bool(_REPEATED.search(text)) or len(set(text)) <= 2


def strip_auth_scheme(value: str) -> str:
    """`Bearer abc` -> `abc`: the credential is what follows the scheme."""
    return _AUTH_SCHEME.sub("", value.strip(), count=1)


def looks_like_path(value: str) -> bool:
    return (value.startswith(("/", "./", "../", "~/", "file:")) or bool(re.match(r"[A-Za-z]:\\", value))
            or bool(_FILE_EXTENSION.search(value)))


def is_glued_words(text: str) -> bool:
    """Words glued in camel or Pascal case (`passwordInput`, `IAmSensitive`): letters only, and
    long words on average, which random letters almost never are."""
    if not text.isalpha():
        return False
    words = _GLUED_WORD.findall(text)
    return len(text) >= MIN_GLUED_WORD_LENGTH * len(words)


def looks_like_secret(value: str) -> bool:
    """Is this literal, assigned to a secret-ish name, plausibly a real credential?"""
    text = strip_auth_scheme(value)
    if not MIN_SECRET_LENGTH <= len(text) <= MAX_SECRET_LENGTH or any(c.isspace() for c in text):
        return False
    lowered = text.lower()
    if is_placeholder(text) or any(word in lowered for word in SECRET_WORDS_IN_VALUES):
        return False
    if any(seq in lowered for seq in KEYBOARD_SEQUENCES) or text.isdigit() or _REGEX_SYNTAX.search(text):
        return False
    if (_URL.match(text) or looks_like_path(text) or text.startswith("arn:")
            or _EMAIL.fullmatch(text) or _PASSWORD_HASH.match(text)):
        return False
    if any(p.fullmatch(text) for p in (_ENV_NAME, _LOWER_WORDS, _DOTTED_IDENTIFIER)) or is_glued_words(text):
        return False
    entropy = shannon_entropy(text)
    return entropy >= MIN_ENTROPY or (character_classes(text) >= 3 and entropy >= MIN_ENTROPY_MIXED)


# --- files ------------------------------------------------------------------------------------

TEMPLATE_FILE_MARKERS = frozenset({"example", "examples", "sample", "samples", "template", "templates",
                                   "tmpl", "tpl", "dist", "skel"})


def is_template_file(path: str) -> bool:
    """`.env.example`, `config.sample.yaml`, `example.env`: files that document the keys. Only
    dot-separated parts count, so `example_client.py` or `templates.go` are ordinary files."""
    return bool(set(PurePosixPath(path).name.lower().split(".")) & TEMPLATE_FILE_MARKERS)
