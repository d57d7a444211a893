"""The deployment facts extractor (probes, healthchecks, Dockerfile and k8s signals) and the
probe-to-route cross-check (GEN-OPS-111) on hand-built project facts."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from prodcheck.discovery.classify import SourceFile, classify
from prodcheck.facts.model import FileFacts, Mount, Probe, Route
from prodcheck.facts.project import build_project
from prodcheck.model import Endpoint, Location
from prodcheck.pipeline import analyse_file
from prodcheck.rules.context import ProjectContext
from prodcheck.rules.generic.kubernetes.probe_path_not_a_route import RULE as PROBE_RULE
from prodcheck.rules.generic.kubernetes.probe_path_not_a_route import route_matcher


def facts_of(tmp_path: Path, name: str, text: str) -> FileFacts:
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    language, kind = classify(name)
    result = analyse_file(SourceFile(name, str(target), language, kind, target.stat().st_size), ())
    errors = [d for d in result.diagnostics if d.kind in ("extractor-error", "rule-error")]
    assert not errors, errors
    return result.facts


def signals(facts: FileFacts, name: str) -> list[tuple[int, str]]:
    return [(s.location.line, s.detail) for s in facts.signals if s.name == name]


def probes(facts: FileFacts) -> list[tuple[str, str, str, int]]:
    return [(p.path, p.port, p.kind, p.location.line) for p in facts.probes]


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: ghcr.io/acme/api:1.0.0
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0.0
          livenessProbe:
            httpGet:
              path: /healthz
              port: 8080
          readinessProbe:
            httpGet:
              port: http
          startupProbe:
            exec:
              command: ["cat", "/tmp/ready"]
---
apiVersion: v1
kind: Service
metadata:
  name: api
"""


def test_kubernetes_http_probes_become_probe_facts(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, "k8s/deployment.yaml", DEPLOYMENT)
    assert probes(facts) == [("/healthz", "8080", "liveness", 16), ("/", "http", "readiness", 19)]
    assert [line for line, _ in signals(facts, "container-healthcheck")] == [14, 18, 21]
    assert {detail for _, detail in signals(facts, "container-healthcheck")} == {"kubernetes"}
    assert signals(facts, "kubernetes-workload") == [(1, "Deployment/api")]
    assert sorted(signals(facts, "kubernetes-image")) == [(10, "ghcr.io/acme/api:1.0.0"),
                                                          (13, "ghcr.io/acme/api:1.0.0")]


def test_cronjob_and_list_pod_templates_are_walked(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, "k8s/jobs.yaml", """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly}
            spec:
              jobTemplate:
                spec:
                  template:
                    spec:
                      containers:
                        - name: report
                          image: ghcr.io/acme/report:2.0.0
                          livenessProbe:
                            httpGet: {path: /live, port: 9000}
        """)
    assert probes(facts) == [("/live", "9000", "liveness", 16)]
    assert signals(facts, "kubernetes-workload") == []          # not long-running
    assert signals(facts, "kubernetes-image") == [(14, "ghcr.io/acme/report:2.0.0")]


