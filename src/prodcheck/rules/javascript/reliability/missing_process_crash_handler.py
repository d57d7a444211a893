"""
## What it does
Flags a Node.js service (an entry point that starts a server: `app.listen(...)`,
`NestFactory.create(...)`, `http.createServer(...).listen(...)`) whose code registers neither
`process.on('unhandledRejection', ...)` nor `process.on('uncaughtException', ...)` (nor
`uncaughtExceptionMonitor`), and uses no library that installs them (`Sentry.init` from
`@sentry/node`, `close-with-grace`, `make-promises-safe`, `log-process-errors`). Reported at the
service's entry point (a server start outside scripts and seeds when there is one).

## Why it matters
A rejected promise nobody awaits or an exception thrown in a callback kills the process. Without a
process-level handler the crash leaves no structured log line with the context, open requests are
cut off instead of drained, and connections are not closed: the only trace is a stack on stderr
that the log pipeline may not keep. The handler should log the error and exit, letting the
orchestrator restart a clean process.

## Example
    import express from 'express';

    const app = express();
    app.get('/healthz', (req, res) => res.send('ok'));
    app.listen(3000);

## Use instead
    import express from 'express';
    import { logger } from './logger';

    const app = express();
    app.get('/healthz', (req, res) => res.send('ok'));
    const server = app.listen(3000);

    process.on('unhandledRejection', (reason) => {
      logger.fatal({ err: reason }, 'unhandled rejection');
      server.close(() => process.exit(1));
    });
    process.on('uncaughtException', (err) => {
      logger.fatal({ err }, 'uncaught exception');
      process.exit(1);
    });

## Known limitations
A handler that swallows the error and keeps running is accepted here. Handlers installed by a
wrapper outside the repository (a process manager, a custom runtime) are not seen. Workers,
Bun and Deno entry points are not checked.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence, Severity
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.javascript.helpers import is_tooling_path

NODE_ENTRY_KINDS = frozenset({"listen", "app-object"})
NOT_NODE = frozenset({"bun", "deno", "workers"})
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")


def check(project, ctx):
    for service in project.services:
        files = project.files_of(service)
        entries = [e for f in files if f.path.endswith(JS_SUFFIXES) and f.kind == "source" for e in f.entrypoints
                   if e.kind in NODE_ENTRY_KINDS and e.framework not in NOT_NODE]
        if not entries:
            continue
        if any(s.name == "js-crash-handler" for f in files for s in f.signals):
            continue
        entry = min(entries, key=lambda e: (is_tooling_path(e.location.path), e.location.path,
                                            e.location.line)).location
        yield ctx.finding(
            RULE, entry,
            f"service `{service.name}` registers no `process.on('unhandledRejection')` or "
            f"`process.on('uncaughtException')` handler", symbol=service.name)


RULE = ProjectRule(
    id="JS-REL-005", slug="missing-process-crash-handler", area=Area.REL,
    title="Node.js service without process-level crash handlers",
    fix="At startup register `process.on('unhandledRejection', ...)` and "
        "`process.on('uncaughtException', ...)` handlers that log the error with context and exit "
        "(after closing the server), so the orchestrator restarts a clean process.",
    rows=("REL-13",), doc=__doc__, confidence=Confidence.HIGH,
    severity=Severity.HIGH,
    severity_note="Node >= 15 already exits on an unhandled rejection; the missing handler loses the "
                  "crash's log and graceful close rather than corrupting state, so HIGH rather than "
                  "the row's CRITICAL",
    example_path="server.ts", needs_languages=("javascript", "typescript"), check=check,
    coverage="partial", coverage_note="process handlers only; floating promises are not checked",
)
