"""
## What it does
Follows request data from net/http, gorilla/mux, chi, httprouter, gin, echo and fiber handlers
(query and path parameters, form fields, headers, cookies, bound or decoded bodies) through
assignments, `fmt.Sprintf`, `+`, `strings` helpers, struct fields and calls between the project's
own functions and methods, to the text of an SQL statement: `database/sql` and sqlx
`Query`/`QueryRow`/`Exec`/`Prepare` (and their `Context` variants), pgx `Query(ctx, sql, ...)`,
sqlx `Select`/`Get`/`NamedExec`, and GORM `Raw`/`Exec` and the string forms of
`Where`/`Or`/`Not`/`Order`/`Group`/`Having`/`Joins`/`Select`.

## Why it matters
A value pasted into SQL text is parsed as SQL: `' OR '1'='1` widens a filter to every row, and a
`UNION SELECT` or a stacked statement reads or destroys data the caller should never reach.

## Example
    package main

    import (
        "database/sql"
        "fmt"
        "net/http"
    )

    var db *sql.DB

    func findUsers(w http.ResponseWriter, r *http.Request) {
        name := r.URL.Query().Get("name")
        query := fmt.Sprintf("SELECT id, email FROM users WHERE name = '%s'", name)
        rows, err := db.Query(query)
        if err != nil {
            http.Error(w, "lookup failed", http.StatusInternalServerError)
            return
        }
        defer rows.Close()
    }

## Use instead
    package main

    import (
        "database/sql"
        "net/http"
    )

    var db *sql.DB

    func findUsers(w http.ResponseWriter, r *http.Request) {
        name := r.URL.Query().Get("name")
        rows, err := db.Query("SELECT id, email FROM users WHERE name = $1", name)
        if err != nil {
            http.Error(w, "lookup failed", http.StatusInternalServerError)
            return
        }
        defer rows.Close()
    }

## Known limitations
Identifiers cannot be bound as parameters; a column or table name is accepted when it is looked up
in a package-level map literal, checked against literals (`if sort != "name" && sort != "date" {
return }`, a `switch` with literal cases, `slices.Contains` of a package-level list) or converted
with `strconv.Atoi`/`ParseInt`. Calls through interfaces, through struct fields whose type is
declared in another file, and values written into a pointer parameter by another function are not
followed; nor is data that goes through the database and back (second-order injection).
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.go.security.taint_rule import go_taint_rule

RULE = go_taint_rule(
    "sql", doc=__doc__, confidence=Confidence.HIGH,
    fix="Pass request values as placeholders (`db.Query(\"... WHERE name = $1\", name)`, "
        "`db.Where(\"name = ?\", name)`); check identifiers against an allow-list.",
)
