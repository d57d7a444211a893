#!/usr/bin/env python3
"""Accuracy benchmark: recall, precision and findings per KLOC of prodcheck, bandit, semgrep and
ruff (S rules) on the labeled corpus made of the repository's own annotated fixtures.

    python bench/accuracy.py                                   # prodcheck, bandit, ruff
    python bench/accuracy.py --semgrep-rules DIR --write-results   # what ACCURACY.md holds

The labels are the fixture markers the test-suite reads (`expect:` / `ok:` / `todo-expect:` /
`todo-ok:` comments, `.expect.toml` sidecars) in tests/fixtures/rules/ and examples/. Each label
is (file, line, rule, polarity); the rule's *check key* is its CWE list from `prodcheck rules
--json` (or its slug when it has none), which is what peers are matched on. See the "Accuracy
benchmark" section of bench/README.md for the matching rules and their caveats.

Peers are installed by bench/run.py's `peers_venv` (same pins, same cache). Nothing outside the
cache directory and bench/ACCURACY.md is written. Standard library only.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import run as speed  # bench/run.py: peers_venv, semgrep_config, machine, the pins

RESULTS = HERE / "ACCURACY.md"
FIXTURES = REPO / "tests" / "fixtures" / "rules"
EXAMPLES = REPO / "examples"
PEERS = ("bandit", "semgrep", "ruff")
PYTHON_ONLY = ("bandit", "ruff")
TOOLS = ("prodcheck", *PEERS)

# semgrep-rules top directories kept for this corpus (it holds Python, JS/TS, Go, Dockerfiles,
# YAML manifests and config files); `generic` carries the secret detectors.
speed.SEMGREP_DIRS.setdefault(
    "accuracy", ("python", "javascript", "typescript", "go", "dockerfile", "yaml", "generic"))
SEMGREP_FOR = {"python": ("python", "generic"), "js/ts": ("javascript", "typescript", "generic"),
               "go": ("go", "generic"), "dockerfile": ("dockerfile", "generic"),
               "yaml": ("yaml", "generic"), "sql": ("generic",), "other": ("generic",)}

# CWE neighbours counted as the same check (symmetric: parent/child in the CWE hierarchy, or the
# tag peers commonly use for the same weakness). Kept small on purpose; documented in README.md.
RELATED = [
    (78, 77), (78, 88),                 # OS command injection / command injection / argument injection
    (89, 943), (89, 564),               # SQL injection / data query logic / Hibernate
    (327, 326), (327, 328), (327, 916), (916, 328), (916, 759), (916, 760),  # weak crypto, hashes
    (757, 327), (757, 326),             # weak TLS version is a broken-crypto choice
    (79, 80), (79, 83), (79, 116),      # XSS and its variants / output encoding
    (94, 95), (94, 1336), (94, 96),     # code injection: eval, template injection, static code
    (22, 23), (22, 36), (22, 73),       # path traversal variants, external control of a path
    (798, 259), (798, 321), (798, 547), # hard-coded credentials / password / key / constants
    (338, 330), (338, 331),             # weak randomness
    (347, 345),                         # signature not verified / insufficient verification
    (295, 297),                         # certificate validation / host mismatch
    (489, 215), (489, 11),              # debug code / debug info / ASP.NET debug
    (611, 776), (611, 827),             # XXE / entity expansion / DTD
    (1333, 730), (1333, 400),           # ReDoS / regex DoS
    (400, 770), (400, 1088),            # resource exhaustion / no limits / synchronous call no timeout
    (209, 200), (209, 497),             # error details / information exposure
    (942, 346), (942, 183),             # permissive CORS / origin validation
    (614, 1275), (1004, 1275),          # cookie flags / SameSite
    (732, 276), (732, 281),             # permissions
    (377, 379), (377, 108),             # insecure temp file
    (250, 269),                         # runs with unnecessary privileges
    (532, 312),                         # secret in log / cleartext storage
    (502, 915),                         # deserialization / dynamically-determined object attributes
]
FAMILY: dict[int, set[int]] = defaultdict(set)
for _a, _b in RELATED:
    FAMILY[_a].add(_b)
    FAMILY[_b].add(_a)

# bandit tests whose CWE tag is a generic class (CWE-20 "improper input validation", CWE-94
# "code injection") or another weakness (eval/exec tagged CWE-78) although the test checks one
# specific weakness: also credited for that one.
BANDIT_ALSO = {"B506": {502}, "B201": {489}, "B701": {79}, "B702": {79}, "B307": {95}, "B102": {95},
               **{f"B{n}": {611} for n in (*range(313, 321), *range(405, 412))}}

MARKER = re.compile(r"(?:#|//|--)\s*(todo-expect|todo-ok|expect|ok)(-next)?:\s*"
                    r"([A-Z]{2,3}-[A-Z]{2,4}-\d{3}(?:\s*,\s*[A-Z]{2,3}-[A-Z]{2,4}-\d{3})*)")
COMMENT_LINE = re.compile(r"^\s*(#|//|--)")
SKIP_PARTS = {"__pycache__", ".pytest_cache", ".git"}
JS_SUFFIXES = {".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def language_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    suffix = os.path.splitext(name)[1].lower()
    if suffix == ".py":
        return "python"
    if suffix in JS_SUFFIXES:
        return "js/ts"
    if suffix == ".go":
        return "go"
    if suffix == ".sql":
        return "sql"
    if name.startswith("Dockerfile") or name.endswith(".dockerfile") or name.startswith("Containerfile"):
        return "dockerfile"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return "other"


def cwe_numbers(value) -> set[int]:
    """CWE numbers out of whatever a tool puts there: 'CWE-89', 'CWE-89: ...', 89, a list of those."""
    if value is None:
        return set()
    if isinstance(value, (list, tuple, set)):
        return set().union(*(cwe_numbers(v) for v in value)) if value else set()
    if isinstance(value, int):
        return {value}
    return {int(n) for n in re.findall(r"CWE-(\d+)", str(value))}


def family(cwes: set[int]) -> set[int]:
    out = set(cwes)
    for c in cwes:
        out |= FAMILY.get(c, set())
    return out


# --------------------------------------------------------------------------------------------
# the labeled corpus
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    id: str
    slug: str
    area: str
    cwes: frozenset

    @property
    def key(self) -> str:
        return ",".join(f"CWE-{c}" for c in sorted(self.cwes)) if self.cwes else self.slug


@dataclass(frozen=True)
class Label:
    path: str          # relative to the repository
    line: int
    rule: str
    positive: bool     # expect / todo-expect
    todo: bool         # todo-expect (a known miss) / todo-ok (a known false positive)
    lang: str


@dataclass
class Finding:
    tool: str
    path: str
    start: int
    end: int
    rule: str           # the tool's rule / test id
    cwes: set = field(default_factory=set)
    slug: str = ""


def load_rules(python: str) -> dict[str, Rule]:
    out = subprocess.run([python, "-m", "prodcheck", "rules", "--json"], check=True,
                         capture_output=True, text=True)
    return {r["id"]: Rule(r["id"], r["slug"], r["area"], frozenset(cwe_numbers(r.get("cwe"))))
            for r in json.loads(out.stdout)}


def corpus_files() -> list[Path]:
    return sorted(p for root in (FIXTURES, EXAMPLES) for p in root.rglob("*")
                  if p.is_file() and not SKIP_PARTS & set(p.parts))


def _next_code_line(lines: list[str], index: int) -> int:
    for later in range(index + 1, len(lines)):
        if lines[later].strip() and not COMMENT_LINE.match(lines[later]):
            return later + 1
    return index + 1


def read_labels(files: list[Path]) -> list[Label]:
    seen: set[tuple] = set()
    labels: list[Label] = []

    def add(path: Path, line: int, kind: str, rule: str) -> None:
        rel = path.relative_to(REPO).as_posix()
        item = (rel, line, rule, kind in ("expect", "todo-expect"), kind.startswith("todo"))
        if item not in seen:
            seen.add(item)
            labels.append(Label(*item, language_of(rel)))

    for file in files:
        if file.name.endswith(".expect.toml"):
            target = file.parent / file.name[: -len(".expect.toml")]
            data = tomllib.loads(file.read_text(encoding="utf-8"))
            for kind in ("expect", "ok", "todo-expect", "todo-ok"):
                for entry in data.get(kind, []):
                    add(target, int(entry["line"]), kind, entry["rule"])
            continue
        try:
            lines = file.read_text(encoding="utf-8").split("\n")
        except (UnicodeDecodeError, OSError):
            continue
        for index, text in enumerate(lines):
            for match in MARKER.finditer(text):
                kind, nxt, ids = match.groups()
                line = _next_code_line(lines, index) if nxt else index + 1
                for rule in re.split(r"\s*,\s*", ids):
                    add(file, line, kind, rule)
    return labels


def nonblank_by_language(files: list[Path]) -> dict[str, int]:
    loc: Counter = Counter()
    for file in files:
        if file.name.endswith(".expect.toml"):
            continue
        loc[language_of(file.name)] += speed.nonblank_lines(file)
    return dict(loc)


def cases() -> list[Path]:
    """What the test-suite scans one at a time: each entry of a rule's fixture directory, and each
    example service."""
    out = []
    for rule_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        out += [c for c in sorted(rule_dir.iterdir())
                if not c.name.endswith(".expect.toml") and not SKIP_PARTS & {c.name}]
    out += sorted(p for p in EXAMPLES.iterdir() if p.is_dir())
    return out


# --------------------------------------------------------------------------------------------
# running the tools
# --------------------------------------------------------------------------------------------

def run_prodcheck(args, rules: dict[str, Rule], workdir: Path) -> tuple[list[Finding], dict]:
    """Every case scanned on its own with every rule: `prodcheck scan CASE --no-cache -f json`."""
    outdir = workdir / "prodcheck"
    outdir.mkdir(parents=True, exist_ok=True)
    todo = cases()

    def one(case: Path) -> tuple[Path, Path, int, str]:
        rel = case.relative_to(REPO).as_posix()
        out = outdir / (rel.replace("/", "__") + ".json")
        if args.reuse and out.is_file():
            return case, out, 0, ""
        proc = subprocess.run([args.prodcheck_python, "-m", "prodcheck", "scan", str(case), "--no-cache",
                               "-f", "json", "-o", str(out), "--quiet", "--jobs", "1"],
                              capture_output=True, text=True)
        return case, out, proc.returncode, proc.stderr

    findings: list[Finding] = []
    info = {"cases": len(todo), "errors": [], "diagnostics": Counter()}
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for n, (case, out, code, err) in enumerate(pool.map(one, todo), 1):
            if n % 100 == 0:
                log(f"[prodcheck] {n}/{len(todo)} cases, {time.perf_counter() - started:.0f}s")
            try:
                data = json.loads(out.read_text())
            except (OSError, ValueError):
                info["errors"].append(f"{case.relative_to(REPO)}: exit {code} {err.strip()[-300:]}")
                continue
            base = case if case.is_dir() else case.parent
            for d in data.get("diagnostics", ()):
                if d.get("kind") in ("rule-error", "extractor-error", "worker-crash"):
                    info["diagnostics"][d.get("kind")] += 1
            for f in data.get("findings", ()):
                loc = f["location"]
                rel = (base / loc["path"]).resolve().relative_to(REPO).as_posix() if loc.get("path") else ""
                rule = rules.get(f["rule_id"])
                findings.append(Finding("prodcheck", rel, int(loc.get("line") or 0),
                                        int(loc.get("end_line") or loc.get("line") or 0), f["rule_id"],
                                        set(rule.cwes) if rule else cwe_numbers(f.get("cwe")),
                                        rule.slug if rule else ""))
    info["seconds"] = time.perf_counter() - started
    return findings, info


def peer_copy(workdir: Path) -> Path:
    """The corpus copied where no git root and no .semgrepignore of the checkout apply (semgrep's
    built-in ignore list drops tests/ otherwise): every peer reads the same files."""
    corpus = workdir / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    ignore = shutil.ignore_patterns(*SKIP_PARTS)
    shutil.copytree(FIXTURES, corpus / FIXTURES.relative_to(REPO), ignore=ignore)
    shutil.copytree(EXAMPLES, corpus / EXAMPLES.relative_to(REPO), ignore=ignore)
    (corpus / ".semgrepignore").write_text("")
    return corpus


def _rel(corpus: Path, path: str) -> str:
    p = Path(path)
    p = p if p.is_absolute() else corpus / p
    return os.path.relpath(p, corpus).replace(os.sep, "/")


BANDIT_MAP_SCRIPT = r"""
import json, re, sys
from pathlib import Path
import bandit
from bandit.core.issue import Cwe
root = Path(bandit.__file__).parent
out = {}
for path in list((root / "plugins").glob("*.py")) + list((root / "blacklists").glob("*.py")):
    text = path.read_text()
    for bid, name in re.findall(r'build_conf_dict\(\s*"[^"]+",\s*"(B\d+)",\s*issue\.Cwe\.(\w+)', text):
        out.setdefault(bid, set()).add(getattr(Cwe, name))
    ids = re.findall(r'test_id\(\s*"(B\d+)"', text)
    names = set(re.findall(r'Cwe\.(\w+)', text))
    for bid in ids:
        out.setdefault(bid, set()).update(getattr(Cwe, n) for n in names if isinstance(getattr(Cwe, n, None), int))
