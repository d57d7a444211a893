"""
## What it does
Follows request data (including uploaded file names) from Flask, FastAPI/Starlette and Django/DRF
handlers to a file-system path: `open()`, `os.remove()`/`unlink()`, `shutil.rmtree()`,
`shutil.copy()`/`move()`, `pathlib.Path(...).read_text()`/`write_bytes()`/`open()`, an upload's
`.save(dst)`, Flask `send_file()`, FastAPI/Starlette and Django `FileResponse()`, and the directory of
`send_from_directory()`.

## Why it matters
`../` sequences and absolute paths walk out of the intended directory: `../../etc/passwd` or
`../app/settings.py` is read and served, and a write or delete through such a path overwrites code,
configuration or keys. `os.path.join("/srv/files", "/etc/passwd")` even drops the base entirely.

## Example
    import os

    from flask import Flask, request, send_file

    app = Flask(__name__)
    REPORTS = "/srv/reports"


    @app.get("/reports")
    def download():
        name = request.args["name"]
        return send_file(os.path.join(REPORTS, name))

## Use instead
    from flask import Flask, request, send_from_directory

    app = Flask(__name__)
    REPORTS = "/srv/reports"


    @app.get("/reports")
    def download():
        name = request.args["name"]
        return send_from_directory(REPORTS, name)

## Known limitations
A check that the resolved path stays inside its base is recognised when the checked name was
assigned from `os.path.realpath()`/`abspath()`/`normpath()` or `Path.resolve()` and the check is
`startswith()`/`is_relative_to()` guarding an early return, `abort()` or `raise`. `os.path.basename()`,
`secure_filename()` and `safe_join()` are sanitizers; custom `replace("..", "")` filters are not.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.python.security.taint_rule import python_taint_rule

RULE = python_taint_rule(
    "path", doc=__doc__, confidence=Confidence.MEDIUM, coverage="partial",
    coverage_note="file paths from request data; unsafe archive extraction (zip slip) is not checked",
    fix="Serve files with `send_from_directory()` / `safe_join()`, reduce names with "
        "`secure_filename()` or `os.path.basename()`, or resolve the path and check it stays "
        "under the base directory.",
)
