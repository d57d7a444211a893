"""
## What it does
Flags a Dockerfile whose final image runs as root: no `USER` instruction in the last stage, or a
last `USER` that is `root` or UID 0.

## Why it matters
A process running as root inside the container turns any code-execution bug into root on the
container, and a container escape into root on the node. Kubernetes `runAsNonRoot` policies also
refuse such images.

## Example
    FROM python:3.12-slim
    COPY . /app
    CMD ["gunicorn", "app:app"]

## Use instead
    FROM python:3.12-slim
    RUN useradd --create-home app
    COPY . /app
    USER app
    CMD ["gunicorn", "app:app"]

## Known limitations
Dockerfiles named for development or tests (`Dockerfile.dev`, `Dockerfile.test`, files under
`.devcontainer/`) and stages named for development are not production images and are skipped. An
image whose base already switches to a non-root user (e.g. distroless `:nonroot`) is recognised
by its tag only.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import FileRule
from prodcheck.rules.generic.dockerfile.common import dev_only_path, shipping_stage

NONROOT_BASE_HINTS = (":nonroot", "-nonroot", "/nonroot", "chainguard/", "rootless")


def check(file, ctx):
    if dev_only_path(file.path):
        return
    stage = shipping_stage(file.tree or [])
    if not stage:
        return
    base = stage[0]
    if any(hint in base.value.lower() for hint in NONROOT_BASE_HINTS):
        return
    users = [i for i in stage if i.keyword == "USER"]
    if not users:
        yield ctx.finding(RULE, base.line, "the final image runs as root: no USER instruction in its stage")
        return
    last = users[-1]
    user = last.value.split(":")[0].strip().strip("\"'")
    if user in ("root", "0"):
        yield ctx.finding(RULE, last.line, f"the final image switches back to root (`USER {last.value}`)")


RULE = FileRule(
    id="GEN-OPS-101", slug="dockerfile-runs-as-root", area=Area.OPS,
    title="Container image runs as root",
    fix="Create an unprivileged user and add `USER <name>` to the final stage.",
    rows=("OPS-06",), doc=__doc__, confidence=Confidence.HIGH,
    stride=(Stride.ELEVATION_OF_PRIVILEGE,), cwe=("CWE-250",),
    example_path="Dockerfile", file_languages=("dockerfile",), check=check,
)
