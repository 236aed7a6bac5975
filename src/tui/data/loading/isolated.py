"""Open a Parquet file in a child process first, so a crash in native code cannot take us down.

Polars can abort the whole process (not raise) on some damaged Parquet pages. The child reads every
row, builds the dataset and sends it back pickled (the cube is small and the rows stay a lazy scan),
so isolation costs little more than starting the child. If the child dies, the file is reported
as damaged in one line; the app keeps its current data. A process that the launcher's crash guard
watches (``tui.launch``, one-shot commands) reads every file itself and only names it first.

    python -m tui.data.loading.isolated PATH  # child: pickled Dataset on stdout, or exit 2 + message
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

from tui.data.dataset import DataError, Dataset
from tui.data.loading.load import FORMATS, kept_dataset, load_dataset
from tui.data.loading.paths import check_data_file

EXIT_DATA_ERROR = 2
_crash_guard: list[int] = []
"""The pipe to the crash guard watching this process, if any (see :func:`announce_reads_to`)."""
_first_only: list[bool] = [False]


def announce_reads_to(pipe: int, first_only: bool = False) -> None:
    """This process runs under the launcher's crash guard: read every file here, first writing
    its path to ``pipe`` so the guard can name the file if reading it crashes the process.

    ``first_only`` (the explorer): only the first file; then an empty line is written (done
    reading) and later files are read in a child process again, so a crash cannot end the
    session."""
    _crash_guard[:] = [pipe]
    _first_only[:] = [first_only]


def open_dataset(path: Path | str | None = None, sheet: str | None = None) -> Dataset:
    """Load a dataset; Parquet files are read in a child process (see the module docstring)."""
    if path is not None:
        check_data_file(Path(path))
    if _crash_guard:
        pipe = _crash_guard[0]
        os.write(pipe, f"{path or 'the embedded dataset'}\n".encode())
        try:
            return load_dataset(path, sheet=sheet)
        finally:
            if _first_only[0]:
                os.write(pipe, b"\n")
                _crash_guard.clear()
    if (
        path is None
        or FORMATS.get(Path(path).suffix.lower()) != "parquet"
        or not Path(path).is_file()
    ):
        return load_dataset(path, sheet=sheet)
    path = Path(path)
    kept = kept_dataset(path, sheet)  # read before: nothing to read, no child needed
    if kept is not None:
        return kept
    child = subprocess.run(
        [sys.executable, "-m", "tui.data.loading.isolated", str(path)],
        capture_output=True,
        check=False,
    )
    if child.returncode == 0:
        dataset = pickle.loads(child.stdout)
        assert isinstance(dataset, Dataset)
        return dataset
    if child.returncode == EXIT_DATA_ERROR:
        raise DataError(child.stdout.decode("utf-8", errors="replace").strip())
    raise DataError(f"{path.name}: the file is damaged (reading it crashed the Parquet reader)")


def _child(argv: list[str]) -> int:
    try:
        dataset = load_dataset(Path(argv[0]))
    except DataError as error:
        sys.stdout.write(str(error))
        return EXIT_DATA_ERROR
    sys.stdout.buffer.write(pickle.dumps(dataset))
    return 0


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1:]))