json.dump({k: sorted(v) for k, v in out.items()}, sys.stdout)
"""


def bandit_cwe_map(venv: Path) -> dict[str, set[int]]:
    """bandit test id -> CWEs, read from bandit's own plugin sources (a file with several tests
    gives each the union of the file's CWEs), later completed by the CWEs bandit reports."""
    out = subprocess.run([str(venv / "bin" / "python"), "-c", BANDIT_MAP_SCRIPT], capture_output=True, text=True)
    if out.returncode:
        log(f"[bandit] could not read its CWE table: {out.stderr[-500:]}")
        return {}
    return {k: set(v) for k, v in json.loads(out.stdout).items()}


def run_bandit(venv: Path, corpus: Path, workdir: Path, bmap: dict) -> tuple[list[Finding], dict]:
    report = workdir / "bandit.json"
    proc = subprocess.run([str(venv / "bin" / "bandit"), "-r", "-q", "-f", "json", "-o", str(report), "."],
                          cwd=corpus, capture_output=True, text=True)
    data = json.loads(report.read_text())
    findings = []
    for r in data.get("results", ()):
        observed = cwe_numbers(f"CWE-{r['issue_cwe']['id']}") if r.get("issue_cwe") else set()
        bmap.setdefault(r["test_id"], set()).update(observed)
        span = r.get("line_range") or [r["line_number"]]
        findings.append(Finding("bandit", _rel(corpus, r["filename"]), int(r["line_number"]),
                                int(max(span)), r["test_id"],
                                observed | BANDIT_ALSO.get(r["test_id"], set())))
    return findings, {"exit": proc.returncode, "errors": len(data.get("errors", ()))}


