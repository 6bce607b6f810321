"""The consultations rung's pages."""

from .walker import row  # noqa: F401 - rows are added as the rung's pages are written


def build(world):
    """Add the objects, in each state, that this table's rows request."""


ROWS: list = []
