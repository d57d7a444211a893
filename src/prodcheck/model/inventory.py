"""What a service exposes and touches: endpoints, data models, migrations, external calls."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from prodcheck.model.location import Location


class FacetState(str, Enum):
    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Facet:
    """One property of an endpoint (auth, validation, pagination, rate limit).

    UNKNOWN means the extractor could not tell; it is never reported or scored as ABSENT.
    """
    state: FacetState = FacetState.UNKNOWN
    mechanism: str = ""
    evidence: Location | None = None

    @classmethod
    def present(cls, mechanism: str, evidence: Location | None = None) -> Facet:
        return cls(FacetState.PRESENT, mechanism, evidence)

    @classmethod
    def absent(cls, evidence: Location | None = None) -> Facet:
        return cls(FacetState.ABSENT, "", evidence)


UNKNOWN = Facet()


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str
    handler: str
    location: Location
    framework: str = ""
    service: str = ""
    auth: Facet = UNKNOWN
    validation: Facet = UNKNOWN
    pagination: Facet = UNKNOWN
    rate_limit: Facet = UNKNOWN
    public_by_nature: bool = False


@dataclass(frozen=True, slots=True)
class ModelField:
    name: str
    type: str
    line: int = 0
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DataModel:
    name: str
    kind: str            # django, sqlalchemy, pydantic, prisma, typeorm, gorm, ...
    location: Location
    table: str = ""
    fields: tuple[ModelField, ...] = ()
    service: str = ""


@dataclass(frozen=True, slots=True)
class Migration:
    id: str
    path: str
    style: str           # sql, django, alembic, prisma, golang-migrate, flyway, knex, ...
    order: int = 0
    operations: tuple[str, ...] = ()
    reversible: bool | None = None
    rollback: str = ""
    service: str = ""


@dataclass(frozen=True, slots=True)
class ExternalCall:
    kind: str            # http, db, cache, queue, third-party
    target: str          # library call or host
    location: Location
    service: str = ""


@dataclass(frozen=True, slots=True)
class Inventory:
    endpoints: tuple[Endpoint, ...] = ()
    models: tuple[DataModel, ...] = ()
    migrations: tuple[Migration, ...] = ()
    external_calls: tuple[ExternalCall, ...] = ()