def run_ruff(venv: Path, corpus: Path, workdir: Path, bmap: dict) -> tuple[list[Finding], dict, set[str]]:
    ruff = str(venv / "bin" / "ruff")
    proc = subprocess.run([ruff, "check", "--isolated", "--select", "S", "--no-cache", "--output-format", "json",
                           "--exit-zero", "."], cwd=corpus, capture_output=True, text=True)
    (workdir / "ruff.json").write_text(proc.stdout)
    findings = []
    for r in json.loads(proc.stdout or "[]"):
        code = r.get("code") or ""
        bid = "B" + code[1:]
        findings.append(Finding("ruff", _rel(corpus, r["filename"]), int(r["location"]["row"]),
                                int(r["end_location"]["row"]), code,
                                bmap.get(bid, set()) | BANDIT_ALSO.get(bid, set())))
    listed = subprocess.run([ruff, "rule", "--all", "--output-format", "json"], capture_output=True, text=True)
    try:
        codes = {r["code"] for r in json.loads(listed.stdout) if re.fullmatch(r"S\d+", r.get("code") or "")}
    except ValueError:
        codes = {f.rule for f in findings}
    return findings, {"exit": proc.returncode}, codes


def semgrep_rule_cwes(config: Path) -> dict[str, set[int]]:
    """CWEs the semgrep rules carry, per semgrep-rules top directory (from the copied files)."""
    out: dict[str, set[int]] = defaultdict(set)
    for path in config.glob("*.y*ml"):
        out[path.name.split("__", 1)[0]] |= cwe_numbers(path.read_text(encoding="utf-8", errors="replace"))
    return out


