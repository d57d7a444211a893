"""
## What it does
Flags Kubernetes container images (`containers`, `initContainers` of Deployments, StatefulSets,
DaemonSets, Jobs, CronJobs, Pods) without a tag or with `latest`. Digests are pinned; an image
whose tag a deploy tool sets (a `kustomization.yaml` `images:` entry with `newTag` or `digest`, a
Skaffold build artifact) is fine, and so are placeholders substituted at deploy time (`$IMAGE`).

## Why it matters
A node pulls whatever `latest` means when the pod starts: replicas of one Deployment run different
code, a reschedule silently upgrades the service, and rolling back the manifest does not roll back
the image.

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
              image: ghcr.io/acme/api:latest

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
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.generic.dockerfile.common import unpinned_reason


def image_name(image: str) -> str:
    """The repository part of an image reference, without tag or digest."""
    name = image.split("@", 1)[0]
    head, _, last = name.rpartition("/")
    last = last.split(":", 1)[0]
    return f"{head}/{last}" if head else last


def check(project, ctx):
    set_at_deploy = {s.detail for s in project.signals("image-set-at-deploy")}
    for signal in project.signals("kubernetes-image"):
        image = signal.detail
        if "$" in image or image_name(image) in set_at_deploy:
            continue
        problem = unpinned_reason(image)
        if problem:
            yield ctx.finding(RULE, signal.location, f"image `{image}` {problem}")


RULE = ProjectRule(
    id="GEN-OPS-104", slug="kubernetes-unpinned-image", area=Area.OPS,
    title="Kubernetes container image not pinned",
    fix="Deploy an immutable tag (a version or commit SHA) or a digest, never `latest`.",
    rows=("OPS-05",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="k8s/deployment.yaml", needs_languages=("yaml",), check=check,
)
