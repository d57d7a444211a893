"""
## What it does
Flags a migration that takes a lock blocking reads or writes on an existing table (ALTER TABLE,
CREATE INDEX without CONCURRENTLY, DROP, RENAME, VACUUM FULL, LOCK TABLE...) before setting
`lock_timeout` or `statement_timeout` (`SET`, `SET LOCAL`, `set_config(...)`; in Django `RunSQL`,
in Alembic `op.execute`). Reported once per migration, at the first such statement. A project that
sets `lock_timeout` for its connections elsewhere (Alembic `env.py`, Django `DATABASES` options,
a connection string) is trusted.

## Why it matters
DDL waits for its lock behind any long-running query on the table, and while it waits every new
query on the table queues behind it: a one-millisecond `ALTER TABLE` stuck behind a slow report
stops all traffic to the table. A short `lock_timeout` makes the migration fail fast instead, and
it can be retried.

## Example
    ALTER TABLE orders ADD COLUMN note text;

## Use instead
    SET lock_timeout = '5s';
    ALTER TABLE orders ADD COLUMN note text;

## Known limitations
Timeouts set on the database role (`ALTER ROLE ... SET lock_timeout`) or by the migration runner's
own configuration outside the repository are not seen.
"""
from __future__ import annotations

from prodcheck.facts.extractors.migration_model import SIGNAL_LOCK_WITHOUT_TIMEOUT, SIGNAL_TIMEOUT_CONFIGURED
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.migrations.common import postgres_signals_of, signals_of

SQL_SETTING = "SET lock_timeout = '5s';"


def check(project, ctx):
    if any(True for _ in signals_of(project, SIGNAL_TIMEOUT_CONFIGURED)):
        return
    for _, signal in postgres_signals_of(project, SIGNAL_LOCK_WITHOUT_TIMEOUT):
        message = (f"{signal.detail} with no lock_timeout or statement_timeout set before it: while it waits "
                   "for the lock, every query on the table queues behind it")
        path = signal.location.path
        line = signal.location.start.line
        diff = ""
        if path.endswith(".sql"):
            diff = f"--- a/{path}\n+++ b/{path}\n@@ -{line},0 +{line},1 @@\n+{SQL_SETTING}\n"
        yield ctx.finding(RULE, signal.location, message, diff=diff)


RULE = ProjectRule(
    id="MIG-DATA-210", slug="missing-lock-timeout", area=Area.DATA,
    title="Migration takes a blocking lock without lock_timeout",
    fix="Start the migration with `SET lock_timeout = '5s';` (and a statement_timeout), and retry on timeout.",
    rows=("MIG-07",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="migrations/0015_orders_note.sql", check=check,
)
