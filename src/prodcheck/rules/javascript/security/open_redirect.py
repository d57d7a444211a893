"""
## What it does
Follows request data from Express, Fastify and NestJS handlers into a redirect target:
`res.redirect()` (Express, Fastify `reply.redirect()`, Koa `ctx.redirect()`) and a `Location`
header set with `setHeader()`/`header()`/`set()`/`writeHead()`. A target built on a relative
path or a fixed origin (`"/orders/" + id`) is not reported.

## Why it matters
A link on the real domain that bounces to `https://evil.example/login` is the classic phishing
lure, and a redirect after login can hand OAuth codes or tokens to another site.

## Example
    const express = require("express");

    const app = express();

    app.get("/login/done", (req, res) => {
      res.redirect(req.query.next);
    });

## Use instead
    const express = require("express");

    const app = express();
    const PAGES = ["/", "/orders", "/account"];

    app.get("/login/done", (req, res) => {
      const next = req.query.next;
      if (!PAGES.includes(next)) {
        return res.redirect("/");
      }
      res.redirect(next);
    });

## Known limitations
A check such as `next.startsWith("/") && !next.startsWith("//")` is not recognised as a guard; the
flow is still reported.
"""
from __future__ import annotations

from prodcheck.model import Confidence, Severity
from prodcheck.rules.javascript.security.taint_rule import javascript_taint_rule

RULE = javascript_taint_rule(
    "redirect", doc=__doc__, confidence=Confidence.MEDIUM, severity=Severity.MEDIUM,
    severity_note="An open redirect aids phishing and token theft but does not by itself expose "
                  "data or run code; the SSRF row's CRITICAL is for server-side requests.",
    fix="Redirect only to relative paths of this site or to targets on an allow-list, falling "
        "back to a fixed page.",
)
