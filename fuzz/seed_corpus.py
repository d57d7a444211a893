"""Write a seed corpus for fuzz_scan.py: each seed is the selector byte of a file name in
`targets.NAMES` of the same language and kind, followed by the content of a real file (by default
the rule fixtures of this repository; or the trees given on the command line).

    python fuzz/seed_corpus.py CORPUS_DIR [SOURCE_DIR ...]

Reads only; writes only into CORPUS_DIR. Needs prodcheck installed, not atheris.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from targets import NAMES

from prodcheck.discovery import classify

HERE = Path(__file__).resolve().parent
MAX_SEED_BYTES = 64 * 1024


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    corpus = Path(argv[0])
    sources = [Path(a) for a in argv[1:]] or [HERE.parent / "tests" / "fixtures"]
    selector: dict[tuple[str, str], int] = {}
    for index, name in enumerate(NAMES):
        language, kind = classify(name)
        selector.setdefault((language, kind), index)
        selector.setdefault((language, ""), index)
    corpus.mkdir(parents=True, exist_ok=True)
    written = 0
    for source in sources:
        for path in sorted(p for p in source.rglob("*") if p.is_file() and not p.is_symlink()):
            found = classify(path.relative_to(source).as_posix())
            if found is None or path.stat().st_size > MAX_SEED_BYTES:
                continue
            index = selector.get(found, selector.get((found[0], "")))
            if index is None:
                continue
            seed = bytes([index]) + path.read_bytes()
            (corpus / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
            written += 1
    print(f"wrote {written} seeds to {corpus}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
