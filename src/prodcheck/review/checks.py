"""Findings only a review can make, because they are about the change itself rather than the code.

REVIEW-MIG-12 (checklist MIG-12, HIGH): a migration file that exists at base is edited or deleted.
Databases that already applied it will never run the edit; the fix is a new migration.
REVIEW-API-12 (checklist API-12, MEDIUM): the change breaks the API contract and touches no
changelog, migration notes, docs or API description that would tell consumers.
"""
from __future__ import annotations

from prodcheck.fingerprint import with_fingerprints
from prodcheck.model import Area, Confidence, Finding, Fix, Location, Severity
from prodcheck.review.model import ChangeSet, ContractChange, FileChange, Scope

MIG12 = "REVIEW-MIG-12"
API12 = "REVIEW-API-12"
TITLES = {MIG12: "Applied migrations are immutable (forward-only)",
          API12: "Breaking API change without consumer migration notes"}


def edited_migration(change: FileChange, changes: ChangeSet) -> Finding:
    if change.status == "D":
        at = Location.at(change.old_path, 1)
        what = f"applied migration {change.old_path} is deleted"
    else:
        at = Location.at(change.path, changes.first_changed_line(change.path))
        moved = f" (renamed from {change.old_path})" if change.old_path != change.path else ""
        what = f"migration {change.path}{moved}, which exists at base, is edited"
    return Finding(
        rule_id=MIG12, area=Area.DATA, severity=Severity.HIGH, confidence=Confidence.HIGH,
        message=f"Applied migrations are immutable: {what}; databases that already ran it never see the change.",
        location=at,
        fix=Fix("Restore the migration as it is at base and put the change in a new migration (forward-only); "
                "if it never ran anywhere, say so in the change description."))


def missing_notes(breaking: tuple[ContractChange, ...], scope: Scope) -> Finding | None:
    if not breaking or scope.docs_files:
        return None
    first = breaking[0]
    endpoints = list(dict.fromkeys(f"{c.method} {c.path}" for c in breaking))
    listed = ", ".join(endpoints[:3]) + (" ..." if len(endpoints) > 3 else "")
    return Finding(
        rule_id=API12, area=Area.API, severity=Severity.MEDIUM, confidence=Confidence.MEDIUM,
        message=f"{len(breaking)} breaking API change{'' if len(breaking) == 1 else 's'} ({listed}) and no "
                "changelog, migration notes or API description in this change.",
        location=first.location,
        fix=Fix("Add consumer migration notes (CHANGELOG, docs or the OpenAPI description) that name each "
                "breaking change and what clients must do; the API Contract Delta lists them."))


def review_findings(scope: Scope, contract: tuple[ContractChange, ...], changes: ChangeSet) -> tuple[Finding, ...]:
    found = [edited_migration(change, changes) for change in scope.edited_migrations]
    notes = missing_notes(tuple(c for c in contract if c.breaking), scope)
    if notes is not None:
        found.append(notes)
    return tuple(with_fingerprints(found))
