"""
## What it does
Follows request data from net/http, gorilla/mux, chi, httprouter, gin, echo and fiber handlers to the
source text of a template: `Parse` of a `text/template` or `html/template` template
(`template.New("x").Parse(src)`, also through `template.Must`).

## Why it matters
Template text is code: `{{.}}` dumps the whole data value, `{{.Secret}}` reads any exported field,
`{{.User.Delete}}` calls any exported method of the data, and with `text/template` the output
carries raw markup. The requester decides what the server renders and runs.

## Example
    package main

    import (
        "net/http"
        "text/template"
    )

    type Page struct{ User string }

    func render(w http.ResponseWriter, r *http.Request) {
        layout := r.FormValue("layout")
        tmpl, err := template.New("page").Parse(layout)
        if err != nil {
            http.Error(w, "bad layout", http.StatusBadRequest)
            return
        }
        tmpl.Execute(w, Page{User: "guest"})
    }

## Use instead
    package main

    import (
        "net/http"
        "text/template"
    )

    type Page struct{ User string }

    var page = template.Must(template.New("page").Parse("Hello {{.User}}"))

    func render(w http.ResponseWriter, r *http.Request) {
        page.Execute(w, Page{User: r.FormValue("user")})
    }

## Known limitations
Only the `Parse` of the standard template packages is a sink; other template engines (pongo2,
jet, quicktemplate) are not checked.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.go.security.taint_rule import go_taint_rule

RULE = go_taint_rule(
    "template", doc=__doc__, confidence=Confidence.HIGH,
    fix="Keep template sources fixed (parsed once at start-up) and pass request values as the data "
        "`Execute` renders.",
)
