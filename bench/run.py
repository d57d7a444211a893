#!/usr/bin/env python3
"""Side-by-side benchmark: prodcheck against bandit, ruff (S rules), semgrep and squawk, and
against a parse+walk floor, on real corpora downloaded from the package registries.

Run it with the Python that has prodcheck installed (the floor imports prodcheck's tree-sitter
grammars):

    python bench/run.py                      # set up, then benchmark every corpus, 3 repetitions
    python bench/run.py --corpus django --repeat 1 --semgrep-rules ~/semgrep-rules
    python bench/run.py --write-results      # also rewrite bench/RESULTS.md
    python bench/run.py --profile django     # cProfile of one single-process prodcheck scan
    python bench/run.py --memory --repeat 1  # peak memory of one scan of the Python corpora together

Everything it downloads or installs goes under the cache directory (default
~/.cache/prodcheck-bench, `--cache DIR`): a virtualenv with the peer tools, the downloaded
archives and the unpacked corpora. Outside it, only bench/RESULTS.md (`--write-results`) and the
`__pycache__` of the prodcheck package (`python -m compileall`, before any timing) are written.
prodcheck-edit edits one file of a corpus before each of its runs and restores it byte for byte.

Standard library only (the peers are installed into their own virtualenv by this script).
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
DEFAULT_CACHE = Path.home() / ".cache" / "prodcheck-bench"

# Peers, pinned so that two runs of the bench compare the same tools.
# semgrep 1.181.0: newer releases require a certifi that the index does not serve yet.
PEERS = ("bandit==1.9.4", "ruff==0.17.5", "semgrep==1.181.0", "squawk-cli==2.70.0")

TARGET_BANDIT = 5.0        # prodcheck >= 5x faster than bandit (Python corpus, all rules, cold)
TARGET_SEMGREP = 20.0      # prodcheck >= 20x faster than semgrep
TARGET_FLOOR = 3.0         # prodcheck's per-file phase <= 3x the parse+walk floor
TARGET_EDIT = 1.0          # warm re-scan after a one-file change of wagtail < 1 s, start-up included
TARGET_EDIT_CORPUS = "wagtail"
TARGET_MEMORY = 2**30      # peak memory < 1 GiB on ~1M LOC (the Python corpora together)
MEMORY_LOC = 1_000_000


@dataclass(frozen=True)
class Corpus:
    name: str
    source: str            # pypi, npm, deb
    spec: str              # NAME==VERSION, NAME@VERSION or the Debian package name
    language: str          # python, javascript (JS+TS) or go: selects semgrep rules
    subdir: str = ""       # inside the unpacked tree (deb)


CORPORA = (
    Corpus("django", "pypi", "django==5.2.19", "python"),
    Corpus("sqlalchemy", "pypi", "sqlalchemy==2.1.9", "python"),
    Corpus("flask", "pypi", "flask==3.1.3", "python"),
    Corpus("fastapi", "pypi", "fastapi==0.165.0", "python"),
    Corpus("starlette", "pypi", "starlette==1.10.0", "python"),
    Corpus("celery", "pypi", "celery==5.7.0", "python"),
    Corpus("wagtail", "pypi", "wagtail==8.0.1", "python"),   # the large Django project (~230k LOC)
    Corpus("express", "npm", "express@5.3.0", "javascript"),
    Corpus("nestjs-core", "npm", "@nestjs/core@12.5.1", "javascript"),
    Corpus("typeorm", "npm", "typeorm@1.1.1", "javascript"),
    Corpus("fastify", "npm", "fastify@5.12.8", "javascript"),
    Corpus("gin", "deb", "golang-github-gin-gonic-gin-dev", "go",
           "usr/share/gocode/src/github.com/gin-gonic/gin"),
)

# The Python corpora scanned together, as one tree, by `--memory` (the pseudo-corpus all-python).
MEMORY_CORPUS = "all-python"
MEMORY_CORPORA = ("django", "sqlalchemy", "celery", "wagtail", "flask", "fastapi", "starlette")

TOOLS = ("prodcheck", "prodcheck-warm", "prodcheck-edit", "bandit", "ruff", "semgrep", "squawk", "floor")
PY_SUFFIXES = (".py",)
JS_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts")
SEMGREP_DIRS = {"python": ("python",), "javascript": ("javascript", "typescript"), "go": ("go",)}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# set-up: peers and corpora
# --------------------------------------------------------------------------------------------

def peers_venv(cache: Path) -> Path:
    """A virtualenv with the pinned peers; reinstalled only when the pins change."""
    venv = cache / "peers-venv"
    stamp = venv / ".bench-peers"
    wanted = "\n".join(PEERS)
    if stamp.is_file() and stamp.read_text() == wanted:
        return venv
    log(f"[setup] installing {', '.join(PEERS)} into {venv}")
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["install", *PEERS], check=True)
    stamp.write_text(wanted)
    return venv


def _unpack_tar(archive: Path, dest: Path) -> Path:
    """Unpack a tarball into `dest` and return its single top directory (or `dest`)."""
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    entries = [p for p in dest.iterdir()]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else dest


def fetch_corpus(corpus: Corpus, cache: Path) -> Path | None:
    """Download and unpack one corpus (once); the path to scan, or None when unavailable."""
    base = cache / "corpora" / corpus.name
    stamp = base / ".bench-ok"
    if stamp.is_file():
        root = Path(stamp.read_text().strip())
        if root.is_dir():
            return root
    shutil.rmtree(base, ignore_errors=True)
    downloads = cache / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    log(f"[setup] fetching {corpus.spec}")
    if corpus.source == "pypi":
        with tempfile.TemporaryDirectory(dir=downloads) as tmp:
            subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "-q",
                            "download", "--no-deps", "--no-binary", ":all:", "-d", tmp, corpus.spec],
                           check=True)
            archives = sorted(Path(tmp).glob("*.tar.gz"))
            if not archives:
                raise SystemExit(f"pip download of {corpus.spec} gave no .tar.gz sdist")
            root = _unpack_tar(archives[0], base / "src")
    elif corpus.source == "npm":
        with tempfile.TemporaryDirectory(dir=downloads) as tmp:
            subprocess.run(["npm", "pack", "--silent", "--pack-destination", tmp, corpus.spec],
                           check=True, stdout=subprocess.DEVNULL)
            archives = sorted(Path(tmp).glob("*.tgz"))
            if not archives:
                raise SystemExit(f"npm pack of {corpus.spec} gave no tarball")
            root = _unpack_tar(archives[0], base / "src")
    elif corpus.source == "deb":
        if not shutil.which("apt-get") or not shutil.which("dpkg-deb"):
            log(f"[setup] note: apt-get/dpkg-deb not available; skipping the {corpus.name} corpus")
            return None
        with tempfile.TemporaryDirectory(dir=downloads) as tmp:
            got = subprocess.run(["apt-get", "download", corpus.spec], cwd=tmp,
                                 capture_output=True, text=True)
            debs = sorted(Path(tmp).glob("*.deb"))
            if got.returncode or not debs:
                log(f"[setup] note: apt-get download {corpus.spec} failed "
                    f"({got.stderr.strip()[-200:]}); skipping the {corpus.name} corpus")
                return None
            (base / "src").mkdir(parents=True)
            subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(base / "src")], check=True)
        root = base / "src" / corpus.subdir
        if not root.is_dir():
            log(f"[setup] note: {corpus.subdir} missing in {corpus.spec}; skipping")
            return None
    else:
        raise ValueError(corpus.source)
    # An empty .semgrepignore turns off semgrep's built-in ignore list (tests/, test/, ...), so
    # that every tool reads the same tree.
    (root / ".semgrepignore").write_text("")
    stamp.write_text(str(root) + "\n")
    return root


def semgrep_config(rules_dir: Path | None, language: str, cache: Path) -> Path | None:
    """The rule files of `rules_dir` for a corpus language, copied flat into the cache.

    A checkout of the semgrep-rules repository holds rules (YAML whose first key is `rules:`)
    next to test targets and CI files; only the rules of the language's top directories
    (python/, javascript/ + typescript/, go/) are kept, or every rule when those are absent."""
    if rules_dir is None:
        return None
    dest = cache / "semgrep-config" / language
    stamp = dest / ".bench-source"
    if stamp.is_file() and stamp.read_text() == str(rules_dir.resolve()):
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    tops = [rules_dir / d for d in SEMGREP_DIRS[language] if (rules_dir / d).is_dir()] or [rules_dir]
    count = 0
    for top in tops:
        for path in sorted(top.rglob("*.y*ml")):
            if path.suffix not in (".yaml", ".yml") or ".test." in path.name or ".fixed." in path.name:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            first = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
            if not first.startswith("rules:"):
                continue
            rel = path.relative_to(rules_dir)
            (dest / "__".join(rel.parts)).write_text(text)
            count += 1
    stamp.write_text(str(rules_dir.resolve()))
    log(f"[setup] semgrep: {count} {language} rule files from {rules_dir}")
    return dest


def compile_prodcheck(python: str) -> str:
    """Byte-compile the prodcheck package of `python`, as pip does at install for bandit and semgrep.

    Every run gets PYTHONDONTWRITEBYTECODE=1, so from a source checkout whose `__pycache__` is
    missing or stale prodcheck would compile its modules again in every run (about 0.5 s of CPU),
    a cost no installed tool pays. `compileall` only rewrites what is stale; it runs before the
    timings of each corpus, so an edit of the checkout during a long run is compiled too. Returns a
    sentence for the reports."""
    where = subprocess.run([python, "-c", "import prodcheck, os; print(os.path.dirname(prodcheck.__file__))"],
                           check=True, capture_output=True, text=True).stdout.strip()
    started = time.perf_counter()
    done = subprocess.run([python, "-m", "compileall", "-q", where], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    modules = sum(1 for _ in Path(where).rglob("*.py"))
    if done.returncode:
        log(f"[setup] warning: `{python} -m compileall -q {where}` exited {done.returncode}:\n"
            f"{(done.stdout + done.stderr)[-1500:]}")
        return (f"prodcheck's package ({modules} modules in {where}) was byte-compiled with `python -m "
                f"compileall -q` before timing, with errors (exit {done.returncode}): the modules that "
                "failed were compiled again in every run.")
    log(f"[setup] byte-compiled prodcheck ({modules} modules in {where}) in {seconds:.1f}s")
    return (f"prodcheck's package ({modules} modules) was byte-compiled before timing (`python -m "
            "compileall -q PACKAGE_DIR`, as pip does at install for the peers), so no run pays for "
            "compiling it (every run has PYTHONDONTWRITEBYTECODE=1).")


# --------------------------------------------------------------------------------------------
# what each tool reads
# --------------------------------------------------------------------------------------------

def nonblank_lines(path: Path) -> int:
    try:
        data = path.read_bytes()
    except OSError:
        return 0
    return sum(1 for line in data.splitlines() if line.strip())


def files_under(root: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in suffixes and p.is_file()
                  and ".git" not in p.parts and "node_modules" not in p.parts)


def prodcheck_files(python: str, root: Path) -> list[tuple[str, str]]:
    """(absolute path, language) of every file prodcheck's discovery reads, from prodcheck itself."""
    code = ("import json,sys\nfrom pathlib import Path\n"
            "from prodcheck.config import load_config\nfrom prodcheck.discovery import discover\n"
            "root=Path(sys.argv[1])\nfiles,_=discover(root, load_config(root))\n"
            "json.dump([[f.abspath, f.language] for f in files], sys.stdout)\n")
    out = subprocess.run([python, "-c", code, str(root)], check=True, capture_output=True, text=True)
    return [tuple(item) for item in json.loads(out.stdout)]


