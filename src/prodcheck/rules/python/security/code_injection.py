"""
## What it does
Follows request data from Flask, FastAPI/Starlette and Django/DRF handlers into code evaluation:
`eval()`, `exec()`, `compile()`, and module imports by name (`importlib.import_module()`,
`__import__()`).

## Why it matters
`eval("__import__('os').system('id')")` runs any command: evaluating request text hands the server
to whoever sends it. Importing a module named by the request loads attacker-chosen code paths.

## Example
    from flask import Flask, request

    app = Flask(__name__)


    @app.get("/calc")
    def calc():
        expression = request.args["expr"]
        return {"result": eval(expression)}

## Use instead
    import ast

    from flask import Flask, request

    app = Flask(__name__)


    @app.get("/calc")
    def calc():
        expression = request.args["expr"]
        return {"result": ast.literal_eval(expression)}

## Known limitations
`eval()` with restricted globals is still reported: restricted namespaces are escapable.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.python.security.taint_rule import python_taint_rule

RULE = python_taint_rule(
    "code", doc=__doc__, confidence=Confidence.HIGH,
    fix="Never evaluate request text: parse data with `json`/`ast.literal_eval()`, map names to "
        "functions with a fixed dict.",
)
