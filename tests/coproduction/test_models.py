import pytest

from coproduction.models import Project


@pytest.mark.parametrize(
    ("threshold", "parent_carers", "present", "too_low", "percent"),
    [
        (33, 1, 3, False, 33),  # 33.3% reaches 33%
        (34, 1, 3, True, 33),
        (33, 14, 43, True, 32),  # 32.6%: rounds to 33, but is below it
        (67, 2, 3, True, 66),  # 66.7%: rounds to 67, but is below it
        (66, 2, 3, False, 66),
        (50, 2, 4, False, 50),  # exactly the threshold is enough
        (51, 2, 4, True, 50),
        (100, 5, 5, False, 100),
        (100, 4, 5, True, 80),
        (0, 0, 5, False, 0),
        (33, 0, 0, False, 0),  # nobody recorded present: no share, no warning
    ],
)
def test_parent_share_is_compared_exactly(threshold, parent_carers, present, too_low, percent):
    project = Project(parent_share_threshold=threshold)
    assert project.parent_share_is_too_low(parent_carers, present) is too_low
    assert project.parent_share_percent(parent_carers, present) == percent
