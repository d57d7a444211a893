"""
## What it does
Flags a service that has no test files at all: no `tests/`/`test/`/`__tests__` directory, no
`test_*.py`, `*_test.go`, `*.test.ts` or `*.spec.ts` file under its root, and none elsewhere in
the repository in the service's language. The finding is reported at the service's entry point.

## Why it matters
Without a test suite nothing checks a change before it ships: every refactor, dependency upgrade
or migration is verified in production. Seed 000 asks for unit and integration tests of touched
code and seed 002 rates missing tests as a must-fix-soon gap.

## Example
    ==> requirements.txt <==
    fastapi==0.115.0
    ==> app/main.py <==
    from fastapi import FastAPI

    app = FastAPI()

## Use instead
    ==> requirements.txt <==
    fastapi==0.115.0
    ==> app/main.py <==
    from fastapi import FastAPI

    app = FastAPI()
    ==> tests/test_main.py <==
    def test_app_starts():
        from app.main import app
        assert app.title

## Known limitations
Test files are recognised by name and directory; a suite kept in another repository is not seen.
Whether the tests pass, and what they cover, needs running them (checklist TEST-01/02, kind R).
"""
from __future__ import annotations

from prodcheck.facts.stack import service_of
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule


def check(project, ctx):
    tests = [f for f in project.files if f.kind == "test"]
    for service in project.services:
        if service.entrypoint is None:
            continue
        own = [f for f in tests if service_of(f.path, project.stack) == service.name]
        orphan = [f for f in tests if not service_of(f.path, project.stack) and f.language == service.language]
        if own or orphan:
            continue
        yield ctx.finding(RULE, service.entrypoint,
                          f"service `{service.name}` has no test files: no tests directory, no "
                          f"{service.language} test modules")


RULE = ProjectRule(
    id="GEN-TEST-101", slug="service-without-tests", area=Area.TEST,
    title="Service without any tests",
    fix="Add a test suite next to the service (unit tests for its logic, API tests for its endpoints) "
        "and run it in CI.",
    rows=("TEST-01",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="app/main.py", check=check, coverage="partial",
    coverage_note="presence of tests only; running them is kind R",
)
