"""The one facts model shared by every language.

The per-file phase turns a parsed file into `FileFacts`; syntax trees never leave the worker. The
project phase joins the facts of all files (`ProjectFacts`) and runs project and taint rules on them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from prodcheck.model import DataModel, Endpoint, ExternalCall, Facet, Location, Migration
from prodcheck.taint.ir import FunctionSummary


@dataclass(frozen=True, slots=True)
class Import:
    module: str
    name: str = ""       # imported name for `from m import name`, else ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Dependency:
    """A declared dependency, read from a manifest or lock file."""
    name: str
    spec: str            # the version requirement as written ("" when none)
    ecosystem: str       # pypi, npm, go
    location: Location
    pinned: bool = False
    dev: bool = False


@dataclass(frozen=True, slots=True)
class Entrypoint:
    """Evidence that a directory holds a runnable service, not a library."""
    kind: str            # app-object, listen, listen-and-serve, manage-py, main
    framework: str
    location: Location


@dataclass(frozen=True, slots=True)
class Signal:
    """A positive fact a project rule may look for: 'structured-logging', 'graceful-shutdown', ..."""
    name: str
    location: Location
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Probe:
    """A health probe declared in a deployment file (k8s httpGet, Docker HEALTHCHECK URL)."""
    path: str
    port: str
    kind: str            # liveness, readiness, startup, docker-healthcheck
    location: Location


@dataclass(frozen=True, slots=True)
class Route:
    """An endpoint as registered in one file: its path is relative to `router` until the project
    phase joins the mounts (`facts/routes.py`). `router` is a module-qualified symbol id, e.g.
    "app.api.users:router"; "" means the route is complete as written. A `mount_only` route
    exists only where its router is mounted (a Django view: its path comes from a URL conf that
    names it); unmounted, it yields no endpoint."""
    router: str
    endpoint: Endpoint
    mount_only: bool = False


@dataclass(frozen=True, slots=True)
class Mount:
    """A router mounted under a prefix (include_router, app.use('/x', r), blueprint url_prefix).

    `facets` are what the mount gives every route below it, as (facet name, Facet) pairs, e.g.
    ("auth", Facet.present("include_router(dependencies=[Depends(get_current_user)])")).
    `facts/routes.py` applies them: PRESENT overrides UNKNOWN and ABSENT, UNKNOWN overrides ABSENT.

    A mount with `parent == ""` is a declaration about the router `child` itself, not a mount:
    its `facets` apply to all the router's routes and to the routers mounted under it (an
    app-wide hook or middleware, `FastAPI(dependencies=...)`), and its `prefix` is the router's
    own default prefix, used wherever the router is mounted with an empty prefix (a Flask
    blueprint's `url_prefix`, which a registration's `url_prefix` replaces).

    An `alias` mount says that `parent` is another name for `child` (a package that re-exports
    a router); the join treats both names as the one symbol `child`."""
    parent: str          # symbol id of the mounting app/router
    child: str           # symbol id of the mounted router (module-qualified)
    prefix: str
    location: Location
    facets: tuple[tuple[str, Facet], ...] = ()
    alias: bool = False


@dataclass(frozen=True, slots=True)
class Suppression:
    """An inline `prodcheck: ignore[...]` comment."""
    line: int            # the line whose findings it silences
    selectors: tuple[str, ...]
    reason: str
    comment_line: int


@dataclass(frozen=True, slots=True)
class FileFacts:
    path: str
    language: str        # python, javascript, typescript, go, sql, dockerfile, yaml, toml, json, env, text
    kind: str            # source, test, manifest, lockfile, config, deployment, migration, docs, other
    lines: int = 0
    code_lines: int = 0
    imports: tuple[Import, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    entrypoints: tuple[Entrypoint, ...] = ()
    routes: tuple[Route, ...] = ()
    mounts: tuple[Mount, ...] = ()
    models: tuple[DataModel, ...] = ()
    migrations: tuple[Migration, ...] = ()
    external_calls: tuple[ExternalCall, ...] = ()
    probes: tuple[Probe, ...] = ()
    signals: tuple[Signal, ...] = ()
    functions: tuple[FunctionSummary, ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    env_reads: tuple[str, ...] = ()
    tags: frozenset[str] = field(default_factory=frozenset)
