"""``python -m posthog_api.cli``: the ``posthog-api`` command."""

import sys

from posthog_api.cli import main

sys.exit(main())