def run_semgrep(venv: Path, corpus: Path, workdir: Path, config: Path, jobs: int) -> tuple[list[Finding], dict]:
    report = workdir / "semgrep.json"
    env = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
    started = time.perf_counter()
    proc = subprocess.run([str(venv / "bin" / "semgrep"), "scan", "--metrics", "off", "--disable-version-check",
                           "--quiet", "--config", str(config), "--json", "--output", str(report),
                           "--jobs", str(jobs), "."], cwd=corpus, env=env, capture_output=True, text=True)
    data = json.loads(report.read_text())
    findings = []
    for r in data.get("results", ()):
        meta = r.get("extra", {}).get("metadata", {}) or {}
        findings.append(Finding("semgrep", _rel(corpus, r["path"]), int(r["start"]["line"]),
                                int(r["end"]["line"]), r["check_id"].rsplit(".", 1)[-1],
                                cwe_numbers(meta.get("cwe"))))
    return findings, {"exit": proc.returncode, "errors": len(data.get("errors", ())),
                      "seconds": time.perf_counter() - started, "stderr": proc.stderr[-500:]}


# --------------------------------------------------------------------------------------------
# scoring
# --------------------------------------------------------------------------------------------

def same_check(a: Rule, b: Rule) -> bool:
    if a.cwes and b.cwes:
        return bool(family(set(a.cwes)) & set(b.cwes))
    return not a.cwes and not b.cwes and a.slug == b.slug


def drop_shadowed(labels: list[Label], rules: dict[str, Rule]) -> tuple[list[Label], list[Label]]:
    """`ok:` labels are per rule: `yaml.unsafe_load(...)  # ok: PY-SEC-008` says the generic
    deserialization rule must leave the line to the YAML rule, not that the line is safe. When a
    positive label of the same check sits on the same line, the negative one is dropped from the
    check-level scoring (for every tool alike)."""
    positives = defaultdict(list)
    for lab in labels:
        if lab.positive:
            positives[(lab.path, lab.line)].append(rules[lab.rule])
    kept, dropped = [], []
    for lab in labels:
        shadowed = not lab.positive and any(same_check(rules[lab.rule], other)
                                            for other in positives.get((lab.path, lab.line), ()))
        (dropped if shadowed else kept).append(lab)
    return kept, dropped


def matches(finding: Finding, label: Label, rules: dict[str, Rule]) -> bool:
    rule = rules[label.rule]
    if rule.cwes:
        return bool(finding.cwes & family(set(rule.cwes)))
    return bool(finding.slug) and finding.slug == rule.slug


@dataclass
class Score:
    hits: set = field(default_factory=set)              # label indexes flagged by the tool
    unlabeled: Counter = field(default_factory=Counter)  # attributed rule id -> findings on unmarked lines
    per_lang: Counter = field(default_factory=Counter)   # language -> all findings
    peer_rules: dict = field(default_factory=lambda: defaultdict(set))  # label index -> tool rule ids


