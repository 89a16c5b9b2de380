"""``python -m zscore``: the command line."""

from .cli import main

raise SystemExit(main())
