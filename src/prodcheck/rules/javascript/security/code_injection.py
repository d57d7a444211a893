"""
## What it does
Follows request data from Express, Fastify and NestJS handlers into code evaluation: `eval()`,
`new Function(...)`, `vm.runInNewContext()`/`runInThisContext()`/`runInContext()`,
`new vm.Script()`, and `setTimeout()`/`setInterval()` given a string.

## Why it matters
The request's text becomes program code running with the service's rights: it reads secrets from
`process.env`, spawns processes and opens connections. `vm` is not a security boundary.

## Example
    const express = require("express");

    const app = express();

    app.post("/calc", (req, res) => {
      const result = eval(req.body.expression);
      res.json({ result });
    });

## Use instead
    const express = require("express");

    const app = express();
    const OPERATIONS = { add: (a, b) => a + b, sub: (a, b) => a - b };

    app.post("/calc", (req, res) => {
      const operation = OPERATIONS[req.body.op];
      const result = operation ? operation(Number(req.body.a), Number(req.body.b)) : null;
      res.json({ result });
    });

## Known limitations
`require()` or `import()` of a request-chosen module is not checked.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.javascript.security.taint_rule import javascript_taint_rule

RULE = javascript_taint_rule(
    "code", doc=__doc__, confidence=Confidence.HIGH,
    fix="Never evaluate request data; map the request to a fixed set of operations, or use a "
        "parser for the small language you need.",
)