def test_odd_yaml_shapes_do_not_crash(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, "k8s/odd.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: just-a-string
        spec:
          template:
            spec:
              containers:
                - name: a
                  image: 42
                  livenessProbe: yes
                  readinessProbe:
                    httpGet: [not, a, mapping]
                - plain string
                - name: b
                  livenessProbe:
                    httpGet: {path: 17, port: null}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        spec: [1, 2]
        ---
        - list
        ---
        services: not-a-mapping
        """)
    assert probes(facts) == [("/", "", "liveness", 16)]


def test_yaml_in_tests_and_templates_gives_no_facts(tmp_path: Path) -> None:
    assert facts_of(tmp_path, "tests/k8s.yaml", DEPLOYMENT).probes == ()
    helm = facts_of(tmp_path, "chart/templates/deployment.yaml",
                    DEPLOYMENT.replace("ghcr.io/acme/api:1.0.0", "{{ .Values.image }}"))
    assert helm.probes == () and helm.signals == ()


def test_dockerfile_healthcheck_url_becomes_a_probe(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, "Dockerfile", """
        FROM python:3.12-slim AS build
        RUN pip wheel -r requirements.txt

        FROM python:3.12-slim
        HEALTHCHECK --interval=30s CMD curl -fsS http://localhost:8000/health || exit 1
        CMD ["gunicorn", "app:app"]
        """)
    assert signals(facts, "dockerfile-final-stage") == [(4, "python:3.12-slim")]
    assert signals(facts, "dockerfile-healthcheck") == [(5, "")]
    assert signals(facts, "container-healthcheck") == [(5, "dockerfile")]
    assert probes(facts) == [("/health", "8000", "docker-healthcheck", 5)]


@pytest.mark.parametrize(("command", "expected"), [
    ("wget -qO- http://127.0.0.1/ready?full=1", [("/ready", "80")]),
    ("[\"python\", \"-c\", \"import urllib.request as u; u.urlopen('http://localhost:${PORT}/live')\"]",
     [("/live", "${PORT}")]),
    ("curl -f https://localhost:8443", [("/", "8443")]),
    ("curl -f https://status.example.com/ping", []),        # not the container itself
    ("pg_isready -U postgres", []),
])
def test_healthcheck_urls(tmp_path: Path, command: str, expected) -> None:
    facts = facts_of(tmp_path, "Dockerfile", f"FROM python:3.12-slim\nHEALTHCHECK CMD {command}\n")
    assert [(p.path, p.port) for p in facts.probes] == expected
    assert signals(facts, "container-healthcheck") == [(2, "dockerfile")]


def test_healthcheck_inherited_from_an_earlier_stage_and_disabled(tmp_path: Path) -> None:
    inherited = facts_of(tmp_path, "a/Dockerfile", """
        FROM python:3.12-slim AS base
        HEALTHCHECK CMD curl -f http://localhost:8000/health
        FROM base AS production
        CMD ["gunicorn", "app:app"]
        """)
    assert signals(inherited, "dockerfile-healthcheck") == [(2, "")]
    assert signals(inherited, "dockerfile-final-stage") == [(3, "base AS production")]
    disabled = facts_of(tmp_path, "b/Dockerfile", """
        FROM python:3.12-slim AS base
        HEALTHCHECK CMD curl -f http://localhost:8000/health
        FROM base
        HEALTHCHECK NONE
        """)
    assert signals(disabled, "dockerfile-healthcheck") == [] and disabled.probes == ()
    assert facts_of(tmp_path, "c/Dockerfile", "# only a comment\n").signals == ()


def test_the_shipped_stage_skips_a_trailing_development_stage(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, "Dockerfile", """
        FROM python:3.12-slim AS builder
        HEALTHCHECK CMD curl -f http://localhost:8000/health
        FROM builder AS dev-envs
        HEALTHCHECK NONE
        """)
    assert signals(facts, "dockerfile-final-stage") == [(1, "python:3.12-slim AS builder")]
    assert probes(facts) == [("/health", "8000", "docker-healthcheck", 2)]
    assert facts_of(tmp_path, "d/Dockerfile", "FROM python:3.12 AS dev\n").signals == ()


def test_compose_build_healthchecks_name_their_dockerfile(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, "deploy/docker-compose.yml", """
        services:
          api:
            build:
              context: ../api
              dockerfile: Dockerfile.prod
            healthcheck:
              test: ["CMD", "true"]
          web:
            build: ../web
            healthcheck:
              test: ["CMD", "true"]
          remote:
            build: https://github.com/acme/app.git#main
            healthcheck:
              test: ["CMD", "true"]
        """)
    assert signals(facts, "compose-build-healthcheck") == [(6, "api/Dockerfile.prod"), (10, "web/Dockerfile")]


def test_compose_healthchecks(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, "docker-compose.yml", """
        services:
          api:
            build: .
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
          worker:
            build: .
            healthcheck:
              disable: true
          web:
            image: ghcr.io/acme/web:1.0.0
            healthcheck:
              test: wget -qO- http://localhost:3000/healthz || exit 1
          db:
            image: postgres:16
            healthcheck:
              test: ["CMD-SHELL", "pg_isready"]
          off:
            image: redis:7
            healthcheck:
              test: ["NONE"]
        """)
    assert probes(facts) == [("/health", "8000", "docker-healthcheck", 4),
                             ("/healthz", "3000", "docker-healthcheck", 12)]
    assert signals(facts, "container-healthcheck") == [(4, "compose-build"), (12, "compose-image"),
                                                       (16, "compose-image")]


def test_kustomize_image_pins(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, "overlays/prod/kustomization.yaml", """
        images:
          - name: ghcr.io/acme/api
            newTag: "2.4.1"
          - name: ghcr.io/acme/worker
            newTag: latest
          - name: ghcr.io/acme/web
            digest: sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5
          - name: ghcr.io/acme/renamed
            newName: registry.example.com/renamed
          - not-a-mapping
        """)
    assert signals(facts, "image-set-at-deploy") == [(2, "ghcr.io/acme/api"), (6, "ghcr.io/acme/web")]


def test_skaffold_artifacts_are_set_at_deploy(tmp_path: Path) -> None:
    facts = facts_of(tmp_path, "skaffold.yaml", """
        apiVersion: skaffold/v4beta6
        kind: Config
        build:
          artifacts:
            - image: frontend
              context: src/frontend
            - context: no-image
        profiles:
          - name: debug
            build:
              artifacts:
                - image: loadgenerator
        """)
    assert signals(facts, "image-set-at-deploy") == [(5, "frontend"), (12, "loadgenerator")]


# --- GEN-OPS-111 on hand-built facts ---------------------------------------------------------

def _route(path: str, file: str = "app/main.py", router: str = "") -> Route:
    return Route(router, Endpoint("GET", path, "handler", Location.at(file, 5), "fastapi"))


def _probe(path: str, kind: str = "readiness") -> Probe:
    return Probe(path, "8000", kind, Location.at("k8s/deployment.yaml", 14))


def _check(routes=(), probe_list=(), mounts=()) -> list:
    files = (
        FileFacts("app/main.py", "python", "source", routes=tuple(routes), mounts=tuple(mounts)),
        FileFacts("k8s/deployment.yaml", "yaml", "config", probes=tuple(probe_list)),
    )
    project = build_project(files)
    return list(PROBE_RULE.check(project, ProjectContext(project)))


def test_probe_on_a_missing_route_is_flagged_with_hints() -> None:
    findings = _check([_route("/health"), _route("/items/{item_id}")], [_probe("/healthz")])
    assert len(findings) == 1
    assert findings[0].location == Location.at("k8s/deployment.yaml", 14)
    assert "`/healthz`" in findings[0].message and "`/health`" in findings[0].message
    assert "readinessProbe" in findings[0].message


@pytest.mark.parametrize("probe_path", ["/health", "/health/", "/items/42", "/items/42/", "/docs",
                                        "/health?verbose=1"])
def test_probe_on_an_existing_route_is_quiet(probe_path: str) -> None:
    assert _check([_route("/health"), _route("/items/{item_id}")], [_probe(probe_path)]) == []


def test_quiet_without_endpoints_or_with_dynamic_paths() -> None:
    assert _check([], [_probe("/healthz")]) == []
    assert _check([_route("/health"), _route("^api/(?P<v>v[12])/$")], [_probe("/healthz")]) == []


def test_quiet_under_a_router_mounted_from_unscanned_code() -> None:
    mount = Mount("app.main:app", "health_check.urls", "/ht", Location.at("app/main.py", 3))
    assert _check([_route("/health")], [_probe("/ht/")], [mount]) == []
    assert len(_check([_route("/health")], [_probe("/live")], [mount])) == 1


def test_a_prefix_computed_at_run_time_is_tolerated() -> None:
    # `include_router(api, prefix=settings.API_V1_STR)`: the inventory knows `/utils/health-check`
    assert _check([_route("/utils/health-check/")], [_probe("/api/v1/utils/health-check/")]) == []
    assert len(_check([_route("/utils/health-check/")], [_probe("/api/v1/utils/health")])) == 1


def test_go_subtree_patterns_match_everything_below() -> None:
    assert _check([_route("/", file="main.go")], [_probe("/healthz")]) == []
    assert len(_check([_route("/", file="app/main.py")], [_probe("/healthz")])) == 1


@pytest.mark.parametrize(("template", "path", "matches"), [
    ("/items/{id}", "/items/3", True),
    ("/items/{id}", "/items", False),
    ("/items/<int:id>/edit", "/items/3/edit", True),
    ("/users/:id", "/users/7", True),
    ("/files/{rest:path}", "/files/a/b/c", True),
    ("/static/<path:name>", "/static/css/site.css", True),
    ("/api/*splat", "/api/v1/x", True),
    ("/reports/{id}.json", "/reports/9.json", True),
    ("/x/{$}", "/x", True),
    ("health/", "/health", True),
    ("/", "/", True),
    ("/", "/health", False),
])
def test_route_matcher(template: str, path: str, matches: bool) -> None:
    matcher = route_matcher(template)
    assert matcher is not None and matcher(path) is matches
