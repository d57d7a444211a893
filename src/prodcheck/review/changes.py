"""From git's view (paths relative to the repository root) to the review's: relative to the reviewed
directory, with the changed line ranges of every file."""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from prodcheck.review.git import RawChange
from prodcheck.review.model import ChangeSet, FileChange


def under(path: str, prefix: str) -> str | None:
    """`path` relative to `prefix` (both relative to the repository root), or None when outside."""
    if not prefix:
        return path
    if path.startswith(prefix + "/"):
        return path[len(prefix) + 1:]
    return None


def build_changes(raw: tuple[RawChange, ...], hunks: Mapping[str, tuple[tuple[int, int], ...]],
                  prefix: str) -> ChangeSet:
    files = []
    whole = set()
    lines: dict[str, tuple[tuple[int, int], ...]] = {}
    for change in raw:
        path = under(change.path, prefix)
        if path is None:
            continue
        old_path = under(change.old_path, prefix)
        if old_path is None:        # renamed from outside the reviewed directory: new here
            files.append(FileChange("A", path, path))
        else:
            files.append(FileChange(change.status, path, old_path, change.similarity))
        spans = hunks.get(change.path, ())
        if old_path is None or (not spans and change.status in ("A", "?")):
            whole.add(path)         # new here: untracked, moved in, or added without text hunks (binary)
        elif spans:
            lines[path] = spans
    return ChangeSet(tuple(sorted(files, key=lambda f: (f.path, f.old_path))), MappingProxyType(lines),
                     frozenset(whole))
