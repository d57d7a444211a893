"""Scope of a change (checklist SCOPE-02, SCOPE-06, MIG-12): which services, modules, endpoints,
models, migrations, dependencies and integrations it touches.

Endpoints are matched by (method, path) with path parameters normalised (`{id}`, `<int:id>`, `:id`
are one parameter). An endpoint that exists on both sides is *changed* when a facet moved between
known states (auth, validation, pagination, rate limit; unknown is never compared), its handler
changed, or the change touches its handler: the lines from its route to the next route of the file
(at most `HANDLER_SPAN` lines), an approximation since the inventory records where a route starts
and not where its handler ends. Dependencies come from the changed manifests, read at both sides
with the manifest readers of `prodcheck.facts.extractors.manifests`.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from prodcheck.discovery.classify import SourceFile, classify
from prodcheck.facts.extractors.manifests import reader_for
from prodcheck.facts.model import Dependency
from prodcheck.facts.stack import service_of
from prodcheck.model import DataModel, Endpoint, FacetState, Migration, Report, Stack
from prodcheck.parsing import parse
from prodcheck.review.model import ChangeSet, EndpointChange, FileChange, Integration, ModelChange, Scope

HANDLER_SPAN = 80
MAX_MANIFEST_BYTES = 2 * 1024 * 1024
INTEGRATION_CATEGORIES = ("database", "orm", "queue", "cache", "third-party", "observability")
FACETS = ("auth", "validation", "pagination", "rate_limit")
MIGRATION_LANGUAGES = frozenset({"sql", "python", "javascript", "typescript", "go"})
_PARAM = re.compile(r"\{[^}]*\}|<[^>]*>|(?<=/):[A-Za-z_][\w-]*|\*\w*")
_DOC_NAMES = ("CHANGELOG", "CHANGES", "HISTORY", "MIGRATION", "MIGRATING", "UPGRADING", "UPGRADE", "RELEASE",
              "NEWS", "BREAKING")
_DOC_DIRS = frozenset({"docs", "doc", "changelog.d", "changes", "newsfragments", "changelogs"})


# ---------------------------------------------------------------------------- files

def module_of(path: str) -> str:
    parts = PurePosixPath(path).parts
    return parts[0] if len(parts) > 1 else "."


def service_for(change: FileChange, head: Stack, base: Stack) -> str:
    return service_of(change.path, head) if change.exists_at_head else service_of(change.old_path, base)


def grouped(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    groups: dict[str, list[str]] = defaultdict(list)
    for key, path in pairs:
        groups[key].append(path)
    return tuple((key, tuple(sorted(paths))) for key, paths in sorted(groups.items()))


def kind_of(path: str) -> str:
    found = classify(path)
    return found[1] if found else ""


def is_config(path: str) -> bool:
    return kind_of(path) in ("config", "deployment")


def is_docs(path: str) -> bool:
    pure = PurePosixPath(path)
    stem = pure.stem.upper()
    return (kind_of(path) == "docs" or stem.startswith(_DOC_NAMES) or bool(_DOC_DIRS & set(pure.parts[:-1]))
            or "openapi" in pure.name.lower() or "swagger" in pure.name.lower())


# ---------------------------------------------------------------------------- endpoints

def normal_path(path: str) -> str:
    flat = _PARAM.sub("{}", path.strip() or "/")
    return flat.rstrip("/") or "/"


def endpoint_key(endpoint: Endpoint) -> tuple[str, str]:
    return endpoint.method.upper(), normal_path(endpoint.path)


def by_key(endpoints: Iterable[Endpoint]) -> dict[tuple[str, str], Endpoint]:
    found: dict[tuple[str, str], Endpoint] = {}
    for endpoint in sorted(endpoints, key=lambda e: (e.location.path, e.location.start)):
        found.setdefault(endpoint_key(endpoint), endpoint)
    return found


def handler_spans(endpoints: Iterable[Endpoint]) -> dict[tuple[str, str], tuple[int, int]]:
    """Approximate line span of each endpoint's handler: its route line up to the next route."""
    per_file: dict[str, list[Endpoint]] = defaultdict(list)
    for endpoint in endpoints:
        per_file[endpoint.location.path].append(endpoint)
    spans = {}
    for items in per_file.values():
        lines = sorted({e.location.start.line for e in items})
        for endpoint in items:
            start = endpoint.location.start.line
            after = [line for line in lines if line > start]
            end = min(after[0] - 1, start + HANDLER_SPAN) if after else start + HANDLER_SPAN
            spans.setdefault(endpoint_key(endpoint), (max(1, start - 2), end))
    return spans


