"""The promotions' int split keeps the rule of commercekit.money.allocate."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from commercekit.money import allocate, from_minor_units
from commercekit.promotions._actions import _split


@given(
    total=st.integers(0, 10_000),
    weights=st.lists(st.integers(0, 5_000), min_size=1, max_size=8),
    data=st.data(),
)
def test_split_is_allocate_with_the_weights_in_key_order(
    total: int, weights: list[int], data: st.DataObject
) -> None:
    """Splitting cents over lines gives what allocate gives when the lines
    are taken in the order of their keys: the same parts, adding up to the
    total, with a tie going to the line whose key sorts first."""
    keys = data.draw(
        st.lists(
            st.text("ABCDEF", min_size=1, max_size=3),
            min_size=len(weights),
            max_size=len(weights),
            unique=True,
        )
    )
    parts = _split(total, weights, keys)
    if not sum(weights):
        assert parts == [0] * len(weights)
        return
    order = sorted(range(len(weights)), key=keys.__getitem__)
    expected = allocate(from_minor_units(total, "EUR"), [weights[i] for i in order])
    assert sum(parts) == total
    assert [parts[i] for i in order] == [int(e.amount * 100) for e in expected]
