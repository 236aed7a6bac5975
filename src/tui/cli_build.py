"""``scwc build``: rebuild the embedded dataset from the figure files (for developers), or build a
dataset that also holds a user's own published figures in a folder of its own, without touching
the installed package (``scwc build --figures my_answers.csv --out DIR``, then ``scwc DIR``).

A thin wrapper over the builder (:func:`tui.data.build.build.main`), which needs the optional
``build`` extra (scipy): without it, one line says how to get it. The build runs in a scratch
folder beside ``DIR``; only a dataset that reproduces every target reaches ``DIR``, and a failed
build leaves ``DIR`` as it was.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from tui.cli_parsers import build_parser
from tui.data.dataset import DataError
from tui.data.figures.files import FIGURE_FILES
from tui.data.figures.published import figures, forces_by_region
from tui.data.figures.targets import TARGET
from tui.data.figures.user_figures import (
    USER_FILE,
    USER_PREFIX,
    add_user_figures,
    read_user_figures,
)
from tui.data.loading.paths import repo_data_dir

HINT = "scwc build needs the builder: pip install 'scwc[build]'"
EXIT_BAD_INPUT = 2
BUILT = ("real_figures.csv", "offences.csv")
"""What a folder ``scwc build --out`` made holds (it may build there again)."""


def run_build(argv: Sequence[str]) -> int:
    """``scwc build``: check the options and the figures, then build."""
    args = build_parser().parse_args(argv)
    try:
        import scipy.optimize  # noqa: F401  (the builder's solver: the optional extra)
    except ImportError:
        print(HINT, file=sys.stderr)
        return EXIT_BAD_INPUT
    from tui.data.build.build import main as build_main

    data_dir = repo_data_dir()
    if args.out is None:
        if args.figures is not None:
            raise DataError(
                "--figures needs --out DIR: your figures are built in a folder of their own, "
                "never into the installed package"
            )
        return build_main(["--data-dir", str(data_dir)])
    out = args.out
    check_out(out, data_dir)
    rows = None
    if args.figures is not None:
        rows = read_user_figures(args.figures, forces_by_region(data_dir / "forces.csv"))
    try:
        staging = Path(tempfile.mkdtemp(prefix=".scwc-build-", dir=out.absolute().parent))
    except OSError as error:
        raise DataError(f"--out {out}: cannot write there: {error.strerror or error}") from None
    try:
        from tui.data.build.inputs import copy_build_inputs

        # the hold-out measured the project's figures alone: not reported for a user's
        copy_build_inputs(data_dir, staging, skip=("holdout.csv",) if rows else ())
        if rows is not None:
            add_user_figures(staging, rows, args.figures.name)
        code = build_main(["--data-dir", str(staging)], announce=lambda _: None)
        if code != 0:
            return code
        written = move_into(staging, out)
    except OSError as error:
        raise DataError(f"--out {out}: cannot write there: {error.strerror or error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for name in ("offences.csv", "ranges.csv", "offences.toml"):
        if name in written:
            print(f"wrote {out / name}")
    if rows is not None:
        print(user_figures_line(out, args.figures.name))
    shown = shlex.quote(str(out))
    print(f"open it: scwc {shown}   its figures: scwc sources {shown}")
    return 0


def check_out(out: Path, data_dir: Path) -> None:
    """Refuse, in one line, a folder ``scwc build`` must not write into."""
    if out.exists() and not out.is_dir():
        raise DataError(f"--out {out}: not a folder")
    if out.is_dir():
        if out.resolve() == data_dir.resolve():
            raise DataError(f"--out {out}: the embedded dataset's folder (run scwc build alone)")
        names = {entry.name for entry in out.iterdir()}
        if names and not set(BUILT) <= names:
            raise DataError(
                f"--out {out}: a folder with other files in it; name a new or empty folder, or "
                "one scwc build made"
            )
    elif not out.absolute().parent.is_dir():
        raise DataError(f"--out {out}: no folder {out.absolute().parent} to make it in")


def move_into(staging: Path, out: Path) -> set[str]:
    """Put what was built in ``staging`` into ``out`` (renamed into place, file by file) and
    remove the files of an earlier build this one does not have (a user's figure file)."""
    built = {path.name for path in staging.iterdir()}
    out.mkdir(exist_ok=True)
    for name in sorted(built):
        os.replace(staging / name, out / name)
    for name in (USER_FILE, FIGURE_FILES, "holdout.csv"):
        if name not in built:
            (out / name).unlink(missing_ok=True)
    return built


def user_figures_line(out: Path, origin: str) -> str:
    """How the builder took the user's figures: ``my.csv: 9 figures: 8 target, 1 context (...)``."""
    own = [f for f in figures(out.resolve()) if f.id.startswith(USER_PREFIX)]
    statuses = Counter(f.status for f in own)
    reasons = sorted({f.reason for f in own if f.reason and f.status != TARGET})
    counted = ", ".join(f"{n} {status}" for status, n in statuses.most_common())
    why = f" ({'; '.join(reasons)})" if reasons else ""
    plural = "" if len(own) == 1 else "s"
    return f"{origin}: {len(own)} figure{plural}: {counted}{why}"
