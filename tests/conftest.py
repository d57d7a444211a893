import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# Scans through the CLI cache their per-file results; the tests get a cache of their own, removed
# when the process that made it ends (xdist workers inherit the variable and share it).
if "PRODCHECK_CACHE_DIR" not in os.environ:
    _cache = tempfile.mkdtemp(prefix="prodcheck-test-cache-")
    os.environ["PRODCHECK_CACHE_DIR"] = _cache
    atexit.register(shutil.rmtree, _cache, True)
