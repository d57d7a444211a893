"""Atheris harness: fuzzed bytes become a file of one of prodcheck's languages, analysed by
`prodcheck.pipeline.analyse_file` (read, parse, extract facts, run every per-file rule).

A finding is not a failure; these are:
  - an exception out of `analyse_file` (it must never raise);
  - a diagnostic that means a bug of ours (rule-error, extractor-error, analysis-error, worker-crash);
  - a diagnostic kind the per-file phase does not know, or a result that does not pickle;
  - a crash or a hang of the process (libFuzzer reports those itself; set -timeout).

The first byte of an input picks the file name (and so the language and kind), the rest is the
file's content: a seed corpus is made from real files with `seed_corpus.py`. Not run in CI: see
README.md. Nothing is written outside a private temporary directory.
"""
from __future__ import annotations

import atexit
import pickle
import shutil
import sys
import tempfile
from pathlib import Path

import atheris
from targets import NAMES, OUR_BUGS, PER_FILE_KINDS

from prodcheck.config import Config
from prodcheck.discovery import SourceFile, classify
from prodcheck.facts.extract import load_extractors
from prodcheck.parsing import dockerfile, envfile, jsondoc, python_ast, sql, treesitter, yamldoc
from prodcheck.pipeline import analyse_file
from prodcheck.rules.base import ProjectRule, TaintRule
from prodcheck.rules.catalog import load_catalog

RULE_IDS = tuple(r.id for r in load_catalog().select(Config()) if not isinstance(r, (ProjectRule, TaintRule)))
load_extractors()
PARSERS = (dockerfile, envfile, jsondoc, python_ast, sql, treesitter, yamldoc)   # imported before instrument_all
atheris.instrument_all()            # coverage of everything loaded: prodcheck, PyYAML, tomllib, json...


def _only(argv: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """`--only=python,yaml` (ours, removed before libFuzzer sees the arguments) limits the names."""
    languages = [a.split("=", 1)[1].split(",") for a in argv if a.startswith("--only=")]
    rest = [a for a in argv if not a.startswith("--only=")]
    if not languages:
        return rest, NAMES
    wanted = {lang for group in languages for lang in group}
    return rest, tuple(n for n in NAMES if classify(n)[0] in wanted) or NAMES


WORKDIR = Path(tempfile.mkdtemp(prefix="prodcheck-fuzz-"))
ARGV, SELECTED = _only(sys.argv)


def TestOneInput(data: bytes) -> None:  # the name atheris expects
    if not data:
        return
    rel = SELECTED[data[0] % len(SELECTED)]
    content = data[1:]
    path = WORKDIR / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    language, kind = classify(rel)
    try:
        result = analyse_file(SourceFile(rel, str(path), language, kind, len(content)), RULE_IDS)
    finally:
        path.unlink()            # libFuzzer exits without Python's atexit: leave only empty directories
    bad = sorted({(d.kind, d.message) for d in result.diagnostics if d.kind not in PER_FILE_KINDS - OUR_BUGS})
    if bad:
        raise AssertionError(f"{rel}: {len(bad)} unexpected diagnostics, first: {bad[:5]}")
    pickle.dumps(result)


def main() -> None:
    atexit.register(shutil.rmtree, WORKDIR, True)         # when the run ends in Python (a failure)
    atheris.Setup(ARGV, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
