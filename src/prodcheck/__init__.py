"""prodcheck: a production-readiness reviewer for backend repositories."""

__version__ = "0.1.0"
