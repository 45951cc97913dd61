"""Merging a guest's cart into a customer's: the rule and its report."""

from __future__ import annotations

import enum
from typing import TypeAlias

import attrs

from commercekit.cart._values import _MAX_LINES, _MAX_QUANTITY, CartLine, CartSettings
from commercekit.values import Address

__all__ = ["MergeOutcome", "MergeReport", "MergedLine"]


class MergeOutcome(enum.StrEnum):
    """What became of a guest cart's line in :meth:`Cart.merge`."""

    MERGED = "merged"
    """Its quantity was added to the customer's line of the same SKU."""
    ADDED = "added"
    """It became a new line of the customer's cart."""
    CAPPED = "capped"
    """It was merged or added, but only up to the per-line maximum."""
    DROPPED = "dropped"
    """It was left out, as the cart was full or its key is a line of another kind."""


@attrs.frozen(kw_only=True)
class MergedLine:
    """One guest line's fate in a merge, for the storefront to explain.

    Args:
        key: The line's key (its SKU for a catalog line).
        outcome: What became of it.
        wanted: The units both carts together held of it.
        quantity: The units the customer's line holds now (0 if dropped).
        reason: Why it was capped or dropped: the limit's name, or
            ``"key_taken"``; ``None`` otherwise.
    """

    key: str
    outcome: MergeOutcome
    wanted: int
    quantity: int
    reason: str | None = None


@attrs.frozen(kw_only=True)
class MergeReport:
    """What :meth:`Cart.merge` did, line by line, in the guest cart's order.

    Args:
        lines: One entry per line of the guest cart.
        coupon_codes_added: The guest's coupon codes the cart did not have.
    """

    lines: tuple[MergedLine, ...]
    coupon_codes_added: tuple[str, ...]

    @property
    def capped(self) -> tuple[MergedLine, ...]:
        """The lines that hold fewer units than both carts together did."""
        return tuple(x for x in self.lines if x.outcome is MergeOutcome.CAPPED)

    @property
    def dropped(self) -> tuple[MergedLine, ...]:
        """The guest lines that were left out."""
        return tuple(x for x in self.lines if x.outcome is MergeOutcome.DROPPED)


def _merge_lines(
    ours_lines: tuple[CartLine, ...],
    guest_lines: tuple[CartLine, ...],
    settings: CartSettings,
) -> tuple[tuple[CartLine, ...], tuple[MergedLine, ...]]:
    """The lines after merging ``guest_lines`` into ``ours_lines``, and what happened.

    See :meth:`commercekit.cart.Cart.merge` for the rule.
    """
    lines = list(ours_lines)
    report: list[MergedLine] = []
    cap = settings.max_quantity_per_line
    for theirs in guest_lines:
        index = next((i for i, x in enumerate(lines) if x.key == theirs.key), None)
        if index is None:
            if len(lines) >= settings.max_lines:
                report.append(_dropped(theirs, theirs.quantity, _MAX_LINES))
                continue
            kept = min(theirs.quantity, cap)
            lines.append(attrs.evolve(theirs, quantity=kept))
            report.append(
                _outcome(theirs.key, theirs.quantity, kept, MergeOutcome.ADDED)
            )
            continue
        ours = lines[index]
        wanted = ours.quantity + theirs.quantity
        if ours.custom != theirs.custom:
            report.append(_dropped(theirs, theirs.quantity, "key_taken"))
            continue
        seen = ours.unit_price_seen
        if theirs.added_at > ours.added_at and theirs.unit_price_seen is not None:
            seen = theirs.unit_price_seen
        kept = min(wanted, cap)
        lines[index] = attrs.evolve(ours, quantity=kept, unit_price_seen=seen)
        report.append(_outcome(theirs.key, wanted, kept, MergeOutcome.MERGED))
    return tuple(lines), tuple(report)


def _outcome(key: str, wanted: int, kept: int, outcome: MergeOutcome) -> MergedLine:
    if kept < wanted:
        return MergedLine(
            key=key,
            outcome=MergeOutcome.CAPPED,
            wanted=wanted,
            quantity=kept,
            reason=_MAX_QUANTITY,
        )
    return MergedLine(key=key, outcome=outcome, wanted=wanted, quantity=kept)


def _dropped(line: CartLine, wanted: int, reason: str) -> MergedLine:
    return MergedLine(
        key=line.key,
        outcome=MergeOutcome.DROPPED,
        wanted=wanted,
        quantity=0,
        reason=reason,
    )


_Addresses: TypeAlias = tuple[Address | None, Address | None]


def _merge_addresses(ours: _Addresses, guest: _Addresses) -> _Addresses:
    """The shipping and billing addresses after a merge.

    See :meth:`commercekit.cart.Cart.merge` for the rule.
    """
    shipping, billing = ours
    if billing is None and shipping is None:
        billing = guest[1]
    if shipping is None:
        shipping = guest[0]
    return shipping, billing
