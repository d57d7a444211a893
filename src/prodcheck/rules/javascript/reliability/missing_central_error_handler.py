"""
## What it does
Flags an Express application that has routes but no error-handling middleware: no
four-parameter `(err, req, res, next)` function anywhere in the service, no
`app.use(errorHandler)`-style registration of an imported handler whose name says it handles
errors, and no error-handling package (`errorhandler`, Sentry's `setupExpressErrorHandler`). The
finding is reported once per service, where the app is created.

## Why it matters
Without its own error handler, Express falls back to the built-in one: in development it sends
the stack trace to the client, in production a bare HTML "Internal Server Error" to a JSON API,
and nothing maps domain errors to status codes (a validation error becomes a 500) or logs them
in one place with the request context.

## Example
    import express from 'express';
    import { orders } from './orders';

    const app = express();
    app.use(express.json());
    app.get('/orders', async (req, res, next) => {
      try {
        res.json(await orders.list());
      } catch (err) {
        next(err);
      }
    });
    app.listen(3000);

## Use instead
    import express, { NextFunction, Request, Response } from 'express';
    import { orders } from './orders';

    const app = express();
    app.use(express.json());
    app.get('/orders', async (req, res, next) => {
      try {
        res.json(await orders.list());
      } catch (err) {
        next(err);
      }
    });
    app.use((err: Error, req: Request, res: Response, next: NextFunction) => {
      req.log?.error(err);
      res.status(500).json({ error: 'internal error' });
    });
    app.listen(3000);

## Known limitations
Any four-parameter `(err, req, res, next)` function in the service counts, even one that is
never registered. NestJS and Fastify have built-in error handling and are not checked here.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.javascript.helpers import group_signals, js_groups


def check(project, ctx):
    express_routes = {}
    for endpoint in project.inventory.endpoints:
        if endpoint.framework == "express":
            express_routes.setdefault(endpoint.location.path, endpoint)
    for _, files in sorted(js_groups(project).items()):
        paths = {f.path for f in files}
        if not any(path in express_routes for path in paths):
            continue
        apps = [s for s in group_signals(files, "js-http-app") if s.detail == "express"]
        if not apps or group_signals(files, "js-error-middleware"):
            continue
        app = min(apps, key=lambda s: (s.location.path, s.location.line))
        count = sum(1 for e in project.inventory.endpoints if e.location.path in paths and e.framework == "express")
        yield ctx.finding(
            RULE, app.location,
            f"Express app with {count} route{'s' if count != 1 else ''} but no error-handling "
            f"middleware `(err, req, res, next)`")


RULE = ProjectRule(
    id="JS-REL-004", slug="missing-central-error-handler", area=Area.REL,
    title="Express app without a central error handler",
    fix="Register an error-handling middleware last: `app.use((err, req, res, next) => { log it; "
        "map it to a status and a JSON body })`.",
    rows=("REL-12",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="app.ts", needs_languages=("javascript", "typescript"), check=check,
)
