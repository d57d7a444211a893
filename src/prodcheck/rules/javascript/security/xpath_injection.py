"""
## What it does
Follows request data from Express, Fastify and NestJS handlers into the text of an XPath
expression: `xpath.select()`/`select1()`/`evaluate()`/`parse()` of the `xpath` and `xpath-ts`
packages and fontoxpath's `evaluateXPath*()`.

## Why it matters
A quote in the value ends the string literal: `' or '1'='1` makes a lookup match every node,
which bypasses XML-backed logins and discloses the whole document.

## Example
    const express = require("express");
    const xpath = require("xpath");
    const { DOMParser } = require("@xmldom/xmldom");
    const fs = require("fs");

    const app = express();
    const users = new DOMParser().parseFromString(fs.readFileSync("users.xml", "utf8"));

    app.get("/user", (req, res) => {
      const nodes = xpath.select(`//user[name/text()='${req.query.name}']`, users);
      res.json({ found: nodes.length });
    });

## Use instead
    const express = require("express");
    const xpath = require("xpath");
    const { DOMParser } = require("@xmldom/xmldom");
    const fs = require("fs");

    const app = express();
    const users = new DOMParser().parseFromString(fs.readFileSync("users.xml", "utf8"));

    app.get("/user", (req, res) => {
      const nodes = xpath.select("//user/name/text()", users);
      const found = nodes.filter((n) => n.nodeValue === req.query.name);
      res.json({ found: found.length });
    });

## Known limitations
XPath variables (`xpath.evaluate` with a `variables` resolver) are the safe form; an expression
that only concatenates an escaped value is accepted when `xpath-escape` or `xml-escape` did the
escaping.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.javascript.security.taint_rule import javascript_taint_rule

RULE = javascript_taint_rule(
    "xpath", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Keep XPath expressions fixed and compare request values in code, or bind them as XPath "
        "variables.",
)
