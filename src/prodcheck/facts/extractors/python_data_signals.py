"""Python: the signals the data-layer and API project rules read (`Signal(name, location, detail)`):
multi-write functions (PY-DATA-002), `ATOMIC_REQUESTS`, request-id handling (PY-OBS-003), global
rate limits and rate-limit libraries (PY-SEC-035), queried fields, unindexed fields and declared
indexes (PY-DATA-009), serializers exposing every field and response schemas with password fields
(PY-API-003). The names and detail formats are listed in `rules/python/data_signals.py`, which holds
the per-file detection; this module only runs it on source files that are not migrations.
"""
from __future__ import annotations

from prodcheck.facts.extract import Extractor


def extract(parsed, builder) -> None:
    from prodcheck.rules.context import FileContext
    from prodcheck.rules.python import data_signals
    from prodcheck.rules.python.ast_helpers import is_migration_module

    ctx = FileContext(parsed)
    if is_migration_module(ctx):
        return
    builder.signals.extend(data_signals.file_signals(ctx))


EXTRACTOR = Extractor("python-data-signals", extract, languages=("python",), kinds=("source",))
