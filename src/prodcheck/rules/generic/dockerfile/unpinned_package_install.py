"""
## What it does
Flags `RUN` commands that install packages without pinned versions: `pip install <pkg>` without
`==` (unless constrained by `-c constraints.txt` or `--require-hashes`), `npm install <pkg>` without
an exact version, and a bare `npm install` where `npm ci` installs exactly the lockfile.
Requirement files (`-r`), local projects (`.`, paths, wheels) and pip's own tooling (`pip`,
`setuptools`, `wheel`) are fine, and so are development stages and files (`FROM base AS dev`,
`Dockerfile.dev`). OS packages (`apt-get`, `apk`) are out of scope.

## Why it matters
Each build resolves the newest release: two builds of the same commit ship different code, a
broken or compromised release enters production without review, and a rollback does not restore
the old dependencies.

## Example
    FROM python:3.12-slim
    RUN pip install --no-cache-dir gunicorn flask
    CMD ["gunicorn", "app:app"]

## Use instead
    FROM python:3.12-slim
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt && pip install --no-cache-dir gunicorn==22.0.0
    CMD ["gunicorn", "app:app"]

## Known limitations
Commands inside scripts run by `RUN` and heredoc `RUN <<EOF` blocks are not read; `yarn` and `pnpm`
are not checked.
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.deployment import dev_only_name, parse_from
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import FileRule
from prodcheck.rules.generic.dockerfile.common import (
    basename, command_segments, dev_only_path, exec_form, physical_line,
)

PIP_NAME = re.compile(r"^pip(\d+(\.\d+)*)?$")
PIP_CONSTRAINED = frozenset({"-c", "--constraint", "--require-hashes"})
PIP_VALUE_OPTIONS = frozenset({
    "-r", "--requirement", "-e", "--editable", "-i", "--index-url", "--extra-index-url", "-f",
    "--find-links", "-t", "--target", "--prefix", "--root", "--platform", "--python-version",
    "--implementation", "--abi", "--only-binary", "--no-binary", "--trusted-host", "--cache-dir",
    "--src", "--progress-bar", "--global-option", "--config-settings", "-C", "--upgrade-strategy",
    "--log", "--timeout", "--retries", "--proxy", "--cert", "--client-cert", "--exists-action",
    "--report", "--python", "-p",
})
PIP_TOOLING = frozenset({"pip", "setuptools", "wheel"})
NPM_INSTALL = frozenset({"install", "i", "add"})
NPM_VALUE_OPTIONS = frozenset({"--prefix", "--registry", "--cache", "--omit", "--include",
                               "--workspace", "-w", "--loglevel", "--userconfig", "--tag",
                               "--install-strategy"})
EXACT_VERSION = re.compile(r"^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.\-+]*)?$")
LOCAL_SOURCE = ("git+", "http://", "https://", "file:", "github:", ".", "/", "~")


def check(file, ctx):
    if dev_only_path(file.path):
        return
    instructions = file.tree or []
    dev_stages = {i.stage for i in instructions
                  if i.keyword == "FROM" and dev_only_name(parse_from(i.value).alias)}
    for ins in instructions:
        if ins.keyword != "RUN" or ins.stage in dev_stages:
            continue
        words = exec_form(ins.value)
        segments = [words] if words is not None else command_segments(ins.value)
        for segment in segments:
            yield from _pip_findings(file, ins, segment, ctx)
            yield from _npm_findings(file, ins, segment, ctx)


def _pip_findings(file, ins, words: list[str], ctx):
    for index in range(1, len(words)):
        if words[index] == "install" and PIP_NAME.match(basename(words[index - 1])):
            loose = unpinned_pip_packages(words[index + 1:])
            if loose:
                names = ", ".join(f"`{p}`" for p in loose)
                yield ctx.finding(RULE, physical_line(file.lines, ins, loose[0]),
                                  f"`pip install` of {names} without a pinned version (`==`)")
            return


def unpinned_pip_packages(args: list[str]) -> list[str]:
    packages = []
    skip_value = False
    for arg in args:
        if skip_value:
            skip_value = False
            continue
        if arg.startswith("-"):
            option = arg.split("=", 1)[0]
            if option in PIP_CONSTRAINED:
                return []
            short_attached = len(option) > 2 and not option.startswith("--") and option[:2] in PIP_VALUE_OPTIONS
            skip_value = option in PIP_VALUE_OPTIONS and "=" not in arg and not short_attached
            continue
        packages.append(arg)
    return [p for p in packages if not _pip_pinned(p)]


def _pip_pinned(spec: str) -> bool:
    """Pinned, or not a registry package at all (path, URL, variable)."""
    if "$" in spec or "@" in spec or "==" in spec or spec.isdigit():
        return True
    if spec.startswith(LOCAL_SOURCE) or "/" in spec or spec.endswith((".whl", ".tar.gz", ".zip")):
        return True
    name = re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0].lower()
    return name in PIP_TOOLING


def _npm_findings(file, ins, words: list[str], ctx):
    for index in range(len(words) - 1):
        if basename(words[index]) == "npm" and words[index + 1] in NPM_INSTALL:
            packages = _npm_packages(words[index + 2:])
            line = physical_line(file.lines, ins, re.compile(rf"\bnpm\s+{re.escape(words[index + 1])}\b"))
            if not packages:
                yield ctx.finding(RULE, line, f"`npm {words[index + 1]}` may resolve versions anew; "
                                              "`npm ci` installs exactly the lockfile")
            else:
                loose = [p for p in packages if not _npm_pinned(p)]
                if loose:
                    names = ", ".join(f"`{p}`" for p in loose)
                    yield ctx.finding(RULE, line, f"`npm {words[index + 1]}` of {names} without an exact version")
            return


def _npm_packages(args: list[str]) -> list[str]:
    packages = []
    skip_value = False
    for arg in args:
        if skip_value:
            skip_value = False
        elif arg.startswith("-"):
            skip_value = arg in NPM_VALUE_OPTIONS
        else:
            packages.append(arg)
    return packages


def _npm_pinned(spec: str) -> bool:
    if "$" in spec or spec.startswith(LOCAL_SOURCE) or spec.endswith((".tgz", ".tar.gz")):
        return True
    name, at, version = spec[1:].partition("@") if spec.startswith("@") else spec.partition("@")
    return bool(at) and bool(EXACT_VERSION.match(version))


RULE = FileRule(
    id="GEN-SEC-107", slug="unpinned-package-install", area=Area.SEC,
    title="Package installed without a pinned version in a Dockerfile",
    fix="Install from a pinned requirements/lock file (`pip install -r requirements.txt`, "
        "`npm ci`) or pin each package (`pkg==1.2.3`, `pkg@1.2.3`).",
    rows=("SEC-36",), doc=__doc__, confidence=Confidence.MEDIUM,
    cwe=("CWE-1357",), stride=(Stride.TAMPERING,),
    coverage="partial", coverage_note="Dockerfile pip/npm installs only; lockfiles and audits elsewhere",
    example_path="Dockerfile", file_languages=("dockerfile",), check=check,
)
