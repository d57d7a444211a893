"""Decide what a file is (language and kind) from its name alone; contents are read later."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str            # POSIX, relative to the scan root
    abspath: str
    language: str
    kind: str
    size: int
    mtime_ns: int = 0    # when discovery saw it: the cache trusts a file whose size and mtime are unchanged


_BY_SUFFIX = {
    ".py": "python", ".pyi": "python",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".ts": "typescript", ".tsx": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".go": "go",
    ".sql": "sql",
    ".yaml": "yaml", ".yml": "yaml",
    ".toml": "toml",
    ".json": "json",
    ".proto": "proto",
    ".graphql": "graphql", ".graphqls": "graphql", ".gql": "graphql",
    ".prisma": "prisma",
    ".md": "markdown",
    ".cfg": "ini", ".ini": "ini",
    ".txt": "text",
    ".sh": "shell",
    ".tf": "hcl",
    ".pem": "pem", ".key": "pem",
}

_BY_NAME = {
    "dockerfile": "dockerfile", "containerfile": "dockerfile",
    "procfile": "procfile",
    "go.mod": "gomod", "go.sum": "gosum",
    "pipfile": "toml", "pipfile.lock": "json",
    "poetry.lock": "toml", "uv.lock": "toml", "cargo.toml": "toml",
    "yarn.lock": "text", "pnpm-lock.yaml": "yaml", "package-lock.json": "json",
    "gemfile": "text", "mix.exs": "text", "pom.xml": "xml", "build.gradle": "text",
    "build.gradle.kts": "text", "makefile": "make", ".dockerignore": "text", ".gitignore": "text",
    "id_rsa": "pem", "id_dsa": "pem", "id_ecdsa": "pem", "id_ed25519": "pem",
    ".npmrc": "ini", ".pypirc": "ini",
    "bun.lock": "text", "program.cs": "csharp",
}
_PROJECT_SUFFIXES = frozenset({".csproj", ".fsproj"})      # .NET project files: manifests

MANIFESTS = frozenset({
    "pyproject.toml", "setup.py", "setup.cfg", "pipfile", "package.json", "go.mod", "cargo.toml",
    "pom.xml", "build.gradle", "build.gradle.kts", "gemfile", "mix.exs", "composer.json",
})
LOCKFILES = frozenset({
    "poetry.lock", "uv.lock", "pipfile.lock", "pdm.lock", "package-lock.json", "yarn.lock",
    "pnpm-lock.yaml", "npm-shrinkwrap.json", "bun.lockb", "go.sum", "cargo.lock", "gemfile.lock",
    "bun.lock",
})
STANDARDS = frozenset({
    "contributing.md", "claude.md", "constitution.md", "agents.md", ".editorconfig",
    ".eslintrc", ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yml",
    "eslint.config.js", "eslint.config.mjs", ".prettierrc", ".prettierrc.json", "ruff.toml",
    ".ruff.toml", ".flake8", "mypy.ini", ".golangci.yml", ".golangci.yaml", "tsconfig.json",
    ".pre-commit-config.yaml", "codeowners",
})

_TEST_DIRS = frozenset({"tests", "test", "__tests__", "spec", "specs", "testdata", "e2e"})


def classify(path: str) -> tuple[str, str] | None:
    """(language, kind) for a relative POSIX path, or None when prodcheck has nothing to read in it."""
    directories, _, base = path.rpartition("/")
    name = base.lower()
    suffix = _suffix(name)
    language = _BY_NAME.get(name)
    if language is None:
        if name.endswith(".dockerfile") or (name.startswith(("dockerfile.", "containerfile."))
                                            and suffix not in _BY_SUFFIX):   # not dockerfile.py
            language = "dockerfile"
        elif name == ".env" or name.startswith(".env.") or name.endswith(".env"):
            language = "env"
        elif name.startswith("requirements") and name.endswith((".txt", ".in")):
            language = "requirements"
        elif suffix in _PROJECT_SUFFIXES:
            language = "xml"
        else:
            language = _BY_SUFFIX.get(suffix)
    if language is None and name in STANDARDS:        # dotfiles: .flake8, .editorconfig, CODEOWNERS
        language = "text"
    if language is None:
        return None
    return language, _kind(directories, name, suffix, language)


def _suffix(name: str) -> str:
    """The file name's last suffix, as `PurePosixPath.suffix` reads it ("" for `.env`, `a.`)."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _kind(directories: str, name: str, suffix: str, language: str) -> str:
    parts = {p for p in directories.lower().split("/") if p not in ("", ".")}
    if name in LOCKFILES:
        return "lockfile"
    if name in MANIFESTS or language == "requirements" or suffix in _PROJECT_SUFFIXES:
        return "manifest"
    if name in STANDARDS or (language == "markdown" and name in STANDARDS):
        return "standards"
    if language == "markdown":
        return "docs"
    if language in ("dockerfile", "procfile") or name.startswith(("docker-compose", "compose.")):
        return "deployment"
    if _is_test(name, suffix, parts):
        return "test"
    if "migrations" in parts or "migrate" in parts or "versions" in parts and "alembic" in parts:
        return "migration"
    if language in ("yaml", "toml", "json", "ini", "env", "hcl", "pem"):
        return "config"
    return "source"


def _is_test(name: str, suffix: str, parts: set[str]) -> bool:
    if parts & _TEST_DIRS:
        return True
    stem = name[: len(name) - len(suffix)] if suffix else name
    return (name.endswith("_test.go") or stem.startswith("test_") or stem.endswith("_test")
            or ".test." in name or ".spec." in name or name == "conftest.py")
