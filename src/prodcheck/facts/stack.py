"""Services and stack: which directories hold runnable services, and what each one uses."""
from __future__ import annotations

from pathlib import PurePosixPath

from prodcheck.facts.model import FileFacts
from prodcheck.model import Service, Stack


def detect_stack(files: tuple[FileFacts, ...]) -> Stack:
    roots = sorted({str(PurePosixPath(f.path).parent) for f in files if f.kind == "manifest"})
    services = []
    for facts in files:
        for entry in facts.entrypoints:
            root = _nearest(facts.path, roots)
            if any(s.root == root for s in services):
                continue
            name = PurePosixPath(root).name if root != "." else "app"
            services.append(Service(name, root, facts.language, entry.location))
    languages = tuple(sorted({f.language for f in files if f.kind in ("source", "test")}))
    return Stack(tuple(sorted(services, key=lambda s: s.root)), languages)


def _nearest(path: str, roots: list[str]) -> str:
    parents = [str(p) for p in PurePosixPath(path).parents]
    for parent in parents:
        if parent in roots:
            return parent
    return "."


def service_of(path: str, stack: Stack) -> str:
    best = ""
    best_len = -1
    for service in stack.services:
        root = service.root
        if (root == "." or path == root or path.startswith(root + "/")) and len(root) > best_len:
            best, best_len = service.name, len(root) if root != "." else 0
    return best
