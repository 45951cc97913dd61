"""``python -m commercekit``: see :mod:`commercekit.cli`."""

from commercekit.cli import main

raise SystemExit(main())
