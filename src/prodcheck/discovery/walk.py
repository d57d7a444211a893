"""Walk the scanned tree: honour .gitignore files and configured excludes, skip vendored and
generated trees, stay inside the root, survive symlink loops and unreadable directories."""
from __future__ import annotations

import os
import re
import stat
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
        single = _source_file(root, root.name, config, diagnostics)
        return ([single] if single else []), diagnostics
    excludes = pathspec.GitIgnoreSpec.from_lines(config.exclude) if config.exclude else None
    includes = pathspec.GitIgnoreSpec.from_lines(config.include) if config.include else None
    files: list[SourceFile] = []
    seen_dirs: set[tuple[int, int]] = set()
    _walk(root, root, "", [], excludes, includes, config, files, diagnostics, seen_dirs)
    files.sort(key=lambda f: f.path)
    return files, diagnostics


def _walk(root: Path, directory: Path, rel: str, ignores: list[tuple[str, pathspec.PathSpec]],
          excludes, includes, config: Config, files: list[SourceFile],
          diagnostics: list[Diagnostic], seen_dirs: set[tuple[int, int]]) -> None:
    try:
        info = directory.stat()
    except OSError as exc:
        diagnostics.append(Diagnostic(display_path(rel) or ".", "unreadable",
                                      f"cannot read directory: {exc.strerror}"))
        return
    key = (info.st_dev, info.st_ino)
    if key in seen_dirs:
        diagnostics.append(Diagnostic(display_path(rel), "symlink-loop",
                                      "directory already visited through a symlink; skipped"))
        return
    seen_dirs.add(key)
    gitignore = directory / ".gitignore"
    if gitignore.is_file():
        try:
            lines = gitignore.read_text(encoding="utf-8", errors="replace").splitlines()
            ignores = ignores + [(rel, pathspec.GitIgnoreSpec.from_lines(lines))]
        except OSError:
            pass
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        diagnostics.append(Diagnostic(display_path(rel) or ".", "unreadable",
                                      f"cannot list directory: {exc.strerror}"))
        return
    for entry in entries:
        child_rel = f"{rel}/{entry.name}" if rel else entry.name
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=True)
        except OSError:
            diagnostics.append(Diagnostic(display_path(child_rel), "unreadable", "cannot stat"))
            continue
        if is_link:
            target = _inside_root(root, Path(entry.path))
            if target is None:
                if os.path.lexists(entry.path) and not os.path.exists(entry.path):
                    diagnostics.append(Diagnostic(display_path(child_rel), "broken-symlink",
                                                  "symlink target does not exist; skipped"))
                else:
                    diagnostics.append(Diagnostic(display_path(child_rel), "symlink-outside-root",
                                                  "symlink points outside the scanned tree; not followed"))
                continue
        if _ignored(child_rel, is_dir, ignores) or (excludes and _matches(excludes, child_rel, is_dir)):
            continue
        if is_dir:
            if entry.name in SKIPPED_DIRS or (directory / entry.name / "pyvenv.cfg").exists():
                continue
            _walk(root, Path(entry.path), child_rel, ignores, excludes, includes, config, files,
                  diagnostics, seen_dirs)
            continue
        if includes and not includes.match_file(child_rel):
            continue
        if entry.name.endswith(GENERATED_SUFFIXES):
            continue
        source = _source_file(Path(entry.path), child_rel, config, diagnostics)
        if source:
            files.append(source)


def _source_file(path: Path, rel: str, config: Config, diagnostics: list[Diagnostic]) -> SourceFile | None:
    kind = classify(rel)
    if kind is None:
        return None
    language, file_kind = kind
    rel = display_path(rel)
    try:
        info = path.stat()
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
    return SourceFile(rel, str(path), language, file_kind, info.st_size)


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
