"""Python: the standard library's `ast`, never an import of the scanned code."""
from __future__ import annotations

import ast
import warnings

from prodcheck.model import Diagnostic


def parse_python(parsed) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(parsed.text, filename=parsed.path, type_comments=False)
    except SyntaxError as exc:
        parsed.diagnostics.append(Diagnostic(parsed.path, "syntax-error",
                                             f"Python syntax error: {exc.msg}", exc.lineno or 0))
    except (RecursionError, MemoryError):
        parsed.diagnostics.append(Diagnostic(parsed.path, "too-deep",
                                             "expression nesting too deep for the Python parser"))
    except ValueError as exc:
        parsed.diagnostics.append(Diagnostic(parsed.path, "syntax-error", f"cannot parse: {exc}"))
    return None
