"""
## What it does
Flags `ADD` instructions that download a remote `http(s)://` URL without `--checksum`. `ADD` of a
local file or tarball, and `COPY`, are fine.

## Why it matters
The download is not verified: whatever the server returns today goes into the image, so a
compromised or changed file silently ships. The layer also keeps the whole download and is
rebuilt whenever the remote file changes.

## Example
    FROM debian:12-slim
    ADD https://example.com/tool-1.4.tar.gz /opt/
    CMD ["/opt/tool"]

## Use instead
    FROM debian:12-slim
    ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool-1.4.tar.gz /opt/
    COPY vendor/tool-1.4.tar.gz /opt/
    CMD ["/opt/tool"]
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import FileRule
from prodcheck.rules.generic.dockerfile.common import exec_form, shell_words


def check(file, ctx):
    for ins in file.tree or []:
        if ins.keyword != "ADD":
            continue
        words = exec_form(ins.value) or shell_words(ins.value)
        options = [w for w in words if w.startswith("--")]
        sources = [w for w in words if not w.startswith("--")][:-1]
        if any(o.startswith("--checksum") for o in options):
            continue
        for url in (s for s in sources if s.lower().startswith(("http://", "https://"))):
            yield ctx.finding(RULE, ins.line, f"`ADD` downloads `{url}` without verifying a checksum")


RULE = FileRule(
    id="GEN-OPS-105", slug="dockerfile-add-from-url", area=Area.OPS,
    title="ADD downloads a remote URL",
    fix="Download with `curl` and check the file's sha256 in the same `RUN` (or use "
        "`ADD --checksum=sha256:...`), or `COPY` a vendored file.",
    rows=("OPS-04",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-494",), stride=(Stride.TAMPERING,),
    coverage="partial", coverage_note="remote ADD only; image size and build toolchain are other checks",
    example_path="Dockerfile", file_languages=("dockerfile",), check=check,
)
