"""prodcheck is safe to point at a hostile repository, and behaves.

(a) it never imports or runs the scanned code; (b) it writes nothing into the scanned tree;
(c) it does not follow symlinks out of the root; (d) no output format ever prints a planted secret
in full; (e) its output is byte-identical whatever the job count or the order the files were made
in; (f) it finds nothing HIGH or CRITICAL in itself; (g) Ctrl-C stops it promptly and quietly;
(h) a worker process that dies loses its own file only.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import prodcheck
from prodcheck import pipeline
from prodcheck.config import Config
from prodcheck.discovery import discover
from prodcheck.pipeline import PARALLEL_MIN_FILES, analyse_files, scan
from prodcheck.report import render

SRC = Path(prodcheck.__file__).resolve().parent
FORMATS = ("json", "sarif", "md", "html", "text")
OUR_BUGS = frozenset({"rule-error", "extractor-error", "analysis-error", "worker-crash"})


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def cli(*args: str | Path, cwd: Path | None = None, timeout: float = 240) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "FORCE_COLOR", "PYTHONSAFEPATH", "PYTHONDONTWRITEBYTECODE")}
    return subprocess.run([sys.executable, "-m", "prodcheck", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout, check=False)


def scan_all_formats(root: Path, out: Path, *extra: str, cwd: Path | None = None) -> dict[str, str]:
    """Every report format of one CLI scan of `root`, written outside it."""
    out.mkdir(parents=True, exist_ok=True)
    args: list[str | Path] = ["scan", root, *extra]
    for fmt in FORMATS:
        args += ["-f", fmt, "-o", out / f"report.{fmt}"]
    result = cli(*args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    return {fmt: (out / f"report.{fmt}").read_text(encoding="utf-8") for fmt in FORMATS}


def snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every path under `root` (links not followed) with its type, size and mtime."""
    found = {}
    for directory, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            found[os.path.relpath(path, root)] = (info.st_mode, info.st_size, info.st_mtime_ns)
    info = os.lstat(root)
    found["."] = (info.st_mode, info.st_size, info.st_mtime_ns)
    return found


def polyglot(root: Path, files: int = 0) -> Path:
    """A small service in every language prodcheck reads, with findings in each."""
    write(root, "app/__init__.py", "")
    write(root, "app/views.py", "import requests\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
                                "@app.post('/items')\ndef create():\n    return requests.get(request.args['u']).text\n")
    write(root, "app/settings.py", "DEBUG = True\nALLOWED_HOSTS = ['*']\n")
    write(root, "web/server.ts", "import express from 'express';\nimport axios from 'axios';\nconst app = express();\n"
                                 "app.post('/u', async (req, res) => { res.json(await axios.get(req.body.u)); });\n"
                                 "app.listen(3000);\n")
    write(root, "svc/main.go", 'package main\n\nimport "net/http"\n\nfunc main() {\n\thttp.Get("https://x")\n'
                               '\thttp.ListenAndServe(":8080", nil)\n}\n')
    write(root, "Dockerfile", 'FROM python:3.12\nCMD ["python", "app.py"]\n')
    write(root, "docker-compose.yml", "services:\n  web:\n    build: .\n    command: npm run dev\n")
    write(root, "k8s/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n"
                                   "  template:\n    spec:\n      containers:\n        - name: api\n"
                                   "          image: ghcr.io/acme/api:latest\n")
    write(root, "migrations/0001_init.sql", "CREATE INDEX idx_a ON users (a);\nALTER TABLE users DROP COLUMN b;\n")
    write(root, "package.json", '{"name": "x", "dependencies": {"express": "^4.18.2"}}\n')
    write(root, "requirements.txt", "flask\nrequests>=2\n")
    for index in range(files):
        write(root, f"pkg/mod{index:03d}.py", f"import requests\n\n\ndef f{index}(u):\n    return requests.get(u)\n")
    return root


# ---------------------------------------------------------------- (a) nothing is imported or run

