"""JSON and TOML documents (manifests, lock files, tsconfig). Errors become diagnostics."""
from __future__ import annotations

import json
import tomllib

from prodcheck.model import Diagnostic


def parse_json(parsed):
    try:
        return json.loads(parsed.text)
    except (ValueError, RecursionError) as exc:
        if parsed.source.kind in ("manifest", "lockfile"):
            parsed.diagnostics.append(Diagnostic(parsed.path, "syntax-error", f"invalid JSON: {exc}"))
        return None


def parse_toml(parsed):
    try:
        return tomllib.loads(parsed.text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        parsed.diagnostics.append(Diagnostic(parsed.path, "syntax-error", f"invalid TOML: {exc}"))
        return None
