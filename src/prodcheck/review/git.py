"""Git plumbing for review mode: read-only, no shell, no checkout, nothing written into the repository.

Every command runs as `git -c core.quotepath=off -C <root> ...` with an argument list, a timeout and
an environment that reads pathspecs literally and takes no optional locks. Commands that compare with
the work tree use a private copy of the index (`GIT_INDEX_FILE`), since `git diff` refreshes the index
file it reads even with `GIT_OPTIONAL_LOCKS=0`; fsmonitor and split-index are turned off for them so
nothing else in `.git` is written either. A tree is exported by streaming
`git archive <commit>` into `tarfile` in this process, with safe extraction (no absolute names, no
`..`, no links leaving the directory, `filter="data"`); files that `export-ignore` attributes keep out
of the archive are then written from their blobs, so the exported tree is the commit's tree.

Paths returned by this module are POSIX and relative to the repository root.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

GIT_TIMEOUT = 120.0
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_DROPPED_ENV = frozenset({"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_EXTERNAL_DIFF"})
_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
_BLOB_MODES = frozenset({"100644", "100755"})


class GitError(Exception):
    """A git problem the user can fix: not a repository, unknown ref, shallow clone, git missing."""


@dataclass(frozen=True, slots=True)
class Repo:
    root: Path           # the work tree's top level, resolved
    prefix: str          # the reviewed directory relative to root ("" for the root itself)
    index: str = ""      # a private copy of the index for work-tree commands ("" until made)


@dataclass(frozen=True, slots=True)
class RawChange:
    """One line of `git diff --raw`: status letter, paths, and the blob ids on each side."""
    status: str          # A, M, D, R, C, T, U, or "?" for an untracked file
    path: str            # the path at head (for D: the deleted path)
    old_path: str        # the path at base (== path unless renamed or copied)
    old_blob: str = ""
    similarity: int = 100


# ---------------------------------------------------------------------------- running git

def git_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _DROPPED_ENV}
    env.update({"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "GIT_LITERAL_PATHSPECS": "1"})
    return env


def run_git(cwd: Path, *args: str, stdin: bytes | None = None, timeout: float = GIT_TIMEOUT,
            check: bool = True, index: str = "") -> subprocess.CompletedProcess:
    """Run git in `cwd`; raise GitError when it is missing, times out, or (with check) fails.
    With `index`, git reads and refreshes that index file instead of the repository's."""
    command = ["git", "-c", "core.quotepath=off", "-c", "color.ui=never", "-c", "core.fsmonitor=false",
               "-c", "core.splitIndex=false", "-C", str(cwd), *args]
    env = git_env()
    if index:
        env["GIT_INDEX_FILE"] = index
    try:
        result = subprocess.run(command, input=stdin, capture_output=True, timeout=timeout, env=env, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH; review mode needs it") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"`git {args[0]}` did not finish within {timeout:.0f} s") from None
    if check and result.returncode != 0:
        raise GitError(f"`git {' '.join(args[:2])}` failed: {first_line(result.stderr)}")
    return result


def first_line(data: bytes) -> str:
    text = data.decode("utf-8", errors="replace").strip()
    return text.splitlines()[0] if text else "no message"


def text_of(result: subprocess.CompletedProcess) -> str:
    return result.stdout.decode("utf-8", errors="surrogateescape")


# ---------------------------------------------------------------------------- repository and refs

def locate(path: Path) -> Repo:
    """The repository holding `path` (a directory) and the path's place in it."""
    directory = path.resolve()
    if not directory.is_dir():
        raise GitError(f"{path} is not a directory")
    result = run_git(directory, "rev-parse", "--show-toplevel", check=False)
    top = text_of(result).strip()
    if result.returncode != 0 or not top:
        raise GitError(f"{path} is not inside a git repository (a work tree); review mode compares two "
                       f"revisions of one ({first_line(result.stderr)})")
    root = Path(top).resolve()
    relative = directory.relative_to(root).as_posix()
    return Repo(root, "" if relative == "." else relative)


def with_private_index(repo: Repo, target: Path) -> Repo:
    """The repository with a copy of its index at `target` (outside the repository) for work-tree
    commands, so that the user's index file is never rewritten."""
    result = run_git(repo.root, "rev-parse", "--git-path", "index")
    source = Path(text_of(result).strip())
    source = source if source.is_absolute() else repo.root / source
    if source.is_file():
        shutil.copyfile(source, target)
    return replace(repo, index=str(target))


def is_shallow(root: Path) -> bool:
    return text_of(run_git(root, "rev-parse", "--is-shallow-repository", check=False)).strip() == "true"


def resolve_commit(root: Path, ref: str, role: str = "base") -> str:
    """The full commit id `ref` names; a clear GitError (with the fix) when it names nothing here."""
    if not ref.strip():
        raise GitError(f"the {role} ref is empty")
    result = run_git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", check=False)
    commit = text_of(result).strip()
    if result.returncode == 0 and commit:
        return commit
    if is_shallow(root):
        raise GitError(f"{role} ref {ref!r} is not in this shallow clone; fetch it first with "
                       f"`git fetch --unshallow` (the whole history) or `git fetch origin {ref}` (just that ref)")
    raise GitError(f"unknown {role} ref {ref!r}: no branch, tag or commit of that name in {root}")


# ---------------------------------------------------------------------------- what changed

def changed_files(repo: Repo, base: str, head: str | None) -> tuple[RawChange, ...]:
    """`git diff --raw -M base [head]` under the reviewed directory, plus untracked files when the
    head is the work tree (an untracked file whose content equals a deleted file is a rename)."""
    args = ["diff", "--raw", "-z", "-M", "--no-abbrev", "--no-ext-diff", base, *([head] if head else []),
            "--", repo.prefix or "."]
    changes = parse_raw(run_git(repo.root, *args, index=repo.index).stdout)
    if head is not None:
        return changes
    untracked = untracked_files(repo)
    return merge_untracked(changes, untracked, _blob_ids(repo, untracked))


def parse_raw(data: bytes) -> tuple[RawChange, ...]:
    """Parse `git diff --raw -z`: `:mode mode blob blob STATUS\\0path\\0[path\\0]` records."""
    fields = data.decode("utf-8", errors="surrogateescape").split("\0")
    changes = []
    index = 0
    while index < len(fields) and fields[index].startswith(":"):
        meta = fields[index][1:].split()
        status = meta[4]
        if status[0] in "RC":
            old, new = fields[index + 1], fields[index + 2]
            index += 3
        else:
            old = new = fields[index + 1]
            index += 2
        score = int(status[1:]) if status[1:].isdigit() else 100
        changes.append(RawChange(status[0], new, old, meta[2], score))
    return tuple(changes)


def untracked_files(repo: Repo) -> tuple[str, ...]:
    result = run_git(repo.root, "ls-files", "-z", "--others", "--exclude-standard", "--", repo.prefix or ".",
                     index=repo.index)
    return tuple(sorted(p for p in text_of(result).split("\0") if p))


def _blob_ids(repo: Repo, paths: tuple[str, ...]) -> tuple[str, ...]:
    """Blob ids of work-tree files, computed without writing an object (`git hash-object`)."""
    if not paths:
        return ()
    result = run_git(repo.root, "hash-object", "--no-filters", "--stdin-paths", stdin="\n".join(paths).encode(),
                     check=False, index=repo.index)
    ids = text_of(result).split()
    return tuple(ids) if result.returncode == 0 and len(ids) == len(paths) else ("",) * len(paths)


def merge_untracked(changes: tuple[RawChange, ...], untracked: tuple[str, ...],
                    blobs: tuple[str, ...]) -> tuple[RawChange, ...]:
    """Untracked files as additions; one with the exact content of a deleted file is its rename."""
    deleted = {c.old_blob: c for c in changes if c.status == "D" and c.old_blob}
    renamed: dict[str, RawChange] = {}
    added = []
    for path, blob in zip(untracked, blobs, strict=True):
        source = deleted.get(blob) if blob else None
        if source is not None and source.path not in renamed:
            renamed[source.path] = RawChange("R", path, source.path, source.old_blob, 100)
        else:
            added.append(RawChange("?", path, path))
    kept = [renamed.get(c.path, c) if c.status == "D" else c for c in changes]
    return tuple(sorted([*kept, *added], key=lambda c: (c.path, c.old_path)))


def changed_lines(repo: Repo, base: str, head: str | None) -> dict[str, tuple[tuple[int, int], ...]]:
    """Head-side line ranges (first, last; 1-based) that `git diff -U0` adds or modifies, per path."""
    args = ["diff", "-U0", "-M", "--no-color", "--no-ext-diff", "--no-textconv", "--src-prefix=a/",
            "--dst-prefix=b/", base, *([head] if head else []), "--", repo.prefix or "."]
    return parse_hunks(run_git(repo.root, *args, index=repo.index).stdout.decode("utf-8", errors="surrogateescape"))


def parse_hunks(patch: str) -> dict[str, tuple[tuple[int, int], ...]]:
    ranges: dict[str, list[tuple[int, int]]] = {}
    current: str | None = None
    for line in patch.split("\n"):
        if line.startswith("diff --git "):
            current = None
        elif line.startswith("+++ "):
            current = diff_path(line[4:])
        elif line.startswith("@@") and current is not None:
            match = _HUNK.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or "1")
                if count > 0:
                    ranges.setdefault(current, []).append((start, start + count - 1))
    return {path: tuple(spans) for path, spans in ranges.items()}


