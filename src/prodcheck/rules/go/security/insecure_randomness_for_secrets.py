"""
## What it does
Flags `math/rand` (and `math/rand/v2`) producing values for secrets: a call of `rand.Intn`,
`rand.Int63`, `rand.Read`, `rand.Perm`, ... (also on a generator made with
`rand.New(rand.NewSource(...))`) inside a function whose name says it makes a secret
(`generateToken`, `newSessionID`, `makeOTP`, `randomPassword`, `createAPIKey`, `resetCode`), or
assigned to a variable, field or struct key named like one (`token := ...`, `Nonce: ...`). One
finding per function.

## Why it matters
`math/rand` is a deterministic generator: its output is predictable from a few observed values
(and before Go 1.20 from the seed, often the start time). Tokens, session ids, OTPs and reset codes
drawn from it can be guessed, which turns into account takeover (CWE-338). `crypto/rand` reads the
operating system's CSPRNG.

## Example
    package auth

    import "math/rand"

    const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

    func GenerateResetToken(n int) string {
    	b := make([]byte, n)
    	for i := range b {
    		b[i] = alphabet[rand.Intn(len(alphabet))]
    	}
    	return string(b)
    }

## Use instead
    package auth

    import (
    	"crypto/rand"
    	"encoding/base64"
    )

    func GenerateResetToken() (string, error) {
    	b := make([]byte, 32)
    	if _, err := rand.Read(b); err != nil {
    		return "", err
    	}
    	return base64.RawURLEncoding.EncodeToString(b), nil
    }

## Known limitations
Randomness produced in a neutral helper (`randomString(n)`) and used for a token elsewhere is not
traced. Names are matched by words: `session`, `token`, `secret`, `password`, `otp`, `nonce`,
`salt`, `csrf`, `api key`, `verification/reset code`.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import (
    enclosing_function, function_name, local_value, selector_names, unparen, words,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import package_of, view

MATH_RAND = frozenset({"math/rand", "math/rand/v2"})
PRODUCERS = frozenset({"Int", "Intn", "IntN", "Int31", "Int31n", "Int32", "Int32N", "Int63", "Int63n", "Int64",
                       "Int64N", "Uint32", "Uint32N", "Uint64", "Uint64N", "Uint", "UintN", "Float32", "Float64",
                       "Perm", "Read", "N", "ExpFloat64", "NormFloat64"})
SECRET_WORDS = frozenset({"token", "tokens", "secret", "secrets", "password", "passwd", "pwd", "otp", "totp",
                          "nonce", "session", "sessionid", "salt", "csrf", "xsrf", "apikey", "passphrase",
                          "pin", "jwt", "bearer", "credential", "credentials"})
SECRET_PAIRS = frozenset({("api", "key"), ("secret", "key"), ("signing", "key"), ("private", "key"),
                          ("access", "key"), ("encryption", "key"), ("auth", "key"), ("verification", "code"),
                          ("reset", "code"), ("confirm", "code"), ("confirmation", "code"), ("auth", "code"),
                          ("login", "code"), ("invite", "code"), ("magic", "link"), ("one", "time")})
NOT_SECRET = frozenset({"jitter", "backoff", "delay", "sleep", "shuffle", "sample", "sampling", "retry",
                        "mock", "fake", "test", "color", "latency", "weight", "index", "shard", "port",
                        "expiry", "expires", "ttl", "count", "length", "len", "size"})


def check(call, ctx):
    file_view = view(ctx)
    operand, name = file_view.call_parts(call)
    operand = unparen(operand)
    if name not in PRODUCERS or operand is None or operand.type != "identifier":
        return
    if package_of(operand, ctx) not in MATH_RAND and not _local_generator(file_view.text(operand), call, ctx):
        return
    secret = _secret_context(call)
    if not secret:
        return
    func = file_view.enclosing_function(call)
    key = ("go.rand-secret", func.id if func is not None else 0)
    if key in ctx.data:
        return
    ctx.data[key] = True
    yield ctx.finding(RULE, call, f"`math/rand` used for {secret}: predictable, use `crypto/rand`")


def _local_generator(name: str, at, ctx) -> bool:
    file_view = view(ctx)
    value = unparen(local_value(name, at, file_view))
    if value is None or value.type != "call_expression":
        return False
    operand, made = file_view.call_parts(value)
    return made == "New" and package_of(operand, ctx) in MATH_RAND


def _secret_context(call) -> str:
    """What secret the value goes to ("`token`"), from the assignment target or the function."""
    current = call.parent
    while current is not None and current.type not in ("function_declaration", "method_declaration",
                                                          "func_literal"):
        if current.type in ("short_var_declaration", "assignment_statement"):
            left = current.child_by_field_name("left")
            for target in (left.named_children if left is not None else []):
                label = _name_of(target)
                if _secret(label):
                    return f"`{label}`"
        elif current.type == "keyed_element":
            key = current.named_children[0] if current.named_children else None
            label = text_of(key).strip()
            if _secret(label):
                return f"`{label}`"
        current = current.parent
    func = enclosing_function(call)
    while func is not None:
        name = function_name(func)
        if name:
            return f"`{name}`" if _secret(name) else ""
        func = enclosing_function(func)
    return ""


def _name_of(target) -> str:
    names = selector_names(target)
    if names:
        return names[-1]
    node = unparen(target)
    if node is not None and node.type == "index_expression":
        return _name_of(node.child_by_field_name("operand"))
    return text_of(target) if node is not None and node.type == "identifier" else ""


def _secret(name: str) -> bool:
    tokens = words(name)
    if not tokens or set(tokens) & NOT_SECRET:
        return False
    return bool(set(tokens) & SECRET_WORDS) or any(p in SECRET_PAIRS for p in zip(tokens, tokens[1:]))


RULE = NodeRule(
    id="GO-SEC-021", slug="insecure-randomness-for-secrets", area=Area.SEC,
    title="math/rand used for a secret",
    fix="Draw secrets from `crypto/rand` (`rand.Read(b)` with 32 bytes, `rand.Int(rand.Reader, max)`, "
        "or `rand.Text()` on Go 1.24+).",
    rows=("SEC-26",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-338",),
    stride=(Stride.SPOOFING, Stride.ELEVATION_OF_PRIVILEGE),
    example_path="main.go", visits=("call_expression",), check=check,
)
