"""The `dl500` command line. Modules here import only the standard library at import time."""
