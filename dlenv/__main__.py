"""``python -m dlenv``: see ``dlenv.cli``."""

import sys

from dlenv.cli import main

sys.exit(main())
