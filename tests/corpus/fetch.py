"""Fetch the real-code corpus of tests/test_corpus.py: the full sources of pinned packages from the
registries CI may reach (PyPI sdists, npm tarballs, Debian golang-*-dev packages), unpacked into
DEST/<name>/. Run by .ci/run once per CI run; a package already unpacked is kept.

Every download is tried twice; a package that still cannot be fetched stops the script with a
non-zero exit code and says which one: the corpus test must never pass by silently scanning less.
Nothing fetched is imported or run: archives are unpacked with tarfile's `data` filter and
`dpkg-deb -x` (no maintainer scripts).

    python tests/corpus/fetch.py DEST
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

# (name, registry, pinned spec, directory to keep inside the unpacked tree)
PACKAGES = (
    ("django", "pypi", "django==5.2.19", ""),
    ("flask", "pypi", "flask==3.1.3", ""),
    ("fastapi", "pypi", "fastapi==0.165.0", ""),
    ("starlette", "pypi", "starlette==1.10.0", ""),
    ("celery", "pypi", "celery==5.7.0", ""),
    ("requests", "pypi", "requests==2.32.3", ""),
    ("express", "npm", "express@5.3.0", ""),
    ("fastify", "npm", "fastify@5.12.8", ""),
    ("nestjs-core", "npm", "@nestjs/core@12.5.1", ""),
    ("typeorm", "npm", "typeorm@1.1.1", ""),
    ("koa", "npm", "koa@2.15.3", ""),
    ("gin", "deb", "golang-github-gin-gonic-gin-dev=1.8.1-1", "usr/share/gocode/src"),
    ("chi", "deb", "golang-github-go-chi-chi-dev=5.0.7-1", "usr/share/gocode/src"),
    ("echo", "deb", "golang-github-labstack-echo-dev=4.2.1-3", "usr/share/gocode/src"),
    ("gorilla-mux", "deb", "golang-github-gorilla-mux-dev=1.8.0-1", "usr/share/gocode/src"),
    ("sqlx", "deb", "golang-github-jmoiron-sqlx-dev=1.3.5-1", "usr/share/gocode/src"),
)
STAMP = ".fetched"
ATTEMPTS = 2


def unpack(archive: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")


def download(registry: str, spec: str, into: Path) -> Path:
    if registry == "pypi":
        command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "download", "--no-deps",
                   "--no-binary", ":all:", "-d", str(into), spec]
        pattern = "*.tar.gz"
    elif registry == "npm":
        command = ["npm", "pack", "--silent", "--pack-destination", str(into), spec]
        pattern = "*.tgz"
    elif registry == "deb":
        command = ["apt-get", "download", spec]
        pattern = "*.deb"
    else:
        raise ValueError(registry)
    subprocess.run(command, cwd=into, check=True, stdout=subprocess.DEVNULL)
    found = sorted(into.glob(pattern))
    if not found:
        raise RuntimeError(f"{' '.join(command)} produced no {pattern}")
    return found[0]


def fetch(name: str, registry: str, spec: str, keep: str, dest: Path) -> None:
    target = dest / name
    if (target / STAMP).is_file():
        return
    shutil.rmtree(target, ignore_errors=True)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with tempfile.TemporaryDirectory() as tmp:
                os.chmod(tmp, 0o755)          # apt's unprivileged downloader writes here too
                archive = download(registry, spec, Path(tmp))
                unpacked = Path(tmp) / "unpacked"
                if registry == "deb":
                    unpacked.mkdir()
                    subprocess.run(["dpkg-deb", "-x", str(archive), str(unpacked)], check=True)
                else:
                    unpack(archive, unpacked)
                source = unpacked / keep if keep else unpacked
                if not source.is_dir() or not any(source.rglob("*")):
                    raise RuntimeError(f"{spec}: nothing under {keep or 'the archive'}")
                shutil.move(str(source), str(target))
            (target / STAMP).write_text(spec + "\n", encoding="utf-8")
            print(f"corpus: {name} ({spec})", flush=True)
            return
        except (subprocess.CalledProcessError, RuntimeError, OSError, tarfile.TarError) as exc:
            shutil.rmtree(target, ignore_errors=True)
            if attempt == ATTEMPTS:
                raise SystemExit(f"corpus: cannot fetch {spec} from {registry} after {ATTEMPTS} attempts: {exc}")
            print(f"corpus: {spec} failed ({exc}); retrying", file=sys.stderr, flush=True)
            time.sleep(3)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    dest = Path(argv[0]).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    for name, registry, spec, keep in PACKAGES:
        fetch(name, registry, spec, keep, dest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
