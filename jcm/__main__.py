"""``python -m jcm`` runs the ``jcm`` command."""

import sys

from jcm.cli import main

sys.exit(main())
