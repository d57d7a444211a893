import os
import sys


def _run() -> None:
    # `python -m prodcheck` puts the working directory first on sys.path: run inside a scanned
    # repository, its `yaml.py` or `re.py` would be imported (and run) in place of ours.
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    from prodcheck.cli import main
    main()


if __name__ == "__main__":
    _run()
