"""Reporters: `render(report, options) -> str`, listed in one explicit table."""
from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

from prodcheck.model import Report


@dataclass(frozen=True, slots=True)
class RenderOptions:
    timings: bool = False
    color: bool = False
    width: int = 0          # 0: the terminal's width, or 120 when not writing to a terminal


FORMATS = {
    "terminal": "prodcheck.report.terminal",
    "text": "prodcheck.report.text",
    "json": "prodcheck.report.json_report",
    "md": "prodcheck.report.markdown",
    "markdown": "prodcheck.report.markdown",
    "sarif": "prodcheck.report.sarif",
    "html": "prodcheck.report.html",
    "github": "prodcheck.report.github",
    "gitlab": "prodcheck.report.gitlab",
    "junit": "prodcheck.report.junit",
    "specialist": "prodcheck.report.specialist",
}


def available_formats() -> tuple[str, ...]:
    names = []
    for name, module in FORMATS.items():
        if importlib.util.find_spec(module) is not None:
            names.append(name)
    return tuple(names)


def render(report: Report, fmt: str, options: RenderOptions | None = None) -> str:
    module = importlib.import_module(FORMATS[fmt])
    return module.render(report, options or RenderOptions())
