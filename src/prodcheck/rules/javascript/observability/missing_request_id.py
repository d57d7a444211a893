"""
## What it does
Flags an Express or NestJS service (an app created with `express()` or `NestFactory.create(...)`
that serves routes) in which nothing generates or accepts a request id: no request-id or
correlation package (`express-request-id`, `cls-rtracer`, `express-correlation-id`,
`nestjs-cls`, `pino-http`/`nestjs-pino`, which assign `req.id`), no tracing instrumentation
(`@opentelemetry/*`, `dd-trace`, `elastic-apm-node`, `newrelic`), no `x-request-id` /
`x-correlation-id` / `traceparent` header handled in the code, no `genReqId` option and no
`req.id = ...` assignment. The finding is reported once per service, where the app is created.

Fastify apps are not reported: Fastify gives every request an id (`request.id`, logged as
`reqId`) by default, and `requestIdHeader`/`genReqId` tune it.

## Why it matters
Without a correlation id, the log lines of one failing request cannot be told apart from the
hundreds of others written in the same second, and a request cannot be followed from the gateway
through this service to its database calls and downstream services. Returning the id in the
response also lets a user's bug report point at the exact log lines.

## Example
    import express from 'express';
    import { ordersRouter } from './orders';

    const app = express();
    app.use(express.json());
    app.use('/orders', ordersRouter);
    app.get('/health', (req, res) => res.send('ok'));
    app.listen(3000);

## Use instead
    import express from 'express';
    import pinoHttp from 'pino-http';
    import { randomUUID } from 'node:crypto';
    import { ordersRouter } from './orders';

    const app = express();
    app.use(pinoHttp({ genReqId: (req) => req.headers['x-request-id'] ?? randomUUID() }));
    app.use(express.json());
    app.use('/orders', ordersRouter);
    app.get('/health', (req, res) => res.send('ok'));
    app.listen(3000);

## Known limitations
Evidence anywhere in the service counts, even a middleware that is never registered. `pino-http`
counts although its default id is a per-process counter that does not accept an incoming
`x-request-id`; propagation to outbound calls and to the response is not checked. A request id
provided by the platform alone (a service mesh, an API gateway) is not visible in the code.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.javascript.helpers import group_signals, is_tooling_path, js_groups

REQUEST_ID_DEPENDENCIES = ("express-request-id", "cls-rtracer", "express-correlation-id", "correlation-id",
                           "nestjs-cls", "pino-http", "nestjs-pino", "express-pino-logger", "dd-trace",
                           "elastic-apm-node", "newrelic", "@opentelemetry/auto-instrumentations-node",
                           "@opentelemetry/instrumentation-http", "@opentelemetry/instrumentation-express",
                           "@opentelemetry/sdk-node", "express-http-context", "@google-cloud/trace-agent")
FRAMEWORKS = frozenset({"express", "nestjs"})


def check(project, ctx):
    endpoints = {}
    for endpoint in project.inventory.endpoints:
        endpoints.setdefault(endpoint.location.path, 0)
        endpoints[endpoint.location.path] += 1
    for _, files in sorted(js_groups(project).items()):
        apps = [s for s in group_signals(files, "js-http-app") if s.detail in FRAMEWORKS
                and not is_tooling_path(s.location.path)
                and project.by_path.get(s.location.path) is not None
                and project.by_path[s.location.path].kind == "source"]
        if not apps:
            continue
        if any(s.detail == "fastify" for s in group_signals(files, "js-http-app")):
            continue
        count = sum(endpoints.get(f.path, 0) for f in files)
        if not count:
            continue
        if group_signals(files, "js-request-id") or _dependency(files):
            continue
        app = min(apps, key=lambda s: (s.location.path, s.location.line))
        framework = "NestJS" if app.detail == "nestjs" else "Express"
        yield ctx.finding(
            RULE, app.location,
            f"{framework} service with {count} route{'s' if count != 1 else ''} neither generates nor accepts a "
            f"request id (no request-id middleware, `x-request-id` handling or tracing)")


def _dependency(files) -> bool:
    for facts in files:
        for dependency in facts.dependencies:
            if dependency.ecosystem == "npm" and not dependency.dev and any(
                    dependency.name == p or dependency.name.startswith(p + "/") for p in REQUEST_ID_DEPENDENCIES):
                return True
    return False


RULE = ProjectRule(
    id="JS-OBS-003", slug="missing-request-id", area=Area.OBS,
    title="Service without request ids",
    fix="Give every request an id: accept `x-request-id` (or `traceparent`) or generate a UUID, attach it to "
        "the request logger (`pino-http` with `genReqId`, `nestjs-pino`, `cls-rtracer`), return it in the "
        "response header and forward it on outbound calls; or instrument with OpenTelemetry.",
    rows=("OBS-04",), doc=__doc__, confidence=Confidence.MEDIUM,
    example_path="app.ts", needs_languages=("javascript", "typescript"), check=check,
    coverage="partial",
    coverage_note="presence of a request-id mechanism per Express/NestJS service; propagation is not checked",
)
