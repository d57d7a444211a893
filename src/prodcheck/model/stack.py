"""Services and the technology they use, every claim with evidence."""
from __future__ import annotations

from dataclasses import dataclass

from prodcheck.model.location import Location


@dataclass(frozen=True, slots=True)
class Component:
    """One piece of the stack: a framework, database, ORM, queue, cache or third-party API."""
    category: str        # language, framework, database, orm, queue, cache, third-party, runtime
    name: str
    evidence: tuple[Location, ...] = ()


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    root: str            # POSIX path relative to the scan root, "." for the root itself
    language: str
    entrypoint: Location | None
    manifests: tuple[str, ...] = ()
    components: tuple[Component, ...] = ()

    def uses(self, category: str) -> tuple[str, ...]:
        return tuple(c.name for c in self.components if c.category == category)


@dataclass(frozen=True, slots=True)
class Stack:
    services: tuple[Service, ...] = ()
    languages: tuple[str, ...] = ()
    unsupported: tuple[Component, ...] = ()
    standards_files: tuple[str, ...] = ()
