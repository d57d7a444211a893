"""Go taint adapter: lower every function and method of a Go source file to taint IR summaries.

The lowering lives in `prodcheck.taint.go_lowering`; this module plugs it into the per-file
phase, so the summaries travel with the file's facts to the project phase. Qualified names start
with the package's import path (the `module` line of the nearest `go.mod` plus the directory), so
a call `users.Find(x)` in one package resolves to `func Find` of the package it imports; without a
`go.mod`, packages are named by directory and imports are matched to the scan root's directories.
"""
from __future__ import annotations

from prodcheck.facts.extract import Extractor
from prodcheck.taint.go_lowering import import_resolver, lower_file, module_path, package_path


def extract(parsed, builder) -> None:
    source = parsed.memo.get("go.source-bytes")
    if source is None:
        source = parsed.text.encode("utf-8", errors="surrogatepass")
        parsed.memo["go.source-bytes"] = source
    abspath = parsed.source.abspath
    package = package_path(parsed.path, abspath)
    builder.functions.extend(lower_file(parsed.tree.root_node, parsed.path, package, source,
                                        import_resolver(parsed.path, abspath), module_path(parsed.path, abspath)))


EXTRACTOR = Extractor("go-taint", extract, languages=("go",), kinds=("source",))
