"""`python -m studio` runs the same command line as `waves-studio`."""

import sys

from studio.cli import main

sys.exit(main())
