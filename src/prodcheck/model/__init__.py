"""The data model: frozen dataclasses only."""
from prodcheck.model.enums import AREA_TITLES, Area, Confidence, Severity, Stride, Verdict
from prodcheck.model.finding import Diagnostic, Finding, Fix, Suppressed
from prodcheck.model.inventory import (
    UNKNOWN, DataModel, Endpoint, ExternalCall, Facet, FacetState, Inventory, Migration, ModelField,
)
from prodcheck.model.location import Location, Position
from prodcheck.model.report import AreaScore, NotVerified, Report, Scores
from prodcheck.model.stack import Component, Service, Stack

__all__ = [
    "AREA_TITLES", "Area", "AreaScore", "Component", "Confidence", "DataModel", "Diagnostic",
    "Endpoint", "ExternalCall", "Facet", "FacetState", "Finding", "Fix", "Inventory", "Location",
    "Migration", "ModelField", "NotVerified", "Position", "Report", "Scores", "Service", "Severity",
    "Stack", "Stride", "Suppressed", "UNKNOWN", "Verdict",
]
