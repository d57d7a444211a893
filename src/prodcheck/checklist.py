"""The checklist rows of the specification, with the default severity of each (data/checklist.tsv).

This table is the single place default severities live: a rule takes the severity of the first
row it implements unless it declares another one and says why (`Rule.severity_note`).
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from prodcheck.model import Area, Severity

PRIMARY_KIND_NAMES = {
    "S": "static source analysis", "C": "config/manifest inspection", "M": "migration analysis",
    "O": "contract diff", "G": "git history", "P": "live HTTP probe", "D": "live database",
    "R": "running the project's own tools", "J": "judgement",
}
STATIC_KINDS = frozenset("SCMOG")


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    id: str
    area: Area
    kinds: tuple[str, ...]
    severity: Severity
    seeds: tuple[str, ...]
    title: str

    @property
    def primary_kind(self) -> str:
        return self.kinds[0]


def _load() -> tuple[ChecklistRow, ...]:
    text = resources.files("prodcheck.data").joinpath("checklist.tsv").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        rid, area, kinds, severity, seeds, title = line.split("\t")
        rows.append(ChecklistRow(rid, Area(area), tuple(kinds.split(",")), Severity(severity),
                                 tuple(seeds.split(",")), title))
    return tuple(rows)


ROWS: tuple[ChecklistRow, ...] = _load()
ROWS_BY_ID: dict[str, ChecklistRow] = {row.id: row for row in ROWS}
