"""Declared dependencies, read from manifests, each with the line it is declared on.

Python: requirements*.txt/.in (`-r`/`-c` includes and options are not dependencies; comments,
markers, extras, hashes and line continuations are understood), pyproject.toml (PEP 621
`[project]`, PEP 735 `[dependency-groups]`, Poetry, PDM and uv dev groups), Pipfile, setup.cfg
`install_requires`, setup.py `install_requires` literals. Node: package.json (dependencies,
devDependencies, peerDependencies, optionalDependencies). Go: go.mod `require` lines and blocks
(`// indirect` requirements are transitive and skipped). The stacks prodcheck does not analyse
(Cargo.toml, Gemfile, mix.exs, pom.xml, build.gradle, *.csproj, composer.json) are read just enough
to name their framework.

Lock files are not read: a `Signal("lockfile", ..., detail=<ecosystem>)` records that one exists.
The manifest's own project/package/module name becomes `Signal("package-name", ..., detail=name)`,
a package.json `start` script `Signal("start-script", ..., detail=command)`.
TOML and JSON parsers lose line numbers, so lines are found again by a search of the text.
"""
from __future__ import annotations

import ast
import bisect
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from types import MappingProxyType

from prodcheck.facts.components import lock_ecosystem
from prodcheck.facts.extract import Extractor
from prodcheck.facts.model import Dependency, Signal
from prodcheck.model import Location

