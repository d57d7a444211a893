"""JavaScript/TypeScript taint adapter: lower every function of a source file to taint IR summaries.

The lowering itself lives in `prodcheck.taint.javascript_lowering`; this module only plugs it into
the per-file phase, so the summaries travel with the file's facts to the project phase (where
`taint/run.py` analyses JavaScript and TypeScript together). Qualified names follow the module
paths `js_common.module_of` gives (`src/services/users.ts` -> `src.services.users`), the same ones
relative imports resolve to, so calls between the project's modules meet their summaries.
Browser code (JSX/TSX files, `public/` and `static/` trees) serves no requests and is skipped.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from prodcheck.facts.extract import Extractor
from prodcheck.facts.extractors.js_common import file_view
from prodcheck.taint.javascript_lowering import lower_file

BROWSER_DIRS = frozenset({"public", "static", "frontend", "www", "browser", "wwwroot"})


def extract(parsed, builder) -> None:
    if _browser_code(parsed.path) or parsed.path.endswith(".d.ts"):
        return                  # browser code serves no requests; declaration files have no bodies
    root = parsed.tree.root_node
    view = file_view(parsed)
    builder.functions.extend(lower_file(root, parsed.path, view))


def _browser_code(path: str) -> bool:
    pure = PurePosixPath(path)
    return pure.suffix.lower() in (".jsx", ".tsx") or any(part.lower() in BROWSER_DIRS for part in pure.parts[:-1])


EXTRACTOR = Extractor("javascript-taint", extract, languages=("javascript", "typescript"), kinds=("source",))
