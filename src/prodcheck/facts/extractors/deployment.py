"""Deployment facts: health probes and healthchecks from Kubernetes, Dockerfiles and compose files.

Emits `Probe` facts for HTTP probes (k8s `httpGet`, healthcheck commands that call a local URL) and
these signals, so project rules work on facts alone:
- `container-healthcheck` (detail: `dockerfile`, `kubernetes`, `compose-build`, `compose-image`):
  some healthcheck or probe exists; `compose-build-healthcheck` (detail: the Dockerfile path) when
  a compose service built from a Dockerfile of the project has a healthcheck;
- `dockerfile-final-stage` (detail: the base image, and `AS <stage name>` if any) per Dockerfile,
  at the `FROM` of the stage that ships (`shipped_stage`), and
  `dockerfile-healthcheck` when the final image has an effective `HEALTHCHECK`;
- `kubernetes-workload` (detail: `Kind/name`) per long-running workload;
- `kubernetes-image` (detail: the image) per container image of a k8s workload, and
  `image-set-at-deploy` (detail: the image name) for images whose tag a deploy tool sets: a
  kustomization `images:` entry with a tag or digest, a Skaffold build artifact.

The manifest walkers here (`kubernetes_objects`, `workloads`, `containers_of`, `compose_services`)
are shared with the deployment rules, which read the same structures.
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from prodcheck.facts.extract import Extractor
from prodcheck.facts.model import Probe, Signal
from prodcheck.model import Location

POD_TEMPLATE_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                                "ReplicationController", "Job"})
WORKLOAD_KINDS = POD_TEMPLATE_KINDS | {"Pod", "CronJob"}
LONG_RUNNING_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet"})
PROBE_KINDS = ("liveness", "readiness", "startup")
KUSTOMIZATION_NAMES = frozenset({"kustomization.yaml", "kustomization.yml", "kustomization"})
# Words that mark a file, stage, service or process as meant for development or tests.
DEV_WORDS = frozenset({"dev", "devel", "development", "local", "test", "tests", "testing", "debug",
                       "e2e", "ci", "playwright", "cypress", "selenium", "override", "devcontainer", ".devcontainer"})

# A healthcheck that calls a URL: only local or in-network hosts can be the container's own routes.
_URL = re.compile(r"https?://(?P<host>\[[^\]]*\]|[^/\s:'\"\\]+)(?::(?P<port>[^/\s'\"\\]+))?"
                  r"(?P<path>/[^\s'\"\\;,)`]*)?")
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "[::1]", "[::]"})


# ---------------------------------------------------------------------------------------------
# Small accessors that tolerate any YAML shape


def mapping(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def sequence(value: object) -> list:
    return value if isinstance(value, list) else []


def line_of(node: object, key: str, default: int = 1) -> int:
    """The line of `key` in a parsed YAML mapping, else the mapping's own line, else `default`."""
    finder = getattr(node, "line_of", None)
    if finder is None:
        return getattr(node, "line", 0) or default
    return finder(key) or default


def line_at(node: object, default: int = 1) -> int:
    return getattr(node, "line", 0) or default


# ---------------------------------------------------------------------------------------------
# Kubernetes


@dataclass(frozen=True, slots=True)
class Workload:
    kind: str
    name: str
    pod_spec: dict
    line: int


@dataclass(frozen=True, slots=True)
class Container:
    name: str
    spec: dict
    line: int
    init: bool = False


def is_kubernetes_object(document: object) -> bool:
    return (isinstance(document, dict) and isinstance(document.get("apiVersion"), str)
            and isinstance(document.get("kind"), str))


def kubernetes_objects(documents: object) -> Iterator[dict]:
    """Every k8s object of a YAML file, looking inside `kind: List` documents."""
    for document in sequence(documents):
        if not is_kubernetes_object(document):
            continue
        if document["kind"] == "List":
            yield from (item for item in sequence(document.get("items")) if is_kubernetes_object(item))
        else:
            yield document


def pod_spec_of(obj: dict) -> dict | None:
    kind = obj.get("kind")
    spec = mapping(obj.get("spec"))
    if kind == "Pod":
        return spec or None
    if kind == "CronJob":
        spec = mapping(mapping(spec.get("jobTemplate")).get("spec"))
    elif kind not in POD_TEMPLATE_KINDS:
        return None
    pod = mapping(spec.get("template")).get("spec")
    return pod if isinstance(pod, dict) else None


def workloads(documents: object) -> Iterator[Workload]:
    for obj in kubernetes_objects(documents):
        pod = pod_spec_of(obj)
        if pod is not None:
            name = mapping(obj.get("metadata")).get("name")
            yield Workload(obj["kind"], name if isinstance(name, str) else "", pod, line_at(obj))


def containers_of(pod_spec: dict, include_init: bool = False) -> Iterator[Container]:
    keys = ("containers", "initContainers") if include_init else ("containers",)
    for key in keys:
        for index, item in enumerate(sequence(pod_spec.get(key))):
            if isinstance(item, dict):
                name = item.get("name")
                yield Container(name if isinstance(name, str) else f"#{index + 1}", item,
                                line_at(item, line_of(pod_spec, key)), key == "initContainers")


