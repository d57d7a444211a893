"""
## What it does
Follows request data from Express, Fastify and NestJS handlers into an Express HTML response body:
`res.send()`, `res.write()` and `res.end()` given a string (Express answers a string sent with
`send()` as `text/html`). An object or array literal given to `send()` is answered as JSON and is
not reported; `escape-html`, `he`, `validator.escape()`, `xss`, DOMPurify and `sanitize-html`
clean the value.

## Why it matters
Markup echoed into a page runs in the victim's browser under the site's origin: a
`<script>` in a search term reads cookies and tokens, acts as the user and rewrites the page.

## Example
    const express = require("express");

    const app = express();

    app.get("/search", (req, res) => {
      res.send(`<h1>Results for ${req.query.q}</h1>`);
    });

## Use instead
    const express = require("express");
    const escapeHtml = require("escape-html");

    const app = express();

    app.get("/search", (req, res) => {
      res.send(`<h1>Results for ${escapeHtml(req.query.q)}</h1>`);
    });

## Known limitations
Fastify's `reply.send(string)` answers `text/plain` and is not a sink, also after
`reply.type("text/html")` (a miss). The parsed `req.body` / `req.query` object sent back whole is
JSON and is not reported. The content type is not tracked: `res.type("text/plain").send(x)` or a JSON value held in a
variable is still an HTML sink here. Template engines that escape by default (`res.render()`) are
not sinks; raw output inside templates (`<%- %>`, `{{{ }}}`) is not checked.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.javascript.security.taint_rule import javascript_taint_rule

RULE = javascript_taint_rule(
    "xss", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Escape request values before they go into HTML (`escape-html`, `he.encode()`), render "
        "through an escaping template engine, or answer JSON (`res.json()`).",
)
