"""
## What it does
Flags Express 4 route handlers (and inline route middleware) declared `async` that `await`
something outside a `try`/`catch` and are not wrapped by a helper (`asyncHandler(...)`,
`catchAsync(...)`, any wrapper call). Services that import `express-async-errors` (which patches
Express to forward rejections), routers built with `express-promise-router`, and services whose
package.json asks for Express 5 (which forwards rejected promises to the error handler) are not
reported.

## Why it matters
Express 4 ignores the promise an async handler returns. When an awaited call rejects, the error
never reaches the error-handling middleware: the client waits until its own timeout, no error
response or log line is produced, and since Node 15 the unhandled rejection crashes the whole
process, dropping every other request in flight.

## Example
    ==> package.json <==
    {"name": "orders", "dependencies": {"express": "^4.19.2"}}
    ==> app.ts <==
    import express from 'express';
    import { loadOrder } from './orders';

    const app = express();

    app.get('/orders/:id', async (req, res) => {
      const order = await loadOrder(req.params.id);
      res.json(order);
    });

    app.listen(3000);

## Use instead
    ==> package.json <==
    {"name": "orders", "dependencies": {"express": "^4.19.2"}}
    ==> app.ts <==
    import express from 'express';
    import { loadOrder } from './orders';

    const app = express();

    app.get('/orders/:id', async (req, res, next) => {
      try {
        const order = await loadOrder(req.params.id);
        res.json(order);
      } catch (err) {
        next(err);
      }
    });

    app.listen(3000);

## Known limitations
Handlers defined in another module (`router.get('/x', controller.list)`) are not inspected. A
`try` block that rethrows from its `catch` is treated as handling the error. Without a
package.json declaring `express`, Express 4 is assumed.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.javascript.helpers import express_major, group_signals, js_groups


def check(project, ctx):
    for _, files in sorted(js_groups(project).items()):
        candidates = group_signals(files, "js-async-handler-unguarded")
        if not candidates or group_signals(files, "js-async-errors-patch"):
            continue
        major = express_major(files)
        if major is not None and major >= 5:
            continue
        seen = set()
        for signal in sorted(candidates, key=lambda s: (s.location.path, s.location.line, s.location.start.column)):
            key = (signal.location.path, signal.location.line, signal.location.start.column)
            if key in seen:
                continue
            seen.add(key)
            yield ctx.finding(
                RULE, signal.location,
                f"async handler of `{signal.detail}` awaits outside try/catch: Express 4 never "
                f"sees the rejection (the request hangs, the process may crash)")


RULE = ProjectRule(
    id="JS-REL-006", slug="async-handler-errors-unhandled", area=Area.REL,
    title="Async Express handler whose errors never reach the error handler",
    fix="Wrap the awaits in try/catch and call `next(err)`, wrap the handler (`asyncHandler(...)`), "
        "import `express-async-errors` once at startup, or upgrade to Express 5.",
    rows=("REL-14",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="app.ts", needs_languages=("javascript", "typescript"), check=check,
)
