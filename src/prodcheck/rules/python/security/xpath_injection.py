"""
## What it does
Follows request data from Flask, FastAPI/Starlette and Django/DRF handlers into the text of an XPath
expression: lxml `tree.xpath()`, `etree.XPath()` and `ETXPath()`.

## Why it matters
A quote in the value closes the string literal: `' or '1'='1` turns a lookup of one user into a
match on every node, which bypasses XML-backed logins and leaks the document.

## Example
    from flask import Flask, request
    from lxml import etree

    app = Flask(__name__)
    USERS = etree.parse("users.xml")


    @app.get("/user")
    def user():
        name = request.args["name"]
        found = USERS.xpath(f"//user[@name='{name}']/email/text()")
        return {"emails": [str(e) for e in found]}

## Use instead
    from flask import Flask, request
    from lxml import etree

    app = Flask(__name__)
    USERS = etree.parse("users.xml")


    @app.get("/user")
    def user():
        name = request.args["name"]
        found = USERS.xpath("//user[@name=$name]/email/text()", name=name)
        return {"emails": [str(e) for e in found]}

## Known limitations
XPath through other libraries (`xml.etree` `findall()` paths, `elementpath`) is not followed.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.python.security.taint_rule import python_taint_rule

RULE = python_taint_rule(
    "xpath", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Pass request values as XPath variables (`tree.xpath(\"//user[@name=$name]\", name=value)`).",
)