def score(tool: str, findings: list[Finding], labels: list[Label], rules: dict[str, Rule]) -> Score:
    by_file: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, lab in enumerate(labels):
        by_file[lab.path][lab.line].append(i)
    out = Score()
    for f in findings:
        out.per_lang[language_of(f.path)] += 1
        lines = by_file.get(f.path, {})
        if tool == "prodcheck":
            order = [(f.start, True)]
        else:   # the reported line, the rest of the statement's span, then one line either side
            order = [(f.start, True)] + [(n, True) for n in range(f.start + 1, f.end + 1)] + \
                    [(f.start - 1, False), (f.end + 1, False)]
        matched = False
        for line, inside in order:
            hit = [i for i in lines.get(line, ()) if matches(f, labels[i], rules)
                   and (inside or labels[i].positive)]
            if hit:
                for i in hit:
                    out.hits.add(i)
                    out.peer_rules[i].add(f.rule)
                matched = True
                break
        if not matched:
            out.unlabeled[attribute(f, labels, rules)] += 1
    return out


def attribute(f: Finding, labels: list[Label], rules: dict[str, Rule]) -> str:
    """The rule an unlabeled finding counts against: the fixture directory's rule when the finding
    is of that check, else (examples) a labeled rule of the same check in that example, else ''."""
    parts = f.path.split("/")
    fixture_prefix = FIXTURES.relative_to(REPO).parts
    if tuple(parts[:len(fixture_prefix)]) == fixture_prefix and len(parts) > len(fixture_prefix):
        rid = parts[len(fixture_prefix)]
        if rid in rules and matches(f, Label(f.path, f.start, rid, True, False, ""), rules):
            return rid
        return ""
    if f.tool == "prodcheck":
        return f.rule
    top = "/".join(parts[:2])
    for lab in labels:
        if lab.path.startswith(top + "/") and matches(f, lab, rules):
            return lab.rule
    return ""


def coverage(tool: str, label: Label, rules: dict[str, Rule], peer_cwes: dict) -> bool:
    """Can the tool match this label at all (a rule of its for the file's language and the CWE)?"""
    if tool == "prodcheck":
        return True
    cwes = set(rules[label.rule].cwes)
    if not cwes:
        return False
    if tool in ("bandit", "ruff"):
        return label.lang == "python" and bool(family(cwes) & peer_cwes.get(tool, set()))
    if tool == "semgrep":
        have = set().union(*(peer_cwes.get("semgrep", {}).get(d, set()) for d in SEMGREP_FOR[label.lang]))
        return bool(family(cwes) & have)
    return False


@dataclass
class Cell:
    pos: int = 0
    tp: int = 0
    neg: int = 0
    fp: int = 0
    unl: int = 0
    covered: bool = False

    def recall(self) -> float | None:
        return self.tp / self.pos if self.pos else None

    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None


def cells(tool: str, idx: list[int], labels, rules, sc: Score, peer_cwes, unl_rules=()) -> Cell:
    cell = Cell()
    for i in idx:
        lab = labels[i]
        if not coverage(tool, lab, rules, peer_cwes):
            continue
        cell.covered = True
        if lab.positive:
            cell.pos += 1
            cell.tp += i in sc.hits
        else:
            cell.neg += 1
            cell.fp += i in sc.hits
    if cell.covered:
        cell.unl = sum(sc.unlabeled.get(r, 0) for r in unl_rules)
    return cell


def pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def fmt(cell: Cell, skipped: bool = False, na: bool = False) -> tuple[str, str]:
    if skipped:
        return "skipped", "skipped"
    if na:
        return "n/a", "n/a"
    if not cell.covered:
        return "not covered", "not covered"
    rec = f"{pct(cell.recall())} ({cell.tp}/{cell.pos})" if cell.pos else "-"
    prec = f"{pct(cell.precision())} ({cell.fp} FP)" if cell.tp + cell.fp else f"- ({cell.fp} FP)"
    return rec, prec


# --------------------------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------------------------

