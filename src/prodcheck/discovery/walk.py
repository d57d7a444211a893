"""Walk the scanned tree: honour .gitignore files and configured excludes, skip vendored and
generated trees, stay inside the root, survive symlink loops and unreadable directories."""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import pathspec

from prodcheck.config import Config
from prodcheck.discovery.classify import SourceFile, classify
from prodcheck.model import Diagnostic

SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "bower_components", "jspm_packages", "__pycache__",
    ".venv", "venv", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "dist",
    "build", ".next", ".nuxt", ".cache", "coverage", ".coverage", "htmlcov", "site-packages",
    "vendor", "third_party", ".terraform", ".idea", ".vscode", ".eggs", "target", ".gradle",
    ".prodcheck-cache",
})
GENERATED_SUFFIXES = (".min.js", ".bundle.js", ".pb.go", "_pb2.py", "_pb2_grpc.py", ".gen.go",
                      ".generated.ts", ".d.ts")
BINARY_SNIFF_BYTES = 8192
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def discover(root: Path, config: Config) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Every file under `root` that prodcheck reads, sorted by path, and the problems met."""
    root = root.resolve()
    diagnostics: list[Diagnostic] = []
    if root.is_file():
        single = _source_file(str(root), None, root.name, config, diagnostics)
        return ([single] if single else []), diagnostics
    excludes = pathspec.GitIgnoreSpec.from_lines(config.exclude) if config.exclude else None
    includes = pathspec.GitIgnoreSpec.from_lines(config.include) if config.include else None
    files: list[SourceFile] = []
    walk = _Walk(root, excludes, includes, config, files, diagnostics, set())
    walk.directory(str(root), "", [])
    files.sort(key=lambda f: f.path)
    return files, diagnostics


@dataclass
class _Walk:
    """One discovery: plain string paths and `os.scandir` entries (pathlib objects for every one of
    tens of thousands of entries cost more than the walk itself)."""
    root: Path
    excludes: pathspec.PathSpec | None
    includes: pathspec.PathSpec | None
    config: Config
    files: list[SourceFile]
    diagnostics: list[Diagnostic]
    seen_dirs: set[tuple[int, int]]

    def directory(self, path: str, rel: str, ignores: list[tuple[str, pathspec.PathSpec]]) -> None:
        try:
            info = os.stat(path)
        except OSError as exc:
            self.diagnostics.append(Diagnostic(display_path(rel) or ".", "unreadable",
                                               f"cannot read directory: {exc.strerror}"))
            return
        key = (info.st_dev, info.st_ino)
        if key in self.seen_dirs:
            self.diagnostics.append(Diagnostic(display_path(rel), "symlink-loop",
                                               "directory already visited through a symlink; skipped"))
            return
        self.seen_dirs.add(key)
        try:
            with os.scandir(path) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            self.diagnostics.append(Diagnostic(display_path(rel) or ".", "unreadable",
                                               f"cannot list directory: {exc.strerror}"))
            return
        ignores = self._with_gitignore(path, rel, ignores)
        for entry in entries:
            self.entry(path, entry, f"{rel}/{entry.name}" if rel else entry.name, ignores)

    def _with_gitignore(self, path: str, rel: str,
                        ignores: list[tuple[str, pathspec.PathSpec]]) -> list[tuple[str, pathspec.PathSpec]]:
        gitignore = os.path.join(path, ".gitignore")
        if not os.path.isfile(gitignore):
            return ignores
        try:
            with open(gitignore, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
        except OSError:
            return ignores
        return ignores + [(rel, pathspec.GitIgnoreSpec.from_lines(lines))]

    def entry(self, parent: str, entry: os.DirEntry, rel: str,
              ignores: list[tuple[str, pathspec.PathSpec]]) -> None:
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=True)
        except OSError:
            self.diagnostics.append(Diagnostic(display_path(rel), "unreadable", "cannot stat"))
            return
        if is_link and _inside_root(self.root, Path(entry.path)) is None:
            if os.path.lexists(entry.path) and not os.path.exists(entry.path):
                self.diagnostics.append(Diagnostic(display_path(rel), "broken-symlink",
                                                   "symlink target does not exist; skipped"))
            else:
                self.diagnostics.append(Diagnostic(display_path(rel), "symlink-outside-root",
                                                   "symlink points outside the scanned tree; not followed"))
            return
        if _ignored(rel, is_dir, ignores) or (self.excludes and _matches(self.excludes, rel, is_dir)):
            return
        if is_dir:
            if entry.name in SKIPPED_DIRS or os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                return
            self.directory(entry.path, rel, ignores)
            return
        if self.includes and not self.includes.match_file(rel):
            return
        if entry.name.endswith(GENERATED_SUFFIXES):
            return
        source = _source_file(entry.path, entry, rel, self.config, self.diagnostics)
        if source:
            self.files.append(source)


def _source_file(path: str, entry: os.DirEntry | None, rel: str, config: Config,
                 diagnostics: list[Diagnostic]) -> SourceFile | None:
    kind = classify(rel)
    if kind is None:
        return None
    language, file_kind = kind
    rel = display_path(rel)
    try:
        info = entry.stat() if entry is not None else os.stat(path)
    except OSError as exc:
        diagnostics.append(Diagnostic(rel, "unreadable", f"cannot stat: {exc.strerror}"))
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    if info.st_size > config.max_file_size:
        diagnostics.append(Diagnostic(rel, "file-too-large",
                                      f"{info.st_size} bytes is over the {config.max_file_size}-byte limit "
                                      "(max-file-size); not scanned"))
        return None
    return SourceFile(rel, path, language, file_kind, info.st_size, info.st_mtime_ns)


def display_path(rel: str) -> str:
    """A relative path as reports show it. POSIX names are bytes: undecodable ones (lone surrogates
    that no encoder accepts) become `\\xNN`, control characters (a newline in a name) escapes."""
    try:
        shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        shown = rel.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), shown)


def _inside_root(root: Path, link: Path) -> Path | None:
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return target if target == root or root in target.parents else None


def _ignored(rel: str, is_dir: bool, ignores: list[tuple[str, pathspec.PathSpec]]) -> bool:
    for base, spec in ignores:
        if base and not rel.startswith(base + "/"):
            continue
        local = rel[len(base) + 1:] if base else rel
        if _matches(spec, local, is_dir):
            return True
    return False


def _matches(spec: pathspec.PathSpec, rel: str, is_dir: bool) -> bool:
    return spec.match_file(rel + "/" if is_dir else rel)
