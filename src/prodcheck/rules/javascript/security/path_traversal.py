"""
## What it does
Follows request data from Express, Fastify and NestJS handlers into a file path: `fs.readFile()`,
`writeFile()`, `createReadStream()`, `unlink()`, `readdir()`, `rm()`, the `fs/promises` API, and
Express `res.sendFile()`/`res.download()` without a `root` option. `path.join()` and
`path.resolve()` keep the taint (`../` survives them); `path.basename()` removes it.

## Why it matters
`../../etc/passwd` or an absolute path walks out of the directory the code meant to serve: the
caller reads configuration, keys and source code, or overwrites files the service can write.

## Example
    const express = require("express");
    const fs = require("fs");
    const path = require("path");

    const app = express();

    app.get("/reports/:name", (req, res) => {
      const file = path.join(__dirname, "reports", req.params.name);
      fs.readFile(file, "utf8", (err, text) => res.type("text/plain").send(text));
    });

## Use instead
    const express = require("express");
    const fs = require("fs");
    const path = require("path");

    const app = express();

    app.get("/reports/:name", (req, res) => {
      const file = path.join(__dirname, "reports", path.basename(req.params.name));
      fs.readFile(file, "utf8", (err, text) => res.type("text/plain").send(text));
    });

## Known limitations
A check that the resolved path starts with the base directory is not recognised (the flow is still
reported; suppress it with a reason). Unsafe archive extraction (zip slip) is not checked.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.javascript.security.taint_rule import javascript_taint_rule

RULE = javascript_taint_rule(
    "path", doc=__doc__, confidence=Confidence.MEDIUM, coverage="partial",
    coverage_note="file paths from request data; unsafe archive extraction (zip slip) is not checked",
    fix="Keep only the file name (`path.basename()`), or resolve the path and check it stays under "
        "the base directory; serve files with `res.sendFile(name, { root })`.",
)
