"""`prodcheck api-diff OLD NEW`: the contract delta between two versions of an OpenAPI/Swagger
document, each a file (its `$ref`s resolved next to it) or `git:REF:path` (read from that revision
of the repository around the current directory, `$ref`s in the same revision)."""
from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from prodcheck.contracts.openapi import DirectorySource, Spec, SpecSource, load_spec
from prodcheck.contracts.openapi_diff import SpecChange, diff_specs


class ApiDiffError(ValueError):
    """An argument that names no readable OpenAPI/Swagger document."""


@dataclass(frozen=True)
class GitSource(SpecSource):
    repository: Path
    ref: str

    def read(self, path: str) -> str | None:
        done = subprocess.run(["git", "-C", str(self.repository), "cat-file", "blob", f"{self.ref}:{path}"],
                              capture_output=True, check=False)
        return done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else None


def open_spec(argument: str, cwd: Path) -> Spec:
    if argument.startswith("git:"):
        ref, _, path = argument[4:].partition(":")
        if not ref or not path:
            raise ApiDiffError(f"{argument!r}: write git:REF:path (path from the repository's top level)")
        top = subprocess.run(["git", "-C", str(cwd), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, check=False)
        if top.returncode != 0:
            raise ApiDiffError(f"{argument!r}: {cwd} is not inside a git repository")
        source: SpecSource = GitSource(Path(top.stdout.strip()), ref)
        if source.read(path) is None:
            raise ApiDiffError(f"{argument!r}: no file {path} at {ref}")
    else:
        target = (cwd / argument).resolve()
        if not target.is_file():
            raise ApiDiffError(f"{argument}: no such file")
        source, path = DirectorySource(target.parent), target.name
    spec = load_spec(source, path)
    if spec is None:
        raise ApiDiffError(f"{argument}: not an OpenAPI/Swagger document (no `openapi`/`swagger` and `paths`)")
    return spec


def render(changes: list[SpecChange], old: Spec, new: Spec, fmt: str, old_name: str, new_name: str) -> str:
    problems = sorted(set(old.problems + new.problems))
    if fmt == "json":
        return json.dumps({
            "old": old_name, "new": new_name,
            "breaking": sum(1 for c in changes if c.breaking), "non_breaking": sum(1 for c in changes if not c.breaking),
            "changes": [{"change": c.kind, "method": c.method, "path": c.path, "breaking": c.breaking,
                         "detail": c.detail, "migration_note": c.note,
                         "location": {"file": c.file, "line": c.line, "side": "old" if c.at_base else "new"}}
                        for c in changes],
            "problems": [{"file": f, "line": line, "message": m} for f, line, m in problems],
        }, indent=2) + "\n"
    breaking = [c for c in changes if c.breaking]
    if fmt == "md":
        lines = [f"## API Contract Delta: `{old_name}` -> `{new_name}`", "",
                 f"{len(breaking)} breaking, {len(changes) - len(breaking)} non-breaking.", ""]
        if changes:
            lines += ["| Change | Endpoint | Where | Compatibility | Consumer migration |", "|---|---|---|---|---|"]
            for c in changes:
                where = f"{c.file}:{c.line}" + (" (old)" if c.at_base else "")
                lines.append(f"| {_cell(c.detail)} | `{c.method} {c.path}` | `{where}` | "
                             f"{'**breaking**' if c.breaking else 'non-breaking'} | {_cell(c.note)} |")
        lines += [f"- {f}:{line}: {m}" for f, line, m in problems]
        return "\n".join(lines) + "\n"
    lines = [f"{old_name} -> {new_name}: {len(breaking)} breaking, {len(changes) - len(breaking)} non-breaking"]
    for c in changes:
        lines.append(f"  {'BREAKING' if c.breaking else 'ok      '}  {c.method} {c.path}: {c.detail}  "
                     f"({c.file}:{c.line}{' old' if c.at_base else ''})")
        if c.breaking:
            lines.append(f"            -> {c.note}")
    lines += [f"  problem: {f}:{line}: {m}" for f, line, m in problems]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def api_diff(old_arg: str, new_arg: str, fmt: str, cwd: Path) -> tuple[str, bool]:
    """The rendered delta and whether any change is breaking."""
    old, new = open_spec(old_arg, cwd), open_spec(new_arg, cwd)
    changes = diff_specs(old, new)
    return render(changes, old, new, fmt, old_arg, new_arg), any(c.breaking for c in changes)
