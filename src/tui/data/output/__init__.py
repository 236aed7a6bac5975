"""What leaves the program: exports per format (:mod:`.export`, :mod:`.writers`, their names and
record :mod:`.export_names`, :mod:`.export_record`, the zip a served visitor downloads
:mod:`.bundle`), saved views (:mod:`.views`) and numbers as the table, the status line and print
show them (:mod:`.format`). Built on the engine and the features; nothing below imports it.
(Atomic writes are in the core, :mod:`tui.data.atomic`, since the builder writes files too; where a
sidecar lives and the formula escape are read back by the loader, :mod:`tui.data.loading`.)"""
