"""Helpers shared by the inventory rules."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from prodcheck.model import Endpoint, Location


def by_location(endpoints: Iterable[Endpoint], keep: Callable[[Endpoint], bool],
                where: Callable[[Endpoint], Location]) -> list[tuple[Location, list[Endpoint]]]:
    """The kept endpoints grouped by the location a finding would point at: a router mounted
    twice, a handler answering several methods, or a viewset whose inherited actions share one
    `permission_classes` line is one finding that names every route."""
    groups: dict[tuple, tuple[Location, list[Endpoint]]] = {}
    for endpoint in endpoints:
        if keep(endpoint):
            at = where(endpoint)
            key = (at.path, at.start.line)
            groups.setdefault(key, (at, []))[1].append(endpoint)
    return [groups[key] for key in sorted(groups)]


def routes_text(group: list[Endpoint], limit: int = 3) -> str:
    """"POST /users, PUT /users/{id}" (and "+2 more")."""
    names = list(dict.fromkeys(f"{e.method} {e.path}" for e in group))
    text = ", ".join(f"`{n}`" for n in names[:limit])
    return text + (f" (+{len(names) - limit} more)" if len(names) > limit else "")
