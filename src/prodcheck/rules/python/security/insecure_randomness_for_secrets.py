"""
## What it does
Flags values from the `random` module (`random.choice`, `randint`, `choices`, `getrandbits`,
`random.Random(seed)`, `numpy.random`) that become secrets:
- stored under a secret-like name: `token`, `otp`, `nonce`, `secret`, `password`, `api_key`,
  `session_id`, `csrf_token`, `pin`, `reset_code`, `verification_code` (also `self.token = ...`,
  `data["otp"] = ...`, `token += ...`, `Token(key=...)`, `{"otp": ...}`);
- (MEDIUM confidence) returned from a function named like a secret generator (`generate_token`,
  `make_otp`, `random_password`), directly or through a local variable.

## Why it matters
`random` is a Mersenne Twister: after 624 outputs an attacker can predict every later value, and
seeds derived from the time are guessable outright. Password-reset codes, session ids and API keys
made with it can be forged. `secrets` (or `os.urandom`, `uuid4`) draws from the OS CSPRNG.

## Example
    import random
    import string


    def send_reset_email(user, mailer):
        reset_code = "".join(random.choices(string.ascii_letters + string.digits, k=32))
        user.reset_code = reset_code
        mailer.send(user.email, reset_code)

## Use instead
    import secrets


    def send_reset_email(user, mailer):
        reset_code = secrets.token_urlsafe(32)
        user.reset_code = reset_code
        mailer.send(user.email, reset_code)

## Known limitations
Names decide: a generic `code`, `key` or `id` counts only with a qualifier (`reset_code`,
`api_key`, `session_id`); a secret that gets a neutral name and is passed along (`value =
random...; send(value)`) is missed. Not reported: `random.SystemRandom()`, values produced inside a
lambda (factory_boy `LazyFunction`), and files that generate test data (factories, fixtures, seed
and demo scripts, modules importing `faker` or `factory`).
"""
from __future__ import annotations

import ast
from pathlib import PurePosixPath

from prodcheck.facts.extractors.python_common import const_str, dotted, name_tokens
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import is_dev_module, words_of
from prodcheck.rules.python.helpers import enclosing_def, imports, parent_of, qualified, replace_span_diff

RANDOM_FUNCTIONS = frozenset({"random", "randint", "randrange", "choice", "choices", "sample", "getrandbits",
                              "uniform", "randbytes", "shuffle", "rand", "bytes", "integers"})
RANDOM_MODULES = ("random", "random.Random()", "numpy.random", "numpy.random.default_rng()")
SECRET_LAST_WORDS = frozenset({"token", "otp", "totp", "hotp", "nonce", "secret", "password", "passwd",
                               "passphrase", "apikey", "csrf", "xsrf", "pin", "sid", "sessionid", "jti",
                               "passcode", "secretkey"})
NON_SECRET_TOKEN_QUALIFIERS = frozenset({"page", "next", "prev", "previous", "continuation", "cursor", "sync",
                                         "max", "num", "lexer", "cancellation", "stop", "special", "pad",
                                         "eos", "bos", "unk", "start", "end", "sample", "random", "test"})
KEY_QUALIFIERS = frozenset({"api", "secret", "private", "signing", "sign", "session", "access", "auth",
                            "encryption", "hmac", "jwt", "license", "activation", "client", "webhook",
                            "idempotency", "invite"})
CODE_QUALIFIERS = frozenset({
    "reset", "verification", "verify", "confirm", "confirmation", "activation", "otp", "auth", "authorization",
    "invite", "invitation", "recovery", "backup", "login", "sms", "email", "security", "access", "mfa", "2fa",
    "magic", "pin", "promo", "coupon", "voucher", "gift", "one", "time", "unlock", "pairing", "device",
    "validation", "secret", "signup", "registration",
})
ID_QUALIFIERS = frozenset({"session", "sess"})
GENERATOR_VERBS = frozenset({"generate", "gen", "make", "create", "new", "random", "rand", "build", "issue",
                             "get", "mint"})
TEST_DATA_WORDS = frozenset({"factories", "factory", "seed", "seeds", "seeding", "populate", "faker", "dummy",
                             "stub", "stubs", "fakes", "simulate", "simulation", "loadtest", "locustfile"})
