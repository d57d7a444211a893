"""
## What it does
Follows request data from Express, Fastify and NestJS handlers into the *source* of a template:
`ejs.render()`/`compile()`, `pug.render()`/`compile()`, `handlebars.compile()`,
`nunjucks.renderString()`, lodash `_.template()`, `mustache.render()`, doT, Eta and Twig.

## Why it matters
Template languages evaluate expressions: a template written by the caller runs code on the
server (`<%= process.mainModule.require('child_process').execSync('id') %>` in EJS), well beyond
an XSS.

## Example
    const express = require("express");
    const ejs = require("ejs");

    const app = express();

    app.post("/greeting", (req, res) => {
      const html = ejs.render(req.body.template, { name: "Ada" });
      res.type("html").send(html);
    });

## Use instead
    const express = require("express");
    const ejs = require("ejs");

    const app = express();
    const GREETING = "<p>Hello <%= name %></p>";

    app.post("/greeting", (req, res) => {
      const html = ejs.render(GREETING, { name: req.body.name });
      res.type("html").send(html);
    });

## Known limitations
Template names chosen by the request (`res.render(req.query.view)`) are not checked here.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.javascript.security.taint_rule import javascript_taint_rule

RULE = javascript_taint_rule(
    "template", doc=__doc__, confidence=Confidence.HIGH,
    fix="Keep template sources fixed in the code or on disk and pass request values as the data "
        "the template renders.",
)
