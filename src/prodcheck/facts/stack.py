"""Services and stack: which directories hold runnable services, and what each one uses.

A **manifest root** is a directory holding a manifest of a stack prodcheck analyses
(pyproject.toml, requirements*.txt/.in, setup.py, setup.cfg, Pipfile, package.json, go.mod). It is a
**service** when the source files it owns hold an entry point (an app object, a `listen` call, a
runner, Django's manage.py); an entry point under `scripts/`, `examples/`, `docs/` or `benchmarks/`
of its root, or in a test file, does not count. A nested manifest root owns its own subtree. A Go
`func main()`, a Hono `export default app` or a package.json `start` script alone is weaker evidence:
it makes a service only when the root also uses a web or RPC framework (otherwise it is a command-line
tool, a library or a front end). Entry
points outside every manifest root make one service at "." (no manifest anywhere) or at their
top-level directory. Libraries (a manifest and no entry point) are not services.

Each service lists its components (frameworks, databases, ORMs, queues, caches, third-party APIs,
observability) with evidence: the manifest lines declaring them, then the first import lines by
path. Everything is computed in a few linear passes over the files, in a deterministic order.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath

from prodcheck.facts.components import (
    CATEGORIES, IMPLIED_BY, SERVICE_MANIFESTS, Kind, for_dependency, for_import, unsupported_stack,
)
from prodcheck.facts.model import Entrypoint, FileFacts
from prodcheck.model import Component, Location, Service, Stack

MAX_EVIDENCE = 3
WEAK_ENTRYPOINTS = frozenset({"main", "export-default", "start-script"})
IGNORED_ENTRY_DIRS = frozenset({"scripts", "script", "examples", "example", "samples", "sample", "docs",
                                "doc", "benchmarks", "benchmark", "bench"})
FIXTURE_DIRS = frozenset({"test", "tests", "__tests__", "spec", "specs", "testdata", "fixtures", "e2e",
                          "examples", "example"})
APP_LANGUAGES = frozenset({"python", "javascript", "typescript", "go"})
DATA_LANGUAGES = frozenset({"text", "markdown", "yaml", "toml", "json", "ini", "env", "requirements", "gomod",
                            "gosum", "xml", "make", "procfile", "dockerfile", "pem"})
ANALYSED_ECOSYSTEMS = frozenset({"pypi", "npm", "go"})
DEFAULT_ROOT_NAME = "app"
_CATEGORY_ORDER = {category: index for index, category in enumerate(("language", *CATEGORIES))}


@dataclass(frozen=True, slots=True)
class _Candidate:
    root: str
    entry: Entrypoint
    strong: bool


def detect_stack(files: tuple[FileFacts, ...]) -> Stack:
    files = tuple(sorted(files, key=lambda f: f.path))
    manifest_roots = frozenset(_parent(f.path) for f in files if is_service_manifest(f))
    candidates = _candidates(files, manifest_roots)
    roots = _service_roots(files, candidates)
    owned = _owned(files, roots)
    by_root: dict[str, list[_Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_root[candidate.root].append(candidate)
    services = []
    used_names: set[str] = set()
    lookups: dict[tuple[str, str, str], tuple[Kind, ...]] = {}     # import -> components, per scan
    for root in sorted(roots):
        service = _service(root, by_root[root], owned[root], files, used_names, lookups)
        used_names.add(service.name)
        services.append(service)
    return Stack(tuple(services), _languages(files), _unsupported(files),
                 tuple(f.path for f in files if f.kind == "standards"))


def _owned(files: tuple[FileFacts, ...], roots: frozenset[str]) -> dict[str, list[FileFacts]]:
    """The files of each service root, in path order (a nested root keeps its own)."""
    owned: dict[str, list[FileFacts]] = defaultdict(list)
    for facts in files:
        root = owner(facts.path, roots)
        if root is not None:
            owned[root].append(facts)
    return owned


def service_of(path: str, stack: Stack) -> str:
    """The name of the service owning `path` (the one with the deepest root holding it), or ""."""
    best = ""
    best_depth = -1
    for service in stack.services:
        root = service.root
        if root == "." or path == root or path.startswith(root + "/"):
            depth = 0 if root == "." else root.count("/") + 1
            if depth > best_depth:
                best, best_depth = service.name, depth
    return best


def is_service_manifest(facts: FileFacts) -> bool:
    return facts.kind == "manifest" and (facts.language == "requirements"
                                         or facts.path.rpartition("/")[2].lower() in SERVICE_MANIFESTS)


def ancestor_dirs(directory: str) -> list[str]:
    """`a/b` -> ["a/b", "a", "."]: a relative POSIX directory and every directory above it."""
    found = []
    current = PurePosixPath(directory)
    while True:
        text = str(current)
        found.append(text)
        if text in (".", "", "/"):
            break
        current = current.parent
    if "." not in found:
        found.append(".")
    return found


def owner(path: str, roots) -> str | None:
    """The deepest root holding `path` (a relative POSIX path), or None."""
    cut = len(path)
    while True:
        cut = path.rfind("/", 0, cut)
        if cut < 0:
            return "." if "." in roots else None
        if path[:cut] in roots:
            return path[:cut]


# --- which roots are services --------------------------------------------------------------------

def _candidates(files: tuple[FileFacts, ...], manifest_roots: frozenset[str]) -> list[_Candidate]:
    found = []
    for facts in files:
        if facts.kind == "manifest":
            found.extend(_Candidate(_parent(facts.path), Entrypoint("start-script", "node", s.location), False)
                         for s in facts.signals if s.name == "start-script")
        if facts.kind != "source":
            continue
        entries = _entrypoints(facts)
        if not entries:
            continue
        root = owner(facts.path, manifest_roots)
        if _ignored(facts.path, root or "."):
            continue
        root = root or _fallback_root(facts.path, manifest_roots)
        found.extend(_Candidate(root, entry, entry.kind not in WEAK_ENTRYPOINTS) for entry in entries)
    return found


def _entrypoints(facts: FileFacts) -> tuple[Entrypoint, ...]:
    """The file's entry points; a Django `manage.py` counts even when its call was not resolved."""
    if facts.entrypoints:
        return facts.entrypoints
    if facts.language == "python" and facts.path.rpartition("/")[2] == "manage.py":
        django = next((i for i in facts.imports if i.module.split(".")[0] == "django"), None)
        if django is not None:
            return (Entrypoint("manage-py", "django", Location.at(facts.path, django.line or 1)),)
    return ()


