"""``python -m tui.data.build [--holdout]``: rebuild the embedded dataset (:mod:`.build`)."""

from tui.data.build.build import main

raise SystemExit(main())
