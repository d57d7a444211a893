"""Join routes with the mounts that prefix them (include_router, app.use, blueprints)."""
from __future__ import annotations

from dataclasses import replace

from prodcheck.facts.model import FileFacts, Mount
from prodcheck.model import Endpoint

MAX_MOUNT_DEPTH = 16


def join_path(prefix: str, path: str) -> str:
    if not prefix:
        return path or "/"
    if not path or path == "/":
        return prefix if prefix.startswith("/") else "/" + prefix
    return prefix.rstrip("/") + "/" + path.lstrip("/")


def resolve_endpoints(files: tuple[FileFacts, ...]) -> list[Endpoint]:
    """Full paths for every route: a router mounted twice yields its routes twice."""
    mounts_of: dict[str, list[Mount]] = {}
    for facts in files:
        for mount in facts.mounts:
            mounts_of.setdefault(mount.child, []).append(mount)
    endpoints = []
    for facts in files:
        for route in facts.routes:
            for prefix in _prefixes(route.router, mounts_of, 0, frozenset()):
                endpoint = route.endpoint
                endpoints.append(replace(endpoint, path=join_path(prefix, endpoint.path)))
    endpoints.sort(key=lambda e: (e.path, e.method, e.location.path, e.location.start.line))
    return endpoints


def _prefixes(router: str, mounts_of: dict[str, list[Mount]], depth: int, visiting: frozenset) -> list[str]:
    mounts = mounts_of.get(router) if router else None
    if not mounts or depth > MAX_MOUNT_DEPTH or router in visiting:
        return [""]
    result = []
    for mount in mounts:
        for outer in _prefixes(mount.parent, mounts_of, depth + 1, visiting | {router}):
            result.append(join_path(outer, mount.prefix) if outer or mount.prefix else "")
    return result or [""]
