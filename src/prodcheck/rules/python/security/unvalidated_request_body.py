"""
## What it does
Flags a state-changing Python endpoint (POST, PUT, PATCH, DELETE in the route inventory: Flask,
Django, DRF, FastAPI) that reads the request body itself (`request.get_json()`, `request.json`,
`request.form`, `request.POST`, `request.data`, `json.loads(request.body)`, `await request.json()`,
a FastAPI body parameter typed `dict`/`Any`) and never passes it through a schema: no pydantic
model (`Model(**data)`, `model_validate`), marshmallow `load`, DRF serializer `is_valid()`,
Django or WTForms form `is_valid()`/`validate_on_submit()`, jsonschema, nor a validating decorator
(`@use_args`, `@expects_json`, `@validate`, flask-smorest `@arguments`).

## Why it matters
Fields read straight from the body arrive with whatever type, size and shape the client chose:
a list where a string was expected crashes the handler with a 500, a 10 MB string is stored as a
name, a negative quantity refunds money, a nested object reaches a query builder. A schema at the
boundary rejects all of it with one 400 and documents what the endpoint accepts.

## Example
    from flask import Flask, jsonify, request

    from app.store import save_review

    app = Flask(__name__)

    @app.post("/reviews")
    def create_review():
        body = request.get_json()
        review = save_review(product_id=body["product_id"], rating=body["rating"], text=body["text"])
        return jsonify(id=review.id), 201

## Use instead
    from flask import Flask, jsonify, request
    from pydantic import BaseModel, Field

    from app.store import save_review

    app = Flask(__name__)

    class ReviewIn(BaseModel):
        product_id: int
        rating: int = Field(ge=1, le=5)
        text: str = Field(max_length=2000)

    @app.post("/reviews")
    def create_review():
        body = ReviewIn.model_validate(request.get_json())
        review = save_review(product_id=body.product_id, rating=body.rating, text=body.text)
        return jsonify(id=review.id), 201

## Known limitations
Validation written by hand (`isinstance` checks and `abort(400)`) is not recognised as a schema and
is reported; so is a body handed to a helper that validates it, when the handler also reads fields
itself. A handler that passes the whole request to another function is not reported. Constraints
inside a schema (`max_length`, ranges) are not checked.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence, FacetState, Stride
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.generic.inventory.common import by_location, routes_text

PYTHON_FRAMEWORKS = frozenset({"fastapi", "flask", "django", "drf", "quart", "starlette"})
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _unvalidated(endpoint) -> bool:
    return (endpoint.framework in PYTHON_FRAMEWORKS and endpoint.method in STATE_CHANGING
            and endpoint.validation.state is FacetState.ABSENT)


def check(project, ctx):
    for at, group in by_location(project.inventory.endpoints, _unvalidated,
                                 lambda e: e.validation.evidence or e.location):
        first = group[0]
        how = first.validation.mechanism or "the request body without a schema"
        yield ctx.finding(
            RULE, at,
            f"{routes_text(group)} (handler `{first.handler.rpartition('.')[2]}`) reads {how}: "
            f"types, sizes and unknown fields are not checked at the boundary",
            related=(first.location,) if at != first.location else (), symbol=first.handler)


RULE = ProjectRule(
    id="PY-SEC-037", slug="unvalidated-request-body", area=Area.SEC,
    title="Request body used without schema validation",
    fix="Parse the body with a schema before using it (pydantic `Model.model_validate(...)`, a "
        "marshmallow schema, a DRF serializer with `is_valid(raise_exception=True)`, a Django form) "
        "and use only the validated values.",
    rows=("SEC-01",), doc=__doc__, confidence=Confidence.MEDIUM, cwe=("CWE-20",),
    stride=(Stride.TAMPERING, Stride.DENIAL_OF_SERVICE), example_path="app.py",
    coverage="partial", coverage_note="hand-written validation and schema constraints are not read",
    needs_languages=("python",), check=check,
)
