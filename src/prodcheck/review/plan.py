"""Risk & Rollback (checklist MIG-11, OPS-14), the blocking TODOs and the post-merge smoke plan
(TEST-10), all derived from facts of the review.

Risk level: **high** for an irreversible migration (`Migration.reversible is False`), an edited or
deleted applied migration, a breaking API change, or a new confident CRITICAL finding; **medium** for
other migrations, new runtime dependencies or integrations, changed configuration or deployment
files, or a new confident HIGH finding; **low** otherwise.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from prodcheck.model import Confidence, Endpoint, Finding, Migration, Severity
from prodcheck.review.model import ContractChange, Delta, Risk, Scope, SmokeStep, Todo
from prodcheck.review.owners import OwnerRule, owner_of

MAX_NAMES = 5
_HEALTH = re.compile(r"(^|/)(health|healthz|healthcheck|livez|readyz|live|ready|liveness|readiness|ping)(/|$)",
                     re.I)


def names(items: Iterable[str]) -> str:
    items = list(items)
    shown = ", ".join(f"`{item}`" for item in items[:MAX_NAMES])
    return shown + (f" and {len(items) - MAX_NAMES} more" if len(items) > MAX_NAMES else "")


def counted(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else word + 's'}"


def confident(finding: Finding) -> bool:
    return finding.confidence is not Confidence.LOW


def blocking(finding: Finding) -> bool:
    """What makes the verdict BLOCK (score.verdict): any CRITICAL, or a HIGH of medium/high confidence."""
    return finding.severity is Severity.CRITICAL or finding.severity is Severity.HIGH and confident(finding)


def touched_migrations(scope: Scope) -> tuple[Migration, ...]:
    return (*scope.migrations_added, *scope.migrations_changed)


def runtime_dependencies(scope: Scope) -> tuple[str, ...]:
    return tuple(d.name for d in scope.dependencies_added if not d.dev)


# ---------------------------------------------------------------------------- risk

def high_reasons(scope: Scope, contract: tuple[ContractChange, ...], delta: Delta) -> list[str]:
    reasons = []
    irreversible = [m.path for m in touched_migrations(scope) if m.reversible is False]
    if irreversible:
        reasons.append(f"irreversible migration(s) {names(irreversible)}")
    if scope.edited_migrations:
        reasons.append(f"applied migration(s) edited or deleted: {names(f.old_path for f in scope.edited_migrations)}")
    breaking = [f"{c.method} {c.path}" for c in contract if c.breaking]
    if breaking:
        reasons.append(f"{counted(len(breaking), 'breaking API change')} on {names(dict.fromkeys(breaking))}")
    critical = [f for f in delta.new_findings if f.severity is Severity.CRITICAL and confident(f)]
    if critical:
        reasons.append(f"{counted(len(critical), 'new critical finding')}")
    return reasons


def medium_reasons(scope: Scope, delta: Delta) -> list[str]:
    reasons = []
    other = [m.path for m in touched_migrations(scope) if m.reversible is not False]
    if other:
        reasons.append(f"schema migration(s) {names(other)}")
    if runtime_dependencies(scope):
        reasons.append(f"new dependencies {names(runtime_dependencies(scope))}")
    if scope.integrations_added:
        reasons.append(f"new integrations {names(f'{i.category} {i.name}' for i in scope.integrations_added)}")
    if scope.config_files:
        reasons.append(f"configuration or deployment files changed: {names(scope.config_files)}")
    high = [f for f in delta.new_findings if f.severity is Severity.HIGH and confident(f)]
    if high:
        reasons.append(f"{counted(len(high), 'new high-severity finding')}")
    return reasons


def levers(scope: Scope, contract: tuple[ContractChange, ...], base_commit: str) -> tuple[str, ...]:
    found = [f"revert the change and redeploy the build of base `{base_commit[:12]}`"]
    if scope.config_files:
        found.append("roll the deployment back to its previous revision (`kubectl rollout undo`, `helm rollback`) "
                     "so the changed configuration goes back with the code")
    migrations = touched_migrations(scope)
    reversible = [m.path for m in migrations if m.reversible is True]
    unknown = [m.path for m in migrations if m.reversible is None]
    irreversible = [m.path for m in migrations if m.reversible is False]
    if reversible:
        found.append(f"run the down migration of {names(reversible)} before the old build goes back")
    if unknown:
        found.append(f"write down how {names(unknown)} is undone (down migration or forward fix) before merging")
    if irreversible:
        found.append(f"{names(irreversible)} cannot be undone, so a rollback is a forward fix: take a backup or "
                     "snapshot before deploying and keep the previous release working on the new schema "
                     "(expand/contract)")
    if any(c.breaking for c in contract):
        found.append("ship the breaking API change behind a flag or a new version so it can be switched off "
                     "without a deploy (a revert does not bring back clients that already moved)")
    return tuple(found)


def assess_risk(scope: Scope, contract: tuple[ContractChange, ...], delta: Delta, base_commit: str) -> Risk:
    high, medium = high_reasons(scope, contract, delta), medium_reasons(scope, delta)
    level = "high" if high else "medium" if medium else "low"
    reasons = tuple(high + medium) or ("no migration, API contract change, new dependency or configuration "
                                       "change",)
    return Risk(level, reasons, levers(scope, contract, base_commit))


# ---------------------------------------------------------------------------- TODOs

def todos(delta: Delta, rules: tuple[OwnerRule, ...], prefix: str) -> tuple[Todo, ...]:
    """One TODO per new blocking finding, its owner from CODEOWNERS (paths relative to the repository)."""
    found = []
    for finding in delta.new_findings:
        if blocking(finding):
            path = f"{prefix}/{finding.location.path}" if prefix else finding.location.path
            found.append(Todo(finding, owner_of(path, rules)))
    return tuple(sorted(found, key=lambda t: (-t.finding.severity.rank, t.finding.sort_key)))


# ---------------------------------------------------------------------------- smoke plan

def endpoint_label(endpoint: Endpoint) -> str:
    return f"{endpoint.method.upper()} {endpoint.path}"


def endpoint_steps(scope: Scope, contract: tuple[ContractChange, ...]) -> list[SmokeStep]:
    auth_added = {(c.method, c.path) for c in contract if c.kind == "auth-added"}
    steps = []
    for item in scope.endpoints_added:
        steps.append(SmokeStep("endpoint", f"Call `{endpoint_label(item.endpoint)}` (new) and check its status "
                                           "code, payload and error responses"))
    for item in scope.endpoints_changed:
        e = item.endpoint
        extra = " with and without credentials" if (e.method.upper(), e.path) in auth_added else ""
        steps.append(SmokeStep("endpoint", f"Call `{endpoint_label(e)}` ({'; '.join(item.reasons)}){extra} and "
                                           "compare with the previous release"))
    for item in scope.endpoints_removed:
        steps.append(SmokeStep("endpoint", f"Check `{endpoint_label(item.endpoint)}` is gone (404/405) and that "
                                           "no client still calls it (access logs)"))
    return steps


def health_steps(head_endpoints: tuple[Endpoint, ...]) -> list[SmokeStep]:
    health = sorted({endpoint_label(e) for e in head_endpoints if _HEALTH.search(e.path)})
    if not health:
        return [SmokeStep("health", "No health route found: check that the service starts and answers a known "
                                    "request")]
    return [SmokeStep("health", f"Check {names(health)} answer 200 on every instance")]


def migration_steps(scope: Scope) -> list[SmokeStep]:
    steps = []
    for migration in touched_migrations(scope):
        ops = f": {', '.join(migration.operations[:4])}" if migration.operations else ""
        steps.append(SmokeStep("migration", f"Run `{migration.path}` ({migration.style}{ops}) once, as a deploy "
                                             "step, and check the schema version and the queries that use it"))
    return steps


def integration_steps(scope: Scope) -> list[SmokeStep]:
    steps = [SmokeStep("integration", f"Check connectivity, credentials and timeouts of {i.category} `{i.name}`"
                                      f"{f' from {i.service}' if i.service else ''} in the deployed environment")
             for i in scope.integrations_added]
    deps = runtime_dependencies(scope)
    if deps:
        steps.append(SmokeStep("integration", f"Check the deployed build installs and loads {names(deps)} "
                                              "(startup logs)"))
    if scope.config_files:
        steps.append(SmokeStep("service", f"Check the deployed configuration picked up {names(scope.config_files)}"))
    return steps


def smoke_plan(scope: Scope, contract: tuple[ContractChange, ...],
               head_endpoints: tuple[Endpoint, ...]) -> tuple[SmokeStep, ...]:
    return tuple(endpoint_steps(scope, contract) + health_steps(head_endpoints) + migration_steps(scope)
                 + integration_steps(scope))
