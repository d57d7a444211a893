"""
## What it does
Follows request data from net/http, gorilla/mux, chi, httprouter, gin, echo and fiber handlers to the
filter of an LDAP search built with go-ldap: the seventh argument of `ldap.NewSearchRequest`
(`github.com/go-ldap/ldap/v3`, `github.com/go-ldap/ldap`, `gopkg.in/ldap.v3`).

## Why it matters
`*`, `(`, `)` and `|` change an LDAP filter's logic: a user name such as `*)(uid=*))(|(uid=*`
turns "this user" into "any user", which bypasses a login that searches for the user first and
lists entries of the directory the caller should not see.

## Example
    package main

    import (
        "fmt"
        "net/http"

        "github.com/go-ldap/ldap/v3"
    )

    func findUser(w http.ResponseWriter, r *http.Request) {
        user := r.FormValue("user")
        search := ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
            0, 0, false, fmt.Sprintf("(uid=%s)", user), []string{"dn"}, nil)
        _ = search
    }

## Use instead
    package main

    import (
        "fmt"
        "net/http"

        "github.com/go-ldap/ldap/v3"
    )

    func findUser(w http.ResponseWriter, r *http.Request) {
        user := r.FormValue("user")
        search := ldap.NewSearchRequest("dc=example,dc=com", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
            0, 0, false, fmt.Sprintf("(uid=%s)", ldap.EscapeFilter(user)), []string{"dn"}, nil)
        _ = search
    }

## Known limitations
Only go-ldap's `NewSearchRequest` is a sink; a `SearchRequest` built as a struct literal and other
LDAP clients are not checked. The base DN (DN injection) is not checked.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.go.security.taint_rule import go_taint_rule

RULE = go_taint_rule(
    "ldap", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Escape each value with `ldap.EscapeFilter()` before putting it in a filter.",
)
