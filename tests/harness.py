"""The fixture harness: files mark expected findings inline, the real pipeline runs, lines compare.

Markers (after `#`, `//` or `--`):
    expect: RULE-ID ["message pin"]     the rule must flag this line (the pin must be in the message)
    ok: RULE-ID                         the rule must not flag this line
    todo-expect: RULE-ID                a known miss: strict, fails once the rule starts flagging it
    todo-ok: RULE-ID                    a known false positive: strict, fails once it goes away
Each may end in `-next` (`expect-next:`) to apply to the next line that is not blank or a comment:
for formats that only allow whole-line comments (Dockerfile). Files that cannot hold comments
(JSON) take a sidecar `<name>.expect.toml` with `[[expect]] line = 3, rule = "ID"` tables
(also `ok`, `todo-expect`, `todo-ok`).
"""
from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from prodcheck.config import Config
from prodcheck.model import Report
from prodcheck.pipeline import scan

MARKER = re.compile(
    r"(?:#|//|--)\s*(todo-expect|todo-ok|expect|ok)(-next)?:\s*"
    r"((?:[A-Z]{2,3}-[A-Z]{2,4}-\d{3})(?:\s*,\s*[A-Z]{2,3}-[A-Z]{2,4}-\d{3})*)"
    r"(?:\s+\"([^\"]*)\")?")
COMMENT_ONLY = re.compile(r"^\s*(#|//|--)")
KINDS = ("expect", "ok", "todo-expect", "todo-ok")


@dataclass(frozen=True)
class Mark:
    kind: str
    rule: str
    path: str
    line: int
    pin: str = ""


def read_marks(root: Path) -> list[Mark]:
    base = root if root.is_dir() else root.parent
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    marks: list[Mark] = []
    for file in files:
        rel = file.relative_to(base).as_posix()
        if file.name.endswith(".expect.toml"):
            target = file.name[: -len(".expect.toml")]
            target_rel = (file.parent / target).relative_to(base).as_posix()
            data = tomllib.loads(file.read_text(encoding="utf-8"))
            for kind in KINDS:
                for entry in data.get(kind, []):
                    marks.append(Mark(kind, entry["rule"], target_rel, entry["line"], entry.get("pin", "")))
            continue
        try:
            lines = file.read_text(encoding="utf-8").split("\n")
        except (UnicodeDecodeError, OSError):
            continue
        for index, text in enumerate(lines):
            for match in MARKER.finditer(text):
                kind, nxt, ids, pin = match.groups()
                line = index + 1
                if nxt:
                    line = _next_code_line(lines, index)
                for rule in re.split(r"\s*,\s*", ids):
                    marks.append(Mark(kind, rule, rel, line, pin or ""))
    return marks


def _next_code_line(lines: list[str], index: int) -> int:
    for later in range(index + 1, len(lines)):
        if lines[later].strip() and not COMMENT_ONLY.match(lines[later]):
            return later + 1
    return index + 1


def run(root: Path, rule_ids: tuple[str, ...] = ()) -> Report:
    config = Config(only=rule_ids, use_baseline=False, jobs=1)
    return scan(root, config)


def compare(report: Report, marks: list[Mark], rule_ids: set[str] | None = None,
            strict_all: bool = False) -> list[str]:
    """Errors for every missing or extra finding. `rule_ids`: the rules under test (None: all rules
    named by marks, and with `strict_all` any finding of any rule must be expected)."""
    relevant = (lambda rid: rid in rule_ids) if rule_ids is not None else (lambda rid: True)
    by_key: dict[tuple[str, str, int], list[Mark]] = defaultdict(list)
    for mark in marks:
        if relevant(mark.rule):
            by_key[(mark.rule, mark.path, mark.line)].append(mark)
    actual: dict[tuple[str, str, int], list[str]] = defaultdict(list)
    for finding in report.findings:
        if relevant(finding.rule_id):
            actual[(finding.rule_id, finding.location.path, finding.location.start.line)].append(finding.message)
    errors = []
    for key, key_marks in sorted(by_key.items()):
        rule, path, line = key
        kinds = {m.kind for m in key_marks}
        got = actual.get(key, [])
        if "expect" in kinds:
            if not got:
                errors.append(f"{path}:{line} expected {rule}, got nothing")
            for mark in key_marks:
                if mark.kind == "expect" and mark.pin and not any(mark.pin in msg for msg in got):
                    errors.append(f"{path}:{line} {rule} message does not contain {mark.pin!r}: {got}")
        if "ok" in kinds and got:
            errors.append(f"{path}:{line} unexpected {rule}: {got[0]!r}")
        if "todo-expect" in kinds and got:
            errors.append(f"{path}:{line} todo-expect {rule} now fires: turn it into `expect`")
        if "todo-ok" in kinds and not got:
            errors.append(f"{path}:{line} todo-ok {rule} no longer fires: turn it into `ok`")
    for key, messages in sorted(actual.items()):
        rule, path, line = key
        if key in by_key:
            continue
        if rule_ids is not None or strict_all:
            errors.append(f"{path}:{line} unexpected {rule}: {messages[0]!r}")
    return errors


def check_case(case: Path, rule_id: str) -> list[str]:
    marks = read_marks(case)
    report = run(case, (rule_id,))
    errors = compare(report, marks, {rule_id})
    crashes = [d for d in report.diagnostics if d.kind in ("rule-error", "extractor-error", "worker-crash")]
    errors.extend(f"{d.path}:{d.line} {d.kind}: {d.message}" for d in crashes)
    return errors


def with_rules(config: Config, *rule_ids: str) -> Config:
    return replace(config, only=rule_ids)
