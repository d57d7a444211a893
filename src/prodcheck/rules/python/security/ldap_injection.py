"""
## What it does
Follows request data from Flask, FastAPI/Starlette and Django/DRF handlers into an LDAP search
filter: python-ldap `search_s()`/`search_st()`/`search_ext()`/`search_ext_s()` (the filter
argument) and ldap3 `Connection.search()` (the search filter).

## Why it matters
Filter metacharacters change the query: a user name of `*)(uid=*))(|(uid=*` matches every entry,
bypassing a login check or listing the directory.

## Example
    import ldap
    from flask import Flask, request

    app = Flask(__name__)


    @app.get("/people")
    def people():
        uid = request.args["uid"]
        conn = ldap.initialize("ldap://ldap.internal")
        entries = conn.search_s("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={uid})")
        return {"count": len(entries)}

## Use instead
    import ldap
    from flask import Flask, request
    from ldap.filter import escape_filter_chars

    app = Flask(__name__)


    @app.get("/people")
    def people():
        uid = escape_filter_chars(request.args["uid"])
        conn = ldap.initialize("ldap://ldap.internal")
        entries = conn.search_s("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={uid})")
        return {"count": len(entries)}

## Known limitations
Distinguished names built from request data (the search base) are not reported.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.python.security.taint_rule import python_taint_rule

RULE = python_taint_rule(
    "ldap", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Escape each value with `ldap.filter.escape_filter_chars()` (or build the filter with "
        "`ldap.filter.filter_format()`).",
)
