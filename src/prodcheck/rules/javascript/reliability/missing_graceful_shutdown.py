"""
## What it does
Flags a Node.js HTTP service (an entry point that starts a server: `app.listen(...)`,
`server.listen(...)`, `fastify.listen(...)`, `NestFactory.create(...)`) whose code handles
neither `SIGTERM` nor `SIGINT` (`process.on('SIGTERM', ...)`, also through a list of signal
names), does not call NestJS `app.enableShutdownHooks()`, and uses no library that drains the
server on a signal (`@godaddy/terminus`, `http-terminator`, `stoppable`, `lightship`,
`close-with-grace`, `fastify-graceful-shutdown`, `http-graceful-shutdown`, `async-exit-hook`, ...).
One finding per service, at its server start (outside scripts, tooling, tests, demos and
examples; a `.listen()` on a function parameter is library plumbing, not a server start).

## Why it matters
Orchestrators stop a container by sending `SIGTERM`, then `SIGKILL` after a grace period. Node's
default reaction to `SIGTERM` is to die at once: requests in flight get a reset connection,
database transactions and queue messages are cut off half-done, and buffered logs and traces are
lost. Every deploy and every scale-down turns into a burst of 502s. A handler should stop
accepting connections (`server.close()`), let in-flight requests finish, close pools and
consumers, then exit.

## Example
    import express from 'express';

    const app = express();
    app.get('/orders', (req, res) => res.json([]));
    app.listen(Number(process.env.PORT) || 3000);

## Use instead
    import express from 'express';

    const app = express();
    app.get('/orders', (req, res) => res.json([]));
    const server = app.listen(Number(process.env.PORT) || 3000);

    process.on('SIGTERM', () => {
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(1), 10_000).unref();
    });

## Known limitations
Any `SIGTERM`/`SIGINT` listener counts, even one that exits at once without closing the server.
Shutdown handled by a wrapper outside the repository (a process manager such as PM2 in cluster
mode with `shutdown_with_message`, a custom runtime) is not seen. Bun, Deno and Workers entry
points are not checked.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.javascript.helpers import is_tooling_path

NODE_ENTRY_KINDS = frozenset({"listen", "app-object"})
NOT_NODE = frozenset({"bun", "deno", "workers"})
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")
NOT_SERVICE_DIRS = frozenset({"integration", "test", "tests", "__tests__", "spec", "demo", "demos", "sample",
                              "samples", "sandbox", "playground", "example", "examples"})


def check(project, ctx):
    for service in project.services:
        files = project.files_of(service)
        plumbing = {(s.location.path, s.location.line) for f in files for s in f.signals
                    if s.name == "js-listen-parameter"}
        entries = [e for f in files if f.path.endswith(JS_SUFFIXES) and f.kind == "source"
                   and not is_tooling_path(f.path) and not _demo(f.path) for e in f.entrypoints
                   if e.kind in NODE_ENTRY_KINDS and e.framework not in NOT_NODE
                   and (e.location.path, e.location.line) not in plumbing]
        if not entries:
            continue
        if any(s.name == "js-shutdown-handler" for f in files for s in f.signals):
            continue
        entry = min(entries, key=lambda e: (e.kind != "listen", e.location.path, e.location.line)).location
        yield ctx.finding(
            RULE, entry,
            f"service `{service.name}` starts a server but handles no `SIGTERM`: in-flight requests are "
            f"cut off on every deploy", symbol=service.name)


def _demo(path: str) -> bool:
    return any(part.lower() in NOT_SERVICE_DIRS for part in PurePosixPath(path).parts[:-1])


RULE = ProjectRule(
    id="JS-REL-007", slug="missing-graceful-shutdown", area=Area.REL,
    title="Node.js server without graceful shutdown",
    fix="Handle `SIGTERM` (and `SIGINT`): stop accepting connections with `server.close()`, wait for "
        "in-flight requests, close database pools and consumers, then exit, with a hard timeout; in "
        "NestJS call `app.enableShutdownHooks()`, or use `@godaddy/terminus`/`http-terminator`.",
    rows=("REL-09",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="server.ts", needs_languages=("javascript", "typescript"), check=check,
)
