"""``python -m tui``: same as the ``scwc`` command."""

from tui.launch import main

raise SystemExit(main())
