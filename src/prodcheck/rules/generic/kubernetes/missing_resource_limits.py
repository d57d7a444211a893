"""
## What it does
Flags Kubernetes containers that set no memory limit, or no CPU or memory request, naming what is
missing. A limit without a request is fine for that resource (Kubernetes then requests the limit).
Files that declare a `LimitRange` (which supplies defaults) are skipped.

## Why it matters
Without requests the scheduler packs pods blindly and they are the first evicted under pressure;
without a memory limit one leaking pod can exhaust the node and take its neighbours down.

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
              resources:
                requests: {cpu: 250m, memory: 256Mi}
                limits: {memory: 512Mi}

## Known limitations
A `LimitRange` in another file, and init containers, are not considered.
"""
from __future__ import annotations

from prodcheck.facts.extractors.deployment import containers_of, kubernetes_objects, mapping, workloads
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule


def missing_resources(container: dict) -> list[str]:
    resources = mapping(container.get("resources"))
    limits = mapping(resources.get("limits"))
    requests = mapping(resources.get("requests"))
    missing = []
    if limits.get("memory") is None:
        missing.append("resources.limits.memory")
    if requests.get("cpu") is None and limits.get("cpu") is None:
        missing.append("resources.requests.cpu")
    if requests.get("memory") is None and limits.get("memory") is None:
        missing.append("resources.requests.memory")
    return missing


def check(file, ctx):
    if any(obj.get("kind") == "LimitRange" for obj in kubernetes_objects(file.tree)):
        return
    for workload in workloads(file.tree):
        for container in containers_of(workload.pod_spec):
            missing = missing_resources(container.spec)
            if missing:
                yield ctx.finding(RULE, container.line,
                                  f"container `{container.name}` sets no {', '.join(missing)}")


RULE = FileRule(
    id="GEN-OPS-109", slug="kubernetes-missing-resource-limits", area=Area.OPS,
    title="Kubernetes container without resource requests or memory limit",
    fix="Set `resources.requests.cpu`, `resources.requests.memory` and `resources.limits.memory` "
        "on every container.",
    rows=("OPS-10",), doc=__doc__, confidence=Confidence.HIGH,
    coverage="partial", coverage_note="runtime heap flags vs memory limit are not compared",
    example_path="k8s/deployment.yaml", file_languages=("yaml",), file_kinds=("config", "deployment"),
    check=check,
)
