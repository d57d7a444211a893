"""Python: the `py-django-settings` signal, one per Django settings module production may load
(`Signal.detail` is JSON: module name, settings kind, security settings and markers it assigns,
star imports, MIDDLEWARE entries, DEBUG). PY-SEC-031 (missing-security-headers) joins them across
a settings package (`production.py` star-importing `base.py`). The per-file reading lives in
`rules/python/security_helpers.py`."""
from __future__ import annotations

import json

from prodcheck.facts.extract import Extractor
from prodcheck.facts.model import Signal
from prodcheck.model import Location


def extract(parsed, builder) -> None:
    from prodcheck.rules.context import FileContext
    from prodcheck.rules.python.security_helpers import DJANGO_SETTINGS_SIGNAL, django_settings_signal

    found = django_settings_signal(FileContext(parsed))
    if found is not None:
        builder.signals.append(Signal(DJANGO_SETTINGS_SIGNAL, Location.at(parsed.path, 1),
                                      json.dumps(found, sort_keys=True)))


EXTRACTOR = Extractor(name="python-settings-signals", extract=extract, languages=("python",),
                      kinds=("source",))