# --------------------------------------------------------------------------------------------
# prodcheck-edit: one source file edited before each warm re-scan, and always restored
# --------------------------------------------------------------------------------------------

EDIT_MARK = "prodcheck-bench edit"
SKIPPED_PARTS = {"docs", "docs_src", "doc", "examples", "example", "scripts", "migrations", "fixtures"}


@dataclass(frozen=True)
class EditTarget:
    """The file edited before each `prodcheck-edit` repetition, with what restores it exactly."""
    path: Path
    relpath: str
    original: bytes
    atime_ns: int
    mtime_ns: int
    insert_at: int          # 0-based index of the line the edit is inserted before
    lines: int              # lines of the original file
    newline: bytes


def _is_plain_source(relpath: str) -> bool:
    """Neither a test, a migration, documentation, an example nor a package's `__init__.py` (mostly
    empty markers that would pull the median down): code a developer edits."""
    parts = [part.lower() for part in Path(relpath).parts]
    if any(part.startswith("test") or part in SKIPPED_PARTS for part in parts):
        return False
    return not (parts[-1].endswith("_test.py") or parts[-1] in ("conftest.py", "__init__.py"))


def _insert_line(data: bytes) -> int | None:
    """Where a developer adds an import: after the module docstring and any `from __future__` import
    (after leading comments when there is no docstring); None when the file does not parse."""
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    line = 0
    for index, node in enumerate(tree.body):
        docstring = (index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                     and isinstance(node.value.value, str))
        if not docstring and not (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            break
        line = node.end_lineno or line
    if line == 0:
        for text in data.splitlines():
            if not text.startswith(b"#"):
                break
            line += 1
    return line


def edited_bytes(target: EditTarget, rep: int) -> bytes:
    """The file with one new import line, different for every repetition; every later line shifts."""
    lines = target.original.splitlines(keepends=True)
    if lines and not lines[-1].endswith((b"\n", b"\r")) and target.insert_at >= len(lines):
        lines[-1] += target.newline
    added = f"import os  # {EDIT_MARK} {rep}".encode() + target.newline
    return b"".join(lines[:target.insert_at] + [added] + lines[target.insert_at:])


def choose_edit_target(root: Path, discovered: list[tuple[str, str]]) -> EditTarget | None:
    """The median-sized (by bytes, ties by path) plain-source Python file that prodcheck reads and
    whose edited text still parses; None when the corpus has none."""
    candidates = []
    for path, language in discovered:
        relpath = os.path.relpath(path, root)
        if language == "python" and path.endswith(".py") and _is_plain_source(relpath):
            candidates.append((os.path.getsize(path), relpath, Path(path)))
    candidates.sort()
    middle = len(candidates) // 2
    # The median first, then its neighbours, alternating outwards, until one parses before and after.
    order = sorted(range(len(candidates)), key=lambda i: (abs(i - middle), i))
    for index in order:
        _, relpath, path = candidates[index]
        data = path.read_bytes()
        at = _insert_line(data)
        if at is None:
            continue
        status = path.stat()
        target = EditTarget(path, relpath, data, status.st_atime_ns, status.st_mtime_ns, at,
                            len(data.splitlines()), b"\r\n" if b"\r\n" in data else b"\n")
        if _insert_line(edited_bytes(target, 1)) is not None:
            return target
    return None


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace the file by a new one (a new inode: hard links to the old one, as in the all-python
    tree of `--memory`, keep the pristine bytes)."""
    temporary = path.with_name(path.name + ".prodcheck-bench-tmp")
    temporary.write_bytes(data)
    shutil.copymode(path, temporary)
    os.replace(temporary, path)


def _journal(work: Path) -> tuple[Path, Path]:
    return work / "edit-journal.json", work / "edit-original.bin"


def apply_edit(target: EditTarget, rep: int, work: Path) -> None:
    """Edit the file, first journaling its original bytes so that a killed run is repaired by the next."""
    journal, original = _journal(work)
    original.write_bytes(target.original)
    journal.write_text(json.dumps({"path": str(target.path), "atime_ns": target.atime_ns,
                                   "mtime_ns": target.mtime_ns}))
    _write_atomically(target.path, edited_bytes(target, rep))


def restore_edit(work: Path) -> None:
    """Put back the original bytes and times of a journaled edit (no-op without a journal)."""
    journal, original = _journal(work)
    if not journal.is_file():
        return
    entry = json.loads(journal.read_text())
    path, data = Path(entry["path"]), original.read_bytes()
    if not path.is_file() or path.read_bytes() != data:
        _write_atomically(path, data)
    os.utime(path, ns=(entry["atime_ns"], entry["mtime_ns"]))
    original.unlink()
    journal.unlink()


def _raise_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so that `finally` restores an edited corpus file."""
    def handler(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, handler)


# --------------------------------------------------------------------------------------------
# measuring one run
# --------------------------------------------------------------------------------------------

def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _memory_of(pid: int) -> int:
    """Proportional set size in bytes (shared pages split between forked workers), else RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _peak_rss_of(pid: int) -> int:
    """The process's own peak resident set size so far (VmHWM), in bytes; 0 when gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Samples the summed PSS of a process and all its descendants every `interval` seconds, and
    the top process's own peak RSS (VmHWM, as last seen before it exited)."""

    def __init__(self, pid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak, self.main_peak = pid, interval, 0, 0
        self.stopped = threading.Event()

    def run(self) -> None:
        if not os.path.isdir("/proc"):
            return
        while not self.stopped.is_set():
            children = _children_map()
            todo, total = [self.pid], 0
            while todo:
                pid = todo.pop()
                total += _memory_of(pid)
                todo.extend(children.get(pid, ()))
            self.peak = max(self.peak, total)
            self.main_peak = max(self.main_peak, _peak_rss_of(self.pid))
            self.stopped.wait(self.interval)


def _psi_some_us() -> int | None:
    """Microseconds during which some runnable task waited for a CPU (system-wide, since boot)."""
    try:
        with open("/proc/pressure/cpu") as handle:
            return int(handle.readline().rsplit("total=", 1)[1])
    except (OSError, IndexError, ValueError):
        return None


def _cpu_idle_fraction(window: float = 0.5) -> float:
    def sample() -> tuple[int, int]:
        with open("/proc/stat") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
        return values[3] + values[4], sum(values)
    try:
        idle0, total0 = sample()
        time.sleep(window)
        idle1, total1 = sample()
    except OSError:
        return 1.0
    return (idle1 - idle0) / max(1, total1 - total0)


def settle(limit: float, idle: float = 0.8) -> float:
    """Wait (at most `limit` s) until the machine is mostly idle; the idle fraction last seen."""
    deadline = time.monotonic() + limit
    seen = _cpu_idle_fraction()
    while seen < idle and time.monotonic() < deadline:
        seen = _cpu_idle_fraction()
    return seen


@dataclass
class Run:
    wall: float
    maxrss: int                 # bytes, the largest single process of the tree (getrusage)
    tree: int                   # bytes, sampled peak of the summed PSS of the tree
    returncode: int
    cpu: float = 0.0            # user + system seconds of the whole tree (wait4)
    stalled: float | None = None  # share of the wall time in which some task waited for a CPU
    stderr: str = ""
    extra: dict = field(default_factory=dict)
    main_rss: int = 0           # bytes, the top process's own peak RSS (sampled VmHWM)


def measure(cmd: list[str], cwd: Path | None = None, env: dict | None = None,
            stdout: Path | None = None) -> Run:
    """Run `cmd` to completion; wall time, and peak memory through wait4's rusage (which covers the
    child and every descendant it waited for) plus a sampled tree total."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    with tempfile.TemporaryFile() as err:
        psi0 = _psi_some_us()
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        psi1 = _psi_some_us()
        sampler.stopped.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", errors="replace")
    if stdout:
        out.close()
    stalled = (psi1 - psi0) / 1e6 / wall if psi0 is not None and psi1 is not None and wall else None
    return Run(wall, usage.ru_maxrss * 1024, sampler.peak, proc.returncode,
               usage.ru_utime + usage.ru_stime, stalled, stderr, main_rss=sampler.main_peak)


# --------------------------------------------------------------------------------------------
# the floor: parse + one full walk of every code file, on a process pool
# --------------------------------------------------------------------------------------------

def _floor_chunk(chunk: list[tuple[str, str]]) -> tuple[int, int]:
    import ast
    files = nodes = 0
    for path, language in chunk:
        raw = Path(path).read_bytes()
        text = raw.decode("utf-8", errors="replace")
        if language == "python":
            try:
                tree = ast.parse(text, filename=path)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
            nodes += sum(1 for _ in ast.walk(tree))
        else:
            from prodcheck.parsing.treesitter import grammar_for, parse_source, walk
            grammar = grammar_for(path, language)
            if grammar is None:
                continue
            tree = parse_source(text, grammar)
            nodes += sum(1 for _ in walk(tree.root_node))
        files += 1
    return files, nodes


def floor_main(list_file: str, jobs: int) -> None:
    """Child mode: prints {"files", "nodes", "seconds"}; `seconds` covers pool start to last result,
    the same span as prodcheck's per_file timing."""
    from concurrent.futures import ProcessPoolExecutor
    items = [tuple(x) for x in json.loads(Path(list_file).read_text())]
    if any(lang != "python" for _, lang in items):
        import prodcheck.parsing.treesitter as ts        # load the grammars before the fork
        for grammar in {ts.grammar_for(p, lang) for p, lang in items} - {None}:
            ts.language(grammar)
    started = time.perf_counter()
    items.sort(key=lambda item: -os.path.getsize(item[0]))
    size = max(1, min(64, len(items) // max(jobs * 8, 1) or 1))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    if jobs <= 1:
        results = [_floor_chunk(c) for c in chunks]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_floor_chunk, chunks))
    seconds = time.perf_counter() - started
    print(json.dumps({"files": sum(r[0] for r in results), "nodes": sum(r[1] for r in results),
                      "seconds": seconds}))


# --------------------------------------------------------------------------------------------
# the benchmark
# --------------------------------------------------------------------------------------------

@dataclass
class ToolPlan:
    name: str
    cmd: list[str] | None            # None: skipped
    note: str = ""                   # why skipped / what it reads
    files: int = 0
    loc: int = 0
    ok_codes: tuple[int, ...] = (0,)
    output: Path | None = None       # its stdout goes here
    report: Path | None = None       # prodcheck's JSON report
    runs: list[Run] = field(default_factory=list)
    edit: EditTarget | None = None   # prodcheck-edit: the file edited before each run


def plan_corpus(corpus: Corpus, root: Path, args, venv: Path, work: Path) -> list[ToolPlan]:
    bin_ = venv / "bin"
    jobs = str(args.jobs)
    plans: list[ToolPlan] = []

    discovered = prodcheck_files(args.prodcheck_python, root)
    loc_of = {path: nonblank_lines(Path(path)) for path, _ in discovered}
    report = work / "prodcheck.json"
    plans.append(ToolPlan(
        "prodcheck",
        [args.prodcheck_python, "-m", "prodcheck", "scan", str(root), "-f", "json", "-o", str(report),
         "--timings", "--quiet", "--jobs", jobs, "--no-cache"],
        "all rules, cold", len(discovered), sum(loc_of.values()), (0, 1), None, report))
    # The same scan with a cache that the first repetition fills: the later ones are warm re-scans
    # of an unchanged tree (an edit costs one file's analysis on top).
    warm_cache = work / "warm-cache"
    shutil.rmtree(warm_cache, ignore_errors=True)
    plans.append(ToolPlan(
        "prodcheck-warm",
        [args.prodcheck_python, "-m", "prodcheck", "scan", str(root), "-f", "json", "-o", str(work / "warm.json"),
         "--quiet", "--jobs", jobs, "--cache-dir", str(warm_cache)],
        "all rules, warm cache", len(discovered), sum(loc_of.values()), (0, 1)))
    # The same cache again, after a one-line insertion near the top of one source file before each
    # repetition (a different line each time, restored after the run): an incremental re-scan.
    target = choose_edit_target(root, discovered)
    if target is None:
        plans.append(ToolPlan("prodcheck-edit", None, "no plain .py source file to edit"))
    else:
        plans.append(ToolPlan(
            "prodcheck-edit",
            [args.prodcheck_python, "-m", "prodcheck", "scan", str(root), "-f", "json", "-o",
             str(work / "edit.json"), "--quiet", "--jobs", jobs, "--cache-dir", str(warm_cache)],
            "all rules, warm cache, 1 file edited", len(discovered), sum(loc_of.values()), (0, 1),
            edit=target))

    py_files = files_under(root, PY_SUFFIXES)
    py_loc = sum(nonblank_lines(p) for p in py_files)
    if py_files:
        plans.append(ToolPlan("bandit", [str(bin_ / "bandit"), "-r", "-q", "-f", "json", str(root)],
                              "1 process", len(py_files), py_loc, (0, 1), work / "bandit.json"))
        plans.append(ToolPlan("ruff", [str(bin_ / "ruff"), "check", "--select", "S", "--no-cache",
                                       "--output-format", "json", "--exit-zero", str(root)],
                              "--select S", len(py_files), py_loc, (0,), work / "ruff.json"))
    else:
        plans.append(ToolPlan("bandit", None, "no .py files"))
        plans.append(ToolPlan("ruff", None, "no .py files"))

    config = semgrep_config(args.semgrep_rules, corpus.language, args.cache)
    if config is None:
        plans.append(ToolPlan("semgrep", None, "skipped (no --semgrep-rules)"))
    elif args.semgrep_corpus and corpus.name not in args.semgrep_corpus:
        plans.append(ToolPlan("semgrep", None, "skipped (not in --semgrep-corpus)"))
    else:
        suffixes = {"python": PY_SUFFIXES, "javascript": JS_SUFFIXES, "go": (".go",)}[corpus.language]
        sg_files = files_under(root, suffixes)
        rules = sum(1 for _ in config.glob("*.y*ml"))
        plans.append(ToolPlan(
            "semgrep",
            [str(bin_ / "semgrep"), "scan", "--metrics", "off", "--disable-version-check", "--quiet",
             "--config", str(config), "--json", "--output", str(work / "semgrep.json"),
             "--jobs", jobs, str(root)],
            f"{rules} rule files", len(sg_files), sum(nonblank_lines(p) for p in sg_files), (0, 1)))

    sql_files = files_under(root, (".sql",))
    if sql_files:
        plans.append(ToolPlan("squawk", [str(bin_ / "squawk"), "--reporter", "json",
                                         *map(str, sql_files)],
                              "", len(sql_files), sum(nonblank_lines(p) for p in sql_files),
                              (0, 1, 2), work / "squawk.json"))
    else:
        plans.append(ToolPlan("squawk", None, "no .sql files"))

    code = [(path, lang) for path, lang in discovered if lang in ("python", "javascript", "typescript", "go")]
    floor_list = work / "floor-files.json"
    floor_list.write_text(json.dumps(code))
    plans.append(ToolPlan("floor", [args.prodcheck_python, str(Path(__file__).resolve()), "_floor",
                                    str(floor_list), jobs],
                          "ast/tree-sitter parse + walk", len(code),
                          sum(loc_of[p] for p, _ in code), (0,), work / "floor.json"))
    return plans


def bench_env() -> dict:
    return dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off",
                PYTHONDONTWRITEBYTECODE="1")


def measure_edit(plan: ToolPlan, rep: int, work: Path, env: dict, fill: bool, resync: bool) -> Run:
    """One prodcheck-edit repetition: edit the file, re-scan with the warm cache, restore the file
    (even on Ctrl-C or SIGTERM). `fill`: first fill the cache (prodcheck-warm not run). `resync`: then
    re-scan the restored tree, unmeasured, so that the cache again matches the pristine tree and the
    next prodcheck-warm run is a re-scan of an unchanged tree (the cache keeps one result per path)."""
    if fill:
        log(f"[edit] filling the cache: {measure(plan.cmd, cwd=work, env=env).wall:.2f}s (not counted)")
    try:
        apply_edit(plan.edit, rep, work)
        run = measure(plan.cmd, cwd=work, env=env)
    finally:
        restore_edit(work)
    if resync:
        log(f"[edit] re-scan of the restored tree: {measure(plan.cmd, cwd=work, env=env).wall:.2f}s "
            "(not counted)")
    return run


def run_corpus(corpus: Corpus, root: Path, args, venv: Path) -> list[ToolPlan]:
    work = args.cache / "runs" / corpus.name
    work.mkdir(parents=True, exist_ok=True)
    restore_edit(work)                      # a run killed while the file was edited
    plans = plan_corpus(corpus, root, args, venv, work)
    env = bench_env()
    wanted = set(args.tools)
    for rep in range(1, args.repeat + 1):
        for plan in plans:
            if plan.cmd is None or plan.name not in wanted:
                continue
            if plan.name == "semgrep" and rep > args.semgrep_repeat:
                continue
            if args.settle:
                settle(args.settle)
            if plan.edit is not None:
                run = measure_edit(plan, rep, work, env, fill=rep == 1 and "prodcheck-warm" not in wanted,
                                   resync=rep < args.repeat)
            else:
                run = measure(plan.cmd, cwd=work, env=env, stdout=plan.output)
            if run.returncode not in plan.ok_codes:
                log(f"[{corpus.name}] {plan.name} exited {run.returncode}:\n{run.stderr[-2000:]}")
            if plan.name == "prodcheck":
                try:
                    data = json.loads(plan.report.read_text())
                    run.extra = dict(data.get("timings", {}), findings=len(data.get("findings", ())))
                except (OSError, ValueError):
                    pass
            elif plan.name == "floor" and plan.output:
                try:
                    run.extra = json.loads(plan.output.read_text())
                except (OSError, ValueError):
                    pass
            plan.runs.append(run)
            stalled = f"{run.stalled:.0%}" if run.stalled is not None else "?"
            log(f"[{corpus.name}] rep {rep}/{args.repeat} {plan.name:14s} {run.wall:8.2f}s "
                f"cpu={run.cpu:.2f}s stalled={stalled} rc={run.returncode} "
                f"maxrss={run.maxrss / 2**20:.0f}MB tree={run.tree / 2**20:.0f}MB")
    return plans


def _median(values) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def _fmt_loc(n: int) -> str:
    return f"{n:,}"


def table(corpus: Corpus, root: Path, plans: list[ToolPlan], args) -> tuple[str, dict]:
    by = {p.name: p for p in plans}
    pc = by["prodcheck"]
    pc_wall = _median(r.wall for r in pc.runs) if pc.runs else float("nan")
    pc_cpu = _median(r.cpu for r in pc.runs) if pc.runs else float("nan")
    lines = [f"### {corpus.name} ({corpus.spec})", "",
             "| tool | reads | files | non-blank LOC | runs | wall s | CPU s | LOC/s | peak RSS MB "
             "| tree PSS MB | CPU stalled | wall: peer / prodcheck | CPU: peer / prodcheck |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    summary: dict = {"corpus": corpus.name}
    for plan in plans:
        if plan.cmd is None or not plan.runs:
            note = plan.note or "not run"
            lines.append(f"| {plan.name} | {note} | | | | | | | | | | | |")
            continue
        if plan.name == "prodcheck-warm" and len(plan.runs) > 1:
            plan.runs = plan.runs[1:]               # the first run filled the cache
        wall = _median(r.wall for r in plan.runs)
        cpu = _median(r.cpu for r in plan.runs)
        failed = [r.returncode for r in plan.runs if r.returncode not in plan.ok_codes]
        rss = _median(r.maxrss for r in plan.runs) / 2**20
        tree = _median(r.tree for r in plan.runs) / 2**20
        stalled = _median(r.stalled for r in plan.runs)
        rate = plan.loc / wall if wall else 0
        if plan.name == "prodcheck":
            ratio, cratio = "1", "1"
        elif pc_wall != pc_wall:                # prodcheck (cold) not run: nothing to divide by
            ratio, cratio = "-", "-"
        elif plan.name == "floor":
            ratio = f"prodcheck = {pc_wall / wall:.1f}x floor"
            cratio = f"prodcheck = {pc_cpu / cpu:.1f}x floor"
        else:
            ratio, cratio = f"{wall / pc_wall:.2f}x", f"{cpu / pc_cpu:.2f}x"
        name = plan.name + (f" (exit {failed[0]}!)" if failed else "")
        tree_text = f"{tree:.0f}" if tree >= 1 else "(too short)"
        stalled_text = f"{stalled:.0%}" if stalled == stalled else "?"
        lines.append(f"| {name} | {plan.note} | {plan.files:,} | {plan.loc:,} | {len(plan.runs)} | "
                     f"{wall:.2f} | {cpu:.2f} | {rate:,.0f} | {rss:.0f} | {tree_text} | {stalled_text} | "
                     f"{ratio} | {cratio} |")
        summary[plan.name] = wall
        summary[plan.name + "_cpu"] = cpu
    if pc.runs:
        phases = {k: _median(r.extra.get(k) for r in pc.runs) for k in ("discover", "per_file", "project", "total")}
        findings = _median(r.extra.get("findings") for r in pc.runs)
        summary.update({f"pc_{k}": v for k, v in phases.items()})
        lines += ["", "prodcheck phases (median s, from `--timings`): "
                  + ", ".join(f"{k} {v:.2f}" for k, v in phases.items())
                  + f"; process wall {pc_wall:.2f} (the rest is interpreter start-up, rule catalog "
                    f"import and report writing); {findings:.0f} findings."]
        floor = by.get("floor")
        if floor and floor.runs:
            inner = _median(r.extra.get("seconds") for r in floor.runs)
            summary["floor_inner"] = inner
            lines.append(f"Floor, same span as per_file (pool start to last result): {inner:.2f} s over "
                         f"{floor.files:,} code files; per-file phase / floor = "
                         f"**{phases['per_file'] / inner:.1f}x** (target <= {TARGET_FLOOR:g}x).")
        checks = []
        for peer, target in (("bandit", TARGET_BANDIT), ("semgrep", TARGET_SEMGREP)):
            if peer in summary and corpus.language == "python":
                speed = summary[peer] / pc_wall
                cspeed = summary[peer + "_cpu"] / pc_cpu
                checks.append(f"{peer} wall / prodcheck wall = **{speed:.2f}x** (target >= {target:g}x: "
                              f"{'met' if speed >= target else 'NOT met'}; CPU-time ratio {cspeed:.2f}x)")
        if checks:
            lines.append("Targets: " + "; ".join(checks) + ".")
    edit = by.get("prodcheck-edit")
    if edit and edit.runs and edit.edit is not None and corpus.language == "python":
        lines.append(edit_line(corpus, edit, summary))
    lines.append("")
    return "\n".join(lines), summary


def edit_line(corpus: Corpus, plan: ToolPlan, summary: dict) -> str:
    """The summary line of prodcheck-edit: the warm re-scan after a one-file change, and its target."""
    wall, cpu = summary["prodcheck-edit"], summary["prodcheck-edit_cpu"]
    target = plan.edit
    verdict = (f": {'met' if wall < TARGET_EDIT else 'NOT met'}" if corpus.name == TARGET_EDIT_CORPUS else "")
    return (f"Warm re-scan after a one-file change: **{wall:.2f} s** wall, {cpu:.2f} s CPU "
            f"(target < {TARGET_EDIT:g} s on {TARGET_EDIT_CORPUS}{verdict}); median of {len(plan.runs)} "
            f"edits of `{target.relpath}` ({len(target.original):,} bytes, {target.lines:,} lines), each "
            f"a different `import os  # {EDIT_MARK} N` line inserted at line {target.insert_at + 1} "
            f"(every later line shifts), the file restored byte for byte after each run.")


def _speed(item: dict, peer: str, target: float) -> str:
    if peer not in item:
        return "-"
    speed = item[peer] / item["prodcheck"]
    cpu = item[peer + "_cpu"] / item["prodcheck_cpu"]
    return f"{speed:.2f}x ({cpu:.2f}x){'' if speed >= target else ' below'}"


def targets_table(summaries: list[dict]) -> str:
    """One row per corpus: the three target ratios, wall time first and CPU time in brackets."""
    rows = []
    for item in summaries:
        if "prodcheck" not in item:
            continue
        floor = (f"{item['pc_per_file'] / item['floor_inner']:.1f}x" if item.get("floor_inner") else "-")
        edit = (f"{item['prodcheck-edit']:.2f} s" if "prodcheck-edit" in item else "-")
        if "prodcheck-edit" in item and item["corpus"] == TARGET_EDIT_CORPUS and item["prodcheck-edit"] >= TARGET_EDIT:
            edit += " above"
        rows.append(f"| {item['corpus']} | {_speed(item, 'bandit', TARGET_BANDIT)} "
                    f"| {_speed(item, 'semgrep', TARGET_SEMGREP)} | {floor} | {edit} |")
    if not rows:
        return ""
    return "\n".join([
        "## Against the targets", "",
        f"Speed-up = peer time / prodcheck time, wall (CPU in brackets); targets: bandit >= "
        f"{TARGET_BANDIT:g}x, semgrep >= {TARGET_SEMGREP:g}x (on the Python corpora), per-file phase "
        f"<= {TARGET_FLOOR:g}x the floor, warm re-scan after a one-file change < {TARGET_EDIT:g} s "
        f"wall on {TARGET_EDIT_CORPUS} (start-up included). Read the CPU-stalled column of each table: "
        "where other work competed for the cores, wall times are inflated and the CPU ratio is the "
        "steadier one.", "",
        "| corpus | bandit / prodcheck | semgrep / prodcheck | per-file / floor | one-file edit re-scan |",
        "|---|---:|---:|---:|---:|", *rows, ""])


# --------------------------------------------------------------------------------------------
# --memory: peak memory of one cold scan of the Python corpora together (~1.4M LOC)
# --------------------------------------------------------------------------------------------

def _link_or_copy(source: str, destination: str) -> str:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
    return destination


def memory_tree(roots: dict[str, Path], cache: Path) -> Path:
    """One directory holding the Python corpora side by side, as hard links to their unpacked files
    (copies where the file system refuses links). Not symlinks: prodcheck does not follow a symlink
    out of the scanned root; not the corpora directory itself: it also holds the npm and Go corpora."""
    base = cache / MEMORY_CORPUS
    tree, stamp = base / "tree", base / ".bench-ok"
    wanted = "\n".join(f"{name} {root}" for name, root in sorted(roots.items()))
    if stamp.is_file() and stamp.read_text() == wanted and tree.is_dir():
        return tree
    log(f"[setup] linking {', '.join(sorted(roots))} into {tree}")
    shutil.rmtree(base, ignore_errors=True)
    tree.mkdir(parents=True)
    for name, root in sorted(roots.items()):
        shutil.copytree(root, tree / name, symlinks=True, copy_function=_link_or_copy)
    stamp.write_text(wanted)
    return tree


@dataclass(frozen=True)
class MemoryResult:
    files: int
    loc: int                # non-blank lines of every file prodcheck reads
    py_files: int
    py_loc: int
    runs: tuple[Run, ...]


def measure_memory(tree: Path, args) -> MemoryResult:
    """`--repeat` cold scans (no cache, default jobs) of the all-python tree."""
    discovered = prodcheck_files(args.prodcheck_python, tree)
    loc_of = {path: nonblank_lines(Path(path)) for path, _ in discovered}
    python = [path for path, language in discovered if language == "python"]
    work = args.cache / "runs" / MEMORY_CORPUS
    work.mkdir(parents=True, exist_ok=True)
    report = work / "prodcheck.json"
    cmd = [args.prodcheck_python, "-m", "prodcheck", "scan", str(tree), "-f", "json", "-o", str(report),
           "--timings", "--quiet", "--jobs", str(args.jobs), "--no-cache"]
    runs = []
    for rep in range(1, args.repeat + 1):
        if args.settle:
            settle(args.settle)
        run = measure(cmd, cwd=work, env=bench_env())
        if run.returncode not in (0, 1):
            log(f"[{MEMORY_CORPUS}] prodcheck exited {run.returncode}:\n{run.stderr[-2000:]}")
        try:
            run.extra = json.loads(report.read_text()).get("timings", {})
        except (OSError, ValueError):
            pass
        log(f"[{MEMORY_CORPUS}] rep {rep}/{args.repeat} {run.wall:8.2f}s cpu={run.cpu:.2f}s "
            f"main={run.main_rss / 2**20:.0f}MB maxrss={run.maxrss / 2**20:.0f}MB tree={run.tree / 2**20:.0f}MB")
        runs.append(run)
    return MemoryResult(len(discovered), sum(loc_of.values()), len(python),
                        sum(loc_of[p] for p in python), tuple(runs))


def memory_section(result: MemoryResult, names: tuple[str, ...]) -> str:
    """The table and the target line of `--memory`; memory is the largest of the runs, time the median."""
    runs = result.runs
    wall, cpu = _median(r.wall for r in runs), _median(r.cpu for r in runs)
    main, largest, tree = (max(getattr(r, key) for r in runs) / 2**20 for key in ("main_rss", "maxrss", "tree"))
    stalled = _median(r.stalled for r in runs)
    failed = [r.returncode for r in runs if r.returncode not in (0, 1)]
    stalled_text = f"{stalled:.0%}" if stalled == stalled else "?"
    lines = [f"### {MEMORY_CORPUS}: peak memory, the Python corpora scanned together", "",
             f"One tree of {', '.join(names)} (hard links under the bench cache), `prodcheck scan "
             f"--no-cache --jobs N --timings`: cold, every rule, default jobs. Wall and CPU: median of "
             f"{len(runs)} run(s); memory: the largest of them.", "",
             "| files | non-blank LOC | of which Python (files) | runs | wall s | CPU s | main process "
             "peak RSS MB | largest process RSS MB | tree PSS MB | CPU stalled |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
             f"| {result.files:,} | {result.loc:,} | {result.py_loc:,} ({result.py_files:,}) | {len(runs)} | "
             f"{wall:.2f} | {cpu:.2f} | {main:.0f} | {largest:.0f} | "
             f"{f'{tree:.0f}' if tree >= 1 else '(too short)'} | {stalled_text} |", ""]
    phases = {k: _median(r.extra.get(k) for r in runs) for k in ("discover", "per_file", "project", "total")}
    if all(v == v for v in phases.values()):
        lines.append("prodcheck phases (median s): " + ", ".join(f"{k} {v:.2f}" for k, v in phases.items()) + ".")
    if failed:
        lines.append(f"prodcheck exited {failed[0]} in {len(failed)} run(s): the figures are not a full scan.")
    peak = max(tree, main, largest)
    enough = result.py_loc >= MEMORY_LOC * 0.9
    verdict = (("met" if peak * 2**20 < TARGET_MEMORY else "NOT met") if enough
               else f"not judged, only {result.py_loc:,} Python LOC")
    lines.append(f"Peak memory on {result.loc:,} LOC ({result.py_loc:,} of them Python): **{peak:.0f} MB** "
                 f"(target < 1 GiB on ~1M LOC: {verdict}); the largest of the main process's own peak "
                 "RSS (VmHWM, sampled every 0.2 s), the largest single process of the tree (rusage) and "
                 "the summed PSS of the tree (sampled every 0.2 s).")
    if not enough:
        lines.append(f"Note: the corpora hold {result.py_loc:,} non-blank Python LOC, less than the ~1M "
                     "of the target.")
    lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# machine and versions
# --------------------------------------------------------------------------------------------

def machine(args, venv: Path) -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass

    def version(cmd: list[str]) -> str:
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            text = (out.stdout or out.stderr).strip().splitlines()
            return text[0] if text else "?"
        except (OSError, subprocess.TimeoutExpired):
            return "not installed"

    bin_ = venv / "bin"
    pyver = version([args.prodcheck_python, "-c", "import sys; print(sys.version.split()[0])"])
    return [
        f"- CPU: {cpu}; {os.cpu_count()} cores visible; memory {mem}",
        f"- OS: {platform.system()} {platform.release()}; Python {pyver} (prodcheck), "
        f"{platform.python_version()} (bench)",
        f"- prodcheck: {version([args.prodcheck_python, '-m', 'prodcheck', '--version'])}, "
        f"`--jobs {args.jobs}`",
        f"- bandit: {version([str(bin_ / 'bandit'), '--version'])}",
        f"- ruff: {version([str(bin_ / 'ruff'), '--version'])}",
        f"- semgrep: {version([str(bin_ / 'semgrep'), '--version', '--disable-version-check'])}",
        f"- squawk: {version([str(bin_ / 'squawk'), '--version'])}",
    ]


# --------------------------------------------------------------------------------------------
# profile
# --------------------------------------------------------------------------------------------

def profile(corpus: Corpus, root: Path, args) -> None:
    """cProfile of a single-process scan (--jobs 1, so the per-file phase runs in the profiled
    process); prints the top functions by cumulative and by own time."""
    out = args.cache / "runs" / f"{corpus.name}.prof"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = args.cache / "runs" / f"{corpus.name}-profile.json"
    cmd = [args.prodcheck_python, "-m", "cProfile", "-o", str(out), "-m", "prodcheck", "scan", str(root),
           "-f", "json", "-o", str(report), "--timings", "--quiet", "--jobs", "1"]
    log("[profile] " + " ".join(cmd))
    run = measure(cmd)
    log(f"[profile] {run.wall:.1f}s, rc {run.returncode}; stats in {out}")
    show = ("import pstats,sys\ns=pstats.Stats(sys.argv[1])\ns.sort_stats('cumulative').print_stats(45)\n"
            "s.sort_stats('tottime').print_stats(35)\n")
    subprocess.run([args.prodcheck_python, "-c", show, str(out)], check=False)


# --------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_floor"]:
        floor_main(argv[1], int(argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where peers and corpora go")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per tool (median reported)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="processes for prodcheck, the floor and semgrep (default: all cores)")
    parser.add_argument("--corpus", action="append", choices=[c.name for c in CORPORA] + [MEMORY_CORPUS],
                        help=f"only this corpus (repeatable; default: all but {MEMORY_CORPUS}, the "
                             "peak-memory scan of --memory)")
    parser.add_argument("--memory", action="store_true",
                        help=f"peak memory of one cold scan of the Python corpora together ({MEMORY_CORPUS}: "
                             f"{', '.join(MEMORY_CORPORA)}); alone, only that; with --corpus, after those")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of " + ",".join(TOOLS))
    parser.add_argument("--semgrep-rules", type=Path, help="a directory of semgrep rules (e.g. a "
                        "checkout of the semgrep-rules repository); semgrep is skipped without it")
    parser.add_argument("--prodcheck-python", default=sys.executable,
                        help="the Python with prodcheck installed (default: this one)")
    parser.add_argument("--semgrep-repeat", type=int, default=None,
                        help="repetitions for semgrep alone (default: --repeat); it is by far the slowest")
    parser.add_argument("--semgrep-corpus", action="append", default=[],
                        help="run semgrep on this corpus only (repeatable; default: every corpus): "
                             "semgrep takes 3-6 minutes a run on the big ones")
    parser.add_argument("--settle", type=float, default=10.0,
                        help="before each run, wait up to this many seconds for the CPUs to be 80%% idle "
                             "(0: never wait); the CPU-stalled column shows how busy the machine was")
    parser.add_argument("--write-results", action="store_true", help=f"rewrite {RESULTS}")
    parser.add_argument("--setup-only", action="store_true", help="install peers, fetch corpora, stop")
    parser.add_argument("--profile", metavar="CORPUS", help="cProfile one --jobs 1 scan of CORPUS and stop")
    args = parser.parse_args(argv)
    if args.memory:
        args.corpus = (args.corpus or []) + [MEMORY_CORPUS]
    memory = MEMORY_CORPUS in (args.corpus or ())
    args.cache = args.cache.expanduser().resolve()
    if args.semgrep_repeat is None:
        args.semgrep_repeat = args.repeat
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if args.semgrep_rules is not None:
        args.semgrep_rules = args.semgrep_rules.expanduser().resolve()
        if not args.semgrep_rules.is_dir():
            parser.error(f"--semgrep-rules {args.semgrep_rules} is not a directory")
    check = subprocess.run([args.prodcheck_python, "-c", "import prodcheck"], capture_output=True)
    if check.returncode:
        parser.error(f"{args.prodcheck_python} cannot import prodcheck; pass --prodcheck-python")

    args.cache.mkdir(parents=True, exist_ok=True)
    _raise_on_sigterm()
    for journal in sorted(args.cache.glob("runs/*/edit-journal.json")):
        restore_edit(journal.parent)        # an edit left behind by a killed run
    if args.profile:
        corpus = next(c for c in CORPORA if c.name == args.profile)
        root = fetch_corpus(corpus, args.cache)
        if root is None:
            return 1
        compile_prodcheck(args.prodcheck_python)
        profile(corpus, root, args)
        return 0

    venv = peers_venv(args.cache)
    selected = [c for c in CORPORA if not args.corpus or c.name in args.corpus]
    fetched = [c for c in CORPORA if c in selected or (memory and c.name in MEMORY_CORPORA)]
    roots = {c.name: fetch_corpus(c, args.cache) for c in fetched}
    tree = None
    if memory:
        missing = [name for name in MEMORY_CORPORA if roots.get(name) is None]
        if missing:
            log(f"[{MEMORY_CORPUS}] not available: {', '.join(missing)} could not be fetched")
        else:
            tree = memory_tree({name: roots[name] for name in MEMORY_CORPORA}, args.cache)
    if args.setup_only:
        return 0

    bytecode = compile_prodcheck(args.prodcheck_python)
    sections, summaries = [], []
    for corpus in selected:
        root = roots[corpus.name]
        if root is None:
            sections.append(f"### {corpus.name}\n\nskipped: {corpus.spec} not available here.\n")
            continue
        compile_prodcheck(args.prodcheck_python)     # a no-op unless the checkout changed meanwhile
        plans = run_corpus(corpus, root, args, venv)
        text, summary = table(corpus, root, plans, args)
        print(text, flush=True)
        sections.append(text)
        summaries.append(summary)

    overview = targets_table(summaries)
    if overview:
        print(overview, flush=True)
    if tree is not None:
        compile_prodcheck(args.prodcheck_python)
        text = memory_section(measure_memory(tree, args), MEMORY_CORPORA)
        print(text, flush=True)
        sections.append(text)
    if args.write_results:
        head = ["# prodcheck side-by-side benchmark: results", "",
                "Produced by `python bench/run.py "
                + " ".join(a if not a.startswith("/") else "DIR" for a in (argv or [])) + "` on "
                + time.strftime("%Y-%m-%d") + f". Median of the runs (`--repeat {args.repeat}`"
                + (f", semgrep `--semgrep-repeat {args.semgrep_repeat}`" if args.semgrep_repeat != args.repeat else "")
                + "); every run is a fresh process; prodcheck's cold row uses `--no-cache`, its "
                "warm and one-file-edit rows share one cache directory. " + bytecode
                + " See bench/README.md for what each column means.", "", "## Machine", "",
                *machine(args, venv), "", *([overview] if overview else []), "## Corpora", ""]
        RESULTS.write_text("\n".join(head + sections) + "\n")
        log(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
