"""Find the files to scan: walk, ignore, classify."""
from prodcheck.discovery.classify import SourceFile, classify
from prodcheck.discovery.walk import discover

__all__ = ["SourceFile", "classify", "discover"]
