"""The scan, top to bottom: discover -> parse -> extract facts -> run rules -> score -> report.

The per-file phase (`analyse_file`) runs in worker processes and returns picklable facts and
findings; syntax trees never leave the worker. The project phase joins the facts and runs the
project-level and taint rules on facts alone.
"""
from __future__ import annotations

import functools
import gc
import hashlib
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from prodcheck import __version__
from prodcheck.cache import PackedResult, ResultCache, pack
from prodcheck.config import DEFAULT_FILE_TIME_BUDGET, Config
from prodcheck.discovery import SourceFile, discover
from prodcheck.discovery.walk import display_path
from prodcheck.facts.builder import FactsBuilder
from prodcheck.facts.extract import extract_facts, load_extractors
from prodcheck.facts.extractors.migration_javascript import is_migration_path
from prodcheck.facts.model import FileFacts
from prodcheck.facts.project import ProjectFacts, build_project
from prodcheck.fingerprint import with_fingerprints
from prodcheck.model import Diagnostic, Finding, Report, Severity, pickling
from prodcheck.not_verified import not_verified
from prodcheck.parsing import parse, preload
from prodcheck.redact import redact_finding
from prodcheck.rules.base import ProjectRule, Rule, TaintRule
from prodcheck.rules.catalog import load_catalog
from prodcheck.rules.context import ProjectContext, _with_snippet
from prodcheck.taint.slicing import FunctionIndex, index_of, needed
from prodcheck.rules.runner import RuleSelection, run_file_rules
from prodcheck.score import apply_profile, score, verdict
from prodcheck.suppress import DEFAULT_BASELINE, apply_suppressions, load_baseline, parse_suppressions

PARALLEL_MIN_FILES = 48
MIGRATIONS_FOCUS = "migrations"
Progress = Callable[[int, int], None]


class FileTimeBudgetExceeded(BaseException):
    """Raised in the middle of a file's analysis when its time budget runs out. A BaseException so
    that no guard meant for a failing rule or extractor (`except Exception`) can swallow it."""


@dataclass(frozen=True, slots=True)
class FileResult:
    facts: FileFacts
    findings: tuple[Finding, ...]
    diagnostics: tuple[Diagnostic, ...]
    applied: frozenset[str]
    taint_index: tuple[FunctionIndex, ...] = ()   # of `facts.functions`, for slicing (taint/slicing.py)


def is_migration_candidate(source: SourceFile) -> bool:
    """Files `prodcheck migrations` reads: every SQL file (Flyway, golang-migrate, Prisma, dbmate
    keep them anywhere), Python files in migration directories (Django, Alembic) and JS/TS files
    under a migrations folder (knex, TypeORM, Sequelize)."""
    return (source.language == "sql"
            or (source.kind == "migration" and source.language == "python")
            or (source.language in ("javascript", "typescript") and source.kind != "test"
                and is_migration_path(source.path)))


def _register_fast_pickling() -> None:
    """Results cross the process boundary and go into the cache as pickles: see model/pickling.py."""
    import prodcheck.facts.model as facts_model
    import prodcheck.taint.ir as taint_ir
    from prodcheck.model import finding, inventory, location, report, stack
    import prodcheck.taint.slicing as taint_slicing
    pickling.register(pickling.dataclasses_of(location, finding, inventory, report, stack, facts_model, taint_ir,
                                              taint_slicing))
    pickling.register([FileResult])


def analyse_file(source: SourceFile, rule_ids: tuple[str, ...],
                 time_budget: float = DEFAULT_FILE_TIME_BUDGET, postgres_version: int = 0) -> FileResult:
    """Per-file phase: read, parse, extract facts, run per-file rules. Never raises: extractors and
    rules are guarded one by one; any other failure (a parser bug) loses this file only, as an
    `analysis-error` diagnostic, not the scan. A file still being analysed after `time_budget`
    seconds (a pathological input meeting a slow path of ours) is stopped and reported as a
    `timeout` diagnostic; the scan goes on with the next file."""
    try:
        with _time_budget(time_budget):
            return _analyse_file(source, rule_ids, postgres_version)
    except FileTimeBudgetExceeded:
        return _lost(source, "timeout", f"analysis stopped after {time_budget:g} s (the per-file time "
                                        f"budget, `file-time-budget` in the configuration); not scanned")
    except Exception as exc:  # the last guard of the per-file phase
        return _lost(source, "analysis-error", f"analysis failed: {type(exc).__name__}: {exc}")


@contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    """SIGALRM after `seconds` of wall time, in the main thread of a process that does not use
    SIGALRM itself (worker processes always qualify); elsewhere, no budget."""
    usable = (seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread()
              and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None))
    if not usable:
        yield
        return

    def expired(_signum, _frame):
        raise FileTimeBudgetExceeded

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _analyse_file(source: SourceFile, rule_ids: tuple[str, ...], postgres_version: int = 0) -> FileResult:
    rules = _selected_rules(rule_ids)
    parsed = parse(source)
    builder = FactsBuilder(source.path, source.language, source.kind)
    diagnostics = list(parsed.diagnostics)
    if not parsed.text:
        return FileResult(builder.freeze(), (), tuple(diagnostics), frozenset())
    builder.lines = parsed.text.count("\n") + (0 if parsed.text.endswith("\n") else 1)
    builder.code_lines = sum(1 for line in parsed.lines if line.strip())
    suppressions, bad = parse_suppressions(source.path, parsed.text)
    builder.suppressions.extend(suppressions)
    diagnostics.extend(bad)
    before_extraction = len(parsed.diagnostics)
    diagnostics.extend(extract_facts(parsed, builder))
    findings, rule_diags, applied = run_file_rules(parsed, rules, postgres_version)
    diagnostics.extend(rule_diags)
    diagnostics.extend(parsed.diagnostics[before_extraction:])     # what extractors met (SQL in JS)
    facts = builder.freeze()
    return FileResult(facts, tuple(findings), tuple(diagnostics), frozenset(applied), index_of(facts.functions))


@functools.lru_cache(maxsize=8)
def _selected_rules(rule_ids: tuple[str, ...]) -> RuleSelection:
    """One selection per set of rule ids, so the runner's per-language plans are worked out once."""
    index = load_catalog().index
    return RuleSelection(index[rid] for rid in rule_ids)


def _analyse_chunk(chunk: list[SourceFile], rule_ids: tuple[str, ...],
                   time_budget: float, postgres_version: int = 0) -> list[tuple[bytes, bytes, str]]:
    """In a worker: each result pickled here, in parallel, as `PackedResult.from_bytes` reads it
    back; the main process then unpickles the taint IR of the few files that need it only."""
    return [pack(analyse_file(source, rule_ids, time_budget, postgres_version)).to_bytes() for source in chunk]


def analyse_files(files: list[SourceFile], rule_ids: tuple[str, ...], jobs: int,
                  progress: Progress | None = None,
                  time_budget: float = DEFAULT_FILE_TIME_BUDGET, postgres_version: int = 0) -> list[FileResult]:
    """The per-file phase, each result whole (facts with their taint IR)."""
    return [packed.unpacked() for packed in analyse_packed(files, rule_ids, jobs, progress, time_budget,
                                                             postgres_version)]


def analyse_packed(files: list[SourceFile], rule_ids: tuple[str, ...], jobs: int,
                   progress: Progress | None = None,
                   time_budget: float = DEFAULT_FILE_TIME_BUDGET, postgres_version: int = 0) -> list[PackedResult]:
    total = len(files)
    if jobs <= 1 or total < PARALLEL_MIN_FILES:
        results = []
        for done, source in enumerate(files, start=1):
            results.append(pack(analyse_file(source, rule_ids, time_budget, postgres_version)))
            if progress:
                progress(done, total)
        return results
    load_extractors()           # imported and loaded once here, shared by the forked workers
    preload(files)
    chunks = _chunks(files, jobs)
    results_by_chunk: dict[int, list[PackedResult]] = {}
    broken: list[int] = []
    done = 0
    with _pool(jobs) as pool:
        futures = _submit(pool, [(chunk, rule_ids, time_budget, postgres_version) for chunk in chunks])
        for index, future in enumerate(futures):
            try:
                results_by_chunk[index] = [PackedResult.from_bytes(*item) for item in _result(future)]
            except BrokenProcessPool:
                broken.append(index)
                continue
            done += len(chunks[index])
            if progress:
                progress(done, total)
    if broken:
        retried = iter(_isolate([source for index in broken for source in chunks[index]], rule_ids, jobs,
                                time_budget, postgres_version))
        for index in broken:
            results_by_chunk[index] = [next(retried) for _ in chunks[index]]
        if progress:
            progress(total, total)
    return [result for index in range(len(chunks)) for result in results_by_chunk[index]]


