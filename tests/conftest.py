import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# Scans through the CLI cache their per-file results; the tests get a cache of their own.
os.environ.setdefault("PRODCHECK_CACHE_DIR", tempfile.mkdtemp(prefix="prodcheck-test-cache-"))