def facet_changes(before: Endpoint, after: Endpoint) -> tuple[str, ...]:
    reasons = []
    for name in FACETS:
        old, new = getattr(before, name), getattr(after, name)
        if FacetState.UNKNOWN in (old.state, new.state) or old.state is new.state:
            continue
        how = f" ({new.mechanism})" if new.mechanism and new.state is FacetState.PRESENT else ""
        reasons.append(f"{name.replace('_', ' ')}: {old.state.value} -> {new.state.value}{how}")
    return tuple(reasons)


def endpoint_changes(base: Report, head: Report, changes: ChangeSet) -> tuple[tuple[EndpointChange, ...], ...]:
    """(added, changed, removed) endpoints."""
    before, after = by_key(base.inventory.endpoints), by_key(head.inventory.endpoints)
    spans = handler_spans(head.inventory.endpoints)
    added = tuple(EndpointChange(e, ("new route",)) for key, e in after.items() if key not in before)
    removed = tuple(EndpointChange(e, ("route removed",)) for key, e in before.items() if key not in after)
    changed = []
    for key, endpoint in after.items():
        if key not in before:
            continue
        reasons = list(facet_changes(before[key], endpoint))
        if before[key].handler != endpoint.handler:
            reasons.append(f"handler {before[key].handler} -> {endpoint.handler}")
        start, end = spans.get(key, (endpoint.location.start.line, endpoint.location.start.line))
        if changes.touches(endpoint.location.path, start, end):
            reasons.append("handler code changed")
        if reasons:
            changed.append(EndpointChange(endpoint, tuple(reasons)))
    return added, tuple(changed), removed


# ---------------------------------------------------------------------------- models and migrations

def model_key(model: DataModel) -> tuple[str, str]:
    return model.kind, model.name


def field_changes(before: DataModel, after: DataModel) -> tuple[str, ...]:
    old = {f.name: f.type for f in before.fields}
    new = {f.name: f.type for f in after.fields}
    reasons = [f"field {name} added" for name in new if name not in old]
    reasons += [f"field {name} removed" for name in old if name not in new]
    reasons += [f"field {name}: {old[name]} -> {new[name]}" for name in new if name in old and old[name] != new[name]]
    return tuple(reasons)


def model_changes(base: Report, head: Report, changes: ChangeSet) -> tuple[tuple[ModelChange, ...], ...]:
    """(added, changed, removed) data models, matched by (kind, name)."""
    before = {model_key(m): m for m in base.inventory.models}
    after = {model_key(m): m for m in head.inventory.models}
    added = tuple(ModelChange(m, ("new model",)) for key, m in sorted(after.items()) if key not in before)
    removed = tuple(ModelChange(m, ("model removed",)) for key, m in sorted(before.items()) if key not in after)
    changed = []
    for key, model in sorted(after.items()):
        if key not in before:
            continue
        reasons = list(field_changes(before[key], model))
        last = max([f.line for f in model.fields] + [model.location.start.line])
        if not reasons and changes.touches(model.location.path, model.location.start.line, last):
            reasons.append("definition changed")
        if reasons:
            changed.append(ModelChange(model, tuple(reasons)))
    return added, tuple(changed), removed


def migration_changes(base: Report, head: Report, changes: ChangeSet) -> tuple[tuple[Migration, ...], ...]:
    """(added, changed, removed) migrations, base paths followed through renames."""
    renames = changes.renames
    before = {renames.get(m.path, m.path): m for m in base.inventory.migrations}
    after = {m.path: m for m in head.inventory.migrations}
    edited = {f.path for f in changes.files if f.status in ("M", "T") or f.status == "R" and f.similarity < 100}
    order = sorted(after.values(), key=lambda m: (m.order, m.path))
    added = tuple(m for m in order if m.path not in before)
    changed = tuple(m for m in order if m.path in before and m.path in edited)
    removed = tuple(m for path, m in sorted(before.items()) if path not in after)
    return added, changed, removed


