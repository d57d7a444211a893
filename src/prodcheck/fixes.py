"""`prodcheck fix --rule RULE-ID`: apply the mechanical fixes (the unified diffs findings carry) to
the files, only when the user asks for it.

A hunk is applied only where every line it removes or keeps is still exactly in the file at the
line it names; anything else (the file changed since the scan, two fixes touching the same lines,
a diff whose text was masked because the line holds a secret) is skipped and reported, never
guessed. Line endings and the final newline of each file are kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from prodcheck.model import Finding

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class Hunk:
    start: int                     # 1-based line of the original file
    old: tuple[str, ...]           # the lines the hunk expects there (removed or kept)
    new: tuple[str, ...]           # what replaces them


@dataclass(frozen=True)
class Outcome:
    finding: Finding
    applied: bool
    reason: str = ""


def parse_hunks(diff: str) -> list[Hunk]:
    hunks: list[Hunk] = []
    start, old, new = 0, [], []
    for line in diff.split("\n"):
        header = _HUNK.match(line)
        if header:
            if start:
                hunks.append(Hunk(start, tuple(old), tuple(new)))
            start, old, new = int(header.group(1)), [], []
        elif not start:                 # the `---`/`+++` header (our diffs name one file each)
            continue
        elif line.startswith("-"):
            old.append(line[1:])
        elif line.startswith("+"):
            new.append(line[1:])
        elif line.startswith(" "):
            old.append(line[1:])
            new.append(line[1:])
    if start:
        hunks.append(Hunk(start, tuple(old), tuple(new)))
    return hunks


def apply_fixes(root: Path, findings: list[Finding], dry_run: bool = False) -> list[Outcome]:
    """Apply the diffs of `findings` (paths relative to `root`); every finding gets an outcome."""
    by_file: dict[str, list[Finding]] = {}
    outcomes: list[Outcome] = []
    for finding in findings:
        if finding.fix is None or not finding.fix.diff.strip():
            outcomes.append(Outcome(finding, False, "no mechanical fix"))
        else:
            by_file.setdefault(finding.location.path, []).append(finding)
    for path, file_findings in sorted(by_file.items()):
        outcomes.extend(_apply_to_file(root, path, file_findings, dry_run))
    return outcomes


def _apply_to_file(root: Path, path: str, findings: list[Finding], dry_run: bool) -> list[Outcome]:
    target = root / path if root.is_dir() else root
    try:
        raw = target.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Outcome(f, False, f"cannot read {path}: {exc}") for f in findings]
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    planned: list[tuple[Hunk, Finding]] = []
    outcomes: list[Outcome] = []
    taken: list[tuple[int, int]] = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        hunks = parse_hunks(finding.fix.diff)
        problem = _check(hunks, lines, taken)
        if problem:
            outcomes.append(Outcome(finding, False, problem))
            continue
        for hunk in hunks:
            taken.append((hunk.start, hunk.start + max(len(hunk.old), 1) - 1))
            planned.append((hunk, finding))
        outcomes.append(Outcome(finding, True))
    for hunk, _finding in sorted(planned, key=lambda item: -item[0].start):
        index = hunk.start - 1
        lines[index:index + len(hunk.old)] = list(hunk.new)
    if planned and not dry_run:
        target.write_bytes(newline.join(lines).encode("utf-8"))
    return outcomes


def _check(hunks: list[Hunk], lines: list[str], taken: list[tuple[int, int]]) -> str:
    if not hunks:
        return "the diff has no hunk"
    for hunk in hunks:
        index = hunk.start - 1
        if index < 0 or tuple(lines[index:index + len(hunk.old)]) != hunk.old:
            if any("****" in line for line in hunk.old):
                return "the line holds a secret, masked in the diff: apply this fix by hand"
            return "the file no longer matches the diff (changed since the scan?)"
        end = hunk.start + max(len(hunk.old), 1) - 1
        if any(start <= end and hunk.start <= stop for start, stop in taken):
            return "another fix changes the same lines: run the command again for this one"
    return ""
