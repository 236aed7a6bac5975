"""Messages widgets post to ask the app for a new selection."""

from __future__ import annotations

from textual.message import Message


class FilterChanged(Message):
    """The user chose which members of a dimension to keep (``None``: all of them)."""

    def __init__(self, dimension: str, members: tuple[str, ...] | None) -> None:
        super().__init__()
        self.dimension = dimension
        self.members = members


class FilterDimensionShown(Message):
    """The filter panel now lists this dimension's members (their counts are wanted)."""

    def __init__(self, dimension: str) -> None:
        super().__init__()
        self.dimension = dimension


class DrillRequested(Message):
    """Enter on a summary row: filter to this member and go one level down."""

    def __init__(self, member: str) -> None:
        super().__init__()
        self.member = member