# ---------------------------------------------------------------------------------------------
# docker compose


def compose_services(documents: object) -> Iterator[tuple[str, dict]]:
    """(name, service) pairs of compose documents: a top-level `services` mapping of mappings of
    which at least one has an `image` or `build`."""
    for document in sequence(documents):
        if not isinstance(document, dict) or is_kubernetes_object(document):
            continue
        services = document.get("services")
        if not isinstance(services, dict):
            continue
        entries = [(str(name), svc) for name, svc in services.items() if isinstance(svc, dict)]
        if any("image" in svc or "build" in svc for _, svc in entries):
            yield from entries


def compose_healthcheck_command(service: dict) -> str | None:
    """The healthcheck test command as text; None when there is none or it is disabled."""
    check = service.get("healthcheck")
    if not isinstance(check, dict) or check.get("disable") is True:
        return None
    test = check.get("test")
    if isinstance(test, list):
        words = [str(word) for word in test]
        if not words or words[0].upper() == "NONE":
            return None
        return " ".join(words[1:] if words[0].upper() in ("CMD", "CMD-SHELL") else words)
    if isinstance(test, str) and test.strip():
        return test
    return None


# ---------------------------------------------------------------------------------------------
# Dockerfiles


@dataclass(frozen=True, slots=True)
class BaseImage:
    image: str           # as written, variables unexpanded
    alias: str           # lower-case stage name after AS, "" when none


def parse_from(value: str) -> BaseImage:
    words = [w for w in value.split() if not w.startswith("--")]
    image = words[0] if words else ""
    alias = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else ""
    return BaseImage(image, alias)


def dev_only_name(name: str) -> bool:
    return any(word in DEV_WORDS for word in re.split(r"[.\-_:]", name.lower()))


def shipped_stage(instructions: list) -> int | None:
    """The stage that ships: the last one, unless it is a development stage (`FROM base AS dev`,
    production then builds an earlier `--target`): then the last stage not named for development.
    None when there is no stage, or every stage is a development one."""
    froms = [i for i in instructions if i.keyword == "FROM"]
    for instruction in reversed(froms):
        if not dev_only_name(parse_from(instruction.value).alias):
            return instruction.stage
    return None


def effective_healthcheck(instructions: list, stage: int) -> object | None:
    """The HEALTHCHECK instruction in force for the image of `stage`, following `FROM <stage>`
    chains; None when there is none or the last one is `HEALTHCHECK NONE`."""
    froms = [i for i in instructions if i.keyword == "FROM"]
    if not 0 <= stage < len(froms):
        return None
    stage_of_alias = {parse_from(f.value).alias: f.stage for f in froms if parse_from(f.value).alias}
    visited = set()
    while stage not in visited:
        visited.add(stage)
        checks = [i for i in instructions if i.stage == stage and i.keyword == "HEALTHCHECK"]
        if checks:
            last = checks[-1]
            return None if last.value.strip().upper() == "NONE" else last
        parent = stage_of_alias.get(parse_from(froms[stage].value).image.lower())
        if parent is None or parent >= stage:
            return None
        stage = parent
    return None


def healthcheck_command(value: str) -> str:
    """The command of `HEALTHCHECK [--options] CMD <command>`."""
    match = re.search(r"(?:^|\s)CMD\s+(.*)$", value, re.IGNORECASE | re.DOTALL)
    return match.group(1) if match else ""


# ---------------------------------------------------------------------------------------------
# URLs in healthcheck commands


@dataclass(frozen=True, slots=True)
class HealthUrl:
    path: str
    port: str


def local_urls(command: str) -> list[HealthUrl]:
    """URLs of a healthcheck command that point at the container itself or a sibling service."""
    found = []
    for match in _URL.finditer(command):
        host = match.group("host").lower()
        if not (host in _LOOPBACK or "$" in host or "." not in host):
            continue
        path = re.split(r"[?#]", match.group("path") or "/", maxsplit=1)[0] or "/"
        default_port = "443" if match.group(0).lower().startswith("https") else "80"
        found.append(HealthUrl(path, match.group("port") or default_port))
    return found


# ---------------------------------------------------------------------------------------------
# The extractors


def extract_dockerfile(parsed, builder) -> None:
    instructions = parsed.tree or []
    stage = shipped_stage(instructions)
    if stage is None:
        return
    final = [i for i in instructions if i.keyword == "FROM"][stage]
    base = parse_from(final.value)
    detail = f"{base.image} AS {base.alias}" if base.alias else base.image
    builder.signals.append(Signal("dockerfile-final-stage", Location.at(parsed.path, final.line), detail))
    check = effective_healthcheck(instructions, stage)
    if check is None:
        return
    where = Location.at(parsed.path, check.line)
    builder.signals.append(Signal("dockerfile-healthcheck", where))
    builder.signals.append(Signal("container-healthcheck", where, "dockerfile"))
    for url in local_urls(healthcheck_command(check.value)):
        builder.probes.append(Probe(url.path, url.port, "docker-healthcheck", where))


