"""
## What it does
Flags response shapes that leak internal fields:
- a DRF `ModelSerializer` with `fields = "__all__"` or with only an `exclude` list, whose model
  (from the project's models) has secret-looking fields that stay exposed (`password`, `token`,
  `secret`, `api_key`, `otp`, `ssn`, `salt`, ...), with high confidence; with `"__all__"` on any
  other model, with low confidence (every column, including those added later, is serialised);
- a pydantic response schema (a class used as `response_model=` in its module, or named
  `...Out`, `...Response`, `...Public`, `...Read`) that declares a password field
  (`password`, `hashed_password`, `password_hash`, `salt`, `otp_secret`, ...).

## Why it matters
A serializer that follows the model exposes whatever the model holds: today's password hash and
API token, and tomorrow's internal flag added by a migration that nobody connects with the API. A
leaked password hash is cracked offline; a leaked token is a session.

## Example
    from pydantic import BaseModel

    class UserOut(BaseModel):
        id: int
        email: str
        hashed_password: str

## Use instead
    from pydantic import BaseModel

    class UserOut(BaseModel):
        id: int
        email: str

## Known limitations
The model of a serializer is matched by class name among the project's Django models; a name
defined twice, or a model of a third-party package (Django's own `User` included), is reported with
low confidence without naming its fields. Serializer fields declared explicitly next to `"__all__"`
and `to_representation` overrides are not read. FastAPI routes returning ORM objects without a
`response_model` are not checked.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.python.ast_helpers import words_of

SECRET_WORDS = frozenset({"password", "passwd", "token", "secret", "salt", "otp", "totp", "ssn", "pin",
                          "apikey", "hash", "hashed", "mfa", "credential", "credentials", "private"})
SECRET_PAIRS = frozenset({("api", "key"), ("access", "key"), ("secret", "key"), ("private", "key"),
                          ("recovery", "code"), ("security", "answer")})
NOT_SECRET = frozenset({"count", "expires", "expiry", "at", "type", "length", "enabled", "required",
                        "changed", "set", "url", "name", "id", "version"})


def secret_field(name: str) -> bool:
    words = words_of(name)
    if set(words[-1:]) & NOT_SECRET:
        return False
    return bool(set(words) & SECRET_WORDS) or any(p in SECRET_PAIRS for p in zip(words, words[1:]))


def check(project, ctx):
    models: dict[str, list] = {}
    for model in project.inventory.models:
        if model.kind == "django":
            models.setdefault(model.name, []).append(model)
    for signal in project.signals("py-serializer-all-fields"):
        serializer, model_name, mode, excluded_text = signal.detail.split("|", 3)
        excluded = set(filter(None, excluded_text.split(",")))
        found = models.get(model_name, [])
        if len(found) == 1:
            secrets = [f.name for f in found[0].fields if secret_field(f.name) and f.name not in excluded]
            if secrets:
                shown = ", ".join(f"`{s}`" for s in secrets[:4])
                how = "`fields = \"__all__\"`" if mode == "all" else "an `exclude` list"
                yield ctx.finding(
                    RULE, signal.location,
                    f"`{serializer}` serialises every field of `{model_name}` ({how}), including {shown}",
                    symbol=serializer)
                continue
            if mode != "all":
                continue
        elif mode != "all":
            continue
        yield ctx.finding(
            RULE, signal.location,
            f"`{serializer}` serialises every field of `{model_name or 'its model'}` (`fields = \"__all__\"`): "
            f"columns added later are exposed without review",
            confidence=Confidence.LOW, symbol=serializer)
    for signal in project.signals("py-response-secret-field"):
        schema, field = signal.detail.split("|", 1)
        yield ctx.finding(RULE, signal.location,
                          f"response schema `{schema}` declares `{field}`: it is sent to every client",
                          symbol=schema)


RULE = ProjectRule(
    id="PY-API-003", slug="serializer-exposes-all-fields", area=Area.API,
    title="Serializer or response schema exposes internal fields",
    fix="List the fields a response may carry (`fields = [\"id\", \"email\", ...]`, a response schema "
        "without password or token fields, `Field(exclude=True)`).",
    rows=("API-01",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-213",),
    stride=(Stride.INFORMATION_DISCLOSURE,), example_path="app/schemas.py",
    coverage="partial", coverage_note="FastAPI routes returning ORM objects without response_model are not checked",
    needs_languages=("python",), check=check,
)
