"""Go taint adapter: lower every function and method of a Go source file to taint IR summaries.

The lowering lives in `prodcheck.taint.go_lowering`; this module plugs it into the per-file
phase, so the summaries travel with the file's facts to the project phase. Qualified names start
with the package's import path (the `module` line of the nearest `go.mod` plus the directory), so
a call `users.Find(x)` in one package resolves to `func Find` of the package it imports; without a
`go.mod`, packages are named by directory and imports are matched to the scan root's directories.
"""
from __future__ import annotations

from prodcheck.facts.extract import Extractor
from prodcheck.facts.extractors.go_common import source_bytes
from prodcheck.taint.go_lowering import file_package, lower_file


def extract(parsed, builder) -> None:
    package, resolver, module = file_package(parsed.path, parsed.source.abspath)
    builder.functions.extend(lower_file(parsed.tree.root_node, parsed.path, package, source_bytes(parsed),
                                        resolver, module))


EXTRACTOR = Extractor("go-taint", extract, languages=("go",), kinds=("source",))
