"""
## What it does
Follows request data from Express, Fastify and NestJS handlers into deserialisers that revive
functions or types from the text: `node-serialize` `unserialize()`, `serialize-to-js`
`deserialize()`, `funcster`, `cryo.parse()`.

## Why it matters
`node-serialize` turns `{"x": "_$$ND_FUNC$$_function(){...}()"}` into a function and calls it:
one request body runs arbitrary code in the service.

## Example
    const express = require("express");
    const serialize = require("node-serialize");

    const app = express();

    app.post("/prefs", (req, res) => {
      const prefs = serialize.unserialize(req.cookies.prefs);
      res.json({ theme: prefs.theme });
    });

## Use instead
    const express = require("express");

    const app = express();

    app.post("/prefs", (req, res) => {
      const prefs = JSON.parse(req.cookies.prefs);
      res.json({ theme: prefs.theme });
    });

## Known limitations
Only the libraries listed are known; `JSON.parse()` is safe and never reported. YAML loaders are
reported through `js-yaml.load` only where its import resolves to the `js-yaml` package.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.javascript.security.taint_rule import javascript_taint_rule

RULE = javascript_taint_rule(
    "deserialization", doc=__doc__, confidence=Confidence.HIGH,
    fix="Parse request data with `JSON.parse()` and validate its shape; never use serialisers "
        "that revive functions on untrusted input.",
)