def report(labels, rules, scores, peer_cwes, loc, skipped, pc_info, strict_labels, strict_score,
           dropped) -> list[str]:
    present = [t for t in TOOLS if t in scores or t in skipped]
    lines: list[str] = []
    n_pos = sum(lab.positive for lab in labels)
    n_todo = Counter(("todo-expect" if lab.positive else "todo-ok") for lab in labels if lab.todo)
    lines += [f"Labels: **{len(labels)}** ({n_pos} positive: `expect` + {n_todo['todo-expect']} `todo-expect`; "
              f"{len(labels) - n_pos} negative: `ok` + {n_todo['todo-ok']} `todo-ok`) on "
              f"{len({lab.path for lab in labels})} files; "
              f"{sum(loc.values()):,} non-blank lines in the corpus ({', '.join(f'{k} {v:,}' for k, v in sorted(loc.items()))}). "
              f"{len(dropped)} negative labels share their line with a positive label of the same check "
              "and are left out of the check-level scores below.",
              ""]

    # self-consistency: the rule itself on its own labels (what the test-suite enforces)
    pc = strict_score
    strict = Counter()
    odd = []
    for i, lab in enumerate(strict_labels):
        flagged = i in pc.hits and lab.rule in pc.peer_rules[i]
        strict[(lab.positive, lab.todo, flagged)] += 1
        if not lab.todo and flagged != lab.positive:
            odd.append(f"`{lab.path}:{lab.line}` {'expect' if lab.positive else 'ok'}: {lab.rule}")
    lines += ["### Self-consistency (prodcheck, rule id on the exact line)", "",
              f"- `expect` found: {strict[(True, False, True)]} of {strict[(True, False, True)] + strict[(True, False, False)]}; "
              f"`ok` flagged: {strict[(False, False, True)]} of {strict[(False, False, True)] + strict[(False, False, False)]}",
              f"- known misses (`todo-expect`) still missed: {strict[(True, True, False)]} of "
              f"{strict[(True, True, False)] + strict[(True, True, True)]}; known false positives (`todo-ok`) still "
              f"flagged: {strict[(False, True, True)]} of {strict[(False, True, True)] + strict[(False, True, False)]}",
              f"- {pc_info['cases']} cases scanned one by one in {pc_info['seconds']:.0f} s; scan errors: "
              f"{len(pc_info['errors'])}; crash diagnostics: {sum(pc_info['diagnostics'].values())}",
              *(["- labels not met when every rule runs on the case (the test-suite runs the directory's rule "
                 "alone and only checks that rule's labels): " + "; ".join(odd)] if odd else [])]
    sibling = [f"`{lab.path}:{lab.line}` {'todo-ok' if lab.todo else 'ok'}: {lab.rule}, flagged by "
               f"{', '.join(sorted(scores['prodcheck'].peer_rules[i]))}"
               for i, lab in enumerate(labels) if not lab.positive and i in scores["prodcheck"].hits]
    if sibling:
        lines.append("- negatives flagged at check level, i.e. by a rule of the same CWE (these are prodcheck's FP "
                     "below): " + "; ".join(sibling))
    lines.append("")

    # per language x area
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        groups[(lab.lang, rules[lab.rule].area)].append(i)
    head = "| language | area | labels (+/-) |" + "".join(f" {t} recall | {t} precision |" for t in present)
    lines += ["### Per language and area", "",
              "Recall = labeled positives flagged / labeled positives the tool covers; precision = TP / (TP + "
              "labeled negatives flagged). Peers are only scored on the labels whose check (CWE) they have a rule "
              "for in that language; `not covered` otherwise; `n/a`: bandit and ruff read Python only.", "",
              head, "|---|---|---:|" + "---:|---:|" * len(present)]
    for (lang, area), idx in sorted(groups.items()):
        pos = sum(labels[i].positive for i in idx)
        row = f"| {lang} | {area} | {len(idx)} ({pos}/{len(idx) - pos}) |"
        for t in present:
            rec, prec = fmt(cells(t, idx, labels, rules, scores.get(t, Score()), peer_cwes), t in skipped,
                            t in PYTHON_ONLY and lang != "python")
            row += f" {rec} | {prec} |"
        lines.append(row)
    # security totals per language
    lines += ["", "### Security labels (area SEC) per language", "",
              "| language | labels (+/-) |" + "".join(f" {t} recall (covered) | {t} recall (all +) | {t} precision |"
                                               for t in present),
              "|---|---:|" + "---:|---:|---:|" * len(present)]
    for lang in sorted({lab.lang for lab in labels}):
        idx = [i for i, lab in enumerate(labels) if lab.lang == lang and rules[lab.rule].area == "SEC"]
        if not idx:
            continue
        pos = sum(labels[i].positive for i in idx)
        row = f"| {lang} | {len(idx)} ({pos}/{len(idx) - pos}) |"
        for t in present:
            if t in skipped:
                row += " skipped | skipped | skipped |"
                continue
            if t in PYTHON_ONLY and lang != "python":
                row += " n/a | n/a | n/a |"
                continue
            cell = cells(t, idx, labels, rules, scores[t], peer_cwes)
            all_tp = sum(1 for i in idx if labels[i].positive and i in scores[t].hits)
            rec, prec = fmt(cell)
            row += f" {rec} | {pct(all_tp / pos) if pos else '-'} ({all_tp}/{pos}) | {prec} |"
        lines.append(row)

    # per rule
    lines += ["", "### Per rule (security rules, and other rules a peer covers)", "",
              "`unl.` = findings of that check in the rule's fixture directory on lines that carry no label for it "
              "(not counted in precision: they may be right or wrong).", "",
              "| rule | check | labels (+/-) |" + "".join(f" {t} recall | {t} precision | {t} unl. |" for t in present),
              "|---|---|---:|" + "---:|---:|---:|" * len(present)]
    by_rule: dict[str, list[int]] = defaultdict(list)
    for i, lab in enumerate(labels):
        by_rule[lab.rule].append(i)
    rule_cells: dict[str, dict[str, Cell]] = {}
    for rid, idx in sorted(by_rule.items()):
        rule = rules[rid]
        per_tool = {t: cells(t, idx, labels, rules, scores[t], peer_cwes, (rid,)) for t in present if t not in skipped}
        rule_cells[rid] = per_tool
        if rule.area != "SEC" and not any(c.covered for t, c in per_tool.items() if t != "prodcheck"):
            continue
        pos = sum(labels[i].positive for i in idx)
        row = f"| {rid} | {rule.key} | {len(idx)} ({pos}/{len(idx) - pos}) |"
        for t in present:
            if t in skipped:
                row += " skipped | skipped | |"
                continue
            rec, prec = fmt(per_tool[t])
            row += f" {rec} | {prec} | {per_tool[t].unl if per_tool[t].covered else ''} |"
        lines.append(row)

    # findings per KLOC
    lines += ["", "### Findings per KLOC (every finding of every rule, non-blank lines)", "",
              "| language | KLOC |" + "".join(f" {t} |" for t in present), "|---|---:|" + "---:|" * len(present)]
    for lang in sorted(loc):
        kloc = loc[lang] / 1000
        row = f"| {lang} | {kloc:.1f} |"
        for t in present:
            if t in skipped:
                row += " skipped |"
            elif t in PYTHON_ONLY and lang != "python" or not kloc:
                row += " n/a |"
            else:
                row += f" {scores[t].per_lang.get(lang, 0) / kloc:.1f} |"
        lines.append(row)
    total = sum(loc.values()) / 1000
    lines.append(f"| all | {total:.1f} |" + "".join(
        " skipped |" if t in skipped else f" {sum(scores[t].per_lang.values()) / total:.1f} |" for t in present))

    lines += ["", *where(labels, rules, scores, rule_cells, [t for t in PEERS if t in scores and t not in skipped])]
    return lines


