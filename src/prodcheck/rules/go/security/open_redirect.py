"""
## What it does
Follows request data from net/http, gorilla/mux, chi, httprouter, gin, echo and fiber handlers to a
redirect target: `http.Redirect(w, r, url, code)`, gin and echo `c.Redirect(code, url)` and fiber
`c.Redirect(url)`. A target built on a fixed path or origin (`"/orders/" + id`) is not reported.

## Why it matters
A link on the trusted domain (`https://shop.example.com/login?next=https://evil.example`) sends
the user to a look-alike site after login: phishing that passes every "check the domain" advice,
and OAuth flows that leak codes or tokens to the attacker's host.

## Example
    package main

    import "net/http"

    func afterLogin(w http.ResponseWriter, r *http.Request) {
        next := r.URL.Query().Get("next")
        http.Redirect(w, r, next, http.StatusFound)
    }

## Use instead
    package main

    import "net/http"

    var landingPages = map[string]string{"orders": "/orders", "profile": "/account/profile"}

    func afterLogin(w http.ResponseWriter, r *http.Request) {
        next, ok := landingPages[r.URL.Query().Get("next")]
        if !ok {
            next = "/"
        }
        http.Redirect(w, r, next, http.StatusFound)
    }

## Known limitations
A target checked by a helper (`isSafeRedirect(next)`) or by parsing it and comparing its host is not
recognised as a check; a lookup in a package-level map literal, a comparison with literals and a
target built on a fixed path are.
"""
from __future__ import annotations

from prodcheck.model import Confidence, Severity
from prodcheck.rules.go.security.taint_rule import go_taint_rule

RULE = go_taint_rule(
    "redirect", doc=__doc__, confidence=Confidence.MEDIUM, severity=Severity.MEDIUM,
    severity_note="An open redirect aids phishing and token theft but does not by itself expose "
                  "data or run code; the SSRF row's CRITICAL is for server-side requests.",
    fix="Redirect only to relative paths of this site or to hosts on an allow-list, falling back to a "
        "fixed page.",
)
