"""Python taint adapter: lower every function of a source file to taint IR summaries.

The lowering itself lives in `prodcheck.taint.python_lowering`; this module only plugs it into the
per-file phase, so the summaries travel with the file's facts to the project phase. Qualified names
follow Python's own module names (`import_root_module`), so calls between the project's modules
resolve when the code lives below the scan root (`backend/app/...`, `src/pkg/...`).
"""
from __future__ import annotations

from prodcheck.facts.extract import Extractor
from prodcheck.taint.python_lowering import import_root_module, lower_module


def extract(parsed, builder) -> None:
    module = import_root_module(parsed.path, parsed.source.abspath)
    builder.functions.extend(lower_module(parsed.tree, parsed.path, module))


EXTRACTOR = Extractor("python-taint", extract, languages=("python",), kinds=("source",))