def where(labels, rules, scores, rule_cells, peers) -> list[str]:
    """Computed from the numbers: rules where prodcheck finds more, fewer, or is noisier."""
    out = ["## Where we beat them / where not", ""]
    better, worse, noisier, gaps = [], [], [], defaultdict(list)
    for rid, per_tool in sorted(rule_cells.items()):
        pc = per_tool["prodcheck"]
        for t in peers:
            cell = per_tool.get(t)
            if not cell or not cell.covered or not cell.pos:
                continue
            if (pc.recall() or 0) > (cell.recall() or 0):
                better.append((t, f"{rid} {pct(pc.recall())} vs {pct(cell.recall())}"))
            elif (cell.recall() or 0) > (pc.recall() or 0):
                worse.append((t, f"{rid} {pct(pc.recall())} vs {pct(cell.recall())}"))
            if pc.fp > cell.fp:
                noisier.append((t, f"{rid} {pc.fp} vs {cell.fp}"))
    pc_hits = scores["prodcheck"].hits
    for t in peers:
        for i in sorted(scores[t].hits):
            lab = labels[i]
            if lab.positive and i not in pc_hits:
                gaps[lab.rule].append(f"`{lab.path}:{lab.line}`{' (a `todo-expect`: known miss)' if lab.todo else ''} "
                                      f"({t} {', '.join(sorted(scores[t].peer_rules[i]))})")
    def per_peer(title: str, items: list) -> list[str]:
        rows = [f"- **{title}** ({len(items)} rule/peer pairs){':' if items else ': none'}"]
        for t in peers:
            mine = [text for who, text in items if who == t]
            if mine:
                rows.append(f"  - vs {t} ({len(mine)}): " + "; ".join(mine))
        return rows

    out += ["Per rule, on the labels the peer covers (prodcheck first, then the peer):", "",
            *per_peer("Higher recall than the peer", better),
            *per_peer("Lower recall than the peer", worse),
            *per_peer("More labeled negatives flagged than the peer", noisier),
            "", "### Gaps: labeled positives a peer finds and prodcheck misses", ""]
    if not gaps:
        out.append("None: every labeled positive found by a peer is also found by prodcheck.")
    for rid, items in sorted(gaps.items()):
        out.append(f"- **{rid}** ({rules[rid].slug}, {len(items)}): " + "; ".join(items))
    fps = defaultdict(list)
    for i in sorted(scores["prodcheck"].hits):
        lab = labels[i]
        if not lab.positive and not any(i in scores[t].hits for t in peers):
            fps[lab.rule].append(f"`{lab.path}:{lab.line}`")
    out += ["", "### Which peer rules flag labeled negatives", ""]
    for t in peers:
        noisy = Counter(r for i in scores[t].hits if not labels[i].positive for r in scores[t].peer_rules[i])
        out.append(f"- {t}: " + (", ".join(f"{r} {n}" for r, n in noisy.most_common(12)) or "none"))
    out += ["", "### Labeled negatives prodcheck flags and no peer does", ""]
    out += [f"- **{rid}** ({len(v)}): " + "; ".join(v) for rid, v in sorted(fps.items())] or ["None."]
    out.append("")
    return out


