"""
## What it does
Flags a GET endpoint that returns a collection read from a data source (`.all()`, a queryset, a
comprehension over query results, a declared `list[...]` response, a Django `ListView`, a DRF list
with `pagination_class = None`) and takes no limit, offset, page or cursor parameter and bounds the
query in no other way (`.limit()`, `.paginate()`, `Paginator`, a slice, `fastapi_pagination`,
`paginate_by`).

## Why it matters
An unpaginated list endpoint returns every row: fine with ten rows in development, a timeout, an
out-of-memory worker and a multi-megabyte response once the table grows. It is also a cheap
denial-of-service lever: one request makes the database read the whole table.

## Example
    from flask import Flask, jsonify

    from app.models import Order

    app = Flask(__name__)

    @app.get("/orders")
    def list_orders():
        return jsonify([o.to_dict() for o in Order.query.all()])

## Use instead
    from flask import Flask, jsonify, request

    from app.models import Order

    app = Flask(__name__)

    @app.get("/orders")
    def list_orders():
        per_page = min(request.args.get("per_page", 50, type=int), 100)
        page = Order.query.paginate(page=request.args.get("page", 1, type=int), per_page=per_page)
        return jsonify([o.to_dict() for o in page.items])

## Known limitations
A collection returned by a helper function (`return crud.list_orders(db)`) is recognised only
when the response is declared as a list (`response_model=list[...]`). A maximum page size is not
checked: `limit` taken from the query string but never clamped is not reported here. DRF lists
without `pagination_class` depend on the `DEFAULT_PAGINATION_CLASS` setting and are not reported.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence, FacetState
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.generic.inventory.common import by_location, routes_text


def _unpaginated(endpoint) -> bool:
    return endpoint.method == "GET" and endpoint.pagination.state is FacetState.ABSENT


def check(project, ctx):
    for at, group in by_location(project.inventory.endpoints, _unpaginated,
                                 lambda e: e.pagination.evidence or e.location):
        first = group[0]
        mechanism = first.pagination.mechanism
        cause = f"; {mechanism}" if mechanism and mechanism != "collection without limit" else ""
        yield ctx.finding(
            RULE, at,
            f"{routes_text(group)} returns a whole collection without pagination "
            f"(handler `{first.handler}`{cause})",
            related=(first.location,) if at != first.location else (), symbol=first.handler)


RULE = ProjectRule(
    id="GEN-API-101", slug="list-endpoint-without-pagination", area=Area.API,
    title="List endpoint without pagination",
    fix="Accept `limit`/`cursor` (or `page`/`per_page`) parameters, clamp the page size to a "
        "maximum, and bound the query with them.",
    rows=("API-04",), doc=__doc__, confidence=Confidence.MEDIUM,
    example_path="app.py", check=check, coverage="partial",
    coverage_note="unclamped page sizes are not checked; endpoints from the Python inventory (FastAPI, Flask)",
)
