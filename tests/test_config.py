"""Configuration: files, keys, errors that name the key."""
from __future__ import annotations

from pathlib import Path

import pytest

from prodcheck.config import Config, ConfigError, load_config, parse_config
from prodcheck.model import Severity
from prodcheck.rules.catalog import load_catalog


def test_defaults_without_config(tmp_path: Path) -> None:
    assert load_config(tmp_path) == Config()


def test_pyproject_section_and_dedicated_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.prodcheck]\nexclude = ["legacy/"]\nfail-on = "critical"\n'
        '[tool.prodcheck.severity]\nGEN-OPS-101 = "low"\n', encoding="utf-8")
    config = load_config(tmp_path)
    assert config.exclude == ("legacy/",) and config.fail_on is Severity.CRITICAL
    assert config.severity == (("GEN-OPS-101", Severity.LOW),)
    (tmp_path / ".prodcheck.toml").write_text('profile = "startup"\n', encoding="utf-8")
    assert load_config(tmp_path).profile == "startup"


@pytest.mark.parametrize(("data", "key"), [
    ({"exclud": ["x"]}, "exclud"),
    ({"fail-on": "urgent"}, "fail-on"),
    ({"profile": "huge"}, "profile"),
    ({"max-file-size": -1}, "max-file-size"),
    ({"exclude": "x", "jobs": "two"}, "jobs"),
    ({"severity": {"GEN-OPS-101": "loud"}}, "severity.GEN-OPS-101"),
])
def test_invalid_config_names_the_key(data: dict, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        parse_config(data, source="pyproject.toml [tool.prodcheck]")


def test_invalid_toml_in_dedicated_file(tmp_path: Path) -> None:
    (tmp_path / ".prodcheck.toml").write_text("exclude = [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(tmp_path)


def test_broken_project_pyproject_is_not_our_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\n", encoding="utf-8")
    assert load_config(tmp_path) == Config()


def test_selectors_accept_id_slug_area_and_reject_unknown() -> None:
    catalog = load_catalog()
    assert [r.id for r in catalog.select(Config(only=("dockerfile-runs-as-root",)))] == ["GEN-OPS-101"]
    assert "GEN-OPS-101" in {r.id for r in catalog.select(Config(enable=("OPS",)))}
    assert "GEN-OPS-101" not in {r.id for r in catalog.select(Config(disable=("ops",)))}
    with pytest.raises(ConfigError, match="NOPE-1"):
        catalog.select(Config(disable=("NOPE-1",)))
