"""
## What it does
Follows request data from net/http, gorilla/mux, chi, httprouter, gin, echo and fiber handlers to the
URL or address of an outbound request: `http.Get`/`Head`/`Post`/`PostForm`, an `http.Client`'s
`Get`/`Head`/`Post`, `http.NewRequest`/`NewRequestWithContext`, and `net.Dial`/`DialTimeout`.
A URL built on a fixed origin (`"https://api.example.com/users/" + id`) is not reported.

## Why it matters
The server reaches places the caller cannot: cloud metadata endpoints
(`http://169.254.169.254/...`) hand out credentials, and internal admin services, databases and
`localhost` ports answer a request that comes from inside the network.

## Example
    package main

    import (
        "io"
        "net/http"
    )

    func preview(w http.ResponseWriter, r *http.Request) {
        target := r.URL.Query().Get("url")
        resp, err := http.Get(target)
        if err != nil {
            http.Error(w, "fetch failed", http.StatusBadGateway)
            return
        }
        defer resp.Body.Close()
        io.Copy(w, resp.Body)
    }

## Use instead
    package main

    import (
        "io"
        "net/http"
        "net/url"
    )

    func preview(w http.ResponseWriter, r *http.Request) {
        id := r.URL.Query().Get("id")
        resp, err := http.Get("https://images.example.com/v1/previews/" + url.PathEscape(id))
        if err != nil {
            http.Error(w, "fetch failed", http.StatusBadGateway)
            return
        }
        defer resp.Body.Close()
        io.Copy(w, resp.Body)
    }

## Known limitations
A host checked against an allow-list in a helper function (`if !allowedHost(u.Host) { return }`)
is not recognised as a check; requests made through third-party HTTP clients (resty, req) are not
sinks.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.go.security.taint_rule import go_taint_rule

RULE = go_taint_rule(
    "ssrf", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Build outbound URLs on a fixed origin, or parse the URL and check its host against an allow-list "
        "(and refuse private and link-local addresses in the dialer) before the request.",
)
