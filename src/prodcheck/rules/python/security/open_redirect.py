"""
## What it does
Follows request data (typically a `next` or `return_to` parameter) from Flask, FastAPI/Starlette
and Django/DRF handlers to the target of a redirect: Flask/Werkzeug `redirect()`, Django
`redirect()`/`HttpResponseRedirect()`, Starlette/FastAPI `RedirectResponse()`. Targets that start
with a fixed path (`"/search?q=" + q`) or are built by `url_for()`/`reverse()` are not reported.

## Why it matters
A link on the real domain that bounces the user to an attacker's site makes phishing pages look
legitimate, and redirect-based OAuth and SSO flows leak tokens to the attacker's host.

## Example
    from flask import Flask, redirect, request

    app = Flask(__name__)


    @app.get("/login/done")
    def login_done():
        target = request.args.get("next", "/")
        return redirect(target)

## Use instead
    from urllib.parse import urlparse

    from flask import Flask, redirect, request

    app = Flask(__name__)


    @app.get("/login/done")
    def login_done():
        target = request.args.get("next", "/")
        if urlparse(target).netloc:
            target = "/"
        return redirect(target)

## Known limitations
Recognised checks: Django's `url_has_allowed_host_and_scheme()`, a project function named like
`is_safe_url()` / `is_safe_redirect_url()` used as a condition, an empty `urlparse(url).netloc`,
and membership in a constant collection. A relative target such as `/\\evil.example` that some
browsers read as another host passes the `netloc` check.
"""
from __future__ import annotations

from prodcheck.model import Confidence, Severity
from prodcheck.rules.python.security.taint_rule import python_taint_rule

RULE = python_taint_rule(
    "redirect", doc=__doc__, confidence=Confidence.MEDIUM, severity=Severity.MEDIUM,
    severity_note="An open redirect aids phishing and token theft but does not by itself expose "
                  "data or run code; the SSRF row's CRITICAL is for server-side requests.",
    fix="Redirect only to relative paths of this site or to hosts on an allow-list "
        "(`url_has_allowed_host_and_scheme()`), falling back to a fixed page.",
)
