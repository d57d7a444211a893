"""OpenAPI / Swagger documents read as contracts: loaded safely with line numbers, `$ref`s resolved
within the tree they come from (never over the network), operations normalised across Swagger 2.0
and OpenAPI 3.0/3.1 so that two versions of a document can be compared (openapi_diff.py).

A document is read through a `SpecSource` (a directory, or a git revision), so `$ref`s to other
files (`./schemas/user.yaml#/User`) resolve in the same revision as the document that names them.
A remote `$ref` (`https://...`) is a diagnostic and stays unresolved: prodcheck never downloads.
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from prodcheck.parsing.yamldoc import YList, YMap, parse_yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SPEC_SUFFIXES = (".yaml", ".yml", ".json")
MAX_SPEC_BYTES = 8 * 1024 * 1024
_TEMPLATE_PARAM = re.compile(r"\{[^}/]*\}")


class SpecSource:
    """Where a document and the files it references are read from."""

    def read(self, path: str) -> str | None:          # path: POSIX, relative to the source's root
        raise NotImplementedError


@dataclass(frozen=True)
class DirectorySource(SpecSource):
    root: Path

    def read(self, path: str) -> str | None:
        target = (self.root / path)
        try:
            resolved = target.resolve()
            base = self.root.resolve()
            if resolved != base and base not in resolved.parents:
                return None                               # a link out of the tree is not followed
            if not resolved.is_file() or resolved.stat().st_size > MAX_SPEC_BYTES:
                return None
            return resolved.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None


@dataclass
class _Text:
    """What `parse_yaml` needs of a parsed file."""
    path: str
    text: str
    diagnostics: list = field(default_factory=list)


@dataclass
class Spec:
    """One loaded document and the files its `$ref`s reached, all from one source."""
    source: SpecSource
    path: str                                          # the root document
    documents: dict[str, object] = field(default_factory=dict)   # path -> parsed root node
    problems: list[tuple[str, int, str]] = field(default_factory=list)   # (path, line, message)

    @property
    def root(self):
        return self.documents.get(self.path)

    @property
    def version(self) -> str:
        root = self.root
        if not isinstance(root, dict):
            return ""
        return str(root.get("openapi") or root.get("swagger") or "")

    def load(self, path: str):
        if path not in self.documents:
            text = self.source.read(path)
            if text is None:
                self.documents[path] = None
                self.problems.append((path, 0, "referenced file cannot be read in this revision"))
            else:
                holder = _Text(path, text)
                parsed = parse_yaml(holder)
                self.documents[path] = parsed[0] if parsed else None
                self.problems.extend((path, d.line, d.message) for d in holder.diagnostics)
        return self.documents[path]

    def resolve(self, node, where: str) -> tuple[object, str]:
        """Follow `$ref`s from `node` (found in file `where`): the target node and its file."""
        seen = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if (where, ref) in seen:
                return None, where
            seen.add((where, ref))
            target, where = self._follow(ref, where, node)
            if target is None:
                return None, where
            node = target
        return node, where

    def ref_id(self, node, where: str) -> str | None:
        """A stable identity for a `$ref` node (to stop at recursive schemas)."""
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            file_part, _, pointer = node["$ref"].partition("#")
            return f"{_join(where, file_part) if file_part else where}#{pointer}"
        return None

    def _follow(self, ref: str, where: str, node) -> tuple[object, str]:
        file_part, _, pointer = ref.partition("#")
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", file_part) or file_part.startswith("//"):
            self._problem(where, node, f"remote $ref {ref!r} is not downloaded; left unresolved")
            return None, where
        target_file = _join(where, file_part) if file_part else where
        if target_file is None:
            self._problem(where, node, f"$ref {ref!r} points outside the repository; left unresolved")
            return None, where
        document = self.load(target_file)
        if document is None:
            return None, target_file
        current = document
        for raw in (pointer.split("/")[1:] if pointer else []):
            key = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(current, dict) and key in current:
                current = current[key]
            elif isinstance(current, list) and key.isdigit() and int(key) < len(current):
                current = current[int(key)]
            else:
                self._problem(where, node, f"$ref {ref!r} does not resolve")
                return None, target_file
        return current, target_file

    def _problem(self, where: str, node, message: str) -> None:
        entry = (where, getattr(node, "line", 0), message)
        if entry not in self.problems:
            self.problems.append(entry)


def _join(where: str, relative: str) -> str | None:
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(where), relative))
    return None if joined.startswith("../") or joined == ".." or joined.startswith("/") else joined


def load_spec(source: SpecSource, path: str) -> Spec | None:
    """The document at `path`, or None when it is no OpenAPI/Swagger document."""
    spec = Spec(source, path)
    root = spec.load(path)
    if not isinstance(root, dict) or not ("openapi" in root or "swagger" in root) or "paths" not in root:
        return None
    return spec


def looks_like_spec(text: str) -> bool:
    """A cheap pre-filter on a file's start: a top-level `openapi:`/`swagger:` key (YAML or JSON)."""
    head = text[:4096]
    return bool(re.search(r'(?m)^\s*["\']?(openapi|swagger)["\']?\s*:', head))


