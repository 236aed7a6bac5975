"""``python -m tui``: same as the ``scwc`` command."""

from tui.cli import main

raise SystemExit(main())
