"""
## What it does
Flags TLS clients told to accept any certificate: `InsecureSkipVerify: true` in a `tls.Config`
literal (also nested in an `http.Transport`, a database or message-queue client configuration)
and assignments `cfg.InsecureSkipVerify = true` / `tr.TLSClientConfig.InsecureSkipVerify = true`.
A value read from configuration (`InsecureSkipVerify: cfg.Insecure`) is a deliberate switch and is
not reported; test files are not scanned.

## Why it matters
With verification off the connection is encrypted to whoever answers: anyone on the path (a
compromised Wi-Fi, a rogue pod, DNS spoofing) can present their own certificate, read the traffic
including credentials and tokens, and change responses (CWE-295). It usually starts as a
development shortcut for a self-signed certificate and ships to production unchanged.

## Example
    package client

    import (
    	"crypto/tls"
    	"net/http"
    	"time"
    )

    func New() *http.Client {
    	transport := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
    	return &http.Client{Transport: transport, Timeout: 10 * time.Second}
    }

## Use instead
    package client

    import (
    	"crypto/tls"
    	"crypto/x509"
    	"net/http"
    	"os"
    	"time"
    )

    func New() (*http.Client, error) {
    	pem, err := os.ReadFile("/etc/ssl/internal-ca.pem")
    	if err != nil {
    		return nil, err
    	}
    	pool := x509.NewCertPool()
    	pool.AppendCertsFromPEM(pem)
    	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
    	return &http.Client{Transport: transport, Timeout: 10 * time.Second}, nil
    }

## Known limitations
A `VerifyPeerCertificate` or `VerifyConnection` callback that re-implements verification is not
inspected: `InsecureSkipVerify: true` with such a callback is still reported, at MEDIUM
confidence.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import assignment_pairs, element_value, is_true, selector_names
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import view

VERIFY_CALLBACKS = frozenset({"VerifyPeerCertificate", "VerifyConnection"})


def check(node, ctx):
    if node.type == "keyed_element":
        yield from _keyed(node, ctx)
    elif node.type == "assignment_statement":
        yield from _assignment(node, ctx)


def _keyed(node, ctx):
    file_view = view(ctx)
    key = node.child_by_field_name("key")
    value = node.child_by_field_name("value")
    if key is None or value is None:
        parts = [c for c in node.named_children if c.type != "comment"]
        if len(parts) != 2:
            return
        key, value = parts
    if file_view.text(key).strip() != "InsecureSkipVerify" or not is_true(element_value(value)):
        return
    body = node.parent
    siblings = {file_view.text(_key(c)).strip() for c in body.named_children if c.type == "keyed_element"} \
        if body is not None else set()
    if siblings & VERIFY_CALLBACKS:
        yield ctx.finding(RULE, node, "`InsecureSkipVerify: true` with a custom verification callback",
                          confidence=Confidence.MEDIUM)
        return
    yield ctx.finding(RULE, node, "`InsecureSkipVerify: true` disables TLS certificate verification")


def _assignment(node, ctx):
    for target, value in assignment_pairs(node):
        if selector_names(target)[-1:] == ["InsecureSkipVerify"] and is_true(value):
            yield ctx.finding(RULE, node, f"`{view(ctx).text(target)} = true` disables TLS certificate verification")


def _key(element):
    key = element.child_by_field_name("key")
    if key is None:
        parts = [c for c in element.named_children if c.type != "comment"]
        key = parts[0] if parts else None
    return element_value(key)


RULE = NodeRule(
    id="GO-SEC-023", slug="tls-verification-disabled", area=Area.SEC,
    title="TLS certificate verification disabled",
    fix="Remove `InsecureSkipVerify: true`; trust a private CA with `tls.Config{RootCAs: pool}` instead, "
        "or read the switch from configuration that is off in production.",
    rows=("SEC-16",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-295",),
    stride=(Stride.SPOOFING, Stride.INFORMATION_DISCLOSURE, Stride.TAMPERING),
    example_path="main.go", visits=("keyed_element", "assignment_statement"), check=check,
)
