"""The bundled example services, scanned with every rule.

Each file of the examples (`python-flawed`, `python-good`, `node-flawed`, `node-good`, `go-flawed`,
`go-good`) marks inline
the findings it must (`expect`) and must not (`ok`) produce (JSON files in a `<name>.expect.toml`
sidecar); any other finding of any rule fails the test, so a new rule that fires on an example has
to be acknowledged there (or fixed). Every `*-flawed` example is BLOCKED, every `*-good` one PASSes.
"""
from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from harness import compare, read_marks, run
from prodcheck.model import Severity, Verdict

EXAMPLES = Path(__file__).parents[1] / "examples"
FLAWED = EXAMPLES / "python-flawed"
GOOD = EXAMPLES / "python-good"
FLAWED_EXAMPLES = ["python-flawed", "node-flawed", "go-flawed"]
GOOD_EXAMPLES = ["python-good", "node-good", "go-good"]
ALL_EXAMPLES = [*FLAWED_EXAMPLES, *GOOD_EXAMPLES]
LANGUAGE = {"python-flawed": "python", "python-good": "python",
            "node-flawed": "typescript", "node-good": "typescript",
            "go-flawed": "go", "go-good": "go"}
CRASH_KINDS = ("rule-error", "extractor-error", "worker-crash")


@cache
def _report(name: str):
    return run(EXAMPLES / name)       # no rule ids: every rule of the catalog runs


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_example_findings_match_its_markers(name: str) -> None:
    errors = compare(_report(name), read_marks(EXAMPLES / name), strict_all=True)
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_example_scans_without_crashes(name: str) -> None:
    crashes = [f"{d.path}:{d.line} {d.kind}: {d.message}" for d in _report(name).diagnostics
               if d.kind in CRASH_KINDS]
    assert not crashes, "\n".join(crashes)


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_example_has_markers(name: str) -> None:
    kinds = {mark.kind for mark in read_marks(EXAMPLES / name)}
    assert ("expect" if name in FLAWED_EXAMPLES else "ok") in kinds


@pytest.mark.parametrize("name", FLAWED_EXAMPLES)
def test_flawed_example_is_blocked(name: str) -> None:
    report = _report(name)
    assert report.verdict is Verdict.BLOCKED, [f"{f.rule_id} {f.severity.value}" for f in report.findings]


@pytest.mark.parametrize("name", GOOD_EXAMPLES)
def test_good_example_passes_with_nothing_high(name: str) -> None:
    report = _report(name)
    assert report.verdict is Verdict.PASS
    serious = [f"{f.location.path}:{f.location.start.line} {f.rule_id} {f.severity.value}"
               for f in report.findings if f.severity.rank >= Severity.HIGH.rank]
    assert not serious, serious


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_example_is_scanned_whole(name: str) -> None:
    """Every file of the example is read (a PASS over skipped files would prove nothing), and the
    scan finds the service in it, in the example's language."""
    report = _report(name)
    files = [p for p in (EXAMPLES / name).rglob("*")
             if p.is_file() and not {"__pycache__", ".pytest_cache"} & set(p.parts)]
    assert report.files_scanned == len(files)
    assert LANGUAGE[name] in {service.language for service in report.stack.services}


ENDPOINTS = {
    "python-flawed": {
        "GET /orders/", "GET /orders/search", "POST /orders/", "DELETE /orders/{order_id}",
        "POST /users/register", "POST /users/login", "DELETE /users/{user_id}",
    },
    "python-good": {
        "GET /healthz", "GET /readyz", "GET /api/v1/orders", "GET /api/v1/orders/{order_id}",
        "POST /api/v1/orders", "DELETE /api/v1/orders/{order_id}", "POST /api/v1/users/register",
        "POST /api/v1/users/login", "GET /api/v1/users/me",
    },
    "node-flawed": {
        "GET /orders", "GET /orders/search", "POST /orders", "DELETE /orders/{id}",
        "POST /users/register", "POST /users/login", "GET /users/me", "DELETE /users/{id}",
    },
    "node-good": {
        "GET /healthz", "GET /readyz", "GET /api/v1/orders", "GET /api/v1/orders/{id}",
        "POST /api/v1/orders", "DELETE /api/v1/orders/{id}", "POST /api/v1/users/register",
        "POST /api/v1/users/login", "GET /api/v1/users/me", "DELETE /api/v1/users/me",
    },
    "go-flawed": {
        "POST /login", "POST /orders", "GET /orders", "GET /orders/search", "GET /orders/{id}/cancel",
        "POST /orders/{id}/pay",
    },
    "go-good": {
        "GET /healthz", "GET /readyz", "GET /api/v1/orders", "GET /api/v1/orders/{id}", "POST /api/v1/orders",
        "POST /api/v1/orders/{id}/cancel",
    },
}


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_inventory_lists_every_endpoint_with_its_prefix(name: str) -> None:
    """The `ok` markers on handlers only mean something if the scan sees the handlers."""
    found = {f"{e.method} {e.path}" for e in _report(name).inventory.endpoints}
    assert found == ENDPOINTS[name]


@pytest.mark.parametrize("name", FLAWED_EXAMPLES)
def test_cli_blocks_the_flawed_example(name: str) -> None:
    result = subprocess.run([sys.executable, "-m", "prodcheck", "scan", str(EXAMPLES / name), "-f", "text"],
                            capture_output=True, text=True, timeout=300, env=_env())
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BLOCKED" in result.stdout


@pytest.mark.parametrize("name", GOOD_EXAMPLES)
def test_cli_passes_the_good_example(name: str) -> None:
    result = subprocess.run([sys.executable, "-m", "prodcheck", "scan", str(EXAMPLES / name), "-f", "text"],
                            capture_output=True, text=True, timeout=300, env=_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS" in result.stdout


def _env() -> dict[str, str]:
    import os
    return {**os.environ, "NO_COLOR": "1", "CI": "1"}
