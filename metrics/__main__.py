"""`python -m metrics`: the engine's command line, which lives in commands/ (the engine itself reads no file and
writes no output; this entry point only hands over)."""

import sys

from commands.metrics_cli import main

sys.exit(main())
