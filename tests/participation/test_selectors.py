"""Reads whose rules matter on their own."""

import pytest

from participation import selectors


@pytest.mark.parametrize(
    "counts, hidden",
    [
        ([8, 3], {0, 1}),
        ([3, 0, 12, 6], {0, 3}),
        ([4, 4, 20], {0, 1}),
        ([2, 1, 9, 30], {0, 1, 2}),
        ([1], {0}),
        ([2, 1], {0, 1}),
        ([0, 7, 5], set()),
        ([], set()),
    ],
)
def test_counts_to_hide_leaves_no_small_count_to_work_out(counts, hidden):
    assert selectors.counts_to_hide(counts) == hidden
