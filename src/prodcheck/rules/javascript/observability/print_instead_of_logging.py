"""
## What it does
Flags `console.log`, `console.info` and `console.debug` calls in the server code of a Node.js
service (the files of a directory that runs a server). Scripts, command-line tools, seeds,
migrations, build and test configuration (`scripts/`, `bin/`, `*.config.js`, `seed.ts`, ...),
browser code (JSX/TSX, React/Vue imports), tests and packages that are not services are left
alone. `console.error`/`console.warn` are not reported.

## Why it matters
Console output is unstructured text without level, timestamp or request context, cannot be
filtered or sampled, and `console.log` writes synchronously to a pipe in production, blocking the
event loop under load. A logger (pino, winston, the NestJS `Logger`) gives JSON lines with levels
and correlation ids that the log pipeline can index and alert on.

## Example
    import express from 'express';

    const app = express();
    app.post('/orders', (req, res) => {
      console.log('creating order', req.body.sku);
      res.status(201).end();
    });
    app.listen(3000);

## Use instead
    import express from 'express';
    import pino from 'pino';

    const logger = pino();
    const app = express();
    app.post('/orders', (req, res) => {
      logger.info({ sku: req.body.sku }, 'creating order');
      res.status(201).end();
    });
    app.listen(3000);

## Known limitations
Which files are "server code" is decided by path and service membership: a CLI living inside a
service's `src/` directory is reported.
"""
from __future__ import annotations

from prodcheck.facts.stack import service_of
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.javascript.helpers import JS_LANGUAGES, is_frontend_file, is_tooling_path


def check(project, ctx):
    for facts in project.files:
        if facts.language not in JS_LANGUAGES or facts.kind != "source":
            continue
        calls = [s for s in facts.signals if s.name == "js-console-call"]
        if not calls or not service_of(facts.path, project.stack):
            continue
        service = next(s for s in project.services if s.name == service_of(facts.path, project.stack))
        relative = facts.path if service.root == "." else facts.path[len(service.root) + 1:]
        if is_tooling_path(relative) or is_frontend_file(facts):
            continue
        for signal in calls:
            yield ctx.finding(RULE, signal.location,
                              f"`console.{signal.detail}` in server code: use a structured logger")


RULE = ProjectRule(
    id="JS-OBS-001", slug="print-instead-of-logging", area=Area.OBS,
    title="console.log in server code",
    fix="Log through a structured logger (pino, winston, NestJS `Logger`) with a level and context "
        "fields instead of `console.log`.",
    rows=("OBS-02",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="app.ts", needs_languages=("javascript", "typescript"), check=check,
)
