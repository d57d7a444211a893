r"""
## What it does
Follows request data from Express, Fastify and NestJS handlers into the pattern of a regular
expression: `new RegExp(x)` / `RegExp(x)`. Escaping with `escape-string-regexp`, lodash
`escapeRegExp()` or the usual `x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")` makes it safe.

## Why it matters
A pattern such as `(a+)+$` backtracks exponentially: one request blocks Node's single event loop
and with it every other request (ReDoS). A caller-chosen pattern also widens what a search or a
check matches.

## Example
    const express = require("express");

    const app = express();
    const TITLES = ["Getting started", "Deploying", "Monitoring"];

    app.get("/search", (req, res) => {
      const pattern = new RegExp(req.query.q, "i");
      res.json(TITLES.filter((t) => pattern.test(t)));
    });

## Use instead
    const express = require("express");
    const escapeRegExp = require("escape-string-regexp");

    const app = express();
    const TITLES = ["Getting started", "Deploying", "Monitoring"];

    app.get("/search", (req, res) => {
      const pattern = new RegExp(escapeRegExp(String(req.query.q)), "i");
      res.json(TITLES.filter((t) => pattern.test(t)));
    });

## Known limitations
MongoDB `$regex` filters built from request data are reported by the NoSQL rule only when the
whole filter comes from the request.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.javascript.security.taint_rule import javascript_taint_rule

RULE = javascript_taint_rule(
    "redos", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Escape request values before they go into a pattern (`escape-string-regexp`), or match "
        "with plain string methods (`includes()`, `startsWith()`).",
)
