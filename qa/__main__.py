"""`python -m qa` runs the `dl500` command line."""

import sys

from qa.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
