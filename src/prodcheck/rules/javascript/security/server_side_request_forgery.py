"""
## What it does
Follows request data from Express, Fastify and NestJS handlers into the URL of an outbound
request: `fetch()`, `axios`, `got`, `node-fetch`, `http(s).request()/get()`, `superagent`,
`undici`, `needle`, `request` and raw `net.connect()`. A URL built on a fixed origin
(`https://api.example.com/items/${id}`, `${BASE_URL}/items/${id}` with a configured base, or a
relative path) is not reported: the request cannot leave that host.

## Why it matters
The server makes the request from inside the network: `http://169.254.169.254/` returns cloud
credentials, `http://localhost:9200/` reaches an internal database, and the answer often goes
back to the caller.

## Example
    const express = require("express");
    const axios = require("axios");

    const app = express();

    app.get("/preview", async (req, res) => {
      const page = await axios.get(req.query.url);
      res.json({ length: page.data.length });
    });

## Use instead
    const express = require("express");
    const axios = require("axios");

    const app = express();

    app.get("/preview", async (req, res) => {
      const page = await axios.get(`https://cdn.example.com/pages/${encodeURIComponent(req.query.id)}`);
      res.json({ length: page.data.length });
    });

## Known limitations
An allow-list check of the host (`new URL(u).hostname` compared to a set) is not recognised; the
flow is still reported. HTTP clients created with a fixed `baseURL` (`axios.create()`) are treated
like the default client.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.javascript.security.taint_rule import javascript_taint_rule

RULE = javascript_taint_rule(
    "ssrf", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Build outbound URLs from a fixed origin and encode the request values into the path or "
        "query (`encodeURIComponent()`), or check the host against an allow-list.",
)