def _isolate(files: list[SourceFile], rule_ids: tuple[str, ...], jobs: int,
             time_budget: float, postgres_version: int = 0) -> list[PackedResult]:
    """The files of chunks whose worker died (one crash breaks the whole pool), again one file per
    task in fresh pools; after each broken round the first file left runs alone, so only a file
    that kills its worker by itself is lost, as a `worker-crash` diagnostic."""
    results: dict[int, PackedResult] = {}
    pending = list(range(len(files)))
    while pending:
        with _pool(min(jobs, len(pending))) as pool:
            futures = _submit(pool, [([files[i]], rule_ids, time_budget, postgres_version) for i in pending])
            for i, future in zip(pending, futures, strict=True):
                try:
                    results[i] = PackedResult.from_bytes(*_result(future)[0])
                except BrokenProcessPool:
                    pass
        pending = [i for i in pending if i not in results]
        if pending:
            first = pending.pop(0)
            with _pool(1) as pool:
                try:
                    results[first] = PackedResult.from_bytes(*_result(_submit(
                        pool, [([files[first]], rule_ids, time_budget, postgres_version)])[0])[0])
                except BrokenProcessPool:
                    results[first] = pack(_lost(files[first], "worker-crash",
                                                "the worker process analysing this file died; not scanned"))
    return [results[i] for i in range(len(files))]


@contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """Worker processes; on Ctrl-C (or any other way out) they are stopped at once instead of
    finishing every chunk already queued."""
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_prepare_worker)
    try:
        yield pool
    except BaseException:
        _stop(pool)
        raise
    finally:
        pool.shutdown(wait=True)


WORKER_GC_THRESHOLD = 50_000


def _prepare_worker() -> None:
    """Worker set-up. The per-file phase allocates millions of short-lived ast nodes that are freed
    by reference counting; the cyclic collector scanning them costs 15-25 % of the CPU (bench/), so
    workers load the catalog, freeze it out of the collector's view and collect far less often."""
    _ignore_interrupts()
    load_catalog()
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, 50, 50)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the main process, which stops them (no traceback per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _submit(pool: ProcessPoolExecutor, tasks: list[tuple]) -> list[Future | None]:
    """One future per task; None for the tasks the pool refused because a worker already died.
    Submitting starts the workers: Ctrl-C waits until each of them is known to the pool (which can
    then stop it) and has left Ctrl-C to the main process."""
    futures: list[Future | None] = []
    with _interrupts_held():
        for task in tasks:
            try:
                futures.append(pool.submit(_analyse_chunk, *task))
            except BrokenProcessPool:
                futures.append(None)
    return futures


@contextmanager
def _interrupts_held() -> Iterator[None]:
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _result(future: Future | None) -> list[FileResult]:
    if future is None:
        raise BrokenProcessPool("a worker process died before this task was queued")
    return future.result()


def _stop(pool: ProcessPoolExecutor) -> None:
    terminate = getattr(pool, "terminate_workers", None)          # Python 3.14+
    if terminate is not None:
        terminate()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())   # shutdown forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


