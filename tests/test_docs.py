"""Documentation that is derived from data must agree with the data.

- docs/areas.md lists every checklist row with the area and default severity of
  src/prodcheck/data/checklist.tsv, and maps each of the ten areas to the seeds' headings;
- docs/coverage.md is exactly what `prodcheck rules --coverage` writes for the current catalog.
"""
from __future__ import annotations

import re
from pathlib import Path

from prodcheck.checklist import ROWS
from prodcheck.coverage import render_coverage
from prodcheck.model import Area, Severity
from prodcheck.rules.catalog import load_catalog

DOCS = Path(__file__).parents[1] / "docs"
CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every Markdown table of `text` as (header cells, body rows of cells)."""
    tables, block = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append([cell.strip() for cell in CELL_SPLIT.split(line.strip().strip("|"))])
            continue
        if len(block) >= 2 and set("".join(block[1])) <= set("-: "):
            tables.append((block[0], block[2:]))
        block = []
    return tables


def _table_with(text: str, header: list[str]) -> list[list[str]]:
    rows = [body for head, body in _tables(text) if head == header]
    assert len(rows) == 1, f"expected one table with the header {header}, found {len(rows)}"
    return rows[0]


def test_areas_md_lists_every_checklist_row_with_its_area_and_severity() -> None:
    text = (DOCS / "areas.md").read_text(encoding="utf-8")
    body = _table_with(text, ["id", "area", "kind", "severity", "title"])
    documented = {}
    for cells in body:
        assert len(cells) == 5, f"malformed row: {cells}"
        assert cells[0] not in documented, f"{cells[0]} is listed twice"
        documented[cells[0]] = cells
    expected = {row.id: row for row in ROWS}
    assert documented.keys() == expected.keys(), (
        f"missing: {sorted(expected.keys() - documented.keys())}; "
        f"unknown: {sorted(documented.keys() - expected.keys())}")
    for rid, row in expected.items():
        _, area, kind, severity, title = documented[rid]
        assert Area(area) is row.area, f"{rid}: docs say area {area}, checklist.tsv {row.area.value}"
        assert Severity(severity) is row.severity, \
            f"{rid}: docs say {severity}, checklist.tsv {row.severity.value}"
        assert kind == row.primary_kind, f"{rid}: docs say kind {kind}, checklist.tsv {row.primary_kind}"
        assert title.replace("\\|", "|") == row.title, f"{rid}: the title differs from checklist.tsv"


def test_areas_md_maps_every_area_to_both_seed_formats() -> None:
    text = (DOCS / "areas.md").read_text(encoding="utf-8")
    body = _table_with(text, ["code", "report section", "seed 002 audit heading",
                              "seed 000 review heading", "checklist rows", "rows"])
    by_code = {cells[0]: cells for cells in body}
    assert list(by_code) == [area.value for area in Area], "one line per area, in Area order"
    for number, area in enumerate(Area, start=1):
        _, section, audit, review, _, count = by_code[area.value]
        assert section == f"{number}. {area.title}", f"{area.value}: report section {section!r}"
        assert audit and review, f"{area.value}: a seed heading is missing"
        assert int(count) == sum(1 for row in ROWS if row.area is area), f"{area.value}: row count"
    seed_002 = ["Architecture Design", "Code Quality", "API Standards", "Error Handling", "Security",
                "Database Integrity", "Performance", "Logging & Monitoring"]
    for number, (area, heading) in enumerate(zip(Area, seed_002), start=1):
        assert by_code[area.value][2].startswith(f"{number}. {heading}"), area.value
    seed_000 = {Area.API: "1) API Contracts", Area.DATA: "2) Data Layer", Area.REL: "3) Reliability Patterns",
                Area.SEC: "4) Security", Area.PERF: "5) Performance", Area.OBS: "6) Observability",
                Area.OPS: "7) Operations & Config", Area.TEST: "8) Testing"}
    for area, heading in seed_000.items():
        assert by_code[area.value][3].startswith(f"Step 2, {heading}"), area.value


def test_coverage_md_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "coverage.md"
    fresh.write_text(render_coverage(load_catalog()), encoding="utf-8")
    committed = (DOCS / "coverage.md").read_text(encoding="utf-8")
    assert committed == fresh.read_text(encoding="utf-8"), \
        "docs/coverage.md is out of date with the rule catalog: run `prodcheck rules --coverage`"
