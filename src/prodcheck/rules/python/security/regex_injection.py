"""
## What it does
Follows request data from Flask, FastAPI/Starlette and Django/DRF handlers into the *pattern* of a
regular expression: `re.compile()`, `re.search()`, `re.match()`, `re.fullmatch()`, `re.sub()`,
`re.findall()`, `re.split()` and the `regex` module's equivalents.

## Why it matters
A pattern such as `(a+)+$` backtracks exponentially: one request ties a worker up for minutes
(ReDoS). A user pattern also changes what a filter or validation matches.

## Example
    import re

    from flask import Flask, request

    app = Flask(__name__)
    TITLES = ["Getting started", "Deploying", "Monitoring"]


    @app.get("/search")
    def search():
        term = request.args.get("q", "")
        pattern = re.compile(term, re.IGNORECASE)
        return {"titles": [t for t in TITLES if pattern.search(t)]}

## Use instead
    import re

    from flask import Flask, request

    app = Flask(__name__)
    TITLES = ["Getting started", "Deploying", "Monitoring"]


    @app.get("/search")
    def search():
        term = request.args.get("q", "")
        pattern = re.compile(re.escape(term), re.IGNORECASE)
        return {"titles": [t for t in TITLES if pattern.search(t)]}

## Known limitations
Patterns compiled with a timeout (the `regex` module's `timeout=`) are still reported.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.python.security.taint_rule import python_taint_rule

RULE = python_taint_rule(
    "redos", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Escape user text with `re.escape()` before it goes into a pattern, or match it as plain "
        "text (`in`, `str.find()`).",
)
