"""The strategies of checkout's types: pricing, freezing and validating a cart.

Also the parts of a price breakdown, rate tables and tax providers, merge
lines, login results and the cart's newest events, and their registration for
``st.from_type``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commercekit.cart import (
    Alternative,
    CartExpired,
    CartPrice,
    CartPricingSettings,
    CartProblem,
    CartValidation,
    CheckoutStarted,
    FrozenPrice,
    LoginResult,
    MergedLine,
    MergeOutcome,
    ProblemCode,
    Relation,
)
from commercekit.errors import ValidationError
from commercekit.inventory import ByPriority, FewestShipments
from commercekit.money import minor_units
from commercekit.pricing import (
    EU_MEMBER_STATES,
    EU_VAT_RATES,
    SHIPPING_RULES,
    EUTaxProvider,
    PricedLine,
    PricedShipping,
    ShippingPart,
    SupplyKind,
    TableRates,
    TaxContext,
    TaxRateTable,
    TaxRateTotal,
    TaxTreatment,
)
from commercekit.promotions import COUPON_RULES
from commercekit.testing import strategies as cks

# The heavy strategies price a cart in an in-memory shop: a few examples each.
FEW = settings(max_examples=8)
SOME = settings(max_examples=20)

_FIELDS = (
    "key",
    "sku",
    "wanted",
    "available",
    "seen",
    "now",
    "coupon_code",
    "reason",
    "field",
    "alternatives",
)
_STOCK = {ProblemCode.OUT_OF_STOCK, ProblemCode.PARTLY_AVAILABLE}
_REQUIRED: dict[ProblemCode, set[str]] = {
    ProblemCode.EMPTY: set(),
    ProblemCode.PRODUCT_UNAVAILABLE: {"key", "sku"},
    ProblemCode.OUT_OF_STOCK: {"key", "sku", "wanted", "available"},
    ProblemCode.PARTLY_AVAILABLE: {"key", "sku", "wanted", "available"},
    ProblemCode.PRICE_MISSING: {"sku"},
    ProblemCode.PRICE_CHANGED: {"key", "sku", "seen", "now"},
    ProblemCode.TOTAL_CHANGED: {"seen", "now"},
    ProblemCode.COUPON_INVALID: {"coupon_code", "reason"},
    ProblemCode.MISSING_ADDRESS: {"field"},
    ProblemCode.MISSING_EMAIL: {"field"},
    ProblemCode.MISSING_SHIPPING_METHOD: {"field"},
    ProblemCode.SHIPPING_UNAVAILABLE: {"reason", "field"},
    ProblemCode.MISSING_PAYMENT_METHOD: {"field"},
}
_OPTIONAL: dict[ProblemCode, set[str]] = {
    ProblemCode.PRODUCT_UNAVAILABLE: {"alternatives"},
    ProblemCode.OUT_OF_STOCK: {"alternatives"},
    ProblemCode.PARTLY_AVAILABLE: {"alternatives"},
    ProblemCode.PRICE_MISSING: {"key"},  # a SKU no line holds has no key
}
_FIELD_TO_FILL = {
    ProblemCode.MISSING_ADDRESS: "shipping_address",
    ProblemCode.MISSING_EMAIL: "guest_email",
    ProblemCode.MISSING_SHIPPING_METHOD: "shipping_method",
    ProblemCode.SHIPPING_UNAVAILABLE: "shipping_method",
    ProblemCode.MISSING_PAYMENT_METHOD: "payment_method",
}


def _in_stock(alternative: Alternative) -> bool:
    return alternative.available is None or alternative.available >= 1


def _offers_fit(problem: CartProblem) -> bool:
    """In stock, never the line's SKU, each once, the same product's first."""
    offers = problem.alternatives
    skus = [offer.sku for offer in offers]
    same = [offer.relation is Relation.SAME_PRODUCT for offer in offers]
    own = {
        offer.product_id for offer in offers if offer.relation is Relation.SAME_PRODUCT
    }
    related = {
        offer.product_id for offer in offers if offer.relation is Relation.RELATED
    }
    return (
        all(_in_stock(offer) for offer in offers)
        and problem.sku not in skus
        and len(skus) == len(set(skus))
        and same == sorted(same, reverse=True)
        and len(own) <= 1
        and not own & related
    )


def _fits(problem: CartProblem) -> bool:  # noqa: PLR0911 - one rule a code
    """Whether a problem carries its code's data, and nothing else."""
    code = problem.code
    given_fields = {
        name for name in _FIELDS if getattr(problem, name) not in (None, ())
    }
    required = _REQUIRED[code]
    if not required <= given_fields <= required | _OPTIONAL.get(code, set()):
        return False
    if not problem.message or not _offers_fit(problem):
        return False
    if code in _STOCK:
        assert problem.wanted is not None
        assert problem.available is not None
        return problem.wanted > problem.available >= 0 and (
            (problem.available == 0) == (code is ProblemCode.OUT_OF_STOCK)
        )
    if code in {ProblemCode.PRICE_CHANGED, ProblemCode.TOTAL_CHANGED}:
        assert problem.seen is not None
        assert problem.now is not None
        return (
            problem.seen.currency == problem.now.currency
            and problem.seen != problem.now
        )
    if code is ProblemCode.COUPON_INVALID:
        return problem.reason in {*COUPON_RULES, "coupon_unknown"}
    if (
        code is ProblemCode.SHIPPING_UNAVAILABLE
        and problem.reason not in SHIPPING_RULES
    ):
        return False
    return problem.field == _FIELD_TO_FILL.get(code)


