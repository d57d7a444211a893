"""API contract delta (checklist API-10) from the endpoint inventories of base and head.

Breaking: an endpoint or one of its methods removed; authentication added to an endpoint that was
public; pagination added to a list endpoint (clients that expected every item get one page).
Non-breaking: an endpoint added; authentication removed (a security question, not a contract break).
Facet changes are only read between known states: unknown is never taken for absent.
OpenAPI/Swagger documents in the repository are compared too (contracts/openapi_diff.py), field by
field, and so are the GraphQL schema (contracts/graphql_diff.py) and the Protocol Buffers files
(contracts/protobuf_diff.py).
"""
from __future__ import annotations

from pathlib import Path

from prodcheck.model import Diagnostic, Endpoint, FacetState, Location
from prodcheck.review.model import ContractChange, Scope
from prodcheck.review.scope import by_key, endpoint_key

SOURCE_NOTE = ("Compared from the endpoint inventories of both revisions (routes found in the code) and, "
               "field by field, from the OpenAPI/Swagger documents, the GraphQL schema and the Protocol "
               "Buffers files in the repository.")


def label(endpoint: Endpoint) -> str:
    return f"{endpoint.method.upper()} {endpoint.path}"


def removed_change(endpoint: Endpoint, head_paths: set[str]) -> ContractChange:
    method_only = endpoint_key(endpoint)[1] in head_paths
    kind = "method-removed" if method_only else "endpoint-removed"
    what = f"method {endpoint.method.upper()} removed from {endpoint.path}" if method_only \
        else f"endpoint {label(endpoint)} removed"
    note = (f"Clients calling {label(endpoint)} will get {'405' if method_only else '404'} once this ships: "
            "move them to the replacement first, or keep the route for a release marked deprecated "
            "(Deprecation and Sunset headers) and remove it when its traffic is gone.")
    return ContractChange(kind, endpoint.method.upper(), endpoint.path, True, what, note, at_base(endpoint.location))


def at_base(location: Location) -> Location:
    """A base location: its line may not exist at head, so the line only goes in the label."""
    return Location.at(location.path, 0, 0, label=f"line {location.start.line} at base")


def added_change(endpoint: Endpoint) -> ContractChange:
    return ContractChange("endpoint-added", endpoint.method.upper(), endpoint.path, False,
                          f"endpoint {label(endpoint)} added",
                          "Additive: existing clients are unaffected; document it before clients rely on it.",
                          endpoint.location)


def auth_changes(before: Endpoint, after: Endpoint) -> list[ContractChange]:
    old, new = before.auth.state, after.auth.state
    if old is FacetState.ABSENT and new is FacetState.PRESENT:
        how = f" ({after.auth.mechanism})" if after.auth.mechanism else ""
        return [ContractChange(
            "auth-added", after.method.upper(), after.path, True,
            f"authentication required on {label(after)}{how}, which was public",
            f"Anonymous clients of {label(after)} will get 401/403: issue them credentials and update them "
            "before this ships, or roll it out behind a flag that starts in log-only mode.", after.location)]
    if old is FacetState.PRESENT and new is FacetState.ABSENT:
        return [ContractChange(
            "auth-removed", after.method.upper(), after.path, False,
            f"authentication no longer required on {label(after)}",
            "Existing clients keep working; confirm the endpoint is meant to be public.", after.location)]
    return []


def pagination_changes(before: Endpoint, after: Endpoint) -> list[ContractChange]:
    if after.method.upper() != "GET":
        return []
    if before.pagination.state is FacetState.ABSENT and after.pagination.state is FacetState.PRESENT:
        how = f" ({after.pagination.mechanism})" if after.pagination.mechanism else ""
        return [ContractChange(
            "pagination-added", "GET", after.path, True, f"{label(after)} now returns one page{how}",
            f"Clients of {label(after)} that expect the whole list will silently see only the first page: "
            "update them to follow the next-page link or cursor before this ships, or paginate only when "
            "the client asks for it (opt-in parameter or a new versioned route).", after.location)]
    return []


def contract_delta(base_endpoints: tuple[Endpoint, ...], head_endpoints: tuple[Endpoint, ...],
                   scope: Scope) -> tuple[ContractChange, ...]:
    """Every contract change, breaking first, then by path and method."""
    before = by_key(base_endpoints)
    head_paths = {endpoint_key(e)[1] for e in head_endpoints}
    changes = [removed_change(c.endpoint, head_paths) for c in scope.endpoints_removed]
    changes += [added_change(c.endpoint) for c in scope.endpoints_added]
    for item in scope.endpoints_changed:
        previous = before.get(endpoint_key(item.endpoint))
        if previous is not None:
            changes += auth_changes(previous, item.endpoint) + pagination_changes(previous, item.endpoint)
    return tuple(sorted(changes, key=lambda c: (not c.breaking, c.path, c.method, c.kind)))