# --------------------------------------------------------------------------- normalised operations

@dataclass(frozen=True)
class Param:
    name: str
    location: str                  # path, query, header, cookie (formData/body are request bodies)
    required: bool
    schema: object                 # raw (unresolved) schema node
    where: str                     # the file the schema node belongs to
    line: int


@dataclass(frozen=True)
class Body:
    required: bool
    content: dict                  # media type -> (schema node, file)
    line: int


@dataclass(frozen=True)
class Operation:
    method: str                    # upper case
    path: str                      # as written (with the Swagger 2.0 basePath)
    key: str                       # path with parameter names blanked: `/users/{}`
    params: dict                   # (location, name) -> Param; path params keyed by position
    body: Body | None
    responses: dict                # status -> dict media type -> (schema node, file)
    secured: bool                  # every security requirement needs credentials (none is optional)
    deprecated: bool
    file: str
    line: int


def operations(spec: Spec) -> dict[tuple[str, str], Operation]:
    """(METHOD, key) -> Operation for every operation of the document."""
    root = spec.root
    found: dict[tuple[str, str], Operation] = {}
    if not isinstance(root, dict) or not isinstance(root.get("paths"), dict):
        return found
    swagger2 = "swagger" in root
    base_path = str(root.get("basePath") or "").rstrip("/") if swagger2 else ""
    global_security = root.get("security")
    consumes = root.get("consumes") or ["application/json"]
    produces = root.get("produces") or ["application/json"]
    for raw_path, raw_item in root["paths"].items():
        if not isinstance(raw_path, str) or not raw_path.startswith("/"):
            continue
        item, item_file = spec.resolve(raw_item, spec.path)
        if not isinstance(item, dict):
            continue
        shared = _params(spec, item.get("parameters"), item_file)
        for method in METHODS:
            raw_op = item.get(method)
            if not isinstance(raw_op, dict):
                continue
            params = {**shared, **_params(spec, raw_op.get("parameters"), item_file)}
            path = base_path + raw_path
            line = _line(root["paths"], raw_path) if item_file == spec.path else getattr(item, "line", 0)
            line = _line(item, method) or line
            body = (_swagger2_body(params, raw_op.get("consumes") or consumes)
                    if swagger2 else _body(spec, raw_op.get("requestBody"), item_file))
            params = {k: p for k, p in params.items() if p.location in ("path", "query", "header", "cookie")}
            params = _positional_path_params(params, path)
            responses = _responses(spec, raw_op.get("responses"), item_file, swagger2,
                                   raw_op.get("produces") or produces)
            security = raw_op.get("security", global_security)      # none declared: no authentication
            secured = bool(isinstance(security, list) and security
                           and all(isinstance(s, dict) and s for s in security))
            key = _TEMPLATE_PARAM.sub("{}", path)
            found[(method.upper(), key)] = Operation(
                method.upper(), path, key, params, body, responses, secured, bool(raw_op.get("deprecated")),
                item_file, line)
    return found


