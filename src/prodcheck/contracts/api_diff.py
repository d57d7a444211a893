"""`prodcheck api-diff OLD NEW`: the contract delta between two versions of an API description,
each a file or `git:REF:path` (read from that revision of the repository around the current
directory). The file's extension chooses the differ: `.graphql`/`.graphqls`/`.gql` a GraphQL schema
(graphql_diff.py), `.proto` Protocol Buffers (protobuf_diff.py), anything else an OpenAPI/Swagger
document (openapi_diff.py; `$ref`s resolved next to it, in the same revision). For GraphQL and
protobuf, OLD and NEW may also name a directory: every schema file under it makes one side.

Every differ yields the same change record (openapi_diff.SpecChange) and problems as
(file, line, message), so the rendering is shared."""
from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from prodcheck.contracts.openapi import DirectorySource, Spec, SpecSource, load_spec
from prodcheck.contracts.openapi_diff import SpecChange, diff_specs

GRAPHQL, PROTOBUF, OPENAPI = "graphql", "protobuf", "openapi"
_SKIPPED_DIRS = frozenset({".git", "node_modules", "vendor", "third_party", "__pycache__", ".venv", "venv"})


class ApiDiffError(ValueError):
    """An argument that names no readable API description (OpenAPI/Swagger, GraphQL SDL, .proto)."""


@dataclass(frozen=True)
class GitSource(SpecSource):
    repository: Path
    ref: str

    def read(self, path: str) -> str | None:
        done = subprocess.run(["git", "-C", str(self.repository), "cat-file", "blob", f"{self.ref}:{path}"],
                              capture_output=True, check=False)
        return done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else None


def git_argument(argument: str, cwd: Path) -> tuple[GitSource, str, str]:
    """`git:REF:path` -> (the repository around `cwd` at REF, REF, path)."""
    ref, _, path = argument[4:].partition(":")
    if not ref or not path:
        raise ApiDiffError(f"{argument!r}: write git:REF:path (path from the repository's top level)")
    top = subprocess.run(["git", "-C", str(cwd), "rev-parse", "--show-toplevel"], capture_output=True,
                         text=True, check=False)
    if top.returncode != 0:
        raise ApiDiffError(f"{argument!r}: {cwd} is not inside a git repository")
    return GitSource(Path(top.stdout.strip()), ref), ref, path


def open_spec(argument: str, cwd: Path) -> Spec:
    if argument.startswith("git:"):
        source, ref, path = git_argument(argument, cwd)
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


@dataclass
class Delta:
    """What any differ produced: the changes and the problems met reading either side."""
    changes: list[SpecChange]
    problems: list[tuple[str, int, str]] = field(default_factory=list)


def render(changes: list[SpecChange], problems: list[tuple[str, int, str]], fmt: str, old_name: str,
           new_name: str) -> str:
    problems = sorted(set(problems))
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


def contract_kind(argument: str) -> str:
    """Which differ an argument goes to, from its file extension (a directory: from what it holds)."""
    from prodcheck.contracts.graphql_diff import is_sdl_path
    from prodcheck.contracts.protobuf_diff import is_proto_path
    path = argument[4:].partition(":")[2] if argument.startswith("git:") else argument
    if is_sdl_path(path):
        return GRAPHQL
    if is_proto_path(path):
        return PROTOBUF
    return OPENAPI


def read_documents(argument: str, cwd: Path, wanted) -> list[tuple[str, str]]:
    """(path, text) of the schema files an argument names: one file, or those under a directory
    (`wanted(path)` picks them), paths relative to the file's directory or the named directory."""
    if argument.startswith("git:"):
        source, ref, path = git_argument(argument, cwd)
        path = path.strip("/")
        text = source.read(path)
        if text is not None:
            return [(path, text)]
        listed = subprocess.run(["git", "-C", str(source.repository), "ls-tree", "-r", "--name-only", ref, "--",
                                 path], capture_output=True, text=True, check=False)
        names = [n for n in listed.stdout.splitlines() if wanted(n)] if listed.returncode == 0 else []
        documents = [(name, text) for name in names if (text := source.read(name)) is not None]
        if not documents:
            raise ApiDiffError(f"{argument!r}: no file {path} at {ref}")
        return documents
    target = (cwd / argument).resolve()
    if target.is_file():
        text = DirectorySource(target.parent).read(target.name)
        if text is None:
            raise ApiDiffError(f"{argument}: cannot be read")
        return [(target.name, text)]
    if not target.is_dir():
        raise ApiDiffError(f"{argument}: no such file")
    source = DirectorySource(target)
    documents = []
    for directory, subdirectories, files in os.walk(target):
        subdirectories[:] = sorted(d for d in subdirectories if d not in _SKIPPED_DIRS)
        for name in sorted(files):
            relative = Path(directory, name).relative_to(target).as_posix()
            if wanted(relative) and (text := source.read(relative)) is not None:
                documents.append((relative, text))
    if not documents:
        raise ApiDiffError(f"{argument}: no schema files in this directory")
    return documents


