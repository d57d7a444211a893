"""
## What it does
Flags Kubernetes containers (including init containers) whose `securityContext` sets
`privileged: true`, `allowPrivilegeEscalation: true`, `runAsUser: 0` or `runAsNonRoot: false`,
at container level or inherited from the pod's `securityContext` (a container's own setting
overrides the pod's). A missing `runAsNonRoot` alone is not flagged here.

## Why it matters
A privileged container has every capability and the host's devices: a code-execution bug in it is
a compromise of the node. Running as UID 0 or allowing privilege escalation (setuid binaries)
removes the barriers that make a container escape hard.

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
              securityContext:
                privileged: true

## Use instead
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        spec:
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
          containers:
            - name: api
              image: ghcr.io/acme/api:1.8.2
              securityContext:
                allowPrivilegeEscalation: false
"""
from __future__ import annotations

from prodcheck.facts.extractors.deployment import containers_of, line_of, mapping, workloads
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import FileRule

CONTAINER_ONLY = (("privileged", True), ("allowPrivilegeEscalation", True))
INHERITABLE = (("runAsUser", 0), ("runAsNonRoot", False))


def _is(value: object, bad: object) -> bool:
    """`runAsUser: 0` must not match `false`, nor `privileged: 1` match `true`."""
    return type(value) is type(bad) and value == bad


def _setting(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def check(file, ctx):
    for workload in workloads(file.tree):
        pod_context = mapping(workload.pod_spec.get("securityContext"))
        inherited: dict[str, list[str]] = {}
        for container in containers_of(workload.pod_spec, include_init=True):
            own = mapping(container.spec.get("securityContext"))
            for key, bad in CONTAINER_ONLY:
                if _is(own.get(key), bad):
                    yield _finding(ctx, line_of(own, key, container.line), key, bad,
                                   f"container `{container.name}`")
            for key, bad in INHERITABLE:
                if own.get(key) is not None:
                    if _is(own[key], bad):
                        yield _finding(ctx, line_of(own, key, container.line), key, bad,
                                       f"container `{container.name}`")
                elif _is(pod_context.get(key), bad):
                    inherited.setdefault(key, []).append(container.name)
        for key, bad in INHERITABLE:
            if key in inherited:
                names = ", ".join(f"`{n}`" for n in inherited[key])
                yield _finding(ctx, line_of(pod_context, key, workload.line), key, bad,
                               f"the pod securityContext of {workload.kind} `{workload.name}` (containers {names})")


def _finding(ctx, line: int, key: str, bad: object, who: str):
    return ctx.finding(RULE, line, f"{who} sets `{key}: {_setting(bad)}`")


RULE = FileRule(
    id="GEN-OPS-110", slug="kubernetes-privileged-container", area=Area.OPS,
    title="Kubernetes container runs privileged or as root",
    fix="Remove `privileged`, set `allowPrivilegeEscalation: false`, `runAsNonRoot: true` and a "
        "non-zero `runAsUser`.",
    rows=("OPS-06",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-250",), stride=(Stride.ELEVATION_OF_PRIVILEGE,),
    example_path="k8s/deployment.yaml", file_languages=("yaml",), file_kinds=("config", "deployment"),
    check=check,
)
