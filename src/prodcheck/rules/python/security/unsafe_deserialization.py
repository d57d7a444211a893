"""
## What it does
Follows request data (bodies, uploads, cookies, parameters) from Flask, FastAPI/Starlette and
Django/DRF handlers into deserialisers that build arbitrary objects: `pickle.loads()`/`load()`,
`dill`, `cloudpickle`, `marshal`, `jsonpickle.decode()`, `pandas.read_pickle()`, `joblib.load()`,
`shelve.open()`, `torch.load()` without `weights_only=True` and `numpy.load(allow_pickle=True)`.
PyYAML loaders are left to PY-SEC-034 (unsafe-yaml-load), which reports every unsafe `yaml.load`
whatever the data's origin, so the same call is not reported twice.

## Why it matters
Unpickling runs whatever callable the data names (`os.system` via `__reduce__`): anyone who can
send the bytes runs code on the server.

## Example
    import pickle

    from flask import Flask, request

    app = Flask(__name__)


    @app.post("/import")
    def import_settings():
        settings = pickle.loads(request.get_data())
        return {"keys": sorted(settings)}

## Use instead
    import json

    from flask import Flask, request

    app = Flask(__name__)


    @app.post("/import")
    def import_settings():
        settings = json.loads(request.get_data())
        return {"keys": sorted(settings)}

## Known limitations
Signed payloads (`itsdangerous`, HMAC checks before loading) are not recognised.
"""
from __future__ import annotations

from prodcheck.model import Confidence
from prodcheck.rules.python.security.taint_rule import python_taint_rule

RULE = python_taint_rule(
    "deserialization", doc=__doc__, confidence=Confidence.HIGH,
    fix="Accept JSON (or another data-only format) and validate it; use `yaml.safe_load()`; never "
        "unpickle data a client can send or change.",
)