# --------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=speed.DEFAULT_CACHE, help="peers venv and work files")
    parser.add_argument("--semgrep-rules", type=Path, help="a checkout of semgrep-rules; semgrep is skipped without it")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of " + ",".join(TOOLS))
    parser.add_argument("--jobs", type=int, default=1,
                        help="prodcheck cases scanned at once (each `--jobs 1`), and semgrep's --jobs (default 1)")
    parser.add_argument("--prodcheck-python", default=sys.executable, help="the Python with prodcheck installed")
    parser.add_argument("--reuse", action="store_true", help="reuse prodcheck's per-case reports of the last run")
    parser.add_argument("--write-results", action="store_true", help=f"rewrite {RESULTS}")
    args = parser.parse_args(argv)
    args.cache = args.cache.expanduser().resolve()
    wanted = [t.strip() for t in args.tools.split(",") if t.strip()]
    if "prodcheck" not in wanted:
        wanted.insert(0, "prodcheck")
    if args.semgrep_rules is not None:
        args.semgrep_rules = args.semgrep_rules.expanduser().resolve()
        if not args.semgrep_rules.is_dir():
            parser.error(f"--semgrep-rules {args.semgrep_rules} is not a directory")

    workdir = args.cache / "runs" / "accuracy"
    workdir.mkdir(parents=True, exist_ok=True)
    rules = load_rules(args.prodcheck_python)
    files = corpus_files()
    all_labels = [lab for lab in read_labels(files) if lab.rule in rules]
    labels, dropped = drop_shadowed(all_labels, rules)
    loc = nonblank_by_language(files)
    log(f"[corpus] {len(all_labels)} labels ({len(dropped)} shadowed negatives) in {len(files)} files")

    scores: dict[str, Score] = {}
    skipped: set[str] = set()
    findings, pc_info = run_prodcheck(args, rules, workdir)
    scores["prodcheck"] = score("prodcheck", findings, labels, rules)
    strict_score = score("prodcheck", findings, all_labels, rules)
    log(f"[prodcheck] {len(findings)} findings, {pc_info['seconds']:.0f}s")

    peer_cwes: dict = {}
    venv = None
    if set(wanted) & set(PEERS):
        venv = speed.peers_venv(args.cache)
        corpus = peer_copy(workdir)
        bmap = bandit_cwe_map(venv)
        if "bandit" in wanted:
            found, info = run_bandit(venv, corpus, workdir, bmap)
            scores["bandit"] = score("bandit", found, labels, rules)
            log(f"[bandit] {len(found)} findings, exit {info['exit']}, {info['errors']} errors")
        for bid, extra in BANDIT_ALSO.items():
            bmap.setdefault(bid, set()).update(extra)
        peer_cwes["bandit"] = set().union(*bmap.values()) if bmap else set()
        if "ruff" in wanted:
            found, info, codes = run_ruff(venv, corpus, workdir, bmap)
            scores["ruff"] = score("ruff", found, labels, rules)
            peer_cwes["ruff"] = set().union(set(), *(bmap.get("B" + c[1:], set()) for c in codes))
            log(f"[ruff] {len(found)} findings ({len(codes)} S rules)")
        if "semgrep" in wanted:
            config = speed.semgrep_config(args.semgrep_rules, "accuracy", args.cache) if args.semgrep_rules else None
            if config is None:
                skipped.add("semgrep")
            else:
                found, info = run_semgrep(venv, corpus, workdir, config, max(1, args.jobs))
                scores["semgrep"] = score("semgrep", found, labels, rules)
                peer_cwes["semgrep"] = semgrep_rule_cwes(config)
                log(f"[semgrep] {len(found)} findings, exit {info['exit']}, {info['errors']} errors, "
                    f"{info['seconds']:.0f}s {info['stderr'] if info['exit'] not in (0, 1) else ''}")
        shutil.rmtree(corpus, ignore_errors=True)
    for t in PEERS:
        if t not in wanted:
            skipped.add(t)

    body = report(labels, rules, scores, peer_cwes, loc, skipped, pc_info, all_labels, strict_score, dropped)
    print("\n".join(body), flush=True)
    if args.write_results:
        venv = venv or args.cache / "peers-venv"
        machine = speed.machine(SimpleNamespace(prodcheck_python=args.prodcheck_python, jobs=1), venv)
        machine = [m.replace(", `--jobs 1`", ", one case at a time") for m in machine if "squawk" not in m]
        if args.semgrep_rules:
            count = len(list((args.cache / "semgrep-config" / "accuracy").glob("*.y*ml")))
            machine.append(f"- semgrep rules: {count} rule files of a semgrep-rules checkout, top directories "
                           + ", ".join(speed.SEMGREP_DIRS["accuracy"]))
        shown = " ".join("DIR" if a.startswith("/") or a.startswith("~") else a for a in argv)
        head = ["# prodcheck accuracy benchmark: results", "",
                f"Produced by `python bench/accuracy.py {shown}` on {time.strftime('%Y-%m-%d')}. The corpus is the "
                "repository's own annotated fixtures (tests/fixtures/rules/, examples/): prodcheck's home ground, "
                "written together with its rules. Read the peers' columns as \"what they find of what we "
                "decided to look for\", not as a general verdict on them. See bench/README.md for how labels, "
                "checks and peer findings are matched.", "", "## Machine", "", *machine, "", "## Results", ""]
        RESULTS.write_text("\n".join(head + body) + "\n")
        log(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
