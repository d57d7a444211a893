"""Incremental re-scan: the per-file results of earlier scans, reused while nothing they depend on
has changed.

A per-file result depends on the file's own bytes, on the prodcheck code and rule selection that
produced it, and on a little context read from other files: which files exist (Python package
roots, JavaScript module resolution), and the content of configuration-like files next to it
(`go.mod`, `tsconfig.json`, a migration's down file). So the cache is split in *buckets* keyed by
the settings and that context (every discovered path, plus the content of every file that is not
Python, JavaScript/TypeScript or Go source); inside a bucket, a result is keyed by the file's path
and content hash. Editing a source file re-analyses that file only; adding or removing a file, or
editing a configuration file, starts a new bucket. The project phase (routes across files, taint
summaries joined across modules, project rules) always runs again on the fresh and cached facts,
so cross-file results are never stale.

The cache lives outside the scanned tree (by default in the user's cache directory) and is read
only when it belongs to the current user: a cache entry is a pickle, and a pickle from someone
else is code. Results of files that were stopped or lost (timeout, worker crash) are not kept.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from prodcheck import __version__
from prodcheck.discovery import SourceFile
from prodcheck.model import Diagnostic

FORMAT = "v1"
SOURCE_LANGUAGES = frozenset({"python", "javascript", "typescript", "go"})
UNCACHED_KINDS = frozenset({"timeout", "worker-crash", "analysis-error"})
MAX_BUCKETS = 8                          # per cache directory, least recently used dropped first
_DEPENDENCIES = ("tree-sitter", "tree-sitter-javascript", "tree-sitter-typescript", "tree-sitter-go",
                 "pglast", "PyYAML")


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "prodcheck"


@dataclass
class ResultCache:
    """The bucket of one scan (a directory of one pickle per file result): `lookup` before the
    per-file phase, `store` after it."""
    directory: Path                               # the bucket's directory
    hashes: dict[str, str]                        # path -> content hash, for the files of this scan
    found: dict[str, object] = field(default_factory=dict)     # path -> cached result
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @classmethod
    def open(cls, directory: Path, root: Path, files: list[SourceFile],
             rule_ids: tuple[str, ...]) -> tuple[ResultCache | None, list[Diagnostic]]:
        """The cache for this scan, or None when `directory` cannot be used (inside the scanned
        tree: prodcheck does not write there, and would read back what the repository ships)."""
        directory = directory.expanduser().resolve()
        root = root.resolve()
        if directory == root or root in directory.parents:
            return None, [Diagnostic(".", "cache", f"cache not used: {directory} is inside the scanned "
                                                   "tree; give --cache-dir outside it")]
        hashes = {source.path: digest for source in files if (digest := _content_hash(source)) is not None}
        cache = cls(directory / FORMAT / _bucket_key(files, hashes, rule_ids), hashes)
        cache._load()
        loaded, cache.diagnostics = cache.diagnostics, []
        return cache, loaded

    def lookup(self, source: SourceFile):
        return self.found.get(source.path)

    def store(self, results: list) -> None:
        """Write the results that are not in the bucket yet and drop the entries of files that are
        gone or changed; failures become a diagnostic, never an error."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            wanted = {}
            for result in results:
                path = result.facts.path
                digest = self.hashes.get(path)
                if digest is not None and not any(d.kind in UNCACHED_KINDS for d in result.diagnostics):
                    wanted[_entry_name(path, digest)] = result
            for name, result in wanted.items():
                if result.facts.path not in self.found:
                    self._write(name, result)
            for entry in os.scandir(self.directory):
                if entry.name.endswith(".pickle") and entry.name not in wanted:
                    os.unlink(entry.path)
            os.utime(self.directory)                   # recently used: pruned last
            self._prune()
        except (OSError, pickle.PicklingError) as exc:
            self.diagnostics.append(Diagnostic(".", "cache", f"cannot write the cache in {self.directory}: {exc}"))

    def _write(self, name: str, result) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self.directory / name)

    def _load(self) -> None:
        if not self.directory.is_dir():
            return
        if hasattr(os, "getuid") and self.directory.stat().st_uid != os.getuid():
            self.diagnostics.append(Diagnostic(".", "cache", f"{self.directory} belongs to another user; not read"))
            return
        for path, digest in self.hashes.items():
            target = self.directory / _entry_name(path, digest)
            try:
                with open(target, "rb") as handle:
                    result = pickle.load(handle)
            except FileNotFoundError:
                continue
            except Exception as exc:  # a truncated or foreign entry: analyse the file again
                self.diagnostics.append(Diagnostic(".", "cache", f"unreadable cache entry for {path}: "
                                                                 f"{type(exc).__name__}; analysed again"))
                continue
            if getattr(getattr(result, "facts", None), "path", None) == path:
                self.found[path] = result

    def _prune(self) -> None:
        buckets = sorted((p for p in self.directory.parent.iterdir() if p.is_dir()),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in buckets[MAX_BUCKETS:]:
            shutil.rmtree(stale, ignore_errors=True)


def _entry_name(path: str, digest: str) -> str:
    return hashlib.blake2b(f"{path}\0{digest}".encode(), digest_size=16).hexdigest() + ".pickle"


def _content_hash(source: SourceFile) -> str | None:
    try:
        with open(source.abspath, "rb") as handle:
            return hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
    except OSError:
        return None


def _bucket_key(files: list[SourceFile], hashes: dict[str, str], rule_ids: tuple[str, ...]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(_settings_fingerprint().encode())
    digest.update("\0".join(rule_ids).encode())
    for source in sorted(files, key=lambda s: s.path):
        digest.update(f"\0{source.path}\0{source.language}\0{source.kind}".encode())
        if source.language not in SOURCE_LANGUAGES:
            digest.update(hashes.get(source.path, "unreadable").encode())
    return digest.hexdigest()


def _settings_fingerprint() -> str:
    """What produced a result: prodcheck's version and code (a development checkout changes without
    a version bump), the parsers' versions and the interpreter."""
    from importlib import metadata
    package = Path(__file__).parent
    parts = [__version__, sys.version]
    for name in _DEPENDENCIES:
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=?")
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".toml", ".tsv", ".json") and "__pycache__" not in path.parts:
            status = path.stat()
            parts.append(f"{path.relative_to(package)}:{status.st_size}:{status.st_mtime_ns}")
    return "\n".join(parts)
