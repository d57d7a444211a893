"""Discovery and reading: ignores, vendored trees, binary and huge files, symlinks, encodings."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from prodcheck.config import Config
from prodcheck.discovery import classify, discover
from prodcheck.parsing import parse


def _write(root: Path, rel: str, content: str | bytes = "x = 1\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _paths(root: Path, config: Config | None = None) -> list[str]:
    files, _ = discover(root, config or Config())
    return [f.path for f in files]


def test_gitignore_nested_and_negation(tmp_path: Path) -> None:
    _write(tmp_path, ".gitignore", "*.log.py\nsecret/\n!keep.log.py\n")
    _write(tmp_path, "app.py")
    _write(tmp_path, "debug.log.py")
    _write(tmp_path, "keep.log.py")
    _write(tmp_path, "secret/x.py")
    _write(tmp_path, "pkg/.gitignore", "generated_*.py\n")
    _write(tmp_path, "pkg/generated_models.py")
    _write(tmp_path, "pkg/models.py")
    _write(tmp_path, "other/generated_models.py")
    assert [p for p in _paths(tmp_path) if p.endswith(".py")] == \
        ["app.py", "keep.log.py", "other/generated_models.py", "pkg/models.py"]


def test_vendored_and_generated_trees_are_skipped(tmp_path: Path) -> None:
    for rel in ("node_modules/lib/index.js", ".venv/lib/x.py", "dist/app.js", "build/x.py",
                ".git/hooks/pre-commit.py", "static/app.min.js", "api/users_pb2.py"):
        _write(tmp_path, rel)
    _write(tmp_path, "env/pyvenv.cfg", "home = /usr\n")
    _write(tmp_path, "env/lib/site.py")
    _write(tmp_path, "src/main.py")
    assert _paths(tmp_path) == ["src/main.py"]


def test_configured_excludes_and_includes(tmp_path: Path) -> None:
    _write(tmp_path, "a/x.py")
    _write(tmp_path, "b/y.py")
    _write(tmp_path, "b/legacy/z.py")
    assert _paths(tmp_path, Config(exclude=("b/legacy/",))) == ["a/x.py", "b/y.py"]
    assert _paths(tmp_path, Config(include=("b/**",))) == ["b/legacy/z.py", "b/y.py"]


def test_file_size_cap_gives_a_diagnostic(tmp_path: Path) -> None:
    _write(tmp_path, "big.py", "x = 1\n" * 1000)
    _write(tmp_path, "small.py")
    files, diags = discover(tmp_path, Config(max_file_size=100))
    assert [f.path for f in files] == ["small.py"]
    assert [(d.path, d.kind) for d in diags] == [("big.py", "file-too-large")]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_loop_and_escape_are_survived(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _write(root, "pkg/a.py")
    os.symlink(root / "pkg", root / "pkg" / "loop")
    outside = _write(tmp_path, "outside/secret.py")
    os.symlink(outside, root / "escape.py")
    os.symlink(tmp_path / "missing.py", root / "dangling.py")
    files, diags = discover(root, Config())
    assert [f.path for f in files] == ["pkg/a.py"]
    kinds = {d.kind for d in diags}
    assert {"symlink-loop", "symlink-outside-root", "broken-symlink"} <= kinds


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="root can read everything")
def test_unreadable_directory_is_a_diagnostic(tmp_path: Path) -> None:
    _write(tmp_path, "locked/x.py")
    os.chmod(tmp_path / "locked", 0)
    try:
        _, diags = discover(tmp_path, Config())
    finally:
        os.chmod(tmp_path / "locked", 0o755)
    assert any(d.kind == "unreadable" for d in diags)


def test_classification() -> None:
    assert classify("app/views.py") == ("python", "source")
    assert classify("tests/test_views.py") == ("python", "test")
    assert classify("src/user.spec.ts") == ("typescript", "test")
    assert classify("pkg/handler_test.go") == ("go", "test")
    assert classify("Dockerfile.prod") == ("dockerfile", "deployment")
    assert classify("requirements-dev.txt") == ("requirements", "manifest")
    assert classify("package-lock.json") == ("json", "lockfile")
    assert classify(".env.production") == ("env", "config")
    assert classify("docker-compose.yml") == ("yaml", "deployment")
    assert classify("CLAUDE.md") == ("markdown", "standards")
    assert classify("db/migrations/0001_init.sql") == ("sql", "migration")
    assert classify("logo.png") is None


def _parsed(tmp_path: Path, rel: str, content: str | bytes):
    _write(tmp_path, rel, content)
    files, _ = discover(tmp_path / rel, Config())
    return parse(files[0])


def test_binary_file_is_a_diagnostic(tmp_path: Path) -> None:
    parsed = _parsed(tmp_path, "blob.py", b"\x00\x01\x02ELF" * 10)
    assert parsed.tree is None and [d.kind for d in parsed.diagnostics] == ["binary-file"]


def test_syntax_error_is_a_diagnostic_with_line(tmp_path: Path) -> None:
    parsed = _parsed(tmp_path, "bad.py", "x = 1\ndef f(:\n    pass\n")
    assert parsed.tree is None
    assert [(d.kind, d.line) for d in parsed.diagnostics] == [("syntax-error", 2)]


def test_deep_nesting_is_a_diagnostic_not_a_crash(tmp_path: Path) -> None:
    parsed = _parsed(tmp_path, "deep.py", "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    assert parsed.tree is None
    assert parsed.diagnostics and parsed.diagnostics[0].kind in ("too-deep", "syntax-error")


def test_invalid_utf8_bom_and_crlf(tmp_path: Path) -> None:
    parsed = _parsed(tmp_path, "latin.py", "name = 'caf\xe9'\r\nx = 2\r\n".encode("latin-1"))
    assert parsed.tree is not None
    assert [d.kind for d in parsed.diagnostics] == ["encoding"]
    assert "\r" not in parsed.text
    bom = _parsed(tmp_path, "bom.py", b"\xef\xbb\xbfx = 1\n")
    assert bom.tree is not None and not bom.diagnostics and bom.text.startswith("x")


def test_invalid_yaml_is_a_diagnostic(tmp_path: Path) -> None:
    parsed = _parsed(tmp_path, "k8s/deploy.yaml", "a: [1, 2\nb: c\n")
    assert parsed.tree is None and parsed.diagnostics[0].kind == "syntax-error"


def test_yaml_alias_bomb_is_bounded(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    parsed = _parsed(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    assert parsed.tree is None and parsed.diagnostics[0].kind == "too-complex"


def test_helm_templates_are_not_parsed_as_yaml(tmp_path: Path) -> None:
    parsed = _parsed(tmp_path, "chart/templates/deploy.yaml", "image: {{ .Values.image }}\n")
    assert parsed.tree is None and not parsed.diagnostics


def test_scanning_works_outside_git(tmp_path: Path) -> None:
    _write(tmp_path, "main.py")
    assert not (tmp_path / ".git").exists()
    assert _paths(tmp_path) == ["main.py"]


def test_file_vanishing_between_walk_and_read_is_a_diagnostic(tmp_path: Path) -> None:
    path = _write(tmp_path, "gone.py")
    files, _ = discover(tmp_path, Config())
    path.unlink()
    parsed = parse(files[0])
    assert parsed.tree is None and [d.kind for d in parsed.diagnostics] == ["unreadable"]
