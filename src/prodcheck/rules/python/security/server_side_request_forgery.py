"""
## What it does
Follows request data from Flask, FastAPI/Starlette and Django/DRF handlers to the URL of an outbound
request: `requests.get()`/`post()`/`request()`, `requests.Session` methods, `httpx` (module
functions, `Client`, `AsyncClient`), `aiohttp.ClientSession` methods, `urllib.request.urlopen()`
and `urllib3`. A URL whose origin is fixed by the code (`f"https://api.example.com/users/{id}"`,
`f"{settings.API_URL}/items/{id}"`) is not reported: only the host matters here.

## Why it matters
The server makes the request from inside the network: an attacker-chosen URL reaches internal
admin panels, databases speaking HTTP, and the cloud metadata endpoint
(`http://169.254.169.254/`) that hands out the instance's credentials.

## Example
    import requests
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/preview")
    def preview(url: str):
        page = requests.get(url, timeout=5)
        return {"title": page.text[:200]}

## Use instead
    from urllib.parse import urlparse

    import requests
    from fastapi import FastAPI, HTTPException

    app = FastAPI()
    ALLOWED_HOSTS = {"docs.example.com", "blog.example.com"}


    @app.get("/preview")
    def preview(url: str):
        if urlparse(url).hostname not in ALLOWED_HOSTS:
            raise HTTPException(status_code=400, detail="host not allowed")
        page = requests.get(url, timeout=5)
        return {"title": page.text[:200]}

## Known limitations
An allow-list is recognised as a guard on `urlparse(url).hostname`/`.netloc` (or the URL itself)
against a literal or constant collection, followed by a return, `abort()` or `raise`. A client
object whose type is not visible where it is used (a parameter, an attribute) is not followed.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.python.security.taint_rule import python_taint_rule

RULE = python_taint_rule(
    "ssrf", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Build outbound URLs on a fixed origin, or check the parsed host against an allow-list "
        "(and block private address ranges) before the request.",
)
