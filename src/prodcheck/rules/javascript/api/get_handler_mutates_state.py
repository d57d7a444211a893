"""
## What it does
Flags GET and HEAD route handlers that write to the database: an ORM or SQL mutation
(`create`, `update`, `delete`, `save`, `upsert`, `insert`, `INSERT/UPDATE/DELETE` SQL; the same
calls the multi-write check knows) in the body of a handler registered with `x.get(path, ...)`
(Express, Fastify, routers), `x.route('/p').get(...)`, Fastify `route({ method: 'GET', ... })`,
a NestJS `@Get()` method or a Next.js `export async function GET(...)` route handler.

## Why it matters
GET and HEAD are safe methods: browsers prefetch them, crawlers and link previewers (Slack,
Outlook's safe-links scanner) follow them, proxies and CDNs retry and cache them, and they carry
no CSRF protection because no one expects them to change anything. A `GET /unsubscribe/:id`,
`GET /users/:id/delete` or `GET /verify?token=` that writes gets triggered by a mail scanner
before the user clicks, and can be fired cross-site by an `<img src>`.

## Example
    import express from 'express';
    import { prisma } from './db';

    const router = express.Router();

    router.get('/subscriptions/:id/cancel', async (req, res) => {
      await prisma.subscription.update({ where: { id: req.params.id }, data: { active: false } });
      res.redirect('/account');
    });

    export default router;

## Use instead
    import express from 'express';
    import { prisma } from './db';

    const router = express.Router();

    router.post('/subscriptions/:id/cancel', async (req, res) => {
      await prisma.subscription.update({ where: { id: req.params.id }, data: { active: false } });
      res.redirect(303, '/account');
    });

    export default router;

## Known limitations
Only the handler's own body (and the callbacks inside it) is read: writes made by a service it
calls are not followed, and handlers registered in another module than their function
(`router.get('/x', controller.list)`) are not seen. Side effects that HTTP allows on safe methods
(an access log row, a view counter) are reported too, hence MEDIUM confidence.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import FUNCTION_TYPES, body_of
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import walk
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.data_helpers import file_writes, handler_verb, server_file, write_label

SAFE = frozenset({"GET", "HEAD"})


def check(func, ctx):
    if not server_file(ctx) or not file_writes(ctx):
        return
    verb = handler_verb(func, ctx)
    if not verb or not set(verb.split(",")) <= SAFE:
        return
    body = body_of(func)
    if body is None:
        return
    for node in walk(body):
        if node.type == "call_expression":
            label = write_label(node, ctx)
            if label:
                yield ctx.finding(
                    RULE, node, f"{verb.split(',')[0]} handler writes to the database (`{label}`): GET and HEAD "
                                f"must not change state", related=(func,))
                return


RULE = NodeRule(
    id="JS-API-002", slug="get-handler-mutates-state", area=Area.API,
    title="GET handler that changes state",
    fix="Serve the change on POST (or PUT/PATCH/DELETE) and keep GET read-only; for links in emails, "
        "let GET render a confirmation page whose form POSTs the change.",
    rows=("API-07",), doc=__doc__, confidence=Confidence.MEDIUM, cwe=("CWE-650",),
    example_path="routes.ts", visits=tuple(sorted(FUNCTION_TYPES)), check=check,
    coverage="partial", coverage_note="ORM/SQL writes in the body of GET/HEAD handlers registered in the same file",
)
