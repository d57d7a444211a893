"""Incremental re-scan: the per-file results of earlier scans, reused while nothing they depend on
has changed, and the taint phase's outcome, reused while its input is the same.

A per-file result depends on the file's own bytes, on the prodcheck code and rule selection that
produced it, and on a little context read from other files: which files exist (Python package
roots, JavaScript module resolution), and the content of configuration-like files next to it
(`go.mod`, `tsconfig.json`, a migration's down file). So the cache is split in *buckets* keyed by
the settings and that context (every discovered path, plus the content of every file that is not
Python, JavaScript/TypeScript or Go source); inside a bucket, a result is keyed by the file's path
and content hash. Editing a source file re-analyses that file only; adding or removing a file, or
editing a configuration file, starts a new bucket. The project phase (routes across files, project
rules) always runs again on the fresh and cached facts, so cross-file results are never stale.
The taint phase, the costly part of the project phase, is a function of the files' taint IR
(`FileFacts.functions`) and the taint rules only: its outcome is kept with a digest of that input
and reused when the digest is the same (an edit that leaves every function's IR as it was), and
the IR of cached files is then never even unpickled.

A bucket is one pack file (every entry as pickled bytes, read with one system call) rather than a
file per entry. Content hashes are remembered per scanned root with each file's size and
modification time, so a warm scan reads only the files whose size or mtime changed; a file written
within the last seconds before the hashes were saved is hashed again next time, so an edit in the
same clock tick as the save is not missed.

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
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from prodcheck import __version__
from prodcheck.discovery import SourceFile
from prodcheck.model import Diagnostic

FORMAT = "v2"
SOURCE_LANGUAGES = frozenset({"python", "javascript", "typescript", "go"})
UNCACHED_KINDS = frozenset({"timeout", "worker-crash", "analysis-error"})
MAX_BUCKETS = 8                          # per cache directory, least recently used dropped first
MAX_HASH_FILES = 32                      # remembered hashes, one file per scanned root (review scans
                                         # check the base out in a new temporary directory each time)
RACY_SECONDS = 2                         # files modified this close to a save are hashed again
PACK = "results.pack"
TAINT = "taint.pickle"
_DEPENDENCIES = ("tree-sitter", "tree-sitter-javascript", "tree-sitter-typescript", "tree-sitter-go",
                 "pglast", "PyYAML")


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "prodcheck"


@dataclass(frozen=True, slots=True)
class PackedResult:
    """A file's result as a scan keeps it: the result with its facts' taint IR taken out, and that
    IR pickled on its own (b"" when the file has none) with its digest. The IR is most of a
    result's bytes and only the few files the taint phase needs are unpickled (taint/slicing.py).
    `packed` is the result itself pickled, when at hand (from a worker or the cache)."""
    result: object
    functions: bytes
    functions_digest: str
    packed: bytes | None = None

    @classmethod
    def from_bytes(cls, packed: bytes, functions: bytes, functions_digest: str) -> PackedResult:
        return cls(pickle.loads(packed), functions, functions_digest, packed)

    def to_bytes(self) -> tuple[bytes, bytes, str]:
        return self.pickled(), self.functions, self.functions_digest

    def pickled(self) -> bytes:
        return self.packed if self.packed is not None else pickle.dumps(self.result, protocol=pickle.HIGHEST_PROTOCOL)

    def function_summaries(self) -> tuple:
        return pickle.loads(self.functions) if self.functions else ()

    def unpacked(self):
        """The whole result, its facts with their taint IR."""
        if not self.functions:
            return self.result
        return replace(self.result, facts=replace(self.result.facts, functions=self.function_summaries()))


def pack(result) -> PackedResult:
    functions = result.facts.functions
    if not functions:
        return PackedResult(result, b"", "")
    blob = pickle.dumps(functions, protocol=pickle.HIGHEST_PROTOCOL)
    return PackedResult(replace(result, facts=replace(result.facts, functions=())), blob,
                        hashlib.blake2b(blob, digest_size=16).hexdigest())


@dataclass(frozen=True, slots=True)
class Entry:
    """One file's cached result (a `PackedResult` as bytes) and the content hash it belongs to."""
    content_hash: str
    result: bytes
    functions: bytes
    functions_digest: str


