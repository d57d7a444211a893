"""
## What it does
Flags containers of long-running workloads (Deployment, StatefulSet, DaemonSet) without a
`livenessProbe` or a `readinessProbe`, one finding per container naming the missing probes. Jobs,
CronJobs, bare Pods and init containers are exempt.

## Why it matters
Without a readiness probe, a pod receives traffic as soon as its process starts, before it can
serve, and keeps receiving it while it is overloaded or lost its database. Without a liveness
probe, a deadlocked process is never restarted.

## Example
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        spec:
          containers:
            - name: api
              image: ghcr.io/acme/api:1.8.2

## Use instead
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        spec:
          containers:
            - name: api
              image: ghcr.io/acme/api:1.8.2
              readinessProbe:
                httpGet: {path: /ready, port: 8000}
              livenessProbe:
                httpGet: {path: /health, port: 8000}
"""
from __future__ import annotations

from prodcheck.facts.extractors.deployment import LONG_RUNNING_KINDS, containers_of, workloads
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule

REQUIRED = ("livenessProbe", "readinessProbe")


def check(file, ctx):
    for workload in workloads(file.tree):
        if workload.kind not in LONG_RUNNING_KINDS:
            continue
        for container in containers_of(workload.pod_spec):
            missing = [key for key in REQUIRED if not isinstance(container.spec.get(key), dict)]
            if missing:
                yield ctx.finding(RULE, container.line,
                                  f"container `{container.name}` of {workload.kind} `{workload.name}` "
                                  f"has no {' or '.join(missing)}")


RULE = FileRule(
    id="GEN-OPS-108", slug="kubernetes-missing-probes", area=Area.OPS,
    title="Kubernetes container without liveness or readiness probe",
    fix="Add a `readinessProbe` and a `livenessProbe` (httpGet on the service's health route) to "
        "the container.",
    rows=("OPS-09",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="k8s/deployment.yaml", file_languages=("yaml",), file_kinds=("config", "deployment"),
    check=check,
)
