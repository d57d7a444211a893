"""
## What it does
Follows request data from Flask, FastAPI/Starlette and Django/DRF handlers to the *source* of a
template: Flask `render_template_string()`, `jinja2.Template()`, `Environment.from_string()`,
Django `Template()` and Mako `Template()`.

## Why it matters
Template syntax is code: with Jinja2, `{{ cycler.__init__.__globals__.os.popen('id').read() }}`
runs commands on the server; even Django templates expose settings and objects of the context.
Server-side template injection usually ends in remote code execution.

## Example
    from flask import Flask, render_template_string, request

    app = Flask(__name__)


    @app.get("/greet")
    def greet():
        name = request.args.get("name", "")
        return render_template_string("<p>Hello " + name + "</p>")

## Use instead
    from flask import Flask, render_template_string, request

    app = Flask(__name__)


    @app.get("/greet")
    def greet():
        name = request.args.get("name", "")
        return render_template_string("<p>Hello {{ name }}</p>", name=name)

## Known limitations
A template source read from a file or the database whose name or row came from the request is not
reported here (path traversal and stored data are other checks).
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.python.security.taint_rule import python_taint_rule

RULE = python_taint_rule(
    "template", doc=__doc__, confidence=Confidence.HIGH,
    fix="Keep template sources fixed and pass request values as context variables "
        "(`render_template_string(\"{{ name }}\", name=name)`).",
)
