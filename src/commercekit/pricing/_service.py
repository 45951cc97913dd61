"""Use cases of pricing that read price lists through a unit of work."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from commercekit.errors import ValidationError
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
    wanted = {
        sku(code): positive_int(quantity, field="quantity")
        for code, quantity in quantities.items()
    }
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
            rounded half-up to a whole number; ``None`` without a reference
            or when the new price is not lower.
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
) -> PriceReduction:
    """What a shop may say about the price of a SKU that went down at ``at``.

    The EU Omnibus rule (PAngV § 11): beside a reduced price a shop shows the
    lowest price of the 30 days before the reduction, and an advertised
    percentage is computed from that price, never from a higher "was" price
    (CJEU C-330/23). Individual reductions (a coupon for one customer) and
    perishable goods that will soon spoil are exempt; do not call this for
    them.

    Args:
        list_id: The price list.
        sku_code: The SKU.
        uow: A unit of work with the price lists (not yet entered).
        at: When the reduction took effect.
        days: The window before it.

    Raises:
        NotFoundError: if the list or its price of the SKU does not exist.
    """
    instant = as_utc(at, field="at")
    code = sku(sku_code)
    positive_int(days, field="days")
    with uow:
        price_list = uow.price_lists.get(PriceListId(list_id))
        new_price = price_list.listed(code).entry.base_price
        history = uow.price_lists.history(price_list.list_id, code)
    reference = lowest_prior_price(history, before=instant, days=days)
    percent: int | None = None
    if reference is not None and reference.amount > 0 and new_price < reference:
        saved = (reference.amount - new_price.amount) * 100 / reference.amount
        percent = int(saved.to_integral_value(rounding="ROUND_HALF_UP"))
    return PriceReduction(
        new_price=new_price, reference_price=reference, percent_off=percent
    )