def _fallback_root(path: str, manifest_roots: frozenset[str]) -> str:
    parts = PurePosixPath(path).parts
    if not manifest_roots or len(parts) == 1:
        return "."
    return parts[0]


def _ignored(path: str, root: str) -> bool:
    relative = PurePosixPath(path).parts if root == "." else PurePosixPath(path).relative_to(root).parts
    return any(part.lower() in IGNORED_ENTRY_DIRS for part in relative[:-1])


def _service_roots(files: tuple[FileFacts, ...], candidates: list[_Candidate]) -> frozenset[str]:
    strong = {c.root for c in candidates if c.strong}
    weak = {c.root for c in candidates} - strong
    if not weak:
        return frozenset(strong)
    all_roots = frozenset(strong | weak)
    with_framework = set()
    for facts in files:
        root = owner(facts.path, all_roots)
        if root in weak and root not in with_framework and _uses_framework(facts, root):
            with_framework.add(root)
    return frozenset(strong | with_framework)


def _uses_framework(facts: FileFacts, root: str) -> bool:
    if facts.kind == "source" and any(k.category == "framework" for i in facts.imports
                                      for k in for_import(facts.language, i.module, i.name)):
        return True
    return _parent(facts.path) == root and any(
        k.category == "framework" for d in facts.dependencies if not d.dev
        for k in for_dependency(d.ecosystem, d.name))


# --- one service ------------------------------------------------------------------------------

def _service(root: str, candidates: list[_Candidate], owned: list[FileFacts], files: tuple[FileFacts, ...],
             used_names: set[str], lookups: dict) -> Service:
    manifests = [f for f in owned if f.kind == "manifest" and _parent(f.path) == root]
    entry = min(candidates, key=lambda c: (not c.strong, c.entry.location.path, c.entry.location.line),
                default=None)
    name = _manifest_name(manifests) or (PurePosixPath(root).name if root != "." else DEFAULT_ROOT_NAME)
    if name in used_names:
        name = root
    language = _main_language(owned) or (_language_of(entry.entry.location.path, files) if entry else "")
    return Service(name, root, language, entry.entry.location if entry else None,
                   tuple(f.path for f in manifests), _components(manifests, owned, lookups))


