"""
## What it does
Follows JSON request bodies (Flask `request.json`/`get_json()`, Django `request.body` decoded,
DRF `request.data`, Starlette `await request.json()`, FastAPI body parameters) into MongoDB
filters: pymongo/motor `find()`, `find_one()`, `find_one_and_*()`, `update_*()`, `delete_*()`,
`replace_one()`, `count_documents()`, `distinct()` (its filter), `aggregate()` pipelines and
`watch()`, and mongoengine's raw filters (`Model.objects(__raw__=...)`).

## Why it matters
A JSON body can carry objects where the code expects strings: `{"password": {"$ne": null}}`
turns a credential check into "any user whose password is not null", `{"$gt": ""}` matches
everything, and a client-supplied aggregation pipeline can `$lookup` other collections. The
query runs with the application's database rights, so the caller reads or changes documents they
should never reach.

## Example
    from flask import Flask, request
    from pymongo import MongoClient

    app = Flask(__name__)
    users = MongoClient()["shop"]["users"]


    @app.post("/login")
    def login():
        body = request.get_json()
        user = users.find_one({"email": body["email"], "password": body["password"]})
        return {"ok": user is not None}

## Use instead
    from flask import Flask, request
    from pymongo import MongoClient

    app = Flask(__name__)
    users = MongoClient()["shop"]["users"]


    @app.post("/login")
    def login():
        body = request.get_json()
        user = users.find_one({"email": str(body["email"])})
        return {"ok": user is not None and check_password(user, str(body["password"]))}

## Known limitations
Only JSON bodies are sources: query strings and form fields are always strings, which Mongo
matches literally. Converting a value with `str()` (or `int()`, ...) cleans it. A FastAPI pydantic
model is a body source as a whole: a field declared `str` cannot carry an operator, but field
types are not read, so `find({"name": item.name})` is reported (validate with a typed model and
pass `str(item.name)`, or suppress). JavaScript sent through `$where`/`$function` from a query
string is not recognised, nor are filters built with `**body` keyword expansion in mongoengine.
Generic method names (`find`, `find_one`, `update_one`, `delete_one`, ...) called on `self` are
not sinks, because CRUD base classes over SQL use the same names: a data-access class calling
`self.collection.find(filter)` is missed for that reason.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.python.security.taint_rule import python_taint_rule

RULE = python_taint_rule(
    "nosql", doc=__doc__, confidence=Confidence.HIGH,
    fix="Build the filter from scalar values (`{\"email\": str(body[\"email\"])}`), validate the body "
        "with a typed schema, and never pass a request object or pipeline to the driver whole.",
)
