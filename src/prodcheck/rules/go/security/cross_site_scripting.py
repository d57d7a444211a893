"""
## What it does
Follows request data from net/http, gorilla/mux, chi, httprouter, gin, echo and fiber handlers to
HTML that is not escaped: the `html/template` trust conversions (`template.HTML(x)`,
`template.JS`, `template.URL`, `template.HTMLAttr`, `template.CSS`), text written to an
`http.ResponseWriter` (`w.Write`, `fmt.Fprintf(w, ...)`, `io.WriteString(w, ...)`) by a handler that
sets a `text/html` content type, or that sets none and writes text starting with a tag that
net/http's content sniffing serves as `text/html` (`<h1>`, `<p>`, `<div>`, `<html>`...), gin
`c.Data(code, "text/html...", b)` and echo `c.HTML(code, s)`.

## Why it matters
Markup or script in a query parameter runs in the victim's browser under the site's origin: it
reads the page, acts as the user and steals tokens that JavaScript can reach.

## Example
    package main

    import (
        "fmt"
        "net/http"
    )

    func greet(w http.ResponseWriter, r *http.Request) {
        name := r.URL.Query().Get("name")
        fmt.Fprintf(w, "<h1>Hello, %s!</h1>", name)
    }

## Use instead
    package main

    import (
        "fmt"
        "html"
        "net/http"
    )

    func greet(w http.ResponseWriter, r *http.Request) {
        name := r.URL.Query().Get("name")
        fmt.Fprintf(w, "<h1>Hello, %s!</h1>", html.EscapeString(name))
    }

## Known limitations
A content type set in middleware or by a helper that receives the writer is not seen; text that
starts with a value rather than a literal tag is only reported when the handler declares
`text/html`. `html/template` escapes by context and is not a sink; `text/template` rendering HTML
is not checked.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.go.security.taint_rule import go_taint_rule

RULE = go_taint_rule(
    "xss", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Render HTML with `html/template` (it escapes by context), escape single values with "
        "`html.EscapeString`, or answer with JSON or `text/plain`.",
)
