"""``python -m wirework`` is the ``wirework`` command."""

from wirework.cli import main

raise SystemExit(main())
