"""Configuration: `[tool.prodcheck]` in pyproject.toml or `.prodcheck.toml`, frozen once read.

Every error names the offending key, and the CLI turns a `ConfigError` into exit code 2.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from prodcheck.model import Severity

DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
DEFAULT_FILE_TIME_BUDGET = 60.0     # seconds; the slowest real file we know takes under 2 s
POSTGRES_VERSIONS = range(9, 19)    # `postgres-version`: major versions 9..18
PROFILES = ("default", "startup", "enterprise")


class ConfigError(Exception):
    """Invalid configuration; the message names the key."""


@dataclass(frozen=True, slots=True)
class Config:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()          # selectors: rule id, slug or area; empty = everything
    disable: tuple[str, ...] = ()
    only: tuple[str, ...] = ()            # exact rule ids; used by tests and `--select`
    severity: tuple[tuple[str, Severity], ...] = ()
    fail_on: Severity = Severity.HIGH
    profile: str = "default"
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    file_time_budget: float = DEFAULT_FILE_TIME_BUDGET   # seconds per file; 0 = no limit
    jobs: int = 0                         # 0 = all cores
    baseline: str = ""                    # path relative to the scan root
    use_baseline: bool = True             # False while a baseline is being written
    public_paths: tuple[str, ...] = ()    # extra public-by-nature endpoint patterns
    postgres_version: int = 0             # major version the migrations run on; 0 = unset: the
                                          # migration rules assume a current PostgreSQL (14+)
    focus: str = ""                       # "migrations": only migration files and MIG rules (the
                                          # `prodcheck migrations` command); "" = everything
    cache_dir: str = ""                   # per-file results of earlier scans; "" = no cache. Set by
                                          # the CLI only: a scanned repository's configuration must
                                          # not choose where prodcheck reads pickles from
    source: str = ""                      # where it was read from, for messages

    def with_only(self, *rule_ids: str) -> Config:
        return replace(self, only=tuple(rule_ids))


_KEYS = {
    "include": "list", "exclude": "list", "enable": "list", "disable": "list", "select": "list",
    "severity": "table", "fail-on": "severity", "fail_on": "severity", "profile": "str",
    "max-file-size": "int", "max_file_size": "int", "file-time-budget": "float",
    "file_time_budget": "float", "jobs": "int", "baseline": "str",
    "public-paths": "list", "public_paths": "list",
    "postgres-version": "int", "postgres_version": "int",
}


def load_config(root: Path, explicit: Path | None = None) -> Config:
    """Read the configuration that applies to `root`, or the defaults when there is none."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"config file {explicit} does not exist")
        return _from_file(explicit, section=explicit.name == "pyproject.toml")
    base = root if root.is_dir() else root.parent
    dedicated = base / ".prodcheck.toml"
    if dedicated.is_file():
        return _from_file(dedicated, section=False)
    pyproject = base / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8", errors="replace"))
        except (OSError, tomllib.TOMLDecodeError):
            return Config()   # the project's own pyproject is broken; that is a finding, not ours
        section = _tool_section(data)
        if isinstance(section, dict):
            return parse_config(section, source=f"{pyproject.name} [tool.prodcheck]")
    return Config()


def _from_file(path: Path, section: bool) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    nested = _tool_section(data)
    if section or nested is not None:
        data = {} if nested is None else nested
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [tool.prodcheck] must be a table")
    return parse_config(data, source=str(path.name))


def _tool_section(data: dict) -> object:
    """`tool.prodcheck` of a TOML document, or None (a hand-written file may make `tool` anything)."""
    tool = data.get("tool")
    return tool.get("prodcheck") if isinstance(tool, dict) else None


def parse_config(data: dict, source: str = "") -> Config:
    values: dict = {"source": source}
    for key, raw in data.items():
        kind = _KEYS.get(key)
        where = f"{source}: " if source else ""
        if kind is None:
            raise ConfigError(f"{where}unknown key '{key}' (known: "
                              + ", ".join(sorted(k for k in _KEYS if "_" not in k)) + ")")
        name = key.replace("-", "_")
        if kind == "list":
            if isinstance(raw, str):
                raw = [raw]
            if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
                raise ConfigError(f"{where}key '{key}' must be a list of strings")
            values["only" if name == "select" else name] = tuple(raw)
        elif kind == "str":
            if not isinstance(raw, str):
                raise ConfigError(f"{where}key '{key}' must be a string")
            if name == "profile" and raw not in PROFILES:
                raise ConfigError(f"{where}key 'profile' must be one of {', '.join(PROFILES)}")
            values[name] = raw
        elif kind == "int":
            if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
                raise ConfigError(f"{where}key '{key}' must be a non-negative integer")
            if name == "postgres_version" and raw not in POSTGRES_VERSIONS:
                raise ConfigError(f"{where}key '{key}' must be a PostgreSQL major version from "
                                  f"{POSTGRES_VERSIONS.start} to {POSTGRES_VERSIONS.stop - 1}")
            values[name] = raw
        elif kind == "float":
            if not isinstance(raw, (int, float)) or isinstance(raw, bool) or raw < 0:
                raise ConfigError(f"{where}key '{key}' must be a non-negative number of seconds")
            values[name] = float(raw)
        elif kind == "severity":
            values[name] = _severity(raw, key, where)
        elif kind == "table":
            if not isinstance(raw, dict):
                raise ConfigError(f"{where}key '{key}' must be a table of selector = severity")
            values[name] = tuple(sorted((sel, _severity(sev, f"{key}.{sel}", where))
                                        for sel, sev in raw.items()))
    return Config(**values)


def _severity(raw: object, key: str, where: str) -> Severity:
    if not isinstance(raw, str):
        raise ConfigError(f"{where}key '{key}' must be a severity string")
    try:
        return Severity.parse(raw)
    except ValueError as exc:
        raise ConfigError(f"{where}key '{key}': {exc}") from None


def merge(config: Config, **overrides: object) -> Config:
    """Apply command-line overrides (only those given) on top of the file configuration."""
    given = {k: v for k, v in overrides.items() if v not in (None, (), "")}
    return replace(config, **given) if given else config


__all__ = ["Config", "ConfigError", "load_config", "merge", "parse_config"]
