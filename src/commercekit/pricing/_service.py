"""Use cases of pricing that read price lists through a unit of work."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from commercekit.errors import NotFoundError, ValidationError
from commercekit.money import Money
from commercekit.pricing._ports import PricingUnitOfWork
from commercekit.pricing._prices import (
    OMNIBUS_DAYS,
    ListedPrice,
    PriceContext,
    PriceListId,
    ResolvedPrice,
    lowest_prior_price,
    resolve_price,
)
from commercekit.values import Sku, as_utc, positive_int, sku

__all__ = ["PriceReduction", "announce_reduction", "resolve_prices"]


def resolve_prices(
    quantities: Mapping[str, int],
    context: PriceContext,
    *,
    uow: PricingUnitOfWork,
) -> dict[Sku, ResolvedPrice]:
    """The unit price of each SKU at its quantity, from the stored price lists.

    One query for all SKUs (:meth:`PriceListRepository.prices_for
    <commercekit.pricing.PriceListRepository.prices_for>`), then
    :func:`resolve_price` for each, with its precedence.

    Args:
        quantities: SKUs to the quantity the cart holds.
        context: Currency, instant, channel and customer group of the sale.
        uow: A unit of work with the price lists (not yet entered).

    Returns:
        SKUs to their resolved prices, in the order given.

    Raises:
        PriceNotFoundError: for the first SKU without a price.
        ValidationError: for a bad SKU or quantity.
    """
    given: object = quantities  # checked at run time too, for untyped callers
    if not isinstance(given, Mapping):
        msg = f"quantities must map SKUs to quantities, not {given!r}"
        raise ValidationError(msg, field="quantities")
    wanted: dict[Sku, int] = {}
    for code, quantity in quantities.items():
        checked = sku(code)
        if checked in wanted:
            msg = f"{code!r} and another key both name the SKU {checked!r}"
            raise ValidationError(msg, field="quantities")
        wanted[checked] = positive_int(quantity, field="quantity")
    with uow:
        candidates = uow.price_lists.prices_for(list(wanted), context.currency)
    by_sku: dict[Sku, list[ListedPrice]] = {code: [] for code in wanted}
    for candidate in candidates:
        by_sku.setdefault(candidate.sku, []).append(candidate)
    return {
        code: resolve_price(by_sku[code], code, quantity, context)
        for code, quantity in wanted.items()
    }


@attrs.frozen(kw_only=True)
class PriceReduction:
    """An announced price reduction, as the Omnibus rule wants it shown.

    Args:
        new_price: The reduced price.
        reference_price: The lowest price of the 30 days before the
            reduction; ``None`` if the SKU had no price then (a new product).
        percent_off: The reduction against ``reference_price``, in percent
            rounded down to a whole number; ``None`` without a reference or
            when the new price is not lower.
    """

    new_price: Money
    reference_price: Money | None
    percent_off: int | None


def announce_reduction(
    list_id: str,
    sku_code: str,
    *,
    uow: PricingUnitOfWork,
    at: datetime,
    days: int = OMNIBUS_DAYS,
    compare_with: str | None = None,
) -> PriceReduction:
    """What a shop may say about the price of a SKU that went down at ``at``.

    The EU Omnibus rule (PAngV § 11): beside a reduced price a shop shows the
    lowest price of the 30 days before the reduction, and an advertised
    percentage is computed from that price, never from a higher "was" price
    (CJEU C-330/23). The percentage is rounded down, so an advertisement
    never claims more than the real reduction. Individual reductions (a
    coupon for one customer) and perishable goods that will soon spoil are
    exempt; do not call this for them.

    Args:
        list_id: The price list whose price went down.
        sku_code: The SKU.
        uow: A unit of work with the price lists (not yet entered).
        at: When the reduction took effect; the new price is the list's
            price in effect then.
        days: The window before it.
        compare_with: The list whose prices the customer paid before, when
            the reduction is a separate sale list (one with a validity
            window that outranks the regular list); by default the same list.

    Raises:
        NotFoundError: if a list does not exist, or had no price of the SKU
            at ``at``.
    """
    instant = as_utc(at, field="at")
    code = sku(sku_code)
    positive_int(days, field="days")
    with uow:
        reduced = uow.price_lists.get(PriceListId(list_id))
        history = uow.price_lists.history(reduced.list_id, code)
        before = history
        if compare_with is not None:
            regular = uow.price_lists.get(PriceListId(compare_with))
            before = uow.price_lists.history(regular.list_id, code)
    in_effect = [change for change in history if change.changed_at <= instant]
    if not in_effect:
        raise NotFoundError(
            kind="price", key=f"{reduced.list_id}/{code} at {instant.isoformat()}"
        )
    new_price = max(in_effect, key=lambda change: change.changed_at).unit_price
    reference = lowest_prior_price(before, before=instant, days=days)
    percent: int | None = None
    if reference is not None and reference.amount > 0 and new_price < reference:
        saved_n, saved_d = (reference - new_price).amount.as_integer_ratio()
        ref_n, ref_d = reference.amount.as_integer_ratio()
        percent = (saved_n * ref_d * 100) // (saved_d * ref_n)
    return PriceReduction(
        new_price=new_price, reference_price=reference, percent_off=percent
    )
