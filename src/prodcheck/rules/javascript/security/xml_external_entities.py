"""
## What it does
Follows request data from Express, Fastify and NestJS handlers into an XML parser that expands
external entities: libxmljs/libxmljs2 `parseXml()`/`parseXmlString()` called with
`{ noent: true }`.

## Why it matters
With entity expansion on, `<!ENTITY x SYSTEM "file:///etc/passwd">` inlines local files into the
parsed document (often echoed back), `http://` entities make the server send requests, and nested
entities exhaust memory.

## Example
    const express = require("express");
    const libxmljs = require("libxmljs");

    const app = express();
    app.use(express.text({ type: "application/xml" }));

    app.post("/import", (req, res) => {
      const doc = libxmljs.parseXml(req.body, { noent: true });
      res.json({ root: doc.root().name() });
    });

## Use instead
    const express = require("express");
    const libxmljs = require("libxmljs");

    const app = express();
    app.use(express.text({ type: "application/xml" }));

    app.post("/import", (req, res) => {
      const doc = libxmljs.parseXml(req.body, { noent: false, nonet: true });
      res.json({ root: doc.root().name() });
    });

## Known limitations
Only libxmljs's `noent` option given as a literal object is recognised; pure-JavaScript parsers
(xml2js, fast-xml-parser) do not fetch external entities and are not sinks.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.javascript.security.taint_rule import javascript_taint_rule

RULE = javascript_taint_rule(
    "xxe", doc=__doc__, confidence=Confidence.HIGH,
    fix="Parse untrusted XML without entity expansion (drop `noent: true`, add `nonet: true`), or "
        "use a parser that never resolves external entities.",
)