def hostile_repo(root: Path, markers: Path) -> Path:
    """Every file leaves a marker in `markers` if anything imports, runs, builds or installs it."""
    def py(name: str) -> str:
        return f"open({str(markers / name)!r}, 'w').write('ran')\n"

    def sh(name: str) -> str:
        return f"touch {markers / name}"

    for rel in ("pkg/__init__.py", "conftest.py", "setup.py", "manage.py", "sitecustomize.py", "usercustomize.py",
                "__main__.py", "noxfile.py", "tasks.py", "wsgi.py", "app.py", "alembic/env.py",
                "migrations/0001_initial.py", "tests/test_app.py", "backend.py", "docs/conf.py"):
        write(root, rel, py(rel.replace("/", "_")) + "import requests\nrequests.get('https://example.com')\n")
    write(root, "evil.pth", "import os; " + py("pth").strip() + "\n")
    write(root, "pyproject.toml", '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
                                  '[project]\nname = "hostile"\nversion = "1"\n')
    write(root, "package.json", json.dumps({"name": "hostile", "version": "1.0.0", "scripts": {
        hook: sh(f"npm_{hook}") for hook in ("preinstall", "install", "postinstall", "prepare", "prepublish",
                                             "start", "test", "build")}}) + "\n")
    write(root, "index.js", f"require('fs').writeFileSync({str(markers / 'node')!r}, 'ran');\n")
    write(root, "src/app.ts",
          f"import {{ writeFileSync }} from 'fs';\nwriteFileSync({str(markers / 'ts')!r}, 'ran');\n")
    write(root, "Makefile", f"all:\n\t{sh('make')}\n")
    write(root, "go.mod", "module example.com/hostile\n\ngo 1.22\n")
    write(root, "main.go", 'package main\n\nimport "os"\n\nfunc init() {\n\tos.WriteFile('
                           f'"{markers / "go"}", []byte("ran"), 0o644)\n}}\n\nfunc main() {{}}\n')
    write(root, "Dockerfile", f"FROM alpine:3.19\nRUN {sh('docker_build')}\n")
    write(root, "docker-compose.yml", f"services:\n  web:\n    image: alpine:3.19\n    command: {sh('compose')}\n")
    write(root, ".pre-commit-config.yaml", "repos:\n  - repo: local\n    hooks:\n      - id: x\n        name: x\n"
                                           f"        entry: {sh('pre_commit')}\n        language: system\n")
    write(root, ".github/workflows/ci.yml", f"on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n"
                                            f"      - run: {sh('workflow')}\n")
    write(root, "Procfile", f"web: {sh('procfile')}\n")
    write(root, "bin/run.sh", f"#!/bin/sh\n{sh('script')}\n")
    os.chmod(root / "bin/run.sh", 0o755)
    write(root, "config/unsafe.yaml", f"x: !!python/object/apply:os.system [{sh('yaml_tag')!r}]\n"
                                      "y: !!python/object/new:os.system [true]\n")
    write(root, "migrations/0002_data.sql", f"COPY t FROM PROGRAM '{sh('sql_program')}';\n")
    return root


def loaded_modules(code: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", code + "\nprint(' '.join(sorted(sys.modules)))"],
                            capture_output=True, text=True, timeout=120, check=True)
    names = {name.split(".")[0] for name in result.stdout.split()}
    return {n for n in names if n.isidentifier()} - set(sys.builtin_module_names) - {"__main__", "__mp_main__"}


@pytest.fixture(scope="module")
def shadowable_modules() -> tuple[list[str], list[str]]:
    """Top-level modules a scan imports, and those `python -m` itself imports before any prodcheck
    code runs (only the console script or `python -P` can keep a working directory from those)."""
    scanned = loaded_modules(
        "import sys, tempfile, pathlib\nimport prodcheck.cli\nfrom prodcheck.pipeline import scan\n"
        "from prodcheck.config import Config\n"
        "from prodcheck.report import render\nroot = pathlib.Path(tempfile.mkdtemp())\n"
        "for rel, text in [('a.py', 'import os\\n'), ('b.ts', 'x;'), ('c.go', 'package c'), ('Dockerfile', 'FROM a'),"
        " ('d.yaml', 'a: 1'), ('migrations/e.sql', 'SELECT 1;'), ('package.json', '{}'), ('f.toml', 'a=1'),"
        " ('.env', 'A=1')]:\n"
        "    (root / rel).parent.mkdir(exist_ok=True); (root / rel).write_text(text)\n"
        "report = scan(root, Config(jobs=1, use_baseline=False))\n"
        "for fmt in ('json', 'sarif', 'md', 'html', 'text', 'terminal'): render(report, fmt)")
    before_main = loaded_modules("import sys, runpy, importlib.machinery, importlib.util, prodcheck")
    scanned -= {"prodcheck", "sitecustomize", "usercustomize"}
    return sorted(scanned - before_main), sorted(scanned & before_main)