def _price_adds_up(price: CartPrice) -> bool:
    breakdown = price.breakdown
    return (
        price.grand_total == breakdown.grand_total
        and breakdown.context.ship_to == price.ship_to
        and breakdown.context.supplied_at == price.priced_at
        and re.fullmatch("[0-9a-f]{32}", price.fingerprint) is not None
    )


def _validation_fits(validation: CartValidation) -> bool:
    return (
        validation.ok == (not validation.problems)
        and (validation.price is None) == (validation.payable is None)
        and all(_fits(problem) for problem in validation.problems)
    )


def _merged_line_fits(line: MergedLine) -> bool:
    if line.outcome is MergeOutcome.DROPPED:
        return line.quantity == 0 and line.reason in {"max_lines", "key_taken"}
    if line.outcome is MergeOutcome.CAPPED:
        return 0 < line.quantity < line.wanted and line.reason is not None
    return line.quantity == line.wanted and line.reason is None


def _login_fits(result: LoginResult) -> bool:
    added = set(result.wishlist_skus_added)
    dropped = set(result.wishlist_skus_dropped)
    return (
        (result.cart_id is not None or result.merge is None)
        and (result.wishlist_id is not None or not added | dropped)
        and not added & dropped
    )


def _adds_up(part: ShippingPart | TaxRateTotal) -> bool:
    return part.net + part.tax == part.gross


def _shipping_adds_up(shipping: PricedShipping) -> bool:
    parts = shipping.parts
    return (
        bool(parts)
        and sum(part.amount_minor for part in parts) == shipping.amount_minor
        and sum(part.net_minor for part in parts) == shipping.net_minor
        and sum(part.tax_minor for part in parts) == shipping.tax_minor
        and shipping.net + shipping.tax == shipping.gross
    )


def _line_adds_up(line: PricedLine) -> bool:
    return (
        line.net + line.tax_amount == line.gross
        and line.subtotal - line.discount_total == line.total
        and sum(d.amount.amount for d in line.discounts) == line.discount_total.amount
    )


def _one_rate_a_supply(table: TaxRateTable) -> bool:
    return all(
        table.rate(rate.country, rate.category, rate.valid_from) == rate
        for rate in table
    )


REGISTERED: dict[type[Any], Callable[[Any], bool]] = {
    CartPricingSettings: lambda pricing: pricing.max_coupons >= 1,
    CartPrice: _price_adds_up,
    FrozenPrice: lambda frozen: frozen.until > frozen.frozen_at,
    Alternative: _in_stock,
    CartProblem: _fits,
    CartValidation: _validation_fits,
    MergedLine: _merged_line_fits,
    LoginResult: _login_fits,
    CheckoutStarted: lambda event: event.grand_total.amount >= 0,
    CartExpired: lambda event: event.cart_id.startswith("cart-"),
    PricedLine: _line_adds_up,
    PricedShipping: _shipping_adds_up,
    ShippingPart: _adds_up,
    TaxRateTotal: _adds_up,
    TaxRateTable: _one_rate_a_supply,
    EUTaxProvider: lambda provider: provider.rates is EU_VAT_RATES,
}


@pytest.mark.parametrize("kind", list(REGISTERED), ids=lambda kind: kind.__name__)
@settings(max_examples=5)
@given(data=st.data())
def test_from_type_builds_the_checkout_types_through_the_entry_point(
    kind: type[Any], data: st.DataObject
) -> None:
    """Each type comes from commercekit's strategy, so it keeps its rules."""
    value = data.draw(st.from_type(kind))
    assert type(value) is kind
    assert REGISTERED[kind](value)


