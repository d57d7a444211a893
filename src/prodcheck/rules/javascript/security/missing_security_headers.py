"""
## What it does
Flags a service that creates an Express, Fastify or NestJS application and serves routes but
never applies security headers: `helmet` (or `@fastify/helmet`, `lusca`) is not imported anywhere
in the service and no `Content-Security-Policy`, `X-Content-Type-Options`,
`Strict-Transport-Security` or `X-Frame-Options` header is set by hand. Reported once per
service, where the app is created.

## Why it matters
Without these headers browsers sniff content types, allow the pages to be framed
(clickjacking), accept downgrades to plain HTTP and run injected scripts without a policy to
stop them. Express also advertises itself with `X-Powered-By`. helmet sets sane defaults for all
of them in one line.

## Example
    import express from 'express';

    const app = express();
    app.get('/profile', (req, res) => res.json({ name: 'Ada' }));
    app.listen(3000);

## Use instead
    import express from 'express';
    import helmet from 'helmet';

    const app = express();
    app.use(helmet());
    app.get('/profile', (req, res) => res.json({ name: 'Ada' }));
    app.listen(3000);

## Known limitations
Headers added by a reverse proxy, CDN or API gateway are not visible; the confidence is MEDIUM
for that reason. A helmet import that is never applied counts as applied.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.javascript.helpers import group_signals, js_groups

PACKAGE = {"express": "helmet", "fastify": "@fastify/helmet", "nestjs": "helmet"}


def check(project, ctx):
    routed = {e.location.path for e in project.inventory.endpoints}
    for _, files in sorted(js_groups(project).items()):
        apps = group_signals(files, "js-http-app")
        if not apps or group_signals(files, "js-security-headers"):
            continue
        if not any(f.path in routed for f in files):
            continue
        app = min(apps, key=lambda s: (s.location.path, s.location.line))
        yield ctx.finding(
            RULE, app.location,
            f"{app.detail} app without security headers: `{PACKAGE.get(app.detail, 'helmet')}` is "
            f"not used anywhere in the service")


RULE = ProjectRule(
    id="JS-SEC-031", slug="missing-security-headers", area=Area.SEC,
    title="HTTP service without security headers",
    fix="Apply helmet right after creating the app (`app.use(helmet())`; Fastify: "
        "`app.register(helmet)` from `@fastify/helmet`) and tune its CSP for the pages you serve.",
    rows=("SEC-33",), doc=__doc__, confidence=Confidence.MEDIUM,
    cwe=("CWE-693",), stride=(Stride.TAMPERING, Stride.INFORMATION_DISCLOSURE),
    example_path="app.ts", needs_languages=("javascript", "typescript"), check=check,
    coverage="partial", coverage_note="helmet (or hand-set headers) present; the CSP and header values are not checked",
)