def no_markers(markers: Path) -> list[str]:
    return sorted(p.name for p in markers.iterdir())


def test_a_scan_imports_and_runs_nothing_from_the_scanned_tree(tmp_path: Path, shadowable_modules) -> None:
    after_main, before_main = shadowable_modules
    markers = tmp_path / "markers"
    markers.mkdir()
    repo = hostile_repo(tmp_path / "repo", markers)
    for name in after_main:                # `python -m` puts the working directory first on sys.path
        write(repo, f"{name}.py", f"open({str(markers / ('shadow_' + name))!r}, 'w').write('imported')\n")
    for index in range(PARALLEL_MIN_FILES):
        write(repo, f"filler/m{index:02d}.py", f"import os\nos.system('touch {markers / 'filler'}')\n")
    assert len(after_main) > 20 and {"yaml", "re", "json", "click"} <= set(after_main)
    outputs = scan_all_formats(repo, tmp_path / "out", "--jobs", "2", cwd=repo)
    assert json.loads(outputs["json"])["summary"]["files"] > PARALLEL_MIN_FILES
    in_process = scan(repo, Config(jobs=1, use_baseline=False))
    assert in_process.findings
    assert no_markers(markers) == []
    console_script = Path(sys.executable).with_name("prodcheck")
    if not console_script.exists():
        return
    for name in before_main:               # the console script does not put the working directory first
        write(repo, f"{name}.py", f"open({str(markers / ('shadow_' + name))!r}, 'w').write('imported')\n")
    result = subprocess.run([str(console_script), "scan", ".", "-f", "json", "--jobs", "2"], cwd=repo,
                            capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert no_markers(markers) == []


# ---------------------------------------------------------------- (b) nothing is written into the tree

def test_nothing_is_written_into_the_scanned_tree(tmp_path: Path) -> None:
    repo = polyglot(tmp_path / "repo", files=PARALLEL_MIN_FILES)
    write(repo, ".gitignore", "*.log\n")
    os.symlink(repo / "app", repo / "app_link")
    before = snapshot(repo)
    scan_all_formats(repo, tmp_path / "out", "--jobs", "2")
    result = cli("scan", ".", "-f", "json", cwd=repo)                  # report on stdout, run from inside
    assert result.returncode == 1, result.stderr
    for jobs in (1, 2):
        scan(repo, Config(jobs=jobs))
    after = snapshot(repo)
    assert after == before
    assert not [p for p in after if "__pycache__" in p or p.endswith((".pyc", ".prodcheck-cache"))]


# ---------------------------------------------------------------- (c) symlinks out of the root

def test_symlinks_out_of_the_root_are_not_followed(tmp_path: Path) -> None:
    canary = "OUTSIDE-ROOT-CANARY-7f3a9c"
    outside = tmp_path / "outside"
    write(outside, "secret.py", f'TOKEN = "{canary}"\nimport requests\nrequests.get("{canary}")\n')
    write(outside, "nested/deploy.yaml", f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {canary}\n")
    write(outside, "Dockerfile", f"FROM {canary}:latest\n")
    write(outside, "down.sql", f"DROP TABLE {canary.replace('-', '_')};\n")
    repo = polyglot(tmp_path / "repo")
    links = {"linked_secret.py": outside / "secret.py", "linked_dir": outside / "nested",
             "relative.py": Path("../outside/secret.py"), "svc/Dockerfile": outside / "Dockerfile",
             "chain_a.py": repo / "chain_b.py", "chain_b.py": outside / "secret.py",
             "migrations/000001_x.down.sql": outside / "down.sql", ".env": outside / "secret.py"}
    write(repo, "migrations/000001_x.up.sql", "CREATE TABLE x (id int);\n")
    for rel, target in links.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, repo / rel)
    outputs = scan_all_formats(repo, tmp_path / "out")
    for fmt, text in outputs.items():
        assert canary not in text and canary.replace("-", "_") not in text, fmt
    data = json.loads(outputs["json"])
    escaped = {d["path"] for d in data["diagnostics"] if d["kind"] == "symlink-outside-root"}
    assert escaped >= set(links)
    report = scan(repo, Config(jobs=1, use_baseline=False))
    assert not {f.location.path for f in report.findings} & set(links)


def test_a_symlink_inside_the_root_is_scanned_under_its_own_name(tmp_path: Path) -> None:
    repo = polyglot(tmp_path / "repo")
    os.symlink(repo / "Dockerfile", repo / "Dockerfile.prod")
    paths = {f.location.path for f in scan(repo, Config(only=("GEN-OPS-101",), jobs=1)).findings}
    assert paths == {"Dockerfile", "Dockerfile.prod"}


# ---------------------------------------------------------------- (d) secrets never printed in full

def planted_secrets() -> dict[str, str]:
    """Built at run time (no scanner flags this module); each is unique and high-entropy."""
    return {
        "aws": "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzq8Wd3Lx7N",
        "stripe": "sk_" + "live_" + "51HqLyjWDarjtT1zdp7dc9Kx2Lm",
        "github": "ghp_" + "R4nd0mT0k3nV4lu3F0rT3st1ngXy9Zq8Wp7v",
        "slack_bot": "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "password": "S3cr3tP4ssw0rd-" + "xyzzy-91",
        "dsn_password": "dsnP4ss-" + "Qw9Zr7Tk2",
        "env_key": "f3c9a8b7e6d5c4b3" + "a29180f7e6d5c4b3",
        "env_token": "envT0ken-" + "Gh7Jk9Lm2Nb",
        "yaml_password": "yamlP4ss-" + "Lm8Nb6Vc4",
        "k8s_password": "k8sP4ss-" + "Xc3Vb5Nm7",
        "docker_env": "dockerS3cret-" + "Hj5Kl3Mn1Pq",
        "docker_arg": "argS3cret-" + "Zx2Cv4Bn6Mq",
        "compose_map": "composeS3cret-" + "Rt7Yu9Io1Pw",
        "compose_list": "listS3cret-" + "As3Df5Gh7Jk",
        "bearer": "abcDEF123ghi" + "JKL456mnoPQR789",
        "client_secret": "cs_9f8e7d6c" + "5b4a3f2e1d0c",
    }


def secret_repo(root: Path, s: dict[str, str]) -> Path:
    write(root, "app/settings.py",
          f'AWS_SECRET_ACCESS_KEY = "{s["aws"]}"\nSTRIPE_KEY = "{s["stripe"]}"\nGITHUB_TOKEN = "{s["github"]}"\n'
          f'SLACK_TOKEN = "{s["slack_bot"]}"\nDB_PASSWORD = "{s["password"]}"\n'
          f'DATABASE_URL = "postgresql://admin:{s["dsn_password"]}@db.internal/app"\n')
    write(root, "app/client.py",
          "import requests\n\n\ndef a(url):\n"
          f'    return requests.get(url, headers={{"Authorization": "Bearer {s["bearer"]}"}})\n\n\n'
          f'def b(url):\n    return requests.get(url, params={{"client_secret": "{s["client_secret"]}"}})\n')
    write(root, ".env", f'API_KEY={s["env_key"]}\nexport AUTH_TOKEN="{s["env_token"]}"\n'
                        f'DATABASE_URL=postgres://app:{s["dsn_password"]}@db/app\n')
    write(root, "config/app.yaml", f'database:\n  host: db\n  password: "{s["yaml_password"]}"\n')
    write(root, "k8s/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n"
                                   "  template:\n    spec:\n      containers:\n        - name: api\n"
                                   "          image: ghcr.io/acme/api:1.0\n          env:\n"
                                   f'            - name: DB_PASSWORD\n              value: "{s["k8s_password"]}"\n')
    write(root, "Dockerfile", f'FROM python:3.12\nARG NPM_TOKEN={s["docker_arg"]}\n'
                              f'ENV SECRET_KEY={s["docker_env"]} \\\n    OTHER=1\nUSER app\n')
    write(root, "docker-compose.yml", "services:\n  web:\n    build: .\n    environment:\n"
                                      f'      API_SECRET: {s["compose_map"]}\n'
                                      f'      DATABASE_URL: postgres://u:{s["dsn_password"]}@db/app\n'
                                      "  worker:\n    image: acme/worker:1\n    environment:\n"
                                      f'      - WORKER_TOKEN={s["compose_list"]}\n')
    return root


def test_no_output_format_prints_a_planted_secret_in_full(tmp_path: Path) -> None:
    secrets = planted_secrets()
    repo = secret_repo(tmp_path / "repo", secrets)
    outputs = scan_all_formats(repo, tmp_path / "out")
    report = scan(repo, Config(use_baseline=False, jobs=1))
    outputs["terminal"] = render(report, "terminal")
    flagged = {f.location.path for f in report.findings if f.rule_id.startswith("GEN-SEC")}
    assert {"app/settings.py", ".env", "Dockerfile", "docker-compose.yml"} <= flagged
    leaks = {fmt: sorted(name for name, value in secrets.items() if value in text) for fmt, text in outputs.items()}
    assert leaks == {fmt: [] for fmt in outputs}


def test_secrets_in_other_findings_snippets_are_masked(tmp_path: Path) -> None:
    webhook = "https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/" + "abcdefghijklmnopqrstuvwx"
    password = "HunterPwd2" + "XyZ9q"
    write(tmp_path, "client.py", "import requests\n\n\ndef a():\n"
                                 f'    return requests.post("{webhook}")\n\n\ndef b(url):\n'
                                 "    return requests.get(\n        url,\n"
                                 f'        auth=("admin", "{password}"),\n    )\n')
    text = render(scan(tmp_path, Config(use_baseline=False, jobs=1)), "json")
    assert webhook.rsplit("/", 1)[1] not in text and password not in text


# ---------------------------------------------------------------- (e) determinism

def build_in_order(root: Path, order: str) -> Path:
    """The same polyglot tree (with broken files), its files written in the given order."""
    staging = polyglot(root.parent / f"staging-{order}", files=PARALLEL_MIN_FILES)
    write(staging, "broken/bad.py", "def f(:\n")
    write(staging, "broken/bad.yaml", "a: [1\n")
    write(staging, "broken/latin1.py", b"x = '\xe9'\nimport requests\nrequests.get(u)\n")
    rels = sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file())
    if order == "reversed":
        rels.reverse()
    elif order == "shuffled":
        random.Random(20240101).shuffle(rels)
    for rel in rels:
        write(root, rel, (staging / rel).read_bytes())
        os.utime(root / rel, ns=(random.Random(rel).randrange(10**18), random.Random(rel).randrange(10**18)))
    return root