def document_changes(base_dir: Path, head_dir: Path, base_paths: list[str], head_paths: list[str],
                     prefix: str = "") -> tuple[list[ContractChange], list[Diagnostic]]:
    """The changes between the two versions of every OpenAPI/Swagger document present at base and
    at head (same path); problems reading them ($refs that do not resolve, remote $refs) become
    diagnostics."""
    from prodcheck.contracts.openapi import DirectorySource, find_specs, load_spec
    from prodcheck.contracts.openapi_diff import diff_specs
    base_source, head_source = DirectorySource(base_dir), DirectorySource(head_dir)
    head_specs = set(find_specs(head_source, head_paths))
    changes: list[ContractChange] = []
    diagnostics: list[Diagnostic] = []
    for path in sorted(head_specs & set(base_paths)):
        old, new = load_spec(base_source, path), load_spec(head_source, path)
        if old is None or new is None:
            continue
        for file, line, message in new.problems:
            diagnostics.append(Diagnostic(_under(prefix, file), "api-document", message, line))
        for change in diff_specs(old, new):
            where = _under(prefix, change.file)
            location = (Location.at(where, 0, 0, label=f"line {change.line} at base") if change.at_base
                        else Location.at(where, change.line or 1))
            changes.append(ContractChange(change.kind, change.method, change.path, change.breaking, change.detail,
                                          change.note, location, source=_under(prefix, path)))
    return changes, diagnostics


def _under(prefix: str, path: str) -> str:
    return f"{prefix}/{path}" if prefix else path


SCHEMA_SUFFIXES = (".graphql", ".graphqls", ".gql", ".proto")


def schema_files(directory: Path, config) -> list[str]:
    """The GraphQL SDL and .proto files of a tree that prodcheck reads (ignored, excluded, vendored and
    test files left out)."""
    from prodcheck.discovery.walk import discover
    files, _ = discover(directory, config)
    return sorted(f.path for f in files if f.path.lower().endswith(SCHEMA_SUFFIXES) and f.kind != "test")


def schema_document_changes(base_dir: Path, head_dir: Path, base_paths: list[str], head_paths: list[str],
                            prefix: str = "") -> tuple[list[ContractChange], list[Diagnostic]]:
    """The contract changes between base and head of the GraphQL schema (every SDL file of a side makes
    one schema, `extend type` included) and of the Protocol Buffers files present at both base and head.
    A file that does not parse is a diagnostic, and the comparison it would falsify is skipped."""
    from prodcheck.contracts.graphql_diff import diff_schemas, is_sdl_path, load_schema
    from prodcheck.contracts.openapi import DirectorySource
    from prodcheck.contracts.protobuf_diff import diff_protos, is_proto_path, load_protos
    sources = (DirectorySource(base_dir), DirectorySource(head_dir))

    def read(source, paths, wanted):
        return [(path, text) for path in paths if wanted(path) and (text := source.read(path)) is not None]

    changes: list[ContractChange] = []
    diagnostics: list[Diagnostic] = []
    base_sdl, head_sdl = read(sources[0], base_paths, is_sdl_path), read(sources[1], head_paths, is_sdl_path)
    if base_sdl and head_sdl:
        old, new = load_schema(base_sdl), load_schema(head_sdl)
        diagnostics += _problems(old.problems, new.problems, old.broken,
                                 "the GraphQL schema is not compared" if old.broken or new.broken else "", prefix)
        if old.files and new.files:
            changes += [_contract_change(c, prefix) for c in diff_schemas(old, new)]
    base_proto, head_proto = read(sources[0], base_paths, is_proto_path), read(sources[1], head_paths, is_proto_path)
    common = {p for p, _ in base_proto} & {p for p, _ in head_proto}
    if common:
        old_side, new_side = load_protos(base_proto), load_protos(head_proto)
        diagnostics += _problems(old_side.problems, new_side.problems, bool(old_side.broken & common),
                                 "that file is left out of the comparison" if old_side.broken | new_side.broken
                                 else "", prefix)
        changes += [_contract_change(c, prefix) for c in diff_protos(old_side, new_side, scope=common)]
    return changes, diagnostics


def _problems(base: list, head: list, base_broken: bool, consequence: str, prefix: str) -> list[Diagnostic]:
    """Head problems as diagnostics, a syntax error with what it costs the comparison; a base syntax
    error too (the base is not otherwise reported)."""
    tail = f"; {consequence}" if consequence else ""
    found = [Diagnostic(_under(prefix, file), "api-document", message + (tail if "syntax error" in message else ""),
                        line) for file, line, message in head]
    if base_broken:
        for file, line, message in base:
            if "syntax error" in message:
                found.append(Diagnostic(_under(prefix, file), "api-document",
                                        f"at base, line {line}: {message}{tail}", 0))
    return found


def _contract_change(change, prefix: str) -> ContractChange:
    where = _under(prefix, change.file)
    location = (Location.at(where, 0, 0, label=f"line {change.line} at base") if change.at_base
                else Location.at(where, change.line or 1))
    return ContractChange(change.kind, change.method, change.path, change.breaking, change.detail, change.note,
                          location, source=where)
