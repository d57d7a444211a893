"""
## What it does
Follows request data from Flask, FastAPI/Starlette and Django/DRF handlers into HTML that is not
escaped: a string a Flask view returns (served as `text/html`), `make_response()`/`Response()`,
Django `HttpResponse()`, Starlette/FastAPI `HTMLResponse()`, and text marked safe with
`Markup()`, `mark_safe()` or `format_html()`'s format string.

## Why it matters
A script injected into a page runs with the victim's session on the site's origin: it reads and
changes the user's data, steals tokens from the page and acts as the user.

## Example
    from flask import Flask, request

    app = Flask(__name__)


    @app.get("/hello")
    def hello():
        name = request.args.get("name", "world")
        return f"<h1>Hello {name}</h1>"

## Use instead
    from flask import Flask, render_template, request

    app = Flask(__name__)


    @app.get("/hello")
    def hello():
        name = request.args.get("name", "world")
        return render_template("hello.html", name=name)

## Known limitations
A Flask view is reported when it returns a string it builds (f-string, concatenation, `%`,
`.format()`); returning a variable that holds request text is not, since it may be a dict
served as JSON. Responses with a non-HTML `content_type`/`mimetype`/`media_type` literal are not
reported. jinja2 `Template(...).render()` without autoescape is not followed.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.python.security.taint_rule import python_taint_rule

RULE = python_taint_rule(
    "xss", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Render HTML through an autoescaping template (`render_template`, Django templates) or "
        "escape each value with `markupsafe.escape()`/`html.escape()`; return JSON for data.",
)