def test_reports_are_byte_identical_across_jobs_and_creation_order(tmp_path: Path) -> None:
    runs = {}
    for order in ("sorted", "reversed", "shuffled"):
        root = build_in_order(tmp_path / order / "repo", order)
        for jobs in ("1", "2") if order != "shuffled" else ("2",):
            runs[(order, jobs)] = scan_all_formats(root, tmp_path / f"out-{order}-{jobs}", "--jobs", jobs)
    first = runs[("sorted", "1")]
    for key, outputs in runs.items():
        for fmt in ("json", "sarif"):
            assert outputs[fmt] == first[fmt], (key, fmt)
    assert json.loads(first["json"])["findings"]


# ---------------------------------------------------------------- (f) prodcheck on itself

def test_prodcheck_finds_nothing_high_or_critical_in_itself() -> None:
    report = scan(SRC, Config(use_baseline=False))
    serious = [(f.rule_id, f.location.path, f.location.start.line, f.message) for f in report.findings
               if f.severity.value in ("HIGH", "CRITICAL")]
    assert not [d for d in report.diagnostics if d.kind in OUR_BUGS]
    assert serious == []


# ---------------------------------------------------------------- (g) Ctrl-C

@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big") / "repo"
    body = "".join(f"def f{j}(u):\n    return requests.get(u).json()\n\n\n" for j in range(80))
    for index in range(1500):
        write(root, f"pkg{index // 100}/mod{index}.py", "import requests\n\n\n" + body)
    return root