@pytest.mark.parametrize(
    "kind", [ProblemCode, Relation, ByPriority, FewestShipments], ids=repr
)
@settings(max_examples=5)
@given(data=st.data())
def test_hypothesis_builds_enums_and_stateless_strategies_itself(
    kind: type[Any], data: st.DataObject
) -> None:
    """Enums and field-less allocation strategies need no strategy of ours."""
    assert isinstance(data.draw(st.from_type(kind)), kind)


# -- cart pricing --------------------------------------------------------------


@pytest.mark.parametrize("currency", ["EUR", "JPY"])
@FEW
@given(data=st.data())
def test_cart_pricing_settings_price_in_the_shops_currency(
    currency: str, data: st.DataObject
) -> None:
    """A shop's settings are complete and in its currency: an EU merchant's VAT
    rules, shipping rates in the currency or none, rounding that fits it, at
    least one coupon a cart and a positive time to hold a frozen price."""
    pricing = data.draw(cks.cart_pricing_settings(currency))
    assert isinstance(pricing.tax, EUTaxProvider)
    assert pricing.tax.settings.merchant_country in EU_MEMBER_STATES
    if pricing.shipping_rates is not None:
        assert isinstance(pricing.shipping_rates, TableRates)
        assert {method.currency for method in pricing.shipping_rates.methods} == {
            currency
        }
    if pricing.rounding.cash_increment is not None:
        step = pricing.rounding.cash_increment.scaleb(minor_units(currency))
        assert step == step.to_integral_value()
    assert pricing.max_coupons >= 1
    assert pricing.freeze_for > timedelta(0)


@FEW
@given(cks.cart_prices())
def test_a_cart_price_adds_up_and_offers_what_it_charges(price: CartPrice) -> None:
    """A cart's price is one computation: its grand total is the breakdown's,
    every amount is in the cart's currency, the chosen method's quote is one
    of the options offered (cheapest first) and is charged unless a promotion
    ships free, and each catalog SKU's unit price is that of a priced line."""
    breakdown = price.breakdown
    assert _price_adds_up(price)
    assert breakdown.currency == "EUR"
    prices = [option.price.amount for option in price.shipping_options]
    assert prices == sorted(prices)
    if price.shipping is None:
        assert breakdown.shipping is None
    else:
        assert price.shipping in price.shipping_options
        assert breakdown.shipping is not None
        charged = 0 if price.promotions.free_shipping else price.shipping.price.amount
        assert breakdown.shipping.amount.amount == charged
    lines = {(line.sku, line.unit_price) for line in breakdown.lines}
    for sku, unit_price in price.unit_prices.items():
        assert unit_price.currency.code == "EUR"
        assert (sku, unit_price) in lines
    assert not set(price.coupons.usable) & {code for code, _ in price.coupons.refused}


@FEW
@given(cks.frozen_prices())
def test_a_frozen_price_holds_from_its_instant_until_its_end_for_its_cart(
    frozen: FrozenPrice,
) -> None:
    """A frozen price holds from the instant it was priced up to (not at) its
    end, and only for the cart it was made for."""
    assert frozen.until > frozen.frozen_at
    assert frozen.holds_for(frozen.fingerprint, frozen.frozen_at)
    assert not frozen.holds_for(frozen.fingerprint, frozen.until)
    assert not frozen.holds_for("another cart", frozen.frozen_at)


# -- cart validation -----------------------------------------------------------


@given(cks.alternatives())
def test_alternatives_are_in_stock(alternative: Alternative) -> None:
    """Only a variant that can be sold now is offered: some units are
    available, or it sells beyond its stock (``None``)."""
    assert _in_stock(alternative)
    assert all(isinstance(value, str) for value in alternative.options.values())


@given(cks.cart_problems())
def test_cart_problems_carry_the_data_of_their_code(problem: CartProblem) -> None:
    """A problem holds the fields its code names and no others: an
    out-of-stock line wants more than the none there is, a partly available
    one more than the some there are; a changed price was seen at another
    amount in the same currency; a missing thing names the cart field to
    fill; alternatives are in stock and not the line's own SKU."""
    assert _fits(problem)


@given(cks.cart_problems("JPY", codes=[ProblemCode.PRICE_CHANGED]))
def test_cart_problems_keep_to_the_codes_and_currency_asked_for(
    problem: CartProblem,
) -> None:
    assert problem.code is ProblemCode.PRICE_CHANGED
    assert problem.seen is not None
    assert problem.seen.currency.code == "JPY"


