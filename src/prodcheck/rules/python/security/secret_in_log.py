"""
## What it does
Flags logging calls (`logging.*`, `logger.*`, `self.log.*`, `app.logger.*`, structlog, loguru) and
`print()` in service code whose arguments carry a credential:
- a value named like one (`password`, `token`, `api_key`, `client_secret`, `user.password`,
  `os.environ["API_KEY"]`, `data["password"]`, `creds.get("secret")`), passed directly, in an
  f-string, through `%`/`.format()`, `str()`/`repr()`, or as a structlog keyword
  (`log.info("login", password=password)`);
- request headers and cookies: `request.headers`, `request.META`, `request.cookies`/`COOKIES`,
  and the `Authorization`/`Cookie`/`X-Api-Key` header values;
- the whole request body (`request.json`, `request.form`, `request.body`, `request.POST`, ...) in a
  login, signup, password or token handler.

## Why it matters
Logs are copied to aggregators, shipped to vendors, kept for months and read by far more people
than the secrets store. A password or bearer token written there is a leaked credential; incident
responders then have to rotate everything the log could have contained.

## Example
    import logging

    logger = logging.getLogger(__name__)


    def connect(client, username, password):
        logger.info("connecting as %s with password %s", username, password)
        return client.login(username, password)

## Use instead
    import logging

    logger = logging.getLogger(__name__)


    def connect(client, username, password):
        logger.info("connecting as %s", username)
        return client.login(username, password)

## Known limitations
Values pass through calls other than `str`/`repr`/`dict`/`.decode()` unseen, so masked values
(`mask(token)`, `token[:6]`, `len(password)`, `bool(api_key)`) are not reported, and neither are
secrets whose name does not say so. A bare `token` is not reported in modules that tokenize text
(`tokenize`, `tiktoken`, `transformers`, ...). `print()` in scripts, CLIs and management commands is
their output and is skipped.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import const_str, dotted
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.generic.secrets.heuristics import is_secret_name
from prodcheck.rules.python.ast_helpers import innermost_function, is_cli_module, logging_method, words_of
from prodcheck.rules.python.helpers import imports, qualified

SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-auth-token",
                            "x-access-token", "proxy-authorization", "http_authorization", "http_cookie",
                            "http_x_api_key"})
HEADER_CONTAINERS = frozenset({"headers", "META", "cookies", "COOKIES"})
BODY_ATTRIBUTES = frozenset({"json", "form", "body", "data", "POST", "values", "get_json", "stream", "get_data"})
AUTH_HANDLER_WORDS = frozenset({"login", "signin", "signup", "register", "registration", "password", "auth",
                                "authenticate", "token", "credentials", "reset", "logon"})
NOT_VALUE_FIRST_WORDS = frozenset({"is", "has", "should", "use", "needs", "need", "can", "num", "len", "count",
                                   "missing", "no", "with", "without", "require", "requires", "valid"})
PASS_THROUGH_CALLS = frozenset({"str", "repr", "dict", "list", "format", "bytes"})
PASS_THROUGH_METHODS = frozenset({"decode", "encode", "strip", "format", "items", "to_dict", "dict",
                                  "model_dump"})
TOKENIZER_IMPORTS = ("tokenize", "tiktoken", "transformers", "tokenizers", "nltk", "spacy", "pygments", "lark",
                     "ply", "sentencepiece", "jieba", "sqlparse", "lexer", "parser")
REQUEST_NAMES = frozenset({"request", "req", "self.request", "flask.request", "quart.request"})
MAX_DEPTH = 6


def check(call: ast.Call, ctx):
    method = logging_method(ctx, call)
    if not method:
        if not (isinstance(call.func, ast.Name) and call.func.id == "print") or qualified(ctx, call.func) != "print" \
                or is_cli_module(ctx):
            return
        method = "print"
    args = call.args[1:] if method == "log" else call.args
    values: list[tuple[str | None, ast.AST]] = [(None, a) for a in args]
    for kw in call.keywords:
        if kw.arg in ("exc_info", "stack_info", "stacklevel", "file", "sep", "end", "flush"):
            continue
        values.append((kw.arg, kw.value))
    for name, value in values:
        found = _leak(value, ctx, 0)
        if found is None and name and name != "extra" and _secret(name, ctx) and not _constant(value):
            found = f"`{name}=`", _confidence(name)
        if found is not None:
            what, confidence = found
            sink = f"`{dotted(call.func) or method}()`"
            yield ctx.finding(RULE, call, f"{sink} writes {what} to the log", confidence=confidence)
            return


def _leak(node: ast.AST, ctx, depth: int) -> tuple[str, Confidence] | None:
    if depth > MAX_DEPTH or node is None:
        return None
    if isinstance(node, (ast.Name, ast.Attribute)):
        return _named(node, ctx)
    if isinstance(node, ast.Subscript):
        key = const_str(node.slice)
        if key is not None and _secret_key(key, ctx):
            return f"`{key}`", _confidence(key)
        return None
    if isinstance(node, ast.JoinedStr):
        return _first(((v.value for v in node.values if isinstance(v, ast.FormattedValue))), ctx, depth)
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Mod):
            right = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
            return _first(right, ctx, depth)
        if isinstance(node.op, ast.Add):
            return _first([node.left, node.right], ctx, depth)
        return None
    if isinstance(node, (ast.Tuple, ast.List)):
        return _first(node.elts, ctx, depth)
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            text = const_str(key)
            if text is not None and _secret_key(text, ctx) and not _constant(value):
                return f"`{text}`", _confidence(text)
        return _first(node.values, ctx, depth)
    if isinstance(node, ast.Call):
        return _call(node, ctx, depth)
    return None


def _first(nodes, ctx, depth: int):
    for inner in nodes:
        found = _leak(inner, ctx, depth + 1)
        if found is not None:
            return found
    return None


def _call(call: ast.Call, ctx, depth: int):
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in ("get", "getlist") and call.args:
        key = const_str(call.args[0])
        if key is not None and _secret_key(key, ctx):
            return f"`{key}`", _confidence(key)
        return None
    if isinstance(func, ast.Attribute) and func.attr in BODY_ATTRIBUTES and not call.args:
        return _body(func, ctx)
    if isinstance(func, ast.Name) and func.id in PASS_THROUGH_CALLS:
        return _first([*call.args, *(k.value for k in call.keywords)], ctx, depth)
    if isinstance(func, ast.Attribute) and func.attr in PASS_THROUGH_METHODS:
        return _first([func.value, *call.args, *(k.value for k in call.keywords)], ctx, depth)
    return None


def _named(node: ast.AST, ctx) -> tuple[str, Confidence] | None:
    if isinstance(node, ast.Attribute):
        receiver = dotted(node.value)
        if node.attr in HEADER_CONTAINERS and _is_request(node.value, ctx):
            return f"`{receiver}.{node.attr}` (credentials and cookies)", Confidence.HIGH
        if node.attr in BODY_ATTRIBUTES:
            found = _body(node, ctx)
            if found is not None:
                return found
        name = node.attr
    else:
        name = node.id
    if _secret(name, ctx):
        return f"`{dotted(node) or name}`", _confidence(name)
    return None


def _body(attribute: ast.Attribute, ctx) -> tuple[str, Confidence] | None:
    if not _is_request(attribute.value, ctx):
        return None
    function = innermost_function(ctx, attribute)
    name = getattr(function, "name", "")
    if not set(words_of(name)) & AUTH_HANDLER_WORDS:
        return None
    return f"the whole request body of `{name}()` (it holds the credentials)", Confidence.MEDIUM


def _is_request(node: ast.AST, ctx) -> bool:
    return dotted(node) in REQUEST_NAMES or qualified(ctx, node) in REQUEST_NAMES


def _secret(name: str, ctx) -> bool:
    words = words_of(name)
    if not words or words[0] in NOT_VALUE_FIRST_WORDS or name.lower() == "pwd":
        return False
    if not is_secret_name(name):
        return False
    return not (words == ("token",) and _tokenizes(ctx))


def _secret_key(key: str, ctx) -> bool:
    return key.strip().lower() in SECRET_HEADERS or _secret(key.replace("-", "_"), ctx)


def _tokenizes(ctx) -> bool:
    key = "python.secret_in_log.tokenizes"
    if key not in ctx.data:
        ctx.data[key] = any(target.split(".")[0] in TOKENIZER_IMPORTS for target in imports(ctx).values())
    return ctx.data[key]


def _confidence(name: str) -> Confidence:
    words = words_of(name)
    return Confidence.MEDIUM if words and words[-1] == "token" and len(words) == 1 else Confidence.HIGH


def _constant(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant)


RULE = NodeRule(
    id="PY-SEC-027", slug="secret-in-log", area=Area.SEC,
    title="Secret or credential written to the log",
    fix="Log an identifier instead of the secret (the user id, the key's last four characters, a hash "
        "prefix) and redact headers and bodies before logging them.",
    rows=("SEC-14",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-532",),
    stride=(Stride.INFORMATION_DISCLOSURE,), example_path="app.py",
    coverage="partial",
    coverage_note="secrets are recognised by name; values passed through other calls are not followed",
    visits=(ast.Call,), check=check,
)