TEST_DATA_IMPORTS = ("faker", "factory", "mimesis", "hypothesis", "locust")
_STOP = (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def check(call: ast.Call, ctx):
    func = call.func
    attr = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if attr not in RANDOM_FUNCTIONS:
        return
    name = qualified(ctx, func)
    module = name.rpartition(".")[0]
    if module not in RANDOM_MODULES or _test_data_module(ctx):
        return
    found = _destination(call, ctx)
    if found is None:
        return
    where, confidence = found
    yield ctx.finding(RULE, call, f"`{name.replace('()', '(...)')}()` is predictable but produces {where}",
                      confidence=confidence, diff=_diff(call, name, ctx))


def _test_data_module(ctx) -> bool:
    key = "python.insecure_randomness.test_data"
    if key not in ctx.data:
        pure = PurePosixPath(ctx.path)
        words = {w for part in (*pure.parts[:-1], pure.stem) for w in name_tokens(part)}
        ctx.data[key] = is_dev_module(ctx) or bool(words & TEST_DATA_WORDS) or any(
            target.split(".")[0] in TEST_DATA_IMPORTS for target in imports(ctx).values())
    return ctx.data[key]


def _destination(call: ast.Call, ctx) -> tuple[str, Confidence] | None:
    """Where the random value ends up, when that is a secret: ("the token `x`", confidence)."""
    child: ast.AST = call
    parent = parent_of(ctx, call)
    while parent is not None and not isinstance(parent, _STOP):
        if isinstance(parent, ast.keyword) and parent.arg and is_secret_name(parent.arg):
            return f"`{parent.arg}=`", Confidence.HIGH
        if isinstance(parent, ast.Dict) and child in parent.values:
            key = parent.keys[parent.values.index(child)]
            text = const_str(key)
            if text and is_secret_name(text):
                return f"the `{text!r}` entry", Confidence.HIGH
        if isinstance(parent, ast.stmt):
            return _statement_destination(parent, ctx)
        child, parent = parent, parent_of(ctx, parent)
    return None


def _statement_destination(stmt: ast.stmt, ctx) -> tuple[str, Confidence] | None:
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
        targets = [stmt.target]
    elif isinstance(stmt, ast.Return):
        function = enclosing_def(ctx, stmt)
        if function is not None and is_generator_name(function.name):
            return f"the return value of `{function.name}()`", Confidence.MEDIUM
        return None
    else:
        return None
    for target in targets:
        name = _target_name(target)
        if name and is_secret_name(name):
            ambiguous = words_of(name) == ("token",)       # also a lexer token or a MIME boundary
            return f"`{dotted(target) or name}`", Confidence.MEDIUM if ambiguous else Confidence.HIGH
    function = enclosing_def(ctx, stmt)
    if function is not None and is_generator_name(function.name):
        names = {t.id for t in targets if isinstance(t, ast.Name)}
        if names & _returned_names(function):
            return f"the return value of `{function.name}()`", Confidence.MEDIUM
    return None


def _target_name(target: ast.AST) -> str:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        return const_str(target.slice) or ""
    return ""


def _returned_names(function: ast.AST) -> set[str]:
    found = set()
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, _STOP):
            continue
        if isinstance(node, ast.Return) and node.value is not None:
            found.update(n.id for n in ast.walk(node.value) if isinstance(n, ast.Name))
        stack.extend(ast.iter_child_nodes(node))
    return found


def is_secret_name(name: str) -> bool:
    """`token`, `reset_code`, `api_key`, `session_id`, `otp`; not `page_token`, `code`, `key`."""
    words = words_of(name)
    if not words:
        return False
    last, previous = words[-1], words[:-1]
    if last in SECRET_LAST_WORDS:
        return not (last == "token" and previous and previous[-1] in NON_SECRET_TOKEN_QUALIFIERS)
    if last == "key":
        return bool(previous) and previous[-1] in KEY_QUALIFIERS
    if last == "code":
        return bool(set(previous) & CODE_QUALIFIERS)
    if last == "id":
        return bool(previous) and previous[-1] in ID_QUALIFIERS
    return False


def is_generator_name(name: str) -> bool:
    """`generate_token`, `make_otp`, `random_password`, `new_api_key`."""
    words = words_of(name)
    return len(words) >= 2 and words[0] in GENERATOR_VERBS and is_secret_name(name)


def _diff(call: ast.Call, name: str, ctx) -> str:
    if "secrets" not in imports(ctx) or not isinstance(call.func, ast.Attribute) \
            or dotted(call.func.value) != "random" or call.keywords:
        return ""
    method = {"choice": "choice", "getrandbits": "randbits"}.get(name.rpartition(".")[2])
    return replace_span_diff(ctx, call.func, f"secrets.{method}") if method else ""


RULE = NodeRule(
    id="PY-SEC-021", slug="insecure-randomness-for-secrets", area=Area.SEC,
    title="Secret generated with the predictable `random` module",
    fix="Generate secrets with the `secrets` module: `secrets.token_urlsafe(32)` for tokens and keys, "
        "`secrets.randbelow(10**6)` or `secrets.choice(alphabet)` for codes.",
    rows=("SEC-26",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-338",),
    stride=(Stride.SPOOFING, Stride.ELEVATION_OF_PRIVILEGE), example_path="app.py",
    coverage="partial",
    coverage_note="secrets are recognised by name; token length (>= 128 bits) is not checked",
    visits=(ast.Call,), check=check,
)
