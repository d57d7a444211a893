"""
## What it does
Follows request data from Express, Fastify and NestJS handlers into deep merges and path setters
that follow `__proto__` and `constructor.prototype`: lodash `merge()`/`mergeWith()`/
`defaultsDeep()`/`set()`/`setWith()` (also `lodash.merge` and `lodash/merge` imports), `deepmerge`,
`merge`, `merge-deep`, `mixin-deep`, `deep-extend`, `dot-prop`, `set-value`, `object-path` and
jQuery `extend()`.

## Why it matters
`{"__proto__": {"isAdmin": true}}` merged into any object writes to `Object.prototype`: every
object in the process now has `isAdmin`, which flips authorisation checks, changes options and
can reach code execution through template engines or `child_process` options.

## Example
    const express = require("express");
    const _ = require("lodash");

    const app = express();
    app.use(express.json());
    const settings = { theme: "light", notifications: { email: true } };

    app.patch("/settings", (req, res) => {
      _.merge(settings, req.body);
      res.json(settings);
    });

## Use instead
    const express = require("express");

    const app = express();
    app.use(express.json());
    const settings = { theme: "light", notifications: { email: true } };

    app.patch("/settings", (req, res) => {
      settings.theme = req.body.theme === "dark" ? "dark" : "light";
      settings.notifications = { email: req.body.email === true };
      res.json(settings);
    });

## Known limitations
`Object.assign()` and object spread copy own properties only and are not reported; hand-written
recursive merges are not recognised. Library versions that already block `__proto__` (lodash
>= 4.17.12 for `merge`) are still reported: the merge keeps other risks (overwritten methods,
`constructor` keys), so prefer an explicit copy.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.javascript.security.taint_rule import javascript_taint_rule

RULE = javascript_taint_rule(
    "prototype", doc=__doc__, confidence=Confidence.MEDIUM,
    fix="Copy the fields you expect from a validated body instead of merging it; if a merge is "
        "needed, use a `Object.create(null)` target and reject `__proto__`, `constructor` and "
        "`prototype` keys.",
)