def _chunks(files: list[SourceFile], jobs: int) -> list[list[SourceFile]]:
    """Small chunks, biggest files first, so a skewed repository still keeps every core busy."""
    ordered = sorted(files, key=lambda f: -f.size)
    count = max(jobs * 8, 1)
    size = max(1, min(64, len(ordered) // count or 1))
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def _lost(source: SourceFile, kind: str, message: str) -> FileResult:
    facts = FactsBuilder(source.path, source.language, source.kind).freeze()
    return FileResult(facts, (), (Diagnostic(source.path, kind, message),), frozenset())


def run_project_rules(rules: list[Rule], project: ProjectFacts, postgres_version: int = 0,
                      taint_outcome: TaintOutcome | None = None) -> tuple[list[Finding], list[Diagnostic], set[str]]:
    """Project rules, then the taint rules (or `taint_outcome`, their result on this same taint IR
    in an earlier scan)."""
    ctx = ProjectContext(project, postgres_version=postgres_version)
    findings: list[Finding] = []
    diagnostics: list[Diagnostic] = []
    applied: set[str] = set()
    for rule in rules:
        if not isinstance(rule, ProjectRule):
            continue
        if rule.needs_languages and not project.has_language(*rule.needs_languages):
            continue
        applied.add(rule.id)
        try:
            findings.extend(rule.check(project, ctx) or ())
        except Exception as exc:  # a broken rule becomes a diagnostic; the scan goes on
            diagnostics.append(Diagnostic(".", "rule-error", f"{rule.id} failed: {type(exc).__name__}: {exc}"))
    taint_rules = [r for r in rules if isinstance(r, TaintRule)]
    if taint_outcome is None and taint_rules:
        taint_outcome = run_taint(taint_rules, project, ctx)
    if taint_outcome is not None:
        more, more_diags, ran = taint_outcome
        findings.extend(more)
        diagnostics.extend(more_diags)
        applied.update(ran)
    return findings, diagnostics, applied


TaintOutcome = tuple[list[Finding], list[Diagnostic], set[str]]


def run_taint(taint_rules: list[TaintRule], project: ProjectFacts, ctx: ProjectContext) -> TaintOutcome:
    from prodcheck.taint.run import run_taint_rules
    return run_taint_rules(taint_rules, project, ctx)


@dataclass
class TaintInput:
    """What the taint phase reads: the functions it needs of each file (taint/slicing.py), the
    taint rules that apply (as a run over every function would report them), and a digest of all
    that, to find an earlier outcome in the cache."""
    kept: dict[str, frozenset[int]]           # path -> positions of the functions needed
    applied: set[str]
    key: str

    def results(self, results: list[PackedResult]) -> list[FileResult]:
        """The results, their facts holding only the functions needed."""
        sliced = []
        for packed in results:
            result = packed.result
            positions = self.kept.get(result.facts.path)
            if positions:
                result = replace(result, facts=replace(result.facts, functions=tuple(
                    fn for position, fn in enumerate(packed.function_summaries()) if position in positions)))
            sliced.append(result)
        return sliced


def taint_input(taint_rules: list[TaintRule], results: list[PackedResult]) -> TaintInput:
    from prodcheck.taint.specs import load_spec, spec_family
    families: dict[str, dict[str, tuple]] = {}
    languages: set[str] = set()
    for packed in results:
        result = packed.result
        family = spec_family(result.facts.language)
        index = result.taint_index
        if not index and packed.functions:         # a result built without its index (tests)
            index = index_of(packed.function_summaries())
        if family is not None and index:
            families.setdefault(family, {})[result.facts.path] = index
            languages.add(result.facts.language)
    kept: dict[str, frozenset[int]] = {}
    for family, indexes in families.items():
        kept.update(needed(indexes, load_spec(family).normalise))
    digest = hashlib.blake2b(digest_size=16)
    digest.update("\0".join(sorted(r.id for r in taint_rules)).encode())
    for packed in results:
        facts = packed.result.facts
        if facts.path in kept:
            digest.update(f"\0{facts.path}\0{facts.language}\0{packed.functions_digest}"
                          f"\0{sorted(kept[facts.path])}".encode())
    applied = {rule.id for rule in taint_rules if languages & set(rule.languages)}
    return TaintInput(kept, applied, digest.hexdigest())


def _fill_snippets(findings: list[Finding], root: Path, results: dict[str, FileFacts]) -> list[Finding]:
    """Project findings carry no snippet yet: read the flagged lines once per file."""
    lines_cache: dict[str, list[str]] = {}
    filled = []
    for finding in findings:
        loc = finding.location
        if loc.snippet or loc.path not in results:
            filled.append(finding)
            continue
        if loc.path not in lines_cache:
            target = root / loc.path if root.is_dir() else root
            try:
                text = target.read_text(encoding="utf-8", errors="replace")
                lines_cache[loc.path] = text.replace("\r\n", "\n").split("\n")
            except OSError:
                lines_cache[loc.path] = []
        filled.append(replace(finding, location=_with_snippet(loc, lines_cache[loc.path])))
    return filled


def _apply_overrides(findings: list[Finding], config: Config, rules_by_id: dict[str, Rule]) -> list[Finding]:
    if not config.severity:
        return findings
    result = []
    for finding in findings:
        rule = rules_by_id[finding.rule_id]
        override: Severity | None = None
        for selector, severity in config.severity:
            if rule.matches(selector):
                override = severity
                if selector.upper() == rule.id or selector.lower() == rule.slug:
                    break            # an exact rule beats an area-wide override
        result.append(replace(finding, severity=override) if override else finding)
    return result


def scan(root: Path, config: Config, progress: Progress | None = None) -> Report:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    root = root.resolve()
    scan_base = root if root.is_dir() else root.parent
    catalog = load_catalog()
    rules = list(catalog.select(config))
    rules_by_id = {r.id: r for r in rules}
    files, diagnostics = discover(root, config)
    if config.focus == MIGRATIONS_FOCUS:
        files = [f for f in files if is_migration_candidate(f)]
    timings["discover"] = time.perf_counter() - started

    t = time.perf_counter()
    jobs = config.jobs or os.cpu_count() or 1
    per_file_ids = tuple(r.id for r in rules if not isinstance(r, (ProjectRule, TaintRule)))
    cache = None
    if config.cache_dir:
        cache, cache_diagnostics = ResultCache.open(Path(config.cache_dir), scan_base, files,
                                                    (*per_file_ids, f"postgres-version={config.postgres_version}"))
        diagnostics.extend(cache_diagnostics)
    cached = {source.path: hit for source in files if cache and (hit := cache.lookup(source)) is not None}
    fresh = analyse_packed([s for s in files if s.path not in cached], per_file_ids, jobs, progress,
                           config.file_time_budget, config.postgres_version)
    by_path = {**cached, **{packed.result.facts.path: packed for packed in fresh}}
    packed_results = [by_path[source.path] for source in files]
    if cache is not None:
        cache.store(packed_results)
    timings["per_file"] = time.perf_counter() - t

    with cyclic_collector_paused():
        t = time.perf_counter()
        results: list[FileResult] = [packed.result for packed in packed_results]     # taint IR left packed
        taint_rules = [r for r in rules if isinstance(r, TaintRule)]
        taint = taint_input(taint_rules, packed_results) if taint_rules else None
        taint_outcome = cache.taint_outcome(taint.key) if cache is not None and taint is not None else None
        for_project = taint.results(packed_results) if taint and taint_outcome is None else results
        facts = tuple(r.facts for r in for_project)
        findings = [f for r in results for f in r.findings]
        diagnostics.extend(d for r in results for d in r.diagnostics)
        applied = set().union(*(r.applied for r in results)) if results else set()
        project = build_project(facts, config.public_paths)
        if taint is not None and taint_outcome is None:
            taint_outcome = run_taint(taint_rules, project, ProjectContext(project, config.postgres_version))
            if cache is not None:
                cache.store_taint(taint.key, taint_outcome)
        project_findings, project_diags, project_applied = run_project_rules(
            rules, project, config.postgres_version, taint_outcome)
        if taint is not None:
            applied |= taint.applied
        if cache is not None:
            diagnostics.extend(cache.diagnostics)
        findings.extend(project_findings)
        diagnostics.extend(project_diags)
        applied |= project_applied
        timings["project"] = time.perf_counter() - t

    findings = [redact_finding(f) for f in _fill_snippets(findings, scan_base, project.by_path)]
    findings = apply_profile(_apply_overrides(findings, config, rules_by_id), config.profile)
    findings = with_fingerprints(findings)
    accepted = load_baseline(scan_base / (config.baseline or DEFAULT_BASELINE)) if config.use_baseline \
        else Counter()
    kept, silenced, suppression_diags = apply_suppressions(findings, project.by_path, rules_by_id, accepted)
    diagnostics.extend(suppression_diags)
    code_lines = sum(f.code_lines for f in facts if f.kind in ("source", "migration"))
    applied_areas = {rules_by_id[rid].area for rid in applied if rid in rules_by_id}
    scores = score(kept, applied_areas, code_lines)
    timings["total"] = time.perf_counter() - started
    return Report(
        root=display_path(root.name or str(root)),
        tool_version=__version__,
        stack=project.stack,
        inventory=project.inventory,
        findings=tuple(sorted(kept, key=lambda f: f.sort_key)),
        suppressed=tuple(sorted(silenced, key=lambda s: s.finding.sort_key)),
        diagnostics=tuple(sorted(set(diagnostics))),
        scores=scores,
        verdict=verdict(kept),
        rules_run=tuple(sorted(rules_by_id)),
        not_verified=not_verified(),
        files_scanned=len(files),
        lines_scanned=sum(f.lines for f in facts),
        profile=config.profile,
        timings=timings,
    )


@contextmanager
def cyclic_collector_paused() -> Iterator[None]:
    """The project phase (the taint engine above all) allocates hundreds of thousands of small
    tuples, dicts and frozen dataclasses, all acyclic and freed by reference counting, while the
    main process holds every file's facts: each collection the allocations trigger re-scans that
    whole heap, which cost the engine about twice its own work (sqlalchemy: 4.1 s of `prepare`
    against 1.3 s with the collector paused). The collector is restored on the way out,
    exceptions included."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_register_fast_pickling()

__all__ = ["FileResult", "analyse_file", "scan"]
