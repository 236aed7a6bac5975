"""How an app process knows ``scwc serve`` started it (standard library only): what the app and its
flows need of serving, without importing the server's module (:mod:`tui.serve`, which re-exports
it)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SERVED_ENV = "SCWC_SERVED"
"""Set (to ``1``) in the environment of every app process ``scwc serve`` starts."""
DATA_DIR_ENV = "SCWC_DATA_DIR"
"""The folder whose files a served app may open (``--data-dir``); unset: none."""


@dataclass(frozen=True)
class Served:
    """What an app process started by ``scwc serve`` knows: visitors' paths never reach the disk."""

    data_dir: Path | None
    """The only folder a visitor may open files from (``None``: opening files is off)."""

    @classmethod
    def from_environment(cls) -> Served | None:
        """The served mode ``scwc serve`` set for this process, or ``None`` in a terminal."""
        if os.environ.get(SERVED_ENV) != "1":
            return None
        folder = os.environ.get(DATA_DIR_ENV)
        return cls(Path(folder) if folder else None)

    def environment(self) -> dict[str, str]:
        """The environment variables that put an app process in this mode."""
        values = {SERVED_ENV: "1"}
        if self.data_dir is not None:
            values[DATA_DIR_ENV] = str(self.data_dir)
        return values
