"""
## What it does
Flags a Python project (a `pyproject.toml`, `setup.cfg`, `setup.py`, `Pipfile` or
`requirements*.txt` whose directory holds Python sources) that has no linter set up, neither in its
own directory nor in a parent directory of the repository (a monorepo root): no `ruff.toml`,
`.ruff.toml`, `.flake8` or `.pylintrc`; no `[tool.ruff]`, `[tool.pylint]` or `[tool.flake8]`-style
table and no lint tool named in `pyproject.toml`, `setup.cfg`, `tox.ini`, `Pipfile`, a
`Makefile` or `noxfile.py`; no Ruff, flake8 or Pylint hook in `.pre-commit-config.yaml`; no CI
workflow that runs one; and no lint package (`ruff`, `flake8`, `pylint`, `pyflakes`,
`pycodestyle`, `pylama`, `prospector`, `wemake-python-styleguide`, a `flake8-*` plugin, or
`pre-commit`, whose hooks usually run one) among the dependencies. One
finding per project, on its manifest. The message also says when no formatter (black, Ruff's
formatter) is configured either.

## Why it matters
A linter catches the bugs a review misses: an unused import hiding a typo, a name used before it
is assigned in one branch, a bare `except:` that swallows `KeyboardInterrupt`, a mutable default
argument, an f-string without placeholders, a comparison to `None` with `==`. Without one, each of
these reaches production, and code reviews spend their time on formatting instead of design.

## Example
    ==> .gitignore <==
    __pycache__/
    ==> pyproject.toml <==
    [project]
    name = "orders-api"
    version = "1.0.0"
    dependencies = ["fastapi>=0.110", "uvicorn>=0.29"]
    ==> app/main.py <==
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/health")
    def health():
        return {"status": "ok"}

## Use instead
    ==> .gitignore <==
    __pycache__/
    ==> pyproject.toml <==
    [project]
    name = "orders-api"
    version = "1.0.0"
    dependencies = ["fastapi>=0.110", "uvicorn>=0.29"]

    [dependency-groups]
    dev = ["ruff>=0.6", "pytest>=8"]

    [tool.ruff.lint]
    select = ["E", "F", "B", "UP"]
    ==> app/main.py <==
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/health")
    def health():
        return {"status": "ok"}

## Known limitations
A lint tool named anywhere in the project's tool files counts even when its configuration cannot
be found (it may run with its defaults), and the configuration's content (which rules are on) is
not judged. `.pylintrc` and `pylintrc` files are not discovered by the scan, so a project set up
only with one of them (and Pylint installed outside its manifests) is reported. Projects under
examples, docs, scripts and similar tooling directories, and manifests without Python sources, are
not checked. Because these linters also read settings from parent directories, nothing is reported
when the scanned directory does not look like a repository root (no top-level `.gitignore`, CI
workflow or pre-commit file): the lint set-up may live above it.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from prodcheck.facts.extractors.python_quality_signals import FORMAT_SIGNAL, LINT_SIGNAL, is_ci_path
from prodcheck.facts.stack import ancestor_dirs, owner
from prodcheck.model import Area, Confidence, Location
from prodcheck.rules.base import ProjectRule

LINT_FILES = frozenset({"ruff.toml", ".ruff.toml", ".flake8", ".pylintrc", "pylintrc", ".pylintrc.toml",
                        ".prospector.yaml", ".prospector.yml", ".pylama.ini"})
FORMAT_FILES = frozenset({"ruff.toml", ".ruff.toml", ".style.yapf"})
LINT_PACKAGES = frozenset({"ruff", "flake8", "pylint", "pyflakes", "pycodestyle", "pylama", "prospector",
                           "wemake-python-styleguide", "flakeheaven", "flakehell", "pylint-django",
                           "flake8-bugbear", "pre-commit"})
FORMAT_PACKAGES = frozenset({"black", "ruff", "yapf", "autopep8"})
MANIFEST_ORDER = ("pyproject.toml", "setup.cfg", "setup.py", "pipfile")
TOOLING_DIRS = frozenset({"scripts", "script", "bin", "tools", "tool", "examples", "example", "docs", "doc",
                          "docs_src", "benchmarks", "benchmark", "bench", "fixtures", "samples", "sample",
                          "tests", "test", "testing", "demo", "demos", "tutorial", "tutorials", "notebooks",
                          "playground", "sandbox", "templates", "template", "vendor", "third_party",
                          "site-packages", "node_modules", ".venv", "venv"})
REPOSITORY_MARKERS = frozenset({".gitignore", ".gitlab-ci.yml", ".gitlab-ci.yaml", ".pre-commit-config.yaml",
                                ".travis.yml", "azure-pipelines.yml", "bitbucket-pipelines.yml"})
REQUIREMENT_DIRS = frozenset({"requirements", "reqs", "requirements.d", "deps"})


def _is_manifest(facts) -> bool:
    name = PurePosixPath(facts.path).name.lower()
    return name in MANIFEST_ORDER or facts.language == "requirements"


def _manifest_dir(path: str) -> str:
    """The project directory a manifest belongs to: `requirements/dev.txt` belongs to its parent."""
    parent = PurePosixPath(path).parent
    if parent.name.lower() in REQUIREMENT_DIRS:
        parent = parent.parent
    return str(parent)


def check(project, ctx):
    manifests: dict[str, list] = {}
    for facts in project.files:
        if _is_manifest(facts):
            manifests.setdefault(_manifest_dir(facts.path), []).append(facts)
    if not manifests or not _repository_root(project):
        return
    lint_dirs: set[str] = set()
    format_dirs: set[str] = set()
    for facts in project.files:
        name = PurePosixPath(facts.path).name.lower()
        directory = "." if is_ci_path(facts.path) else _manifest_dir(facts.path)
        if name in LINT_FILES:
            lint_dirs.add(directory)
        if name in FORMAT_FILES:
            format_dirs.add(directory)
        for signal in facts.signals:
            if signal.name == LINT_SIGNAL:
                lint_dirs.add(directory)
            elif signal.name == FORMAT_SIGNAL:
                format_dirs.add(directory)
        for dependency in facts.dependencies:
            if dependency.ecosystem != "pypi":
                continue
            package = dependency.name.lower().replace("_", "-")
            if package in LINT_PACKAGES or package.startswith("flake8-"):
                lint_dirs.add(directory)
            if package in FORMAT_PACKAGES:
                format_dirs.add(directory)
    roots = frozenset(manifests)
    owned: dict[str, int] = {}
    for facts in project.files:
        if facts.language != "python" or facts.kind != "source" or _tooling(facts.path):
            continue
        root = owner(facts.path, roots)
        if root is not None:
            owned[root] = owned.get(root, 0) + 1
    for directory in sorted(owned):
        if _tooling(f"{directory}/pyproject.toml"):
            continue
        chain = ancestor_dirs(directory)
        if any(d in lint_dirs for d in chain):
            continue
        manifest = _primary(manifests[directory])
        formatter = "" if any(d in format_dirs for d in chain) else "; no formatter (black, Ruff) either"
        count = owned[directory]
        yield ctx.finding(
            RULE, Location.at(manifest.path, 1),
            f"Python project `{manifest.path}` ({count} source file{'s' if count != 1 else ''}) has no lint "
            f"configuration (Ruff, flake8, Pylint){formatter}")


def _repository_root(project) -> bool:
    """Does the scan start at a repository root? Ruff, flake8 and Pylint look for their settings in
    parent directories too: when the scanned tree is a sub-directory of a repository (no top-level
    `.gitignore`, CI or pre-commit file), the lint set-up may sit above it, out of sight."""
    return any(f.path in REPOSITORY_MARKERS or f.path.startswith((".github/", ".circleci/"))
               for f in project.files)


def _primary(files: list):
    def rank(facts) -> tuple[int, str]:
        name = PurePosixPath(facts.path).name.lower()
        if name in MANIFEST_ORDER:
            return MANIFEST_ORDER.index(name), facts.path
        return len(MANIFEST_ORDER) + (name != "requirements.txt"), facts.path
    return min(files, key=rank)


def _tooling(path: str) -> bool:
    return any(part.lower() in TOOLING_DIRS for part in PurePosixPath(path).parts[:-1])


RULE = ProjectRule(
    id="PY-QUAL-002", slug="missing-lint-config", area=Area.QUAL,
    title="Python project without a linter",
    fix="Add Ruff as a dev dependency with a `[tool.ruff.lint]` table in pyproject.toml (or flake8/Pylint), "
        "run `ruff check` and `ruff format --check` in CI or a pre-commit hook.",
    rows=("ARCH-07",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="pyproject.toml", needs_languages=("python",), check=check,
)
