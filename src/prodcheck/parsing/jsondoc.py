"""JSON and TOML documents (manifests, lock files, tsconfig). Errors become diagnostics."""
from __future__ import annotations

import json
import tomllib

from prodcheck.model import Diagnostic


def parse_json(parsed):
    try:
        document = json.loads(parsed.text)
    except (ValueError, RecursionError) as exc:
        if parsed.source.kind in ("manifest", "lockfile"):
            parsed.diagnostics.append(Diagnostic(parsed.path, "syntax-error", f"invalid JSON: {exc}"))
        return None
    if parsed.source.kind in ("manifest", "lockfile") and not isinstance(document, dict):
        found = "an array" if isinstance(document, list) else "a scalar"
        parsed.diagnostics.append(Diagnostic(parsed.path, "syntax-error",
                                             f"a JSON manifest must be an object, not {found}; "
                                             "its dependencies were not read"))
    return document


def parse_toml(parsed):
    try:
        return tomllib.loads(parsed.text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        parsed.diagnostics.append(Diagnostic(parsed.path, "syntax-error", f"invalid TOML: {exc}"))
        return None