def process_group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.mark.parametrize(("jobs", "to_group"), [("2", True), ("2", False), ("1", True)],
                         ids=["pool-terminal-ctrl-c", "pool-kill-int-main-only", "sequential"])
def test_ctrl_c_stops_the_scan_promptly_and_quietly(big_tree: Path, tmp_path: Path, jobs: str, to_group: bool) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    process = subprocess.Popen([sys.executable, "-m", "prodcheck", "scan", str(big_tree), "--jobs", jobs,
                                "-f", "json", "-o", str(tmp_path / "out.json")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        time.sleep(2.0)
        assert process.poll() is None, "the scan finished before it could be interrupted; grow big_tree"
        interrupted = time.monotonic()
        if to_group:
            os.killpg(process.pid, signal.SIGINT)          # what a terminal does on Ctrl-C
        else:
            process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail("no exit 30 s after SIGINT; still running:\n" + subprocess.run(
                ["ps", "-o", "pid,ppid,stat,args", "-g", str(process.pid)], capture_output=True, text=True,
                check=False).stdout)
        elapsed = time.monotonic() - interrupted
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert elapsed < 5, f"took {elapsed:.1f} s to stop"
    assert process.returncode == 130
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    assert text.strip() == "prodcheck: interrupted"
    deadline = time.monotonic() + 5
    while process_group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not process_group_alive(process.pid), "worker processes outlived the scan"
    assert not (tmp_path / "out.json").exists()


# ---------------------------------------------------------------- (h) a worker dies

REAL_ANALYSE = pipeline.analyse_file
CRASHING = ("pkg/mod007.py", "pkg/mod031.py")


def killing_analyse(source, *settings):
    """Stands in for `pipeline.analyse_file` in forked workers: dies on the CRASHING files."""
    if source.path in CRASHING:
        os._exit(70)
    return REAL_ANALYSE(source, *settings)


@pytest.fixture
def forked_workers() -> Iterator[None]:
    if multiprocessing.get_start_method(allow_none=False) != "fork":
        pytest.skip("the stand-in reaches the workers only when they are forked")
    yield


def test_a_dying_worker_loses_only_its_own_file(tmp_path: Path, forked_workers, monkeypatch) -> None:
    repo = polyglot(tmp_path / "repo", files=2 * PARALLEL_MIN_FILES)
    files, _ = discover(repo, Config())
    rule_ids = ("PY-REL-001", "GEN-OPS-101", "GO-REL-001", "JS-REL-001")
    expected = {r.facts.path: r for r in analyse_files(files, rule_ids, 1)}
    monkeypatch.setattr(pipeline, "analyse_file", killing_analyse)
    started = time.monotonic()
    results = analyse_files(files, rule_ids, 2)
    assert time.monotonic() - started < 120
    assert sorted(r.facts.path for r in results) == sorted(f.path for f in files)
    crashed = sorted(r.facts.path for r in results if any(d.kind == "worker-crash" for d in r.diagnostics))
    assert crashed == sorted(CRASHING)
    for result in results:
        if result.facts.path not in CRASHING:
            assert result == expected[result.facts.path]
    assert not multiprocessing.active_children()


def test_a_whole_scan_survives_a_dying_worker(tmp_path: Path, forked_workers, monkeypatch) -> None:
    repo = polyglot(tmp_path / "repo", files=2 * PARALLEL_MIN_FILES)
    monkeypatch.setattr(pipeline, "analyse_file", killing_analyse)
    report = scan(repo, Config(jobs=2, use_baseline=False, only=("PY-REL-001",)))
    assert sorted(d.path for d in report.diagnostics if d.kind == "worker-crash") == sorted(CRASHING)
    flagged = {f.location.path for f in report.findings}
    assert len(flagged) == 2 * PARALLEL_MIN_FILES - len(CRASHING) + 1          # + app/views.py
