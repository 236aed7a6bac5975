"""``scwc serve``: check the options and the data, then serve the explorer to browsers (the
web server's libraries are imported only then)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from tui.cli_parsers import serve_parser
from tui.cli_streams import native_stderr_silenced
from tui.data.dataset import DataError
from tui.data.loading.isolated import open_dataset
from tui.data.loading.paths import dataset_in
from tui.serve import ServeOptions, choose_token


def run_serve(argv: Sequence[str]) -> int:
    """``scwc serve``: check the options and the data, then serve the explorer to browsers."""
    args = serve_parser().parse_args(argv)
    options = serve_options(args)
    with native_stderr_silenced():
        open_dataset(dataset_in(args.path) if args.path else None)
    try:
        from tui.serve_http import serve  # the web server's libraries, only when serving

        serve(options)
    except OSError as error:
        raise DataError(
            f"cannot serve on {args.host}:{args.port}: {error.strerror or error}"
        ) from None
    return 0


def serve_options(args: argparse.Namespace) -> ServeOptions:
    """``scwc serve``'s options, checked."""
    if not 0 < args.port < 65536:
        raise DataError(f"--port {args.port}: expected 1-65535")
    if args.max_sessions < 1:
        raise DataError(f"--max-sessions {args.max_sessions}: expected 1 or more")
    if not args.idle_timeout > 0:
        raise DataError(f"--idle-timeout {args.idle_timeout:g}: expected minutes above 0")
    if args.token is not None and len(args.token) < 8:
        raise DataError("--token: at least 8 characters")
    if args.token is not None and args.no_auth:
        raise DataError("--token and --no-auth contradict each other")
    data_dir = args.data_dir
    if data_dir is not None:
        if not data_dir.is_dir():
            raise DataError(f"--data-dir {data_dir}: no such folder")
        data_dir = data_dir.resolve()
    return ServeOptions(
        args.path,
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        token=choose_token(args.host, args.token, args.no_auth, args.public_url),
        data_dir=data_dir,
        max_sessions=args.max_sessions,
        idle_timeout=args.idle_timeout * 60,
    )
