"""The project phase's view: every file's facts joined into services, stack and inventory."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from prodcheck.facts.model import FileFacts
from prodcheck.facts.public import public_matcher
from prodcheck.facts.routes import resolve_endpoints
from prodcheck.facts.stack import detect_stack, service_of
from prodcheck.model import Inventory, Service, Stack


@dataclass(frozen=True)
class ProjectFacts:
    files: tuple[FileFacts, ...]
    stack: Stack
    inventory: Inventory
    by_path: dict[str, FileFacts]
    memo: dict = field(default_factory=dict, compare=False, repr=False)   # views several rules share

    @property
    def services(self) -> tuple[Service, ...]:
        return self.stack.services

    def files_of(self, service: Service) -> tuple[FileFacts, ...]:
        root = service.root
        return tuple(f for f in self.files
                     if root == "." and service_of(f.path, self.stack) == service.name
                     or f.path.startswith(root + "/") and service_of(f.path, self.stack) == service.name)

    def endpoints_of(self, service: Service):
        return tuple(e for e in self.inventory.endpoints if e.service == service.name)

    def signals(self, name: str, service: Service | None = None):
        files = self.files_of(service) if service else self.files
        return tuple(s for f in files for s in f.signals if s.name == name)

    def has_language(self, *languages: str) -> bool:
        return any(f.language in languages for f in self.files)


def build_project(files: tuple[FileFacts, ...], public_paths: tuple[str, ...] = ()) -> ProjectFacts:
    files = tuple(sorted(files, key=lambda f: f.path))
    stack = detect_stack(files)
    is_public = public_matcher(public_paths)
    endpoints = tuple(
        replace(e, service=service_of(e.location.path, stack), public_by_nature=is_public(e.path))
        for e in resolve_endpoints(files)
    )
    models = tuple(replace(m, service=service_of(m.location.path, stack))
                   for f in files for m in f.models)
    migrations = tuple(sorted((replace(m, service=service_of(m.path, stack))
                               for f in files for m in f.migrations),
                              key=lambda m: (m.service, PurePosixPath(m.path).parent.as_posix(), m.order, m.path)))
    calls = tuple(replace(c, service=service_of(c.location.path, stack))
                  for f in files for c in f.external_calls)
    inventory = Inventory(endpoints, models, migrations, calls)
    return ProjectFacts(files, stack, inventory, {f.path: f for f in files})
