"""``python -m rasa_ethics.cli``."""

import sys

from rasa_ethics.cli import main

sys.exit(main())