def is_migration_at_base(path: str, base: Report) -> bool:
    if any(m.path == path for m in base.inventory.migrations):
        return True
    found = classify(path)
    return bool(found and found[1] == "migration" and found[0] in MIGRATION_LANGUAGES
                and PurePosixPath(path).name != "__init__.py")


def edited_migrations(changes: ChangeSet, base: Report) -> tuple[FileChange, ...]:
    """Migration files that exist at base and that the change edits, retypes or deletes (MIG-12)."""
    touched = (f for f in changes.files
               if f.status in ("M", "D", "T") or f.status == "R" and f.similarity < 100)
    return tuple(f for f in touched if is_migration_at_base(f.old_path, base))


# ---------------------------------------------------------------------------- dependencies

def declared(directory: Path, path: str) -> tuple[Dependency, ...]:
    """The dependencies a manifest under `directory` declares (none when it is not a manifest)."""
    found = classify(path)
    if found is None or found[1] != "manifest":
        return ()
    reader = reader_for(path, found[0])
    target = directory / path
    root = directory.resolve()
    try:
        resolved = target.resolve()
        size = resolved.stat().st_size
    except OSError:
        return ()
    if reader is None or not resolved.is_file() or size > MAX_MANIFEST_BYTES or root not in resolved.parents:
        return ()
    parsed = parse(SourceFile(path, str(resolved), found[0], found[1], size))
    if parsed is None or not parsed.text:
        return ()
    return tuple(reader(parsed).dependencies)


def dependency_key(dependency: Dependency) -> tuple[str, str]:
    name = dependency.name.lower()
    if dependency.ecosystem == "pypi":
        name = re.sub(r"[-_.]+", "-", name)
    return dependency.ecosystem, name


def dependency_changes(changes: ChangeSet, base_dir: Path, head_dir: Path) -> tuple[tuple[Dependency, ...], ...]:
    """(added, removed) dependencies over the changed manifests."""
    before: dict[tuple[str, str], Dependency] = {}
    after: dict[tuple[str, str], Dependency] = {}
    for change in changes.files:
        if change.existed_at_base:
            for dep in declared(base_dir, change.old_path):
                before.setdefault(dependency_key(dep), dep)
        if change.exists_at_head:
            for dep in declared(head_dir, change.path):
                after.setdefault(dependency_key(dep), dep)
    added = tuple(dep for key, dep in sorted(after.items()) if key not in before)
    removed = tuple(dep for key, dep in sorted(before.items()) if key not in after)
    return added, removed


def integrations(stack: Stack) -> set[tuple[str, str]]:
    return {(c.category, c.name) for s in stack.services for c in s.components if c.category in INTEGRATION_CATEGORIES}


def new_integrations(base: Report, head: Report) -> tuple[Integration, ...]:
    known = integrations(base.stack)
    found = {Integration(s.name, c.category, c.name) for s in head.stack.services for c in s.components
             if c.category in INTEGRATION_CATEGORIES and (c.category, c.name) not in known}
    return tuple(sorted(found, key=lambda i: (i.service, i.category, i.name)))


# ---------------------------------------------------------------------------- the scope

def compute_scope(base: Report, head: Report, changes: ChangeSet, base_dir: Path, head_dir: Path) -> Scope:
    files = changes.files
    endpoints = endpoint_changes(base, head, changes)
    models = model_changes(base, head, changes)
    migrations = migration_changes(base, head, changes)
    deps_added, deps_removed = dependency_changes(changes, base_dir, head_dir)
    return Scope(
        files=files,
        services=grouped((service_for(f, head.stack, base.stack), f.path) for f in files),
        modules=grouped((module_of(f.path), f.path) for f in files),
        endpoints_added=endpoints[0], endpoints_changed=endpoints[1], endpoints_removed=endpoints[2],
        models_added=models[0], models_changed=models[1], models_removed=models[2],
        migrations_added=migrations[0], migrations_changed=migrations[1], migrations_removed=migrations[2],
        dependencies_added=deps_added, dependencies_removed=deps_removed,
        integrations_added=new_integrations(base, head),
        config_files=tuple(f.path for f in files if is_config(f.path)),
        docs_files=tuple(f.path for f in files if is_docs(f.path)),
        edited_migrations=edited_migrations(changes, base),
    )