def _manifest_name(manifests: list[FileFacts]) -> str:
    for facts in manifests:
        for signal in facts.signals:
            if signal.name == "package-name" and signal.detail:
                if PurePosixPath(facts.path).name == "go.mod":
                    return go_module_name(signal.detail)
                return signal.detail
    return ""


def go_module_name(module: str) -> str:
    """`github.com/acme/orders/v2` -> `orders`."""
    parts = [p for p in module.split("/") if p]
    if len(parts) > 1 and parts[-1][:1] == "v" and parts[-1][1:].isdigit():
        parts.pop()
    return parts[-1] if parts else module


def _main_language(owned: list[FileFacts]) -> str:
    weight: Counter[str] = Counter()
    for facts in owned:
        if facts.kind == "source" and facts.language in APP_LANGUAGES:
            weight[facts.language] += max(facts.code_lines, 1)
    if not weight:
        return ""
    return min(weight, key=lambda language: (-weight[language], language))


def _language_of(path: str, files: tuple[FileFacts, ...]) -> str:
    return next((f.language for f in files if f.path == path), "")


def _components(manifests: list[FileFacts], owned: list[FileFacts],
                lookups: dict[tuple[str, str, str], tuple[Kind, ...]]) -> tuple[Component, ...]:
    evidence: dict[Kind, list[Location]] = {}
    for facts in manifests:
        for dep in facts.dependencies:
            if dep.dev or dep.ecosystem not in ANALYSED_ECOSYSTEMS:
                continue
            for kind in for_dependency(dep.ecosystem, dep.name):
                _add(evidence, kind, dep.location)
    for facts in owned:
        if facts.kind != "source":
            continue
        for imp in facts.imports:
            key = (facts.language, imp.module, imp.name)
            kinds = lookups.get(key)
            if kinds is None:
                kinds = lookups[key] = for_import(*key)
            for kind in kinds:
                if len(evidence.get(kind, ())) < MAX_EVIDENCE:
                    _add(evidence, kind, Location.at(facts.path, imp.line or 1))
    return _sorted_components(evidence)


def _add(evidence: dict[Kind, list[Location]], kind: Kind, location: Location) -> None:
    found = evidence.setdefault(kind, [])
    if len(found) < MAX_EVIDENCE and location not in found:
        found.append(location)


def _sorted_components(evidence: dict[Kind, list[Location]]) -> tuple[Component, ...]:
    kept = [k for k in evidence if IMPLIED_BY.get(k) not in evidence]
    ordered = sorted(kept, key=lambda k: (_CATEGORY_ORDER.get(k.category, 99), k.category, k.name.lower()))
    return tuple(Component(k.category, k.name, tuple(evidence[k])) for k in ordered)


# --- the whole repository ---------------------------------------------------------------------

def _languages(files: tuple[FileFacts, ...]) -> tuple[str, ...]:
    return tuple(sorted({f.language for f in files
                         if f.kind in ("source", "test") and f.language not in DATA_LANGUAGES}))


def _unsupported(files: tuple[FileFacts, ...]) -> tuple[Component, ...]:
    """Seed 004's stacks prodcheck does not analyse (Rust, Java, .NET, Elixir, Ruby, PHP)."""
    evidence: dict[Kind, list[Location]] = {}
    for facts in files:
        stack = unsupported_stack(facts.path)
        if not stack or any(p.lower() in FIXTURE_DIRS for p in PurePosixPath(facts.path).parts[:-1]):
            continue
        _add(evidence, Kind("language", stack), Location.at(facts.path, 1))
        for dep in facts.dependencies:
            if dep.ecosystem in ANALYSED_ECOSYSTEMS:
                continue
            for kind in for_dependency(dep.ecosystem, dep.name):
                if kind.category == "framework":
                    _add(evidence, kind, dep.location)
    return _sorted_components(evidence)


def _parent(path: str) -> str:
    head, sep, _name = path.rpartition("/")
    return head if sep else "."