def diff_path(text: str) -> str | None:
    """The path of a `+++ b/<path>` line (`None` for /dev/null); C-quoted names are unquoted."""
    text = text[:-1] if text.endswith("\t") else text
    if text.startswith('"'):
        text = unquote_c(text)
    if text == "/dev/null":
        return None
    return text[2:] if text.startswith("b/") else text


def unquote_c(text: str) -> str:
    """Undo git's C-style quoting: `"a\\"b\\303\\251"` -> `a"bé`."""
    body = text[1:-1] if len(text) >= 2 and text.endswith('"') else text[1:]
    out = bytearray()
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\" or index + 1 == len(body):
            out.extend(char.encode("utf-8", errors="surrogateescape"))
            index += 1
            continue
        nxt = body[index + 1]
        if nxt in "01234567" and index + 3 < len(body):
            out.append(int(body[index + 1:index + 4], 8) & 0xFF)
            index += 4
        else:
            out.append(_C_ESCAPES.get(nxt, ord(nxt) if ord(nxt) < 128 else 63))
            index += 2
    return out.decode("utf-8", errors="surrogateescape")


# ---------------------------------------------------------------------------- reading trees

def export_tree(repo: Repo, commit: str, dest: Path) -> Path:
    """Write the commit's files under the reviewed directory into `dest`; return the directory that
    corresponds to the reviewed one (created empty when it does not exist at that commit)."""
    dest.mkdir(parents=True, exist_ok=True)
    entries = tree_entries(repo.root, commit, repo.prefix)
    if entries:
        args = ["archive", "--format=tar", commit, *(["--", repo.prefix] if repo.prefix else [])]
        safe_extract(run_git(repo.root, *args, timeout=GIT_TIMEOUT * 5).stdout, dest)
        missing = [(blob, path) for mode, blob, path in entries
                   if mode in _BLOB_MODES and not os.path.lexists(dest / path)]
        write_blobs(repo.root, missing, dest)
    target = dest / repo.prefix if repo.prefix else dest
    target.mkdir(parents=True, exist_ok=True)
    return target