def extract_yaml(parsed, builder) -> None:
    documents = parsed.tree
    _kubernetes_facts(parsed.path, documents, builder)
    _compose_facts(parsed.path, documents, builder)
    if PurePosixPath(parsed.path).name.lower() in KUSTOMIZATION_NAMES:
        _kustomize_facts(parsed.path, documents, builder)
    _skaffold_facts(parsed.path, documents, builder)


def _kubernetes_facts(path: str, documents: object, builder) -> None:
    for workload in workloads(documents):
        if workload.kind in LONG_RUNNING_KINDS:
            builder.signals.append(Signal("kubernetes-workload", Location.at(path, workload.line),
                                          f"{workload.kind}/{workload.name}"))
        for container in containers_of(workload.pod_spec, include_init=True):
            image = container.spec.get("image")
            if isinstance(image, str) and image.strip():
                builder.signals.append(Signal("kubernetes-image",
                                              Location.at(path, line_of(container.spec, "image")),
                                              image.strip()))
            if not container.init:
                _probe_facts(path, container, builder)


def _probe_facts(path: str, container: Container, builder) -> None:
    for kind in PROBE_KINDS:
        key = f"{kind}Probe"
        probe = container.spec.get(key)
        if not isinstance(probe, dict):
            continue
        builder.signals.append(Signal("container-healthcheck",
                                      Location.at(path, line_of(container.spec, key)), "kubernetes"))
        http = probe.get("httpGet")
        if not isinstance(http, dict):
            continue
        probe_path = http.get("path")
        probe_path = probe_path if isinstance(probe_path, str) and probe_path.strip() else "/"
        port = http.get("port")
        where = Location.at(path, line_of(http, "path") if "path" in http else line_of(probe, "httpGet"))
        builder.probes.append(Probe(probe_path.strip(), "" if port is None else str(port), kind, where))


def _compose_facts(path: str, documents: object, builder) -> None:
    for _, service in compose_services(documents):
        command = compose_healthcheck_command(service)
        if command is None:
            continue
        where = Location.at(path, line_of(service, "healthcheck"))
        detail = "compose-build" if "build" in service else "compose-image"
        builder.signals.append(Signal("container-healthcheck", where, detail))
        dockerfile = compose_dockerfile(path, service.get("build"))
        if dockerfile:
            builder.signals.append(Signal("compose-build-healthcheck", where, dockerfile))
        for url in local_urls(command):
            builder.probes.append(Probe(url.path, url.port, "docker-healthcheck", where))


def compose_dockerfile(compose_path: str, build: object) -> str:
    """The Dockerfile a compose `build:` uses, relative to the scan root ("" when unknown)."""
    if not isinstance(build, (str, dict)):
        return ""
    context, dockerfile = (build, "Dockerfile") if isinstance(build, str) else \
        (mapping(build).get("context", "."), mapping(build).get("dockerfile", "Dockerfile"))
    if not isinstance(context, str) or not isinstance(dockerfile, str) or "://" in context \
            or context.startswith("git@"):
        return ""
    base = posixpath.dirname(compose_path)
    return posixpath.normpath(posixpath.join(base, context.strip(), dockerfile.strip()))


def _kustomize_facts(path: str, documents: object, builder) -> None:
    for document in sequence(documents):
        images = mapping(document).get("images")
        for index, entry in enumerate(sequence(images)):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue
            tag = entry.get("newTag")
            pinned = (isinstance(entry.get("digest"), str)
                      or (tag is not None and str(tag).strip() not in ("", "latest")))
            if pinned:
                line = images.item_lines[index] if hasattr(images, "item_lines") else line_at(entry)
                builder.signals.append(Signal("image-set-at-deploy", Location.at(path, line),
                                              entry["name"]))


def _skaffold_facts(path: str, documents: object, builder) -> None:
    """Skaffold builds each artifact and deploys it under an immutable tag it computes."""
    for document in sequence(documents):
        if not (is_kubernetes_object(document) and document["apiVersion"].startswith("skaffold/")):
            continue
        builds = [mapping(document.get("build"))]
        builds += [mapping(mapping(p).get("build")) for p in sequence(document.get("profiles"))]
        for build in builds:
            for artifact in sequence(build.get("artifacts")):
                image = mapping(artifact).get("image")
                if isinstance(image, str) and image.strip():
                    builder.signals.append(Signal("image-set-at-deploy",
                                                  Location.at(path, line_of(artifact, "image")),
                                                  image.strip()))


EXTRACTORS = (
    Extractor("deployment-dockerfile", extract_dockerfile, languages=("dockerfile",)),
    Extractor("deployment-yaml", extract_yaml, languages=("yaml",), kinds=("config", "deployment")),
)
