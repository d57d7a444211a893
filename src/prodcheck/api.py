"""The one entry point shared by the CLI and the tests."""
from __future__ import annotations

from pathlib import Path

from prodcheck.config import Config, load_config
from prodcheck.model import Report
from prodcheck.pipeline import Progress
from prodcheck.pipeline import scan as _scan


def scan(root: str | Path, config: Config | None = None, progress: Progress | None = None) -> Report:
    """Scan `root` (a directory or a single file) and return the report. Reads, never writes."""
    root = Path(root)
    if config is None:
        config = load_config(root)
    return _scan(root, config, progress)


__all__ = ["Config", "Report", "load_config", "scan"]
