"""The full sources of real packages (tests/corpus/fetch.py: pinned PyPI sdists, npm tarballs and
Debian golang-*-dev sources, fetched by .ci/run into $PRODCHECK_CORPUS_DIR) are scanned with every
rule: zero crashes, zero internal errors (a rule, extractor or worker that fails), zero files
stopped by the time budget, and every file accounted for.

Outside CI the corpus is absent unless PRODCHECK_CORPUS_DIR points at a fetched one; the test then
says so (skip with the command that fetches it). In CI a fetch failure fails .ci/run before the
tests start."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from prodcheck.config import Config
from prodcheck.pipeline import scan

HERE = Path(__file__).parent
INTERNAL_ERRORS = frozenset({"rule-error", "extractor-error", "analysis-error", "worker-crash", "timeout"})


def _packages() -> tuple:
    spec = importlib.util.spec_from_file_location("corpus_fetch", HERE / "corpus" / "fetch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PACKAGES


PACKAGES = _packages()
CORPUS = os.environ.get("PRODCHECK_CORPUS_DIR", "")


@pytest.mark.parametrize("name", [p[0] for p in PACKAGES])
def test_a_real_package_scans_without_internal_errors(name: str) -> None:
    if not CORPUS:
        pytest.skip("no corpus: run `python tests/corpus/fetch.py DIR` and set PRODCHECK_CORPUS_DIR=DIR "
                    "(.ci/run does both)")
    root = Path(CORPUS) / name
    assert (root / ".fetched").is_file(), f"{root} was not fetched: .ci/run must fetch every corpus package"
    report = scan(root, Config(use_baseline=False, jobs=2))
    bugs = [(d.kind, d.path, d.message) for d in report.diagnostics if d.kind in INTERNAL_ERRORS]
    assert bugs == []
    assert report.files_scanned > 0 and report.lines_scanned > 0
