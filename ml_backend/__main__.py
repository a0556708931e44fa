"""``python -m ml_backend``: see :mod:`ml_backend.cli`."""

import sys

from .cli import main

sys.exit(main())