_PEP508 = re.compile(r"^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$", re.S)
_NPM_EXACT = re.compile(r"^=?v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_POETRY_EXACT = re.compile(r"^\d+(?:\.\d+)*(?:[a-zA-Z0-9.+-]*)$")
_COMMIT = re.compile(r"\b[0-9a-f]{40}\b")
_DEV_NAME = re.compile(r"(?:^|[-_.])(dev|develop|development|tests?|testing|lint|docs?|typing|ci)(?=[-_.]|$)", re.I)
_DEV_GROUPS = frozenset({"dev", "develop", "development", "test", "tests", "testing", "lint", "linting",
                         "docs", "doc", "typing", "types", "mypy", "ci", "qa", "style", "format"})


@dataclass(frozen=True, slots=True)
class Manifest:
    """What one manifest declares."""
    dependencies: tuple[Dependency, ...] = ()
    name: str = ""
    name_line: int = 0
    signals: tuple[Signal, ...] = ()      # more facts: the `start` script of a package.json


class _Text:
    """The manifest's text with a line index, to find where a TOML/JSON key was written."""

    __slots__ = ("text", "_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def find(self, pattern: str, start: int = 0) -> int:
        """Offset of the first match of `pattern` at or after `start` (-1 when absent)."""
        match = re.compile(pattern, re.M).search(self.text, start)
        return match.start() if match else -1

    def header(self, dotted: str) -> int:
        """Offset of a TOML table header such as `[tool.poetry.dependencies]` (0 when absent)."""
        parts = r"\s*\.\s*".join(rf"[\"']?{re.escape(p)}[\"']?" for p in dotted.split("."))
        found = self.find(rf"^\s*\[\s*{parts}\s*\]")
        return max(found, 0)

    def line_of_string(self, value: str, start: int) -> int:
        """Line of a quoted string (an array item), searched from `start`, then anywhere."""
        pattern = rf"[\"']{re.escape(value)}[\"']"
        found = self.find(pattern, start)
        if found < 0:
            found = self.find(pattern)
        return self.line_of(found if found >= 0 else start)

    def line_of_key(self, key: str, start: int) -> int:
        """Line of `key =` (TOML) or `"key":` (JSON) searched from `start`, then anywhere."""
        pattern = rf"^\s*[\"']?{re.escape(key)}[\"']?\s*[=:]|\"{re.escape(key)}\"\s*:"
        found = self.find(pattern, start)
        if found < 0:
            found = self.find(pattern)
        return self.line_of(found if found >= 0 else start)


# --- the extractor ----------------------------------------------------------------------------

def extract(parsed, builder) -> None:
    if parsed.kind == "lockfile":
        builder.signals.append(Signal("lockfile", Location.at(parsed.path, 1), lock_ecosystem(parsed.path)))
        return
    reader = reader_for(parsed.path, parsed.language)
    if reader is None:
        return
    manifest = reader(parsed)
    builder.dependencies.extend(manifest.dependencies)
    builder.signals.extend(manifest.signals)
    if manifest.name:
        builder.signals.append(Signal("package-name", Location.at(parsed.path, manifest.name_line or 1),
                                      manifest.name))


def reader_for(path: str, language: str) -> Callable | None:
    pure = PurePosixPath(path)
    name = pure.name.lower()
    if language == "requirements":
        return read_requirements
    return _READERS.get(name) or _SUFFIX_READERS.get(pure.suffix.lower())


# --- Python: requirements files ---------------------------------------------------------------

def read_requirements(parsed) -> Manifest:
    dev = bool(_DEV_NAME.search(PurePosixPath(parsed.path).name))
    deps = []
    for line_no, raw in logical_lines(parsed.lines):
        text = strip_comment(raw).strip()
        if not text or text.startswith("-"):       # -r/-c includes, -e, --index-url, options
            continue
        column = raw.find(text[:1]) + 1
        dep = pep508(text, "pypi", Location.at(parsed.path, line_no, max(column, 1)), dev)
        if dep is not None:
            deps.append(dep)
    return Manifest(tuple(deps))


def logical_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(first line number, text) with backslash continuations joined."""
    pending: list[str] = []
    start = 0
    for index, line in enumerate(lines, start=1):
        if not pending:
            start = index
        if line.rstrip().endswith("\\"):
            pending.append(line.rstrip()[:-1])
            continue
        pending.append(line)
        yield start, " ".join(pending)
        pending = []
    if pending:
        yield start, " ".join(pending)


def strip_comment(line: str) -> str:
    """Drop a `#` comment: at the start of the line or after whitespace (URLs keep `#egg=`)."""
    match = re.search(r"(^|\s)#", line)
    return line[:match.start()] if match else line


def pep508(text: str, ecosystem: str, location: Location, dev: bool) -> Dependency | None:
    """A dependency from a PEP 508 requirement string; None for paths, URLs and nonsense."""
    text = re.split(r"\s--?[A-Za-z]", " " + text.strip(), maxsplit=1)[0].strip()   # --hash=...
    if not text or text.startswith((".", "/", "~")) or "://" in text.split("@")[0]:
        return None
    match = _PEP508.match(text)
    if match is None:
        return None
    name, _extras, rest = match.groups()
    rest = rest.split(";", 1)[0].strip()
    if rest.startswith("@"):
        url = rest[1:].strip()
        pinned = bool(_COMMIT.search(url)) or url.endswith((".whl", ".tar.gz", ".zip"))
        return Dependency(name, rest, ecosystem, location, pinned, dev)
    spec = rest.strip("()").replace(" ", "")
    return Dependency(name, spec, ecosystem, location, pip_pinned(spec), dev)


def pip_pinned(spec: str) -> bool:
    """Exactly one version allowed: `==1.2.3` (no wildcard) or `===1.2.3`."""
    clauses = [c for c in spec.split(",") if c]
    return any(c.startswith("===") or c.startswith("==") and "*" not in c for c in clauses)


# --- Python: pyproject.toml, Pipfile, setup.cfg, setup.py -----------------------------------------

def read_pyproject(parsed) -> Manifest:
    data = _toml(parsed)
    if not data:
        return Manifest()
    text = _Text(parsed.text)
    deps: list[Dependency] = []
    project = _table(data.get("project"))
    project_at = text.header("project")
    deps.extend(_pep508_list(parsed.path, text, _list(project.get("dependencies")), project_at, False))
    extras_at = text.header("project.optional-dependencies") or project_at
    for group, items in sorted(_table(project.get("optional-dependencies")).items()):
        deps.extend(_pep508_list(parsed.path, text, _list(items), extras_at, group.lower() in _DEV_GROUPS))
    for dotted, groups in (("dependency-groups", data.get("dependency-groups")),
                           ("tool.pdm.dev-dependencies", _dig(data, "tool", "pdm", "dev-dependencies"))):
        at = text.header(dotted)
        for _group, items in sorted(_table(groups).items()):
            deps.extend(_pep508_list(parsed.path, text, _list(items), at, True))
    deps.extend(_pep508_list(parsed.path, text, _list(_dig(data, "tool", "uv", "dev-dependencies")),
                             text.header("tool.uv"), True))
    poetry = _table(_dig(data, "tool", "poetry"))
    for section, dev in (("dependencies", False), ("dev-dependencies", True)):
        deps.extend(_poetry_table(parsed.path, text, f"tool.poetry.{section}", poetry.get(section), dev))
    for group, body in sorted(_table(poetry.get("group")).items()):
        deps.extend(_poetry_table(parsed.path, text, f"tool.poetry.group.{group}.dependencies",
                                  _table(body).get("dependencies"), group != "main"))
    name, at = (project.get("name"), project_at) if isinstance(project.get("name"), str) \
        else (poetry.get("name"), text.header("tool.poetry"))
    if isinstance(name, str) and name:
        return Manifest(tuple(deps), name, text.line_of_key("name", at))
    return Manifest(tuple(deps))


def _pep508_list(path: str, text: _Text, items: list, start: int, dev: bool) -> Iterator[Dependency]:
    for item in items:
        if isinstance(item, str):
            line = text.line_of_string(item, start)
            dep = pep508(item, "pypi", Location.at(path, line), dev)
            if dep is not None:
                yield dep


def _poetry_table(path: str, text: _Text, dotted: str, table, dev: bool) -> Iterator[Dependency]:
    start = text.header(dotted)
    for name, value in _table(table).items():
        if name.lower() == "python":
            continue
        spec, pinned = _poetry_spec(value)
        yield Dependency(name, spec, "pypi", Location.at(path, text.line_of_key(name, start)), pinned, dev)


def _poetry_spec(value) -> tuple[str, bool]:
    if isinstance(value, list):                    # several constraints by marker: the first one
        value = value[0] if value else ""
    if isinstance(value, dict):
        if "path" in value:
            return str(value["path"]), True
        if "git" in value:
            ref = value.get("rev") or value.get("tag") or value.get("branch") or ""
            return f"{value['git']}@{ref}" if ref else str(value["git"]), bool(value.get("rev") or value.get("tag"))
        if "url" in value:
            return str(value["url"]), True
        value = value.get("version", "")
    spec = str(value).strip().replace(" ", "")
    return spec, pip_pinned(spec) or bool(_POETRY_EXACT.match(spec))


def read_pipfile(parsed) -> Manifest:
    data = _toml(parsed)
    if not data:
        return Manifest()
    text = _Text(parsed.text)
    deps = []
    for section, dev in (("packages", False), ("dev-packages", True)):
        start = text.header(section)
        for name, value in _table(data.get(section)).items():
            spec, pinned = _pipfile_spec(value)
            deps.append(Dependency(name, spec, "pypi", Location.at(parsed.path, text.line_of_key(name, start)),
                                   pinned, dev))
    return Manifest(tuple(deps))


def _pipfile_spec(value) -> tuple[str, bool]:
    if isinstance(value, dict):
        if "path" in value or "file" in value:
            return str(value.get("path") or value.get("file")), True
        if "git" in value:
            ref = str(value.get("ref", ""))
            return f"{value['git']}@{ref}" if ref else str(value["git"]), bool(_COMMIT.search(ref))
        value = value.get("version", "*")
    spec = str(value).strip().replace(" ", "")
    return spec, pip_pinned(spec)


def read_setup_cfg(parsed) -> Manifest:
    deps = []
    section = ""
    in_requires = False
    name = ""
    name_line = 0
    for line_no, raw in enumerate(parsed.lines, start=1):
        stripped = raw.strip()
        header = re.match(r"^\[([^\]]+)\]", stripped)
        if header:
            section, in_requires = header.group(1).strip().lower(), False
            continue
        if section == "metadata" and not name:
            match = re.match(r"^name\s*[=:]\s*(\S+)", stripped)
            if match:
                name, name_line = match.group(1), line_no
        if section != "options":
            continue
        key = re.match(r"^(\w+)\s*[=:]\s*(.*)$", raw)
        if key:
            in_requires = key.group(1) == "install_requires"
            value = key.group(2)
        elif in_requires and raw[:1] in (" ", "\t"):
            value = stripped
        else:
            in_requires = False
            continue
        value = strip_comment(value).strip()
        if in_requires and value:
            dep = pep508(value, "pypi", Location.at(parsed.path, line_no, raw.find(value) + 1), False)
            if dep is not None:
                deps.append(dep)
    return Manifest(tuple(deps), name, name_line)


def read_setup_py(parsed) -> Manifest:
    tree = parsed.tree
    if not isinstance(tree, ast.Module):
        return Manifest()
    deps = []
    name = ""
    name_line = 0
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _call_name(node.func) == "setup"):
            continue
        for keyword in node.keywords:
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant) \
                    and isinstance(keyword.value.value, str):
                name, name_line = keyword.value.value, keyword.value.lineno
            if keyword.arg == "install_requires" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                for item in keyword.value.elts:
                    if isinstance(item, ast.Constant) and isinstance(item.value, str):
                        loc = Location.at(parsed.path, item.lineno, item.col_offset + 1)
                        dep = pep508(item.value, "pypi", loc, False)
                        if dep is not None:
                            deps.append(dep)
    return Manifest(tuple(deps), name, name_line)


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


# --- Node: package.json, PHP: composer.json -------------------------------------------------------

NPM_SECTIONS = (("dependencies", False), ("optionalDependencies", False),
                ("devDependencies", True), ("peerDependencies", True))   # peers are installed by the consumer


def read_package_json(parsed) -> Manifest:
    manifest = _json_manifest(parsed, "npm", NPM_SECTIONS, npm_pinned)
    scripts = parsed.tree.get("scripts") if isinstance(parsed.tree, dict) else None
    start = scripts.get("start") if isinstance(scripts, dict) else None
    if not isinstance(start, str) or not start.strip():
        return manifest
    text = _Text(parsed.text)
    at = max(text.find(r"\"scripts\"\s*:"), 0)
    line = text.line_of(max(text.find(r"\"start\"\s*:", at), at))
    return replace(manifest, signals=(Signal("start-script", Location.at(parsed.path, line), start.strip()),))


def read_composer_json(parsed) -> Manifest:
    return _json_manifest(parsed, "packagist", (("require", False), ("require-dev", True)),
                          lambda spec: bool(_NPM_EXACT.match(spec)))


def _json_manifest(parsed, ecosystem: str, sections, pinned: Callable[[str], bool]) -> Manifest:
    data = parsed.tree
    if not isinstance(data, dict):
        return Manifest()
    text = _Text(parsed.text)
    deps = []
    for section, dev in sections:
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        start = max(text.find(rf"\"{re.escape(section)}\"\s*:"), 0)
        for name, spec in table.items():
            spec = spec if isinstance(spec, str) else ""
            line = text.line_of(max(text.find(rf"\"{re.escape(name)}\"\s*:", start), start))
            deps.append(Dependency(name, spec, ecosystem, Location.at(parsed.path, line), pinned(spec.strip()), dev))
    name = data.get("name")
    if isinstance(name, str) and name:
        return Manifest(tuple(deps), name, text.line_of(max(text.find(r"\"name\"\s*:"), 0)))
    return Manifest(tuple(deps))


def npm_pinned(spec: str) -> bool:
    """An exact version, a local package, a tarball URL or a git commit: nothing floats."""
    if spec.startswith(("file:", "link:", "workspace:", "portal:")):
        return True
    if spec.startswith("npm:"):
        return npm_pinned(spec.rpartition("@")[2])
    if "/" in spec or spec.startswith(("git", "github:")):
        _base, _hash, ref = spec.partition("#")
        if ref:
            return bool(_COMMIT.fullmatch(ref))
        return spec.startswith(("http://", "https://")) and spec.endswith((".tgz", ".tar.gz"))
    return bool(_NPM_EXACT.match(spec))


# --- Go: go.mod ------------------------------------------------------------------------------------

def read_go_mod(parsed) -> Manifest:
    deps = []
    module = ""
    module_line = 0
    in_block = False
    for line_no, raw in enumerate(parsed.lines, start=1):
        code, _sep, comment = raw.partition("//")
        words = code.split()
        if not words:
            continue
        if in_block:
            if words[0] == ")":
                in_block = False
                continue
            spec_words = words
        elif words[0] == "module" and len(words) > 1:
            module, module_line = words[1].strip("\"`"), line_no
            continue
        elif words[0] == "require":
            if words[1:2] == ["("]:
                in_block = True
                continue
            spec_words = words[1:]
        else:                                  # go, toolchain, replace, exclude, retract, tool
            continue
        if len(spec_words) >= 2 and "indirect" not in comment.split():
            path = spec_words[0].strip("\"`")
            loc = Location.at(parsed.path, line_no, raw.find(spec_words[0]) + 1)
            deps.append(Dependency(path, spec_words[1], "go", loc, True, False))
    return Manifest(tuple(deps), module, module_line)


# --- stacks prodcheck does not analyse: just enough to name the framework ---------------------------

def read_cargo(parsed) -> Manifest:
    data = _toml(parsed)
    if not data:
        return Manifest()
    text = _Text(parsed.text)
    deps = []
    for section, dev in (("dependencies", False), ("dev-dependencies", True), ("workspace.dependencies", False)):
        start = text.header(section)
        for name, value in _table(_dig(data, *section.split("."))).items():
            spec = value if isinstance(value, str) else str(_table(value).get("version", ""))
            deps.append(Dependency(name, spec, "cargo", Location.at(parsed.path, text.line_of_key(name, start)),
                                   spec.startswith("="), dev))
    name = _table(data.get("package")).get("name")
    if isinstance(name, str):
        return Manifest(tuple(deps), name, text.line_of_key("name", text.header("package")))
    return Manifest(tuple(deps))


def read_gemfile(parsed) -> Manifest:
    return Manifest(tuple(_line_matches(parsed, r"^\s*gem\s*\(?\s*[\"']([^\"']+)[\"']\s*,?\s*(.*)$", "rubygems")))


def read_mix(parsed) -> Manifest:
    return Manifest(tuple(_line_matches(parsed, r"\{\s*:(\w+)\s*,\s*(\"[^\"]*\"|\w+:)", "hex")))


def read_gradle(parsed) -> Manifest:
    deps = list(_line_matches(parsed, r"[\"']([\w.\-]+:[\w.\-]+)(?::([^\"'\s]+))?[\"']", "maven"))
    for plugin in _line_matches(parsed, r"(?:\bid\s*\(?\s*|apply\s+plugin:\s*)[\"']([\w.\-]+)[\"']", "maven"):
        deps.append(Dependency(f"{plugin.name}:plugin", "", "maven", plugin.location))
    return Manifest(tuple(deps))


def read_pom(parsed) -> Manifest:
    text = _Text(parsed.text)
    deps = []
    for block in re.finditer(r"<(dependency|parent|plugin)>(.*?)</\1>", parsed.text, re.S):
        group = re.search(r"<groupId>\s*([^<\s]+)\s*</groupId>", block.group(2))
        artifact = re.search(r"<artifactId>\s*([^<\s]+)\s*</artifactId>", block.group(2))
        version = re.search(r"<version>\s*([^<\s]+)\s*</version>", block.group(2))
        if group and artifact:
            deps.append(Dependency(f"{group.group(1)}:{artifact.group(1)}", version.group(1) if version else "",
                                   "maven", Location.at(parsed.path, text.line_of(block.start())),
                                   bool(version), False))
    return Manifest(tuple(deps))


def read_csproj(parsed) -> Manifest:
    deps = list(_line_matches(parsed, r"<Project\s+Sdk=\"([^\"]+)\"()", "nuget"))
    package = r"<PackageReference\s+Include=\"([^\"]+)\"(?:\s+Version=\"([^\"]*)\")?"
    deps.extend(_line_matches(parsed, package, "nuget"))
    return Manifest(tuple(deps))


def _line_matches(parsed, pattern: str, ecosystem: str) -> Iterator[Dependency]:
    """One dependency per match of `pattern` (group 1: name, group 2: spec) on each line."""
    regex = re.compile(pattern)
    for line_no, raw in enumerate(parsed.lines, start=1):
        if raw.lstrip().startswith(("#", "//")):
            continue
        for match in regex.finditer(raw):
            spec = (match.group(2) or "").strip().strip("\"'") if regex.groups > 1 else ""
            yield Dependency(match.group(1), spec, ecosystem, Location.at(parsed.path, line_no, match.start(1) + 1))


# --- helpers -----------------------------------------------------------------------------------

def _toml(parsed) -> dict:
    if isinstance(parsed.tree, dict):
        return parsed.tree
    try:
        data = tomllib.loads(parsed.text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _table(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dig(data, *keys: str):
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


_READERS = MappingProxyType({
    "pyproject.toml": read_pyproject, "pipfile": read_pipfile, "setup.cfg": read_setup_cfg,
    "setup.py": read_setup_py, "package.json": read_package_json, "go.mod": read_go_mod,
    "cargo.toml": read_cargo, "gemfile": read_gemfile, "mix.exs": read_mix, "pom.xml": read_pom,
    "build.gradle": read_gradle, "build.gradle.kts": read_gradle, "composer.json": read_composer_json,
})
_SUFFIX_READERS = MappingProxyType({".csproj": read_csproj, ".fsproj": read_csproj})


EXTRACTOR = Extractor("manifests", extract, kinds=("manifest", "lockfile"), needs_tree=False)
