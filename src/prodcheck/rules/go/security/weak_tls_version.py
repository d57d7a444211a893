"""
## What it does
Flags `crypto/tls` configurations that allow protocol versions or cipher suites known to be
broken: `MinVersion` set to `tls.VersionSSL30`, `tls.VersionTLS10` or `tls.VersionTLS11` (or
their numeric values), `MaxVersion` at TLS 1.1 or below, and `CipherSuites` lists that name a
suite of Go's insecure list (RC4, 3DES, and the CBC suites with SHA-256 MACs that Go itself
disables by default). Both `tls.Config{...}` literals and assignments (`cfg.MinVersion =
tls.VersionTLS10`) are read; values from configuration are not reported.

## Why it matters
TLS 1.0 and 1.1 were deprecated by RFC 8996: they rely on SHA-1 and MD5 in the handshake and on
CBC constructions with practical attacks (BEAST, Lucky13, POODLE against SSL 3.0). RC4 and 3DES
suites leak plaintext under volume (RC4 biases, Sweet32). Allowing them lets an active attacker
downgrade every client that still speaks them, and fails PCI DSS and most compliance baselines
(CWE-327, CWE-757).

## Example
    package server

    import "crypto/tls"

    func TLSConfig(cert tls.Certificate) *tls.Config {
    	return &tls.Config{
    		Certificates: []tls.Certificate{cert},
    		MinVersion:   tls.VersionTLS10,
    	}
    }

## Use instead
    package server

    import "crypto/tls"

    func TLSConfig(cert tls.Certificate) *tls.Config {
    	return &tls.Config{
    		Certificates: []tls.Certificate{cert},
    		MinVersion:   tls.VersionTLS12,
    	}
    }

## Known limitations
A version or suite list read from a variable, a flag or a helper function is not followed. Leaving
`MinVersion` unset is not reported (Go 1.18+ clients default to TLS 1.2, and servers to TLS 1.0
only up to Go 1.21). `PreferServerCipherSuites` and curve preferences are not inspected.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import (
    assignment_pairs, composite_type, element_value, selector_names, unparen,
)
from prodcheck.model import Area, Confidence, Severity, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import generated_or_tool, view
from prodcheck.rules.go.security_helpers import parse_int, selector_package, test_support

VERSIONS = {"VersionSSL30": 0x0300, "VersionTLS10": 0x0301, "VersionTLS11": 0x0302,
            "VersionTLS12": 0x0303, "VersionTLS13": 0x0304}
NAMES = {0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1", 0x0303: "TLS 1.2", 0x0304: "TLS 1.3"}
WEAK_BELOW = 0x0303
INSECURE_SUITES = frozenset({
    "TLS_RSA_WITH_RC4_128_SHA", "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
})


def check(node, ctx):
    if generated_or_tool(ctx) or test_support(ctx):
        return
    if node.type == "keyed_element":
        yield from _keyed(node, ctx)
    else:
        yield from _assignment(node, ctx)


def _keyed(node, ctx):
    file_view = view(ctx)
    parts = [c for c in node.named_children if c.type != "comment"]
    if len(parts) != 2:
        return
    key, value = (element_value(p) for p in parts)
    field = file_view.text(key).strip() if key is not None else ""
    if field not in ("MinVersion", "MaxVersion", "CipherSuites"):
        return
    literal = node.parent.parent if node.parent is not None else None
    if literal is None or literal.type != "composite_literal" \
            or composite_type(literal, file_view) != ("crypto/tls", "Config"):
        return
    yield from _report(field, value, node, ctx)


def _assignment(node, ctx):
    for target, value in assignment_pairs(node):
        names = selector_names(target)
        if len(names) >= 2 and names[-1] in ("MinVersion", "MaxVersion", "CipherSuites"):
            yield from _report(names[-1], unparen(value), node, ctx, require_tls=True)


def _report(field: str, value, at, ctx, require_tls: bool = False):
    if value is None:
        return
    if field == "CipherSuites":
        weak = _weak_suites(value, ctx)
        if weak:
            yield ctx.finding(RULE, at, f"`CipherSuites` enables insecure suites: {', '.join(weak)}")
        return
    version = _version(value, ctx, require_tls)
    if version is None or version >= WEAK_BELOW:
        return
    name = NAMES.get(version, hex(version))
    if field == "MinVersion":
        yield ctx.finding(RULE, at, f"`MinVersion` {name} lets clients negotiate a deprecated protocol version")
    else:
        yield ctx.finding(RULE, at, f"`MaxVersion` {name} caps the connection at a deprecated protocol version")


def _version(value, ctx, require_tls: bool) -> int | None:
    value = unparen(value)
    if value is None:
        return None
    if value.type == "selector_expression":
        path, name = selector_package(value, ctx)
        return VERSIONS.get(name) if path == "crypto/tls" else None
    if value.type == "int_literal" and not require_tls:
        number = parse_int(view(ctx).text(value))
        return number if number in NAMES else None
    return None


def _weak_suites(value, ctx) -> list[str]:
    value = unparen(value)
    if value is None or value.type != "composite_literal":
        return []
    body = value.child_by_field_name("body")
    found = []
    for element in (body.named_children if body is not None else []):
        item = element_value(element)
        if item is not None and item.type == "selector_expression":
            path, name = selector_package(item, ctx)
            if path == "crypto/tls" and name in INSECURE_SUITES:
                found.append(name)
    return found


RULE = NodeRule(
    id="GO-SEC-040", slug="weak-tls-version", area=Area.SEC,
    title="TLS configuration allows deprecated versions or insecure cipher suites",
    fix="Set `MinVersion: tls.VersionTLS12` (or `tls.VersionTLS13`), leave `MaxVersion` unset, and drop "
        "`CipherSuites` or list only ECDHE suites with AES-GCM or ChaCha20-Poly1305.",
    rows=("SEC-17",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-757", "CWE-327"),
    severity=Severity.MEDIUM,
    severity_note="a downgrade to TLS 1.0/1.1 needs an active attacker and a legacy peer; the "
                  "row's HIGH is kept for broken ciphers and hashes (GO-SEC-029)",
    stride=(Stride.INFORMATION_DISCLOSURE, Stride.TAMPERING),
    example_path="server.go", visits=("keyed_element", "assignment_statement"), check=check,
)
