"""
## What it does
Flags a Dockerfile whose final image has no `HEALTHCHECK` (none in its stage nor in the stage it
builds on, or `HEALTHCHECK NONE`), when nothing else checks the container's health: the rule stays
quiet when the project deploys with Kubernetes (which ignores Docker healthchecks and has its own
probes), and for a Dockerfile that a compose service with a healthcheck builds.

## Why it matters
Without a healthcheck, Docker, Swarm and compose only know whether the process is alive, not whether
it serves: a deadlocked or half-started service stays "running" and keeps receiving traffic, and
`depends_on: condition: service_healthy` cannot wait for it.

## Example
    FROM python:3.12-slim
    COPY . /app
    CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]

## Use instead
    FROM python:3.12-slim
    COPY . /app
    HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"]
    CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]

## Known limitations
A healthcheck defined by the base image is not seen. Dockerfiles for development or tests
(`Dockerfile.dev`, `.devcontainer/`) are skipped; when the last stage is a development stage
(`FROM base AS dev`), the last other stage is taken as the one that ships.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence, Severity
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.generic.dockerfile.common import dev_only_path

def check(project, ctx):
    if project.signals("kubernetes-workload"):
        return
    checked_by_compose = {s.detail for s in project.signals("compose-build-healthcheck")}
    for facts in project.files:
        if facts.language != "dockerfile" or dev_only_path(facts.path) or facts.path in checked_by_compose:
            continue
        names = {s.name for s in facts.signals}
        if "dockerfile-healthcheck" in names:
            continue
        for final in (s for s in facts.signals if s.name == "dockerfile-final-stage"):
            image = f" (`FROM {final.detail}`)" if final.detail else ""
            yield ctx.finding(RULE, final.location, f"the shipped image{image} declares no HEALTHCHECK")


RULE = ProjectRule(
    id="GEN-OPS-102", slug="dockerfile-missing-healthcheck", area=Area.OPS,
    title="Container image without a HEALTHCHECK",
    fix="Add `HEALTHCHECK CMD <command that calls the health endpoint>` to the final stage, "
        "or declare probes where the container is deployed.",
    rows=("OPS-09",), doc=__doc__, confidence=Confidence.HIGH, severity=Severity.MEDIUM,
    severity_note="a missing HEALTHCHECK alone is not a must-fix: orchestrators often probe the "
                  "container themselves; probes pointing at missing routes stay HIGH (GEN-OPS-111)",
    example_path="Dockerfile", needs_languages=("dockerfile",), check=check,
)