def _directory_kind(argument: str, cwd: Path) -> str | None:
    """GraphQL or protobuf for a directory (local, or a tree at a git revision) holding such files
    (GraphQL first), else None."""
    from prodcheck.contracts.graphql_diff import is_sdl_path
    from prodcheck.contracts.protobuf_diff import is_proto_path
    if argument.startswith("git:"):
        ref, _, path = argument[4:].partition(":")
        if not ref or not path or is_sdl_path(path) or is_proto_path(path):
            return None
        top = subprocess.run(["git", "-C", str(cwd), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, check=False)
        if top.returncode != 0:
            return None
        listed = subprocess.run(["git", "-C", top.stdout.strip(), "ls-tree", "-r", "--name-only", ref, "--",
                                 path.strip("/")], capture_output=True, text=True, check=False)
        names = listed.stdout.splitlines() if listed.returncode == 0 else []
    else:
        target = (cwd / argument).resolve()
        if not target.is_dir():
            return None
        names = [name for _, _, files in os.walk(target) for name in files]
    if any(is_sdl_path(n) for n in names):
        return GRAPHQL
    if any(is_proto_path(n) for n in names):
        return PROTOBUF
    return None


def _unreadable(argument: str, problems: list[tuple[str, int, str]]) -> ApiDiffError:
    file, line, message = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return ApiDiffError(f"{argument}: {file}:{line}: {message}{more}")


def graphql_delta(old_arg: str, new_arg: str, cwd: Path) -> Delta:
    from prodcheck.contracts.graphql_diff import diff_schemas, is_sdl_path, load_schema
    schemas = []
    for argument in (old_arg, new_arg):
        schema = load_schema(read_documents(argument, cwd, is_sdl_path))
        if schema.broken:
            raise _unreadable(argument, schema.problems)
        if not schema.files:
            raise ApiDiffError(f"{argument}: no GraphQL type definitions (only operations, or empty)")
        schemas.append(schema)
    old, new = schemas
    return Delta(diff_schemas(old, new), old.problems + new.problems)


def protobuf_delta(old_arg: str, new_arg: str, cwd: Path) -> Delta:
    from prodcheck.contracts.protobuf_diff import diff_protos, is_proto_path, load_protos
    sides = []
    for argument in (old_arg, new_arg):
        side = load_protos(read_documents(argument, cwd, is_proto_path))
        if side.broken:
            raise _unreadable(argument, side.problems)
        sides.append(side)
    old, new = sides
    return Delta(diff_protos(old, new), old.problems + new.problems)


def openapi_delta(old_arg: str, new_arg: str, cwd: Path) -> Delta:
    old, new = open_spec(old_arg, cwd), open_spec(new_arg, cwd)
    changes = diff_specs(old, new)
    return Delta(changes, old.problems + new.problems)


def api_diff(old_arg: str, new_arg: str, fmt: str, cwd: Path) -> tuple[str, bool]:
    """The rendered delta and whether any change is breaking."""
    kinds = {_directory_kind(a, cwd) or contract_kind(a) for a in (old_arg, new_arg)}
    if len(kinds) > 1:
        raise ApiDiffError(f"{old_arg} and {new_arg} are not the same kind of API description "
                           f"({' and '.join(sorted(kinds))})")
    kind = kinds.pop()
    delta = {GRAPHQL: graphql_delta, PROTOBUF: protobuf_delta}.get(kind, openapi_delta)(old_arg, new_arg, cwd)
    return (render(delta.changes, delta.problems, fmt, old_arg, new_arg),
            any(c.breaking for c in delta.changes))