def tree_entries(root: Path, commit: str, prefix: str) -> tuple[tuple[str, str, str], ...]:
    """(mode, blob id, path) of every entry of the commit's tree under `prefix`."""
    args = ["ls-tree", "-r", "-z", "--full-tree", commit, *(["--", prefix] if prefix else [])]
    entries = []
    for record in text_of(run_git(root, *args)).split("\0"):
        meta, _tab, path = record.partition("\t")
        words = meta.split()
        if len(words) == 3 and path:
            entries.append((words[0], words[2], path))
    return tuple(entries)


def safe_member(member: tarfile.TarInfo, dest: Path) -> bool:
    """Regular files, directories and symlinks that stay inside `dest`; nothing else."""
    name = PurePosixPath(member.name)
    if name.is_absolute() or ".." in name.parts or not member.name.strip("/"):
        return False
    if member.isfile() or member.isdir():
        return True
    if not member.issym() or member.linkname.startswith("/"):
        return False
    target = os.path.normpath(os.path.join(str(dest), str(name.parent), member.linkname))
    return target == str(dest) or target.startswith(str(dest) + os.sep)


def safe_extract(data: bytes, dest: Path) -> tuple[str, ...]:
    """Extract a tar archive held in memory into `dest`; return the names skipped as unsafe."""
    dest = dest.resolve()
    extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    skipped = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        for member in archive.getmembers():
            if not safe_member(member, dest):
                skipped.append(member.name)
                continue
            try:
                archive.extract(member, dest, set_attrs=False, **extra)
            except (tarfile.TarError, OSError):
                skipped.append(member.name)
    return tuple(skipped)


def write_blobs(root: Path, blobs: list[tuple[str, str]], dest: Path) -> None:
    """Write blobs (id, relative path) under `dest` with one `git cat-file --batch`."""
    if not blobs:
        return
    result = run_git(root, "cat-file", "--batch", stdin="".join(f"{blob}\n" for blob, _ in blobs).encode(),
                     timeout=GIT_TIMEOUT * 5)
    data = result.stdout
    offset = 0
    for _blob, path in blobs:
        newline = data.index(b"\n", offset)
        header = data[offset:newline].split()
        offset = newline + 1
        if len(header) != 3 or header[1] != b"blob":
            continue
        size = int(header[2])
        content = data[offset:offset + size]
        offset += size + 1
        relative = PurePosixPath(path)
        if relative.is_absolute() or ".." in relative.parts:
            continue
        target = dest.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def submodules(repo: Repo, commit: str) -> tuple[str, ...]:
    """Paths of submodules (gitlinks) under the reviewed directory, at `commit` or, when it is empty,
    in the index of the work tree. `git archive` leaves their content out."""
    if commit:
        return tuple(path for mode, _blob, path in tree_entries(repo.root, commit, repo.prefix) if mode == "160000")
    result = run_git(repo.root, "ls-files", "-s", "-z", "--", repo.prefix or ".", index=repo.index)
    found = []
    for record in text_of(result).split("\0"):
        meta, _tab, path = record.partition("\t")
        if path and meta.startswith("160000 "):
            found.append(path)
    return tuple(found)


def read_file_at(root: Path, commit: str, path: str) -> str | None:
    """The text of `path` (relative to the repository root) at `commit`, or None when absent."""
    result = run_git(root, "cat-file", "blob", f"{commit}:{path}", check=False)
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", errors="replace")
