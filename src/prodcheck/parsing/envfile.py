"""`.env` files: KEY=VALUE lines (optionally `export`ed and quoted)."""
from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$")


@dataclass(frozen=True, slots=True)
class EnvEntry:
    key: str
    value: str
    line: int


def parse_env(text: str) -> list[EnvEntry]:
    entries = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.lstrip().startswith("#"):
            continue
        match = _LINE.match(raw)
        if not match:
            continue
        value = match.group(2).strip()
        if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) >= 2:
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        entries.append(EnvEntry(match.group(1), value, number))
    return entries
