"""
## What it does
Flags TLS set-ups that still allow protocol versions or ciphers known to be broken:
- a pinned old protocol used as a value: `ssl.PROTOCOL_SSLv2`, `ssl.PROTOCOL_SSLv3`,
  `ssl.PROTOCOL_TLSv1`, `ssl.PROTOCOL_TLSv1_1` (passed to `ssl.SSLContext(...)`, as
  `ssl_version=`, or assigned), and pyOpenSSL's `SSL.SSLv2_METHOD`, `SSLv3_METHOD`, `TLSv1_METHOD`,
  `TLSv1_1_METHOD`;
- `ctx.minimum_version = ssl.TLSVersion.SSLv3 / TLSv1 / TLSv1_1` (or `MINIMUM_SUPPORTED`), and
  `ctx.maximum_version` capped at TLS 1.1 or below;
- `ssl.wrap_socket(...)`, which builds a context that checks no host name (removed in Python 3.12);
- `ctx.set_ciphers("...")` with a literal list that enables RC4, 3DES, NULL, anonymous (ADH/aNULL)
  or EXPORT suites, or lowers OpenSSL's security level to `@SECLEVEL=0`;
- `ctx.options &= ~ssl.OP_NO_TLSv1` (or `OP_NO_TLSv1_1`, `OP_NO_SSLv3`, `OP_NO_SSLv2`): turning an
  old protocol back on.

`ssl.PROTOCOL_TLS_CLIENT`, `ssl.PROTOCOL_TLS_SERVER`, `ssl.PROTOCOL_TLS` and
`ssl.create_default_context()` negotiate the best version and are fine.

## Why it matters
TLS 1.0 and 1.1 were deprecated by RFC 8996 and SSL 3.0 is broken by POODLE: they rely on MD5 and
SHA-1 in the handshake and on CBC constructions with practical attacks. RC4, 3DES (Sweet32), NULL
and EXPORT suites leak or do not even encrypt the traffic. A server or client that still accepts
them can be downgraded by an active attacker on the network path, who then reads or changes the
data (CWE-326, CWE-757).

## Example
    import ssl


    def server_context(cert_file, key_file):
        context = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
        context.load_cert_chain(cert_file, key_file)
        return context

## Use instead
    import ssl


    def server_context(cert_file, key_file):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(cert_file, key_file)
        return context

## Known limitations
Versions, methods and cipher strings read from variables or settings are not followed, and a
mapping from option names to protocols (`{"tlsv1": ssl.PROTOCOL_TLSv1}`) is a configuration table,
not a choice, so it is not reported. Code in the branch of an `if settings.DEBUG:` test and test
files are skipped. Comparisons (`if version == ssl.PROTOCOL_TLSv1:`) are not reported. Leaving the
minimum version unset is not reported (Python 3.10+ defaults to TLS 1.2 with OpenSSL 1.1.1+).
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import const_str, dotted
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import under_dev_guard
from prodcheck.rules.python.helpers import parent_of, qualified, replace_span_diff

WEAK_PROTOCOLS = {
    "ssl.PROTOCOL_SSLv2": "SSL 2.0", "ssl.PROTOCOL_SSLv3": "SSL 3.0", "ssl.PROTOCOL_TLSv1": "TLS 1.0",
    "ssl.PROTOCOL_TLSv1_1": "TLS 1.1",
    "OpenSSL.SSL.SSLv2_METHOD": "SSL 2.0", "OpenSSL.SSL.SSLv3_METHOD": "SSL 3.0",
    "OpenSSL.SSL.TLSv1_METHOD": "TLS 1.0", "OpenSSL.SSL.TLSv1_1_METHOD": "TLS 1.1",
}
WEAK_VERSIONS = {"SSLv3": "SSL 3.0", "TLSv1": "TLS 1.0", "TLSv1_1": "TLS 1.1", "MINIMUM_SUPPORTED": "the oldest"
                 " version OpenSSL supports"}
REENABLING = {"ssl.OP_NO_SSLv2": "SSL 2.0", "ssl.OP_NO_SSLv3": "SSL 3.0", "ssl.OP_NO_TLSv1": "TLS 1.0",
              "ssl.OP_NO_TLSv1_1": "TLS 1.1", "ssl.Options.OP_NO_SSLv3": "SSL 3.0",
              "ssl.Options.OP_NO_TLSv1": "TLS 1.0", "ssl.Options.OP_NO_TLSv1_1": "TLS 1.1"}
WEAK_CIPHER_WORDS = ("RC4", "3DES", "DES-CBC3", "DES-CBC-", "EXPORT", "EXP-", "-NULL-", "ADH-", "AECDH-")
WEAK_CIPHER_TOKENS = frozenset({"NULL", "ENULL", "ANULL", "ADH", "AECDH", "EXP", "EXPORT", "RC4", "3DES", "DES",
                                "MD5", "LOW", "COMPLEMENTOFALL", "COMPLEMENTOFDEFAULT"})


def check(node: ast.AST, ctx):
    if isinstance(node, ast.Attribute):
        found = _protocol_constant(node, ctx)
    elif isinstance(node, ast.Call):
        found = _call(node, ctx)
    elif isinstance(node, ast.AugAssign):
        found = _reenable(node, ctx)
    else:
        found = _version_bound(node, ctx)
    if found is not None and not under_dev_guard(ctx, node):
        at, message, diff = found
        yield ctx.finding(RULE, at, message, diff=diff)


def _protocol_constant(node: ast.Attribute, ctx):
    if not node.attr.endswith(("SSLv2", "SSLv3", "TLSv1", "TLSv1_1", "_METHOD")):
        return None
    name = qualified(ctx, node)
    label = WEAK_PROTOCOLS.get(name)
    if label is None or not isinstance(node.ctx, ast.Load) or not _chosen(node, ctx):
        return None
    return node, f"`{dotted(node) or name}` pins the connection to {label}, a broken protocol version", ""


def _chosen(node: ast.AST, ctx) -> bool:
    """Passed as an argument, given as a keyword, or assigned: not compared, not a table entry."""
    parent = parent_of(ctx, node)
    if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
        return True
    if isinstance(parent, ast.keyword):
        return True
    return isinstance(parent, ast.Call) and node in parent.args


def _call(call: ast.Call, ctx):
    for arg in (*call.args, *(k.value for k in call.keywords)):
        if isinstance(arg, ast.Name) and arg.id.endswith(("SSLv2", "SSLv3", "TLSv1", "TLSv1_1", "_METHOD")):
            label = WEAK_PROTOCOLS.get(qualified(ctx, arg))
            if label is not None:
                return arg, f"`{arg.id}` pins the connection to {label}, a broken protocol version", ""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    if func.attr == "wrap_socket" and qualified(ctx, func) == "ssl.wrap_socket":
        return call, "`ssl.wrap_socket()` checks no host name and was removed in Python 3.12", ""
    if func.attr == "set_ciphers" and call.args:
        spec = const_str(call.args[0])
        weak = _weak_ciphers(spec) if spec else ""
        if weak:
            return call.args[0], f"`{dotted(func) or 'set_ciphers'}(...)` enables weak cipher suites ({weak})", ""
    return None


def _weak_ciphers(spec: str) -> str:
    """The first cipher-list entry that turns on a weak suite, or ""."""
    for raw in spec.replace(",", ":").replace(" ", ":").split(":"):
        token = raw.strip()
        if not token or token[0] in "!-":
            continue
        token = token.lstrip("+")
        upper = token.upper()
        if "@SECLEVEL=0" in upper:
            return token
        if any(part in WEAK_CIPHER_TOKENS for part in upper.split("+")) or any(w in upper for w in WEAK_CIPHER_WORDS):
            return token
    return ""


def _version_bound(node: ast.Assign, ctx):
    for target in node.targets:
        if not isinstance(target, ast.Attribute) or target.attr not in ("minimum_version", "maximum_version"):
            continue
        value = node.value
        if not isinstance(value, ast.Attribute) or not qualified(ctx, value).startswith("ssl.TLSVersion."):
            continue
        label = WEAK_VERSIONS.get(value.attr)
        if label is None:
            continue
        if target.attr == "minimum_version":
            return node, f"`{dotted(target)} = {dotted(value)}` still accepts {label}", \
                replace_span_diff(ctx, value, _replacement(value))
        if value.attr != "MINIMUM_SUPPORTED":
            return node, f"`{dotted(target)} = {dotted(value)}` caps the connection at {label}", ""
    return None


def _replacement(value: ast.Attribute) -> str:
    prefix = dotted(value.value)
    return f"{prefix}.TLSv1_2" if prefix else "ssl.TLSVersion.TLSv1_2"


def _reenable(node: ast.AugAssign, ctx):
    if not isinstance(node.op, ast.BitAnd) or not isinstance(node.target, ast.Attribute) \
            or node.target.attr != "options":
        return None
    value = node.value
    if not isinstance(value, ast.UnaryOp) or not isinstance(value.op, ast.Invert):
        return None
    flags = []
    stack = [value.operand]
    while stack:
        part = stack.pop()
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.BitOr):
            stack.extend((part.left, part.right))
        else:
            flags.append(part)
    labels = [REENABLING[qualified(ctx, f)] for f in flags if qualified(ctx, f) in REENABLING]
    if not labels:
        return None
    return node, f"clearing `{dotted(node.target)}` flags turns {' and '.join(sorted(set(labels)))} back on", ""


RULE = NodeRule(
    id="PY-SEC-040", slug="weak-tls-version", area=Area.SEC,
    title="TLS allows broken protocol versions or ciphers",
    fix="Use `ssl.create_default_context()` (clients) or `ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)` (servers) "
        "with `minimum_version = ssl.TLSVersion.TLSv1_2`, and keep OpenSSL's default cipher list.",
    rows=("SEC-16",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-326",),
    stride=(Stride.INFORMATION_DISCLOSURE, Stride.TAMPERING), example_path="tls.py",
    visits=(ast.Attribute, ast.Call, ast.Assign, ast.AugAssign), check=check,
)