@dataclass
class ResultCache:
    """The bucket of one scan: `lookup` before the per-file phase, `store` after it, and the taint
    outcome (`taint_outcome`/`store_taint`) in the project phase."""
    directory: Path                               # the bucket's directory
    stats: dict[str, tuple[int, int, str]]        # path -> size, mtime, content hash (this scan's files)
    manifest: Path | None = None                  # where the hashes of this root are remembered
    remembered: dict = field(default_factory=dict)   # the hashes as the manifest held them
    entries: dict[str, Entry] = field(default_factory=dict)    # path -> entry, valid for this scan
    diagnostics: list[Diagnostic] = field(default_factory=list)
    readable: bool = True                         # False: the bucket belongs to someone else

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
        base = directory / FORMAT
        manifest = base / "hashes" / (hashlib.blake2b(os.fsencode(root), digest_size=16).hexdigest() + ".pickle")
        known = _read_owned(manifest)
        known = known if isinstance(known, dict) else {}
        stats: dict[str, tuple[int, int, str]] = {}
        for source in files:
            seen = known.get(source.path)
            unchanged = isinstance(seen, tuple) and len(seen) == 3 and seen[:2] == (source.size, source.mtime_ns)
            if unchanged and source.mtime_ns:
                stats[source.path] = seen
            elif (digest := _content_hash(source)) is not None:
                stats[source.path] = (source.size, source.mtime_ns, digest)
        cache = cls(base / _bucket_key(files, stats, rule_ids), stats, manifest, known)
        cache._load()
        loaded, cache.diagnostics = cache.diagnostics, []
        return cache, loaded

    def content_hash(self, path: str) -> str | None:
        stat = self.stats.get(path)
        return stat[2] if stat is not None else None

    def lookup(self, source: SourceFile) -> PackedResult | None:
        entry = self.entries.get(source.path)
        if entry is None:
            return None
        try:
            return PackedResult.from_bytes(entry.result, entry.functions, entry.functions_digest)
        except Exception as exc:  # a damaged entry: analyse the file again
            self.diagnostics.append(Diagnostic(".", "cache", f"unreadable cache entry for {source.path}: "
                                                             f"{type(exc).__name__}; analysed again"))
            del self.entries[source.path]
            return None

    def store(self, results: list[PackedResult]) -> None:
        """Make the bucket hold exactly the results of this scan (cached ones kept as they were
        read); failures become a diagnostic, never an error."""
        try:
            wanted: dict[str, Entry] = {}
            for packed in results:
                path = packed.result.facts.path
                digest = self.content_hash(path)
                if digest is None or any(d.kind in UNCACHED_KINDS for d in packed.result.diagnostics):
                    continue
                entry = self.entries.get(path)
                if entry is None or entry.content_hash != digest:
                    entry = Entry(digest, packed.pickled(), packed.functions, packed.functions_digest)
                wanted[path] = entry
            changed = wanted != self.entries
            self.entries = wanted
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            if changed or not (self.directory / PACK).exists():
                _write(self.directory / PACK, {path: tuple(_fields(e)) for path, e in wanted.items()})
            os.utime(self.directory)                   # recently used: pruned last
            self._prune()
            self._save_hashes()
        except (OSError, pickle.PicklingError) as exc:
            self.diagnostics.append(Diagnostic(".", "cache", f"cannot write the cache in {self.directory}: {exc}"))

    def taint_outcome(self, key: str):
        """The taint phase's outcome stored under `key`, or None."""
        stored = _read_owned(self.directory / TAINT) if self.readable else None
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key:
            return stored[1]
        return None

    def store_taint(self, key: str, outcome) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            _write(self.directory / TAINT, (key, outcome))
        except (OSError, pickle.PicklingError) as exc:
            self.diagnostics.append(Diagnostic(".", "cache", f"cannot write the cache in {self.directory}: {exc}"))

    def _load(self) -> None:
        if not self.directory.is_dir():
            return
        if hasattr(os, "getuid") and self.directory.stat().st_uid != os.getuid():
            self.readable = False
            self.diagnostics.append(Diagnostic(".", "cache", f"{self.directory} belongs to another user; not read"))
            return
        try:
            with open(self.directory / PACK, "rb") as handle:
                packed = pickle.load(handle)
            entries = {path: Entry(*fields) for path, fields in packed.items()}
        except FileNotFoundError:
            return
        except Exception as exc:  # a truncated or foreign pack: analyse the files again
            self.diagnostics.append(Diagnostic(".", "cache", f"unreadable cache in {self.directory}: "
                                                             f"{type(exc).__name__}; files analysed again"))
            return
        self.entries = {path: entry for path, entry in entries.items()
                        if self.content_hash(path) == entry.content_hash}

    def _save_hashes(self) -> None:
        if self.manifest is None:
            return
        recent = time.time_ns() - RACY_SECONDS * 1_000_000_000
        trusted = {path: stat for path, stat in self.stats.items() if stat[1] and stat[1] < recent}
        if trusted == self.remembered:
            return
        self.manifest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write(self.manifest, trusted)
        kept = sorted(self.manifest.parent.glob("*.pickle"), key=_mtime, reverse=True)
        for stale in kept[MAX_HASH_FILES:]:
            stale.unlink(missing_ok=True)

    def _prune(self) -> None:
        buckets = sorted((p for p in self.directory.parent.iterdir() if p.is_dir() and p.name != "hashes"),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in buckets[MAX_BUCKETS:]:
            shutil.rmtree(stale, ignore_errors=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:              # removed meanwhile by another scan
        return 0.0


def _fields(entry: Entry) -> tuple:
    return entry.content_hash, entry.result, entry.functions, entry.functions_digest


def _write(target: Path, value) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# What unpickling a damaged or foreign file raises (the pickle docs list these, "not necessarily
# limited to"; ValueError and TypeError come from bad opcodes' arguments).
UNPICKLING_ERRORS = (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, ValueError,
                     TypeError)


def _read_owned(path: Path):
    """The pickle at `path` when it exists and belongs to the current user, else None (missing,
    truncated or foreign: as if there were nothing)."""
    try:
        with open(path, "rb") as handle:
            if hasattr(os, "getuid") and os.fstat(handle.fileno()).st_uid != os.getuid():
                return None
            return pickle.load(handle)
    except (OSError, *UNPICKLING_ERRORS):
        return None


def _content_hash(source: SourceFile) -> str | None:
    try:
        with open(source.abspath, "rb") as handle:
            return hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
    except OSError:
        return None


def _bucket_key(files: list[SourceFile], stats: dict[str, tuple[int, int, str]], rule_ids: tuple[str, ...]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(_settings_fingerprint().encode())
    digest.update("\0".join(rule_ids).encode())
    for source in sorted(files, key=lambda s: s.path):
        digest.update(f"\0{source.path}\0{source.language}\0{source.kind}".encode())
        if source.language not in SOURCE_LANGUAGES:
            digest.update(stats[source.path][2].encode() if source.path in stats else b"unreadable")
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
