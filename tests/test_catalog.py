"""Meta-tests over every rule of the catalog."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness import MARKER, read_marks, run
from prodcheck.checklist import ROWS_BY_ID
from prodcheck.model import Area
from prodcheck.rules.base import RULE_ID, doc_section
from prodcheck.rules.catalog import load_catalog, validate

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
CATALOG = load_catalog()
RULES = CATALOG.rules
SECTIONS = ("What it does", "Why it matters", "Example", "Use instead")
DEFAULT_EXAMPLE_PATH = {"PY": "app.py", "JS": "app.ts", "GO": "main.go", "MIG": "migrations/0001.sql"}


def test_catalog_is_not_empty_and_valid() -> None:
    assert RULES
    validate(list(RULES))


def test_validate_rejects_a_number_reused_for_another_check() -> None:
    from dataclasses import replace

    from prodcheck.rules.catalog import CatalogError
    first = RULES[0]
    clash = replace(first, id=f"PY-{first.area.value}-{first.number.split('-')[1]}", slug="some-other-check")
    with pytest.raises(CatalogError):
        validate([first, clash])


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_declaration(rule) -> None:
    assert RULE_ID.match(rule.id)
    assert rule.rows and all(row in ROWS_BY_ID for row in rule.rows), "unknown checklist row"
    assert rule.title and rule.fix and rule.fix[-1] in ".)`"
    for heading in SECTIONS:
        assert doc_section(rule.doc, heading), f"{rule.id}: docs lack '## {heading}'"
    if rule.area is Area.SEC:
        assert rule.stride, f"{rule.id}: security rules name their STRIDE category"
        assert rule.cwe and all(re.fullmatch(r"CWE-\d+", c) for c in rule.cwe), f"{rule.id}: needs a CWE"
    table = ROWS_BY_ID[rule.rows[0]].severity
    if rule.severity is not None and rule.severity is not table:
        assert rule.severity_note, f"{rule.id}: deviates from the table's {table.value} without saying why"


def _example_files(rule, section: str, tmp: Path) -> Path:
    text = doc_section(rule.doc, section)
    default = rule.example_path or DEFAULT_EXAMPLE_PATH.get(rule.prefix, "example.txt")
    chunks = re.split(r"^==> (.+?) <==$", text, flags=re.M)
    files = {default: chunks[0]} if chunks[0].strip() else {}
    files.update(dict(zip(chunks[1::2], chunks[2::2])))
    for name, body in files.items():
        target = tmp / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body.strip("\n") + "\n", encoding="utf-8")
    return tmp


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_docs_example_fires_and_fix_does_not(rule, tmp_path: Path) -> None:
    bad = _example_files(rule, "Example", tmp_path / "bad")
    good = _example_files(rule, "Use instead", tmp_path / "good")
    assert [f for f in run(bad, (rule.id,)).findings if f.rule_id == rule.id], \
        f"{rule.id}: the docs example does not trigger the rule"
    fired = [f for f in run(good, (rule.id,)).findings if f.rule_id == rule.id]
    assert not fired, f"{rule.id}: the docs fix still triggers: {fired[0].message}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_positive_and_negative_fixtures(rule) -> None:
    directory = FIXTURES / rule.id
    assert directory.is_dir(), f"{rule.id}: no fixtures in {directory}"
    kinds = {m.kind for m in read_marks(directory) if m.rule == rule.id}
    assert "expect" in kinds, f"{rule.id}: no `expect` fixture"
    assert "ok" in kinds, f"{rule.id}: no `ok` fixture"


def test_every_marked_rule_exists() -> None:
    known = {r.id for r in RULES}
    roots = [FIXTURES, Path(__file__).parents[1] / "examples"]
    for root in roots:
        for mark in read_marks(root):
            assert mark.rule in known, f"{mark.path}:{mark.line} names unknown rule {mark.rule}"


def test_fixture_directories_name_rules() -> None:
    known = {r.id for r in RULES}
    for directory in FIXTURES.iterdir():
        assert directory.name in known, f"fixtures for unknown rule {directory.name}"


def test_marker_pattern_reads_all_comment_styles() -> None:
    for text in ("x  # expect: PY-REL-001", "x // ok: JS-SEC-003", "x -- todo-expect: MIG-DATA-201"):
        assert MARKER.search(text)


def test_no_suppression_comments_in_prodcheck_source() -> None:
    source = Path(__file__).parents[1] / "src" / "prodcheck"
    pattern = re.compile(r"#\s*(noqa|nosec|type:\s*ignore|pragma:\s*no cover|prodcheck:\s*ignore)")
    offenders = [f"{p}:{i}" for p in source.rglob("*.py")
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert not offenders, offenders