def test_cart_problems_refuse_what_they_cannot_draw() -> None:
    with pytest.raises(ValidationError, match="ProblemCode"):
        cks.cart_problems(codes=[])
    with pytest.raises(ValidationError, match="ProblemCode"):
        cks.cart_problems(codes=["empty"])  # type: ignore[list-item]


@settings(max_examples=12)
@given(cks.cart_validations())
def test_a_validation_lets_a_cart_proceed_only_without_problems(
    validation: CartValidation,
) -> None:
    """A cart may proceed exactly when nothing stands in its way. It has a
    price, and a breakdown to pay, unless a SKU has no price; the line
    problems come before the cart's own; every problem carries its code's
    data; and a breakdown other than the current one is a frozen price that
    still holds, so the total has not changed."""
    assert _validation_fits(validation)
    codes = validation.codes()
    assert (validation.price is None) == (ProblemCode.PRICE_MISSING in codes)
    keyed = [problem.key is not None for problem in validation.problems]
    assert keyed == sorted(keyed, reverse=True)
    price = validation.price
    if price is not None and validation.payable != price.breakdown:
        assert ProblemCode.TOTAL_CHANGED not in codes
    for problem in validation.problems:
        if problem.key is not None:
            assert validation.for_line(problem.key)


# -- merges, logins and events ---------------------------------------------------


@given(cks.merged_lines())
def test_merged_lines_hold_what_their_outcome_says(line: MergedLine) -> None:
    """A merged or added line holds all the units wanted; a capped one some
    but fewer, and says why; a dropped one none, and says why."""
    assert _merged_line_fits(line)


@settings(max_examples=20)
@given(cks.login_results())
def test_login_results_report_only_what_the_customer_has(result: LoginResult) -> None:
    """Only a customer who has a cart now can have had carts merged; only one
    with a wishlist has wishlist SKUs added or dropped, and never one SKU
    both."""
    assert _login_fits(result)


@given(cks.cart_events([CheckoutStarted, CartExpired]))
def test_checkout_and_expiry_events_name_a_cart_and_a_total(event: Any) -> None:
    """A started checkout holds a total of no less than zero, frozen until an
    instant in UTC; an expired cart is named by its id."""
    assert event.cart_id.startswith("cart-")
    if isinstance(event, CheckoutStarted):
        assert event.grand_total.amount >= 0
        assert event.frozen_until.utcoffset() == timedelta(0)


# -- a breakdown's parts, rate tables and providers ---------------------------------


@SOME
@given(cks.priced_lines())
def test_priced_lines_add_up(line: PricedLine) -> None:
    """A line's gross is its net plus VAT, and its total is its subtotal less
    its discounts, which add up to its discount total."""
    assert _line_adds_up(line)
    assert line.tax.percent >= 0


@SOME
@given(cks.priced_shippings("KWD"))
def test_shipping_is_split_into_parts_that_add_up(shipping: PricedShipping) -> None:
    """Shipping's parts add up to the whole: the price, its net and its VAT."""
    assert _shipping_adds_up(shipping)
    assert shipping.currency == "KWD"


@SOME
@given(cks.shipping_parts())
def test_a_shipping_part_is_gross_or_net_and_adds_up(part: ShippingPart) -> None:
    """A share of shipping is its net plus VAT, and is given gross or net."""
    assert _adds_up(part)
    assert part.amount in {part.net, part.gross}


@SOME
@given(cks.tax_rate_totals())
def test_a_rates_totals_add_up(total: TaxRateTotal) -> None:
    """A rate's gross is its net plus its VAT, at a rate up to 100%."""
    assert _adds_up(total)
    assert 0 <= total.percent <= 100


@given(cks.tax_rate_tables())
def test_a_rate_table_has_one_rate_for_a_supply(table: TaxRateTable) -> None:
    """A table never has two rates for one supply: each of its rates is the
    one it gives on the rate's first day, and its rates make the table again."""
    assert _one_rate_a_supply(table)
    assert list(TaxRateTable(table)) == list(table)


@settings(max_examples=20)
@given(cks.eu_tax_providers())
def test_eu_tax_providers_tax_a_domestic_sale_at_the_merchants_rate(
    provider: EUTaxProvider,
) -> None:
    """A provider taxes standard goods sold at home at its merchant's rate."""
    country = provider.settings.merchant_country
    supplied_at = datetime(2026, 1, 5, 12, tzinfo=UTC)
    decision = provider.decide(
        "standard",
        SupplyKind.GOODS,
        TaxContext(ship_to=country, supplied_at=supplied_at),
    )
    assert decision.treatment is TaxTreatment.DOMESTIC
    assert decision.percent == (
        EU_VAT_RATES.rate(country, "standard", supplied_at.date()).percent
    )
