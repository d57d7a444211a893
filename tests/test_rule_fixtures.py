"""Every rule against its annotated fixtures: one parametrized case per fixture file or directory."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness import check_case

FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def _cases():
    for rule_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for case in sorted(rule_dir.iterdir()):
            if case.name.endswith(".expect.toml"):
                continue
            yield pytest.param(rule_dir.name, case, id=f"{rule_dir.name}/{case.name}")


@pytest.mark.parametrize(("rule_id", "case"), list(_cases()))
def test_rule_fixture(rule_id: str, case: Path) -> None:
    errors = check_case(case, rule_id)
    assert not errors, "\n".join(errors)