def _line(container, key) -> int:
    return container.line_of(key) if isinstance(container, YMap) else getattr(container, "line", 0)


def _params(spec: Spec, raw, where: str) -> dict:
    result = {}
    if not isinstance(raw, list):
        return result
    for index, entry in enumerate(raw):
        param, param_file = spec.resolve(entry, where)
        if not isinstance(param, dict) or not isinstance(param.get("name"), str):
            continue
        location = str(param.get("in", ""))
        schema = param.get("schema")
        if schema is None:                                 # Swagger 2.0 non-body parameter
            schema = {k: v for k, v in param.items() if k in ("type", "format", "enum", "items", "maximum",
                                                               "minimum", "maxLength", "minLength", "pattern")}
        line = raw.item_lines[index] if isinstance(raw, YList) and index < len(raw.item_lines) else 0
        required = bool(param.get("required")) or location == "path"
        result[(location, param["name"])] = Param(param["name"], location, required, schema, param_file, line)
    return result


def _positional_path_params(params: dict, path: str) -> dict:
    """Path parameters keyed by their position in the template, so a rename is a change of name
    at the same position rather than a removal and an addition."""
    names = [m.group(0)[1:-1] for m in _TEMPLATE_PARAM.finditer(path)]
    result = {k: p for k, p in params.items() if p.location != "path"}
    for position, name in enumerate(names):
        param = params.get(("path", name)) or Param(name, "path", True, None, "", 0)
        result[("path", f"#{position}")] = param
    return result


def _swagger2_body(params: dict, consumes) -> Body | None:
    body = next((p for p in params.values() if p.location == "body"), None)
    form = [p for p in params.values() if p.location == "formData"]
    media = [str(m) for m in consumes] if isinstance(consumes, list) else ["application/json"]
    if body is not None:
        raw = body.schema if isinstance(body.schema, dict) else {}
        return Body(body.required, {m: (raw, body.where) for m in media}, body.line)
    if form:
        schema = {"type": "object", "properties": {p.name: p.schema for p in form},
                  "required": [p.name for p in form if p.required]}
        where = form[0].where
        return Body(any(p.required for p in form), {m: (schema, where) for m in media}, form[0].line)
    return None


def _body(spec: Spec, raw, where: str) -> Body | None:
    body, body_file = spec.resolve(raw, where)
    if not isinstance(body, dict):
        return None
    content = {}
    for media, entry in (body.get("content") or {}).items():
        if isinstance(entry, dict):
            content[str(media)] = (entry.get("schema"), body_file)
    return Body(bool(body.get("required")), content, getattr(body, "line", 0))


def _responses(spec: Spec, raw, where: str, swagger2: bool, produces) -> dict:
    result = {}
    if not isinstance(raw, dict):
        return result
    for status, entry in raw.items():
        response, response_file = spec.resolve(entry, where)
        if not isinstance(response, dict):
            result[str(status)] = {}
            continue
        if swagger2:
            media = [str(m) for m in produces] if isinstance(produces, list) else ["application/json"]
            schema = response.get("schema")
            result[str(status)] = {m: (schema, response_file) for m in media} if schema is not None else {}
        else:
            result[str(status)] = {str(m): (e.get("schema"), response_file)
                                   for m, e in (response.get("content") or {}).items() if isinstance(e, dict)}
    return result


def find_specs(source: SpecSource, paths: Iterator[str] | list[str]) -> list[str]:
    """The paths among `paths` that hold an OpenAPI/Swagger root document."""
    found = []
    for path in paths:
        if not path.lower().endswith(SPEC_SUFFIXES):
            continue
        text = source.read(path)
        if text is not None and looks_like_spec(text) and load_spec(source, path) is not None:
            found.append(path)
    return sorted(found)
