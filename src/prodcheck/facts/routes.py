"""Join routes with the mounts that prefix them (include_router, app.use, blueprints).

Symbol ids are compared exactly first; a reference that names a symbol by a shorter module path
than its definition (`from app.api import users` in a project scanned from above `app/`, or a
`src/` layout: the definition is "src.app.api.users:router") is matched by module-path suffix,
preferring the candidate closest to the file that holds the reference; alias mounts (re-exports)
make two names one symbol. Mounts may carry facets (auth, rate limit) that apply to every route
below them; a mount without a parent declares the router's own guards and default prefix (see
`facts/model.py: Mount`).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import PurePosixPath

from prodcheck.facts.model import FileFacts, Mount
from prodcheck.model import Endpoint, Facet, FacetState

MAX_MOUNT_DEPTH = 16
FACET_NAMES = ("auth", "validation", "pagination", "rate_limit")
_RANK = {FacetState.ABSENT: 0, FacetState.UNKNOWN: 1, FacetState.PRESENT: 2}


def join_path(prefix: str, path: str, keep_trailing_slash: bool = False) -> str:
    """`prefix` + `path`. A route `/` under a prefix is the prefix itself in Express, NestJS and
    Fastify (`/users`), but the prefix with its slash in Flask, FastAPI and Django (`/users/`), which
    concatenate: `keep_trailing_slash` asks for the latter."""
    if not prefix:
        return path or "/"
    if not path or (path == "/" and not keep_trailing_slash):
        return prefix if prefix.startswith("/") else "/" + prefix
    return prefix.rstrip("/") + "/" + path.lstrip("/")


def resolve_endpoints(files: tuple[FileFacts, ...]) -> list[Endpoint]:
    """Full paths for every route: a router mounted twice yields its routes twice."""
    ids = _symbol_ids(files)
    aliases = {canonical_symbol(m.parent, ids, m.location.path): canonical_symbol(m.child, ids, m.location.path)
               for facts in files for m in facts.mounts if m.alias and m.parent and m.child}

    def resolve(symbol: str, near: str) -> str:
        found = canonical_symbol(symbol, ids, near)
        for _ in range(MAX_MOUNT_DEPTH):
            if found not in aliases or aliases[found] == found:
                break
            found = aliases[found]
        return found

    mounts_of: dict[str, list[tuple[Mount, str]]] = {}
    guards_of: dict[str, list[Mount]] = {}
    for facts in files:
        for mount in facts.mounts:
            if mount.alias:
                continue
            child = resolve(mount.child, mount.location.path)
            if not mount.parent:
                guards_of.setdefault(child, []).append(mount)
                continue
            parent = resolve(mount.parent, mount.location.path)
            mounts_of.setdefault(child, []).append((mount, parent))
    joined = _Join(mounts_of, guards_of)
    endpoints = []
    for facts in files:
        for route in facts.routes:
            router = resolve(route.router, facts.path) if route.router else ""
            if route.mount_only and router not in mounts_of:
                continue
            for prefix, facets in joined.chains(router, 0, frozenset()):
                endpoint = with_facets(route.endpoint, facets)
                endpoints.append(replace(endpoint, path=join_path(prefix, endpoint.path,
                                                                  keep_trailing_slash=facts.language == "python")))
    endpoints.sort(key=lambda e: (e.path, e.method, e.location.path, e.location.start.line))
    return endpoints


class _Join:
    """The mounts and guards of a project, indexed by (canonical) child symbol."""

    def __init__(self, mounts_of: dict[str, list[tuple[Mount, str]]], guards_of: dict[str, list[Mount]]):
        self.mounts_of = mounts_of
        self.guards_of = guards_of

    def own_prefix(self, router: str) -> str:
        """The router's default prefix (a guard record's prefix), used where it is mounted
        without one: a Flask registration's url_prefix replaces the blueprint's own."""
        for guard in self.guards_of.get(router, ()):
            if guard.prefix:
                return guard.prefix
        return ""

    def chains(self, router: str, depth: int, visiting: frozenset) -> list[tuple[str, tuple]]:
        """(prefix, facets) for every chain of mounts from `router` up to an unmounted root."""
        if not router:
            return [("", ())]
        guards = tuple(f for g in self.guards_of.get(router, ()) for f in g.facets)
        own = self.own_prefix(router)
        mounts = self.mounts_of.get(router)
        if not mounts or depth > MAX_MOUNT_DEPTH or router in visiting:
            return [(own, guards)]
        result = []
        for mount, parent in mounts:
            step = mount.prefix or own
            for outer, outer_facets in self.chains(parent, depth + 1, visiting | {router}):
                prefix = join_path(outer, step) if outer or step else ""
                result.append((prefix, guards + mount.facets + outer_facets))
        return result or [(own, guards)]


def with_facets(endpoint: Endpoint, facets: tuple) -> Endpoint:
    """Apply (name, Facet) pairs: a stronger state replaces a weaker one."""
    changes: dict[str, Facet] = {}
    for name, facet in facets:
        if name not in FACET_NAMES or not isinstance(facet, Facet):
            continue
        current = changes.get(name, getattr(endpoint, name))
        if _RANK[facet.state] > _RANK[current.state]:
            changes[name] = facet
    return replace(endpoint, **changes) if changes else endpoint


def _symbol_ids(files: tuple[FileFacts, ...]) -> dict[str, tuple[str, ...]]:
    """Every symbol id that routes and mounts name, by the part after the ':'."""
    found: set[str] = set()
    for facts in files:
        found.update(r.router for r in facts.routes if r.router)
        found.update(m.parent for m in facts.mounts if m.parent)
        found.update(m.child for m in facts.mounts if m.child)
    by_name: dict[str, list[str]] = {}
    for symbol in sorted(found):
        by_name.setdefault(symbol.rpartition(":")[2], []).append(symbol)
    return {name: tuple(symbols) for name, symbols in by_name.items()}


def canonical_symbol(symbol: str, ids: dict[str, tuple[str, ...]], near_path: str) -> str:
    """The id that `symbol` names: itself, or a longer id ending in "." + symbol, the one whose
    module shares most leading components with `near_path` (then the longest)."""
    if not symbol or ":" not in symbol:
        return symbol
    suffix = "." + symbol
    candidates = [c for c in ids.get(symbol.rpartition(":")[2], ()) if c == symbol or c.endswith(suffix)]
    if len(candidates) <= 1:
        return candidates[0] if candidates else symbol
    near = list(PurePosixPath(near_path).with_suffix("").parts)
    return max(candidates, key=lambda c: (_shared(c.split(":", 1)[0].split("."), near), len(c), c))


def _shared(left: list[str], right: list[str]) -> int:
    count = 0
    for a, b in zip(left, right):
        if a != b:
            break
        count += 1
    return count
