"""
## What it does
Flags log calls (`console.*`, and `info`/`warn`/`error`/`debug`/`trace`/`fatal`/`log`/`verbose`
on a `logger`, `log`, `pino`, `winston`, `bunyan`, `req.log`, `fastify.log`, `this.logger`, ...)
whose arguments contain a credential:
- a variable or property named like a secret: `password`, `passwd`, `secret`, `token`,
  `accessToken`, `refresh_token`, `apiKey`, `privateKey`, `clientSecret`, `authorization`,
  `credentials`, `cookie` (also as `{ password }`, inside a template string, a concatenation or
  `JSON.stringify(...)`);
- the request's credentials: `req.headers` (whole), `req.headers.authorization`,
  `req.headers.cookie`, `req.get('Authorization')`, `req.cookies`;
- the whole `req.body` in a function that handles a password (reads `password` from the body).

A bare `token` counts only in a function that deals with authentication (it also names lexer
and dependency-injection tokens). Names that describe rather than hold the secret (`tokenType`,
`password.length`, `tokenExpiresAt`, `passwordHash`, `secretName`, `hasToken`) are not reported.

## Why it matters
Logs are copied to aggregation services, kept for months, read by many people and tools, and
rarely protected like a credential store. A token or password in a log line is a credential
leak: anyone with log access can replay the session or log in as the user (CWE-532).

## Example
    import { logger } from './logger';

    export async function login(req, res) {
      const { email, password } = req.body;
      logger.info({ email, password }, 'login attempt');
      res.sendStatus(204);
    }

## Use instead
    import { logger } from './logger';

    export async function login(req, res) {
      const { email } = req.body;
      logger.info({ email }, 'login attempt');
      res.sendStatus(204);
    }

## Known limitations
Scripts, CLIs, seeds and other tooling (which print generated credentials to the operator by
design) are not checked. Redaction configured on the logger (pino `redact`, a winston format that masks fields) is not
read, so a field it masks is still reported. Secrets under a neutral name (`const value =
password`) or inside an object logged whole (`logger.info(user)`) are not followed.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    arguments_of, body_of, call_parts, enclosing_function, member_names, unwrap, walk_local, words,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import string_value, text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import is_frontend, is_tooling_path, view

LOG_METHODS = frozenset({"info", "warn", "warning", "error", "debug", "trace", "fatal", "log", "verbose",
                         "silly", "http", "notice", "critical", "crit"})
LOGGER_WORDS = frozenset({"log", "logger", "logging", "pino", "winston", "bunyan", "console", "signale",
                          "consola", "tracer", "logs"})
SECRET_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "authorization",
                          "credential", "credentials", "cookie", "cookies", "jwt", "bearer", "otp", "pin",
                          "cvv", "ssn"})
SECRET_PAIRS = (("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key"), ("client", "secret"),
                ("session", "id"))
DESCRIPTIVE = frozenset({"length", "len", "count", "expires", "expiry", "expiration", "exp", "type", "types",
                         "name", "names", "id", "ids", "arn", "path", "file", "url", "uri", "hash", "hashed",
                         "digest", "valid", "invalid", "is", "has", "required", "missing", "policy", "field",
                         "fields", "prefix", "ttl", "ms", "at", "created", "updated", "status", "strength",
                         "changed", "reset", "sent", "version", "label", "header", "key", "keys", "error",
                         "errors", "message", "count", "rules", "regex", "pattern", "min", "max", "set",
                         "enabled", "provider", "service", "endpoint", "scope", "scopes", "hint", "mask",
                         "masked", "redacted", "config", "options", "manager", "store", "repository", "repo",
                         "module", "client", "strategy", "guard", "dto", "schema", "lifetime", "age", "size",
                         "issuer", "audience", "kind", "format", "location", "source", "link", "page", "next",
                         "continuation", "pagination", "sync", "cursor", "limit", "usage", "balance"})
QUALIFIERS = frozenset({"is", "has", "valid", "invalid", "missing", "required", "no", "should", "use", "with",
                        "without", "num", "count", "get", "set", "validate", "verify", "check", "generate",
                        "create", "hash", "compare"})
NOT_SECRET_CONTEXT = frozenset({"page", "next", "continuation", "pagination", "sync", "cursor", "csrf", "xsrf"})
AUTH_CONTEXT = frozenset({"jwt", "auth", "authorization", "authenticate", "login", "bearer", "session", "password",
                          "refresh", "access", "oauth", "signin", "credentials", "verify", "sign", "jsonwebtoken"})
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "x-api-key", "proxy-authorization", "x-auth-token"})
REQUEST_NAMES = frozenset({"req", "request", "ctx", "_req"})
PASSTHROUGH_CALLS = frozenset({"stringify", "String", "inspect", "format"})


def check(call, ctx):
    receiver, method = view(ctx).call_parts(call)
    if method not in LOG_METHODS or receiver is None:
        return
    names = view(ctx).member_names(receiver)
    if not names or not set(words(" ".join(names))) & LOGGER_WORDS:
        return
    if names[0] == "console" and len(names) != 1 or is_tooling_path(ctx.path):
        return
    args = view(ctx).arguments(call)
    if not args or is_frontend(ctx):
        return
    for arg in args:
        found = _secret(arg, call)
        if found:
            yield ctx.finding(RULE, call, f"{found} is written to the log")
            return


def _secret(arg, call) -> str:
    stack = [unwrap(arg)]
    seen = 0
    while stack and seen < 400:
        node = stack.pop()
        seen += 1
        if node is None:
            continue
        kind = node.type
        if kind in ("string", "comment", "number", "regex") or kind.endswith("function") \
                or kind in ("arrow_function", "function_expression"):
            continue
        if kind == "ternary_expression":
            stack.extend(c for c in (node.child_by_field_name("consequence"), node.child_by_field_name("alternative"))
                         if c is not None)
            continue                      # the condition is only tested, not written
        if kind == "unary_expression" or kind == "binary_expression" and text_of(
                node.child_by_field_name("operator")) not in ("+", "??", "||"):
            continue                      # `!password`, `token === x`, `password.length > 8`: a boolean
        if kind == "call_expression":
            found = _request_call(node)
            if found:
                return found
            receiver, method = call_parts(node)
            if method in PASSTHROUGH_CALLS:
                stack.extend(arguments_of(node))
            continue
        if kind in ("member_expression", "subscript_expression"):
            found = _member(node, call)
            if found:
                return found
            continue                      # the object of a member is not itself logged
        if kind in ("identifier", "shorthand_property_identifier"):
            if _secret_name(text_of(node)) and not _ambiguous(text_of(node), call):
                return f"`{text_of(node)}`"
            continue
        if kind == "pair":
            value = node.child_by_field_name("value")
            key = node.child_by_field_name("key")
            key_name = string_value(key) if key is not None and key.type == "string" else text_of(key)
            inner = unwrap(value)
            if _secret_name(key_name or "") and not _ambiguous(key_name or "", call) and inner is not None \
                    and inner.type in (
                        "identifier", "member_expression", "subscript_expression", "template_string"):
                return f"`{key_name}`"
            stack.append(value)
            continue
        stack.extend(c for c in node.named_children)
    return ""


def _secret_name(name: str) -> bool:
    tokens = list(words(name))
    if not tokens:
        return False
    pair = any(tokens[i:i + 2] == list(p) for i in range(len(tokens) - 1) for p in SECRET_PAIRS)
    if not (set(tokens) & SECRET_WORDS or pair):
        return False
    if tokens[0] in QUALIFIERS or set(tokens) & NOT_SECRET_CONTEXT:
        return False
    last = tokens[-1]
    if last in ("key", "id"):
        return pair
    return last not in DESCRIPTIVE


def _ambiguous(name: str, call) -> bool:
    """A bare `token`/`tokens`/`key`-less name that also means a lexer token or a dependency-injection
    token: a secret only in a function that deals with authentication."""
    if tuple(words(name)) not in (("token",), ("tokens",)):
        return False
    func = enclosing_function(call)
    scope = body_of(func) if func is not None else None
    if scope is None:
        return True
    if func is not None and set(words(text_of(func.child_by_field_name("name")) or "")) & AUTH_CONTEXT:
        return False
    for node in walk_local(scope):
        if node.type in ("identifier", "property_identifier", "string_fragment") \
                and set(words(text_of(node))) & AUTH_CONTEXT:
            return False
    return True


def _member(node, call) -> str:
    parts = member_names(node)
    if not parts:
        return ""
    if parts[0] in REQUEST_NAMES and len(parts) >= 2:
        if parts[1] == "headers":
            if len(parts) == 2:
                return f"`{'.'.join(parts)}` (with its `Authorization` and `Cookie` headers)"
            if parts[2].lower() in CREDENTIAL_HEADERS:
                return f"`{'.'.join(parts[:3])}`"
            return ""
        if parts[1] == "cookies" and len(parts) == 2:
            return f"`{'.'.join(parts)}`"
        if parts[1] == "body" and len(parts) == 2 and _handles_password(call):
            return f"`{'.'.join(parts)}` of a request carrying a password"
    if parts[-1] == "length":
        return ""
    last = parts[-1]
    if _secret_name(last) and not _ambiguous(last, call):
        return f"`{'.'.join(parts)}`"
    return ""


def _request_call(node) -> str:
    receiver, method = call_parts(node)
    if method not in ("get", "header") or receiver is None:
        return ""
    parts = member_names(receiver)
    if not parts or parts[0] not in REQUEST_NAMES or len(parts) != 1:
        return ""
    args = arguments_of(node)
    header = (string_value(args[0]) or "").lower() if args else ""
    return f"`{parts[0]}.{method}('{header}')`" if header in CREDENTIAL_HEADERS else ""


def _handles_password(call) -> bool:
    func = enclosing_function(call)
    if func is None:
        return False
    for node in walk_local(body_of(func)):
        if node.type in ("property_identifier", "shorthand_property_identifier_pattern",
                         "shorthand_property_identifier") and set(words(text_of(node))) & {"password", "passwd"}:
            return True
    return False


RULE = NodeRule(
    id="JS-SEC-027", slug="secret-in-log", area=Area.SEC,
    title="Secret or credential written to the log",
    fix="Log identifiers, not credentials: drop passwords, tokens, keys and the `Authorization`/`Cookie` "
        "headers from log calls, or configure the logger's redaction (pino `redact`) for those paths.",
    rows=("SEC-14",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-532",), stride=(Stride.INFORMATION_DISCLOSURE,),
    example_path="auth.js", visits=("call_expression",), check=check,
)
