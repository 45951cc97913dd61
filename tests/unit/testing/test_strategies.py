"""The Hypothesis strategies, and their registration for ``st.from_type``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.catalog import Product, gtin
from commercekit.errors import ValidationError
from commercekit.inventory import (
    MovementKind,
    Reservation,
    StockLevel,
    StockMovement,
    reservation_id,
    stock_location_id,
)
from commercekit.money import Money, Rounding, minor_units, sum_money
from commercekit.pricing import (
    EU_MEMBER_STATES,
    EU_VAT_RATES,
    Discount,
    EUTaxProvider,
    LineItem,
    ListedPrice,
    PriceBreakdown,
    PriceChange,
    PriceContext,
    PriceEntry,
    PriceList,
    PriceListId,
    PriceMode,
    PriceNotFoundError,
    PriceReduction,
    PriceTier,
    ResolvedPrice,
    RoundingPolicy,
    SupplyKind,
    TaxContext,
    TaxDecision,
    TaxRate,
    TaxRateTable,
    TaxSettings,
    TaxTreatment,
    VatId,
    VatIdConfirmation,
    announce_reduction,
    lowest_prior_price,
    price_lines,
    resolve_price,
    vat_id,
)
from commercekit.promotions import (
    SAFE_ALPHABET,
    AmountOff,
    AmountOffPerUnit,
    BundlePrice,
    BuyXGetY,
    Coupon,
    CouponRedemption,
    FreeGift,
    FreeShipping,
    ItemFacts,
    MinQuantity,
    MinSubtotal,
    PercentOff,
    PercentOffCheapest,
    Promotion,
    PromotionContext,
    PromotionResult,
    Scope,
    SpendTier,
    SpendTiers,
    StoredPromotion,
    apply_promotions,
)
from commercekit.testing import strategies as cks
from commercekit.values import CustomerFacts, sku


@given(st.from_type(Money))
def test_from_type_builds_money_through_the_entry_point(value: Money) -> None:
    """Hypothesis finds commercekit's strategy without being told."""
    assert isinstance(value, Money)
    assert value.amount.is_finite()
    assert value.amount.as_tuple().exponent == -minor_units(value.currency)


@given(cks.money("JPY", min_value="-5", max_value="5"))
def test_money_keeps_to_its_currency_and_bounds(value: Money) -> None:
    """Drawn amounts lie within the bounds, in whole minor units."""
    assert value.currency.code == "JPY"
    assert Decimal(-5) <= value.amount <= Decimal(5)
    assert value.amount == value.amount.to_integral_value()


@given(cks.money(st.sampled_from(["KWD", "EUR"]), min_value="0.0005", max_value="1"))
def test_bounds_round_inward_to_the_minor_unit(value: Money) -> None:
    """A bound between two minor units admits only amounts inside it."""
    assert Decimal("0.0005") <= value.amount <= 1


@given(cks.currencies())
def test_currencies_are_codes_commercekit_knows(code: str) -> None:
    assert minor_units(code) in {0, 2, 3, 4}


def test_bad_bounds_are_refused() -> None:
    with pytest.raises(ValidationError, match="above max_value"):
        cks.money("EUR", min_value=2, max_value=1)
    with pytest.raises(ValidationError, match="float"):
        cks.money("EUR", min_value=0.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="unknown currency"):
        cks.money("EUX")


def test_an_empty_range_in_the_minor_unit_is_refused() -> None:
    with pytest.raises(ValidationError, match="no amount in EUR"):
        cks.money("EUR", min_value="0.001", max_value="0.009")


@given(st.from_type(Product))
def test_from_type_builds_valid_products(product: Product) -> None:
    """Every drawn product keeps the catalog's rules: distinct, valid SKUs."""
    assert len(set(product.skus)) == len(product.skus)
    for variant in product.variants:
        assert sku(variant.sku) == variant.sku
        if variant.gtin is not None:
            assert gtin(variant.gtin) == variant.gtin


@given(cks.gtins())
def test_drawn_gtins_pass_the_checksum(code: str) -> None:
    assert gtin(code) == code


# -- pricing -------------------------------------------------------------------

EU_RATE_TIMES = st.datetimes(
    min_value=datetime(2020, 1, 2),  # noqa: DTZ001 - Hypothesis wants naive bounds
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


def _is_priced_in_eur(line: LineItem) -> bool:
    return line.unit_price.currency.code == "EUR" and 1 <= line.quantity <= 50


def _is_in_its_lists_currency(listed: ListedPrice) -> bool:
    return all(
        tier.unit_price.currency.code == listed.currency for tier in listed.entry.tiers
    )


def _adds_up(breakdown: PriceBreakdown) -> bool:
    return breakdown.grand_total == breakdown.net_total + breakdown.tax_total


def _is_a_consistent_reduction(reduction: PriceReduction) -> bool:
    if reduction.reference_price is None:
        return reduction.percent_off is None
    return reduction.reference_price >= reduction.new_price


REGISTERED: dict[type[Any], Callable[[Any], bool]] = {
    CustomerFacts: lambda facts: facts.vat_id is None or bool(vat_id(facts.vat_id)),
    Discount: lambda given: given.amount.currency.code == "EUR",
    LineItem: _is_priced_in_eur,
    ListedPrice: _is_in_its_lists_currency,
    PriceBreakdown: _adds_up,
    PriceChange: lambda change: change.changed_at.tzinfo is UTC,
    PriceContext: lambda context: context.at.tzinfo is UTC,
    PriceEntry: lambda entry: 1 <= len(entry.tiers) <= 3,
    PriceList: lambda price_list: len(price_list.prices) <= 5,
    PriceReduction: _is_a_consistent_reduction,
    PriceTier: lambda tier: Decimal(0) <= tier.unit_price.amount <= 1000,
    ResolvedPrice: lambda resolved: 1 <= resolved.min_quantity <= resolved.quantity,
    RoundingPolicy: lambda policy: (
        policy.cash_increment is None or policy.cash_increment >= Decimal("0.05")
    ),
    TaxContext: lambda context: 2019 <= context.supplied_at.year <= 2027,
    TaxDecision: lambda decision: Decimal(0) <= decision.percent <= 27,
    TaxRate: lambda rate: Decimal(0) <= rate.percent <= 100,
    TaxSettings: lambda tax: tax.merchant_country in EU_MEMBER_STATES,
    VatId: lambda number: vat_id(number.value) == number,
    VatIdConfirmation: lambda answer: answer.valid or answer.name is None,
}


@pytest.mark.parametrize("kind", list(REGISTERED), ids=lambda kind: kind.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_from_type_builds_the_pricing_types_through_the_entry_point(
    kind: type[Any], data: st.DataObject
) -> None:
    """Each pricing type comes from commercekit's strategy, so it keeps its rules."""
    value = data.draw(st.from_type(kind))
    assert isinstance(value, kind)
    assert REGISTERED[kind](value)


def _places(value: Money) -> int:
    exponent = value.amount.as_tuple().exponent
    assert isinstance(exponent, int)
    return -exponent


@given(cks.price_lists(st.sampled_from(["EUR", "JPY", "KWD"])))
def test_price_lists_are_valid_aggregates(price_list: PriceList) -> None:
    assert len(price_list.prices) <= 5
    for entry in price_list.prices.values():
        assert 1 <= len(entry.tiers) <= 3
        starts = [tier.min_quantity for tier in entry.tiers]
        assert starts == sorted(set(starts))
        for tier in entry.tiers:
            assert tier.unit_price.currency.code == price_list.currency
            places = _places(tier.unit_price)
            assert places in {
                minor_units(price_list.currency),
                minor_units(price_list.currency) + 1,
            }
    if price_list.valid_from and price_list.valid_until:
        assert price_list.valid_from < price_list.valid_until
    # Every drawn list rebuilds from its own fields: it passes validation.
    assert attrs.evolve(price_list) == price_list


@given(cks.price_lists("EUR"), cks.price_contexts("EUR"), st.integers(1, 300))
def test_drawn_lists_and_contexts_resolve_or_say_why_not(
    price_list: PriceList, context: PriceContext, quantity: int
) -> None:
    for listed in price_list.listed_prices():
        try:
            resolved = resolve_price([listed], listed.sku, quantity, context)
        except PriceNotFoundError:
            tier = listed.entry.tier_for(quantity)
            assert tier is None or not listed.applies_to(context)
        else:
            assert resolved.list_id == price_list.list_id


@given(cks.customer_facts())
def test_customer_facts_have_valid_vat_ids_and_confirm_only_those(
    facts: CustomerFacts,
) -> None:
    if facts.vat_id is None:
        assert not facts.vat_id_confirmed
    else:
        assert vat_id(facts.vat_id).value == facts.vat_id
    assert 0 <= facts.order_count <= 20


@given(cks.tax_contexts())
def test_tax_contexts_go_to_a_few_countries_between_2019_and_2027(
    context: TaxContext,
) -> None:
    assert context.ship_to in {
        "DE",
        "AT",
        "FR",
        "NL",
        "IT",
        "PL",
        "GR",
        "CH",
        "US",
        "GB",
        "NO",
    }
    assert datetime(2019, 1, 1, tzinfo=UTC) <= context.supplied_at
    assert context.supplied_at < datetime(2028, 1, 1, tzinfo=UTC)


@given(cks.tax_rates())
def test_tax_rates_have_an_ordered_span(rate: TaxRate) -> None:
    assert rate.valid_until is None or rate.valid_from < rate.valid_until
    assert (
        TaxRateTable([rate]).rate(rate.country, rate.category, rate.valid_from) == rate
    )


@pytest.mark.parametrize("currency", ["EUR", "JPY", "KWD"])
@given(data=st.data())
def test_discounts_are_whole_minor_units_within_bounds(
    currency: str, data: st.DataObject
) -> None:
    given_discount = data.draw(cks.discounts(currency, max_value=5))
    assert given_discount.amount.currency.code == currency
    assert _places(given_discount.amount) == minor_units(currency)
    assert Decimal(0) < given_discount.amount.amount <= 5


@pytest.mark.parametrize("currency", ["EUR", "JPY", "KWD"])
@settings(max_examples=30)
@given(data=st.data())
def test_line_items_keep_their_discounts_within_the_subtotal(
    currency: str, data: st.DataObject
) -> None:
    """A drawn line prices without error, and its discounts fit its subtotal."""
    line = data.draw(cks.line_items(currency))
    policy = data.draw(cks.rounding_policies(currency))
    assert line.unit_price.currency.code == currency
    assert 1 <= line.quantity <= 50
    assert Decimal(0) <= line.unit_price.amount <= 1000
    assert _places(line.unit_price) in {
        minor_units(currency),
        minor_units(currency) + 1,
    }
    assert line.tax_category in {"standard", "reduced", "zero", "exempt"}
    subtotal = (line.unit_price.amount * line.quantity).quantize(
        Decimal(1).scaleb(-minor_units(currency)), ROUND_HALF_UP
    )
    assert sum(given.amount.amount for given in line.discounts) <= subtotal
    breakdown = price_lines(
        [line],
        currency=currency,
        mode=PriceMode.GROSS,
        tax=EUTaxProvider(TaxSettings(merchant_country="DE")),
        context=TaxContext(ship_to="DE", supplied_at=datetime(2026, 1, 5, tzinfo=UTC)),
        policy=attrs.evolve(policy, rounding=Rounding.HALF_UP),
    )
    assert breakdown.lines[0].total.amount == subtotal - sum(
        given.amount.amount for given in line.discounts
    )


@given(cks.line_items("EUR", rounding=Rounding.DOWN))
def test_line_items_fit_the_rounding_they_are_drawn_for(line: LineItem) -> None:
    subtotal = (line.unit_price.amount * line.quantity).quantize(
        Decimal("0.01"), ROUND_DOWN
    )
    assert sum(given.amount.amount for given in line.discounts) <= subtotal


@given(cks.tax_contexts(supplied_at=EU_RATE_TIMES), cks.line_items())
def test_drawn_tax_contexts_price_with_the_eu_rules(
    context: TaxContext, line: LineItem
) -> None:
    breakdown = price_lines(
        [line],
        currency="EUR",
        mode=PriceMode.NET,
        tax=EUTaxProvider(TaxSettings(merchant_country="DE")),
        context=context,
    )
    assert breakdown.grand_total == breakdown.net_total + breakdown.tax_total


@pytest.mark.parametrize("currency", ["EUR", "JPY", "KWD", "CHF"])
@given(data=st.data())
def test_rounding_policies_fit_the_currency(currency: str, data: st.DataObject) -> None:
    policy = data.draw(cks.rounding_policies(currency))
    if policy.cash_increment is not None:
        step = policy.cash_increment.scaleb(minor_units(currency))
        assert step == step.to_integral_value()
        assert step in {5, 10, 50, 100}


def _fitting_context(listed: ListedPrice) -> PriceContext:
    """A context the listed price applies to: its currency, channel, group, window."""
    if listed.valid_from is not None:
        at = listed.valid_from
    elif listed.valid_until is not None:
        at = listed.valid_until - timedelta(seconds=1)
    else:
        at = datetime(2026, 1, 5, tzinfo=UTC)
    return PriceContext(
        currency=listed.currency,
        at=at,
        channel=listed.channel,
        customer_group=listed.customer_group,
    )


@settings(max_examples=30)
@given(cks.listed_prices(st.sampled_from(["EUR", "JPY", "KWD"])))
def test_listed_prices_resolve_in_a_context_that_fits_their_terms(
    listed: ListedPrice,
) -> None:
    """Tiers in the list's currency and an ordered window: the price resolves."""
    assert _is_in_its_lists_currency(listed)
    if listed.valid_from is not None and listed.valid_until is not None:
        assert listed.valid_from < listed.valid_until
    first = listed.entry.tiers[0]
    resolved = resolve_price(
        [listed], listed.sku, first.min_quantity, _fitting_context(listed)
    )
    assert resolved.unit_price == listed.entry.base_price
    assert resolved.list_id == listed.list_id


@settings(max_examples=30)
@given(cks.resolved_prices(st.sampled_from(["EUR", "JPY", "KWD"])))
def test_resolved_prices_are_what_resolving_their_tier_gives(
    resolved: ResolvedPrice,
) -> None:
    currency = resolved.unit_price.currency.code
    listed = ListedPrice(
        list_id=resolved.list_id,
        sku=resolved.sku,
        currency=currency,
        mode=resolved.mode,
        entry=PriceEntry(
            [PriceTier(resolved.min_quantity, resolved.unit_price)],
            datetime(2019, 1, 1, tzinfo=UTC),
        ),
    )
    context = PriceContext(currency=currency, at=datetime(2026, 1, 5, tzinfo=UTC))
    assert resolve_price([listed], resolved.sku, resolved.quantity, context) == resolved


@settings(max_examples=30)
@given(st.lists(cks.price_changes("KWD"), max_size=6))
def test_price_changes_make_a_history_with_a_lowest_prior_price(
    history: list[PriceChange],
) -> None:
    for change in history:
        assert change.unit_price.currency.code == "KWD"
        assert change.unit_price.amount >= 0
        assert _places(change.unit_price) in {3, 4}
        assert change.changed_at.tzinfo is UTC
    # One currency, so the prices compare: the lowest is one of them.
    lowest = lowest_prior_price(history, before=datetime(2028, 1, 1, tzinfo=UTC))
    assert lowest is None or lowest in [change.unit_price for change in history]


@settings(max_examples=30)
@given(cks.tax_settings())
def test_tax_settings_tax_a_domestic_sale_at_the_merchants_rate(
    tax: TaxSettings,
) -> None:
    """Every drawn merchant is in the EU, so the EU rules and rates apply."""
    assert tax.merchant_country in EU_MEMBER_STATES
    assert tax.eu_distance_sales is None or tax.eu_distance_sales.amount >= 0
    assert tax.uses_destination_rates == (
        tax.destination_principle
        or (
            tax.eu_distance_sales is not None
            and tax.eu_distance_sales.amount > Decimal(10_000)
        )
    )
    supplied_at = datetime(2026, 1, 5, 12, tzinfo=UTC)
    decision = EUTaxProvider(tax).decide(
        "standard",
        SupplyKind.GOODS,
        TaxContext(ship_to=tax.merchant_country, supplied_at=supplied_at),
    )
    assert decision.treatment is TaxTreatment.DOMESTIC
    assert decision.country == tax.merchant_country
    assert decision.percent == (
        EU_VAT_RATES.rate(tax.merchant_country, "standard", supplied_at.date()).percent
    )


@given(cks.tax_decisions())
def test_tax_decisions_charge_up_to_27_percent_in_tenths_where_vat_is_due(
    decision: TaxDecision,
) -> None:
    assert Decimal(0) <= decision.percent <= 27
    assert _places_of(decision.percent) <= 1
    assert decision.country in EU_MEMBER_STATES
    if decision.category == "exempt":
        assert decision.treatment is TaxTreatment.EXEMPT
    if decision.category == "zero" or decision.treatment not in {
        TaxTreatment.DOMESTIC,
        TaxTreatment.ORIGIN,
        TaxTreatment.DESTINATION,
    }:
        assert decision.percent == 0
    # Every drawn decision rebuilds from its own fields: it passes validation.
    assert attrs.evolve(decision) == decision


def _places_of(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


@pytest.mark.parametrize("currency", ["EUR", "JPY", "KWD"])
@settings(max_examples=20)
@given(data=st.data())
def test_price_breakdowns_keep_their_invariants(
    currency: str, data: st.DataObject
) -> None:
    """The invariants of PriceBreakdown hold for every drawn breakdown."""
    breakdown = data.draw(cks.price_breakdowns(currency))
    assert breakdown.currency == currency
    assert _adds_up(breakdown)
    goods = sum_money((line.total for line in breakdown.lines), currency)
    if breakdown.mode is PriceMode.GROSS:
        assert breakdown.grand_total == goods + breakdown.shipping_total
    else:
        assert breakdown.net_total == goods + breakdown.shipping_total
    assert breakdown.tax_total == sum_money(
        (rate.tax for rate in breakdown.rates), currency
    )
    shipping_tax = breakdown.shipping.tax_minor if breakdown.shipping else 0
    assert breakdown.tax_minor == shipping_tax + sum(
        line.tax_minor for line in breakdown.lines
    )
    assert datetime(2020, 1, 2, tzinfo=UTC) <= breakdown.context.supplied_at
    assert len({line.key for line in breakdown.lines}) == len(breakdown.lines) <= 5
    if breakdown.policy.cash_increment is None:
        assert breakdown.amount_due == breakdown.grand_total
    else:
        assert abs(breakdown.cash_rounding.amount) < breakdown.policy.cash_increment


@given(cks.vat_ids())
def test_vat_ids_are_valid_and_compact(number: VatId) -> None:
    assert vat_id(number.value) == number
    assert str(number) == number.value
    assert number.country in EU_MEMBER_STATES


@given(cks.vat_id_confirmations())
def test_vat_id_confirmations_name_only_confirmed_businesses(
    answer: VatIdConfirmation,
) -> None:
    assert vat_id(answer.vat_id.value) == answer.vat_id
    assert answer.checked_at.tzinfo is UTC
    assert answer.valid or answer.name is None
    assert attrs.evolve(answer) == answer


def _announced(reduction: PriceReduction) -> PriceReduction:
    """What announce_reduction says after the price history ``reduction`` implies.

    The reference price (if any) is set ten days before the reduction, the new
    price at it.
    """
    at = datetime(2026, 3, 1, tzinfo=UTC)
    steps = [(at, reduction.new_price)]
    if reduction.reference_price is not None:
        steps.insert(0, (at - timedelta(days=10), reduction.reference_price))
    store = InMemoryStore()
    shop = PriceList(
        list_id=PriceListId("shop"),
        currency=reduction.new_price.currency.code,
        mode=PriceMode.GROSS,
    )
    with InMemoryUnitOfWork(store) as uow:
        uow.price_lists.add(shop)
        uow.commit()
    for when, price in steps:
        with InMemoryUnitOfWork(store) as uow:
            loaded = uow.price_lists.get(PriceListId("shop"))
            loaded.set_price("SOCKS", price, at=when)
            uow.price_lists.save(loaded)
            uow.commit()
    return announce_reduction("shop", "SOCKS", uow=InMemoryUnitOfWork(store), at=at)


@settings(max_examples=30)
@given(cks.price_reductions(st.sampled_from(["EUR", "JPY", "KWD"])))
def test_price_reductions_are_what_the_library_announces(
    reduction: PriceReduction,
) -> None:
    """The drawn reduction is what announce_reduction makes of its history."""
    assert _is_a_consistent_reduction(reduction)
    reference = reduction.reference_price
    if reduction.percent_off is not None:
        assert reference is not None
        exact = (
            (Fraction(reference.amount) - Fraction(reduction.new_price.amount))
            * 100
            / Fraction(reference.amount)
        )
        assert reduction.percent_off <= exact < reduction.percent_off + 1
    assert _announced(reduction) == reduction


# -- promotions ----------------------------------------------------------------

ACTIONS: tuple[type[Any], ...] = (
    PercentOff,
    PercentOffCheapest,
    AmountOff,
    AmountOffPerUnit,
    BuyXGetY,
    SpendTiers,
    FreeShipping,
    BundlePrice,
    FreeGift,
)
AROUND = datetime(2026, 1, 5, 9, tzinfo=UTC)
COUPON_CODES = {"SPRING", "SUMMER10", "WELCOME", "VIP-2026"}


def _amounts_in(value: object, currency: str) -> bool:
    """Every amount in ``value`` is in ``currency``, in whole minor units, above 0."""
    found = list(_money_in(value))
    return all(
        amount.currency.code == currency
        and _places(amount) == minor_units(currency)
        and amount.amount > 0
        for amount in found
    )


def _money_in(value: object) -> list[Money]:
    if isinstance(value, Money):
        return [value]
    kind: Any = type(value)
    if attrs.has(kind):
        return [
            amount
            for field in attrs.fields(kind)
            for amount in _money_in(getattr(value, field.name))
        ]
    if isinstance(value, tuple | list):
        return [amount for item in value for amount in _money_in(item)]
    return []


def _is_a_whole_cart_or_a_named_scope(scope: Scope) -> bool:
    return scope.includes("ANY", ItemFacts()) == (
        not (scope.skus or scope.products or scope.categories)
    )


PROMOTION_TYPES: dict[type[Any], Callable[[Any], bool]] = {
    ItemFacts: lambda facts: len(facts.categories) <= 2,
    Scope: _is_a_whole_cart_or_a_named_scope,
    MinSubtotal: lambda condition: _amounts_in(condition, "EUR"),
    MinQuantity: lambda condition: 1 <= condition.quantity <= 10,
    SpendTier: lambda tier: _amounts_in(tier, "EUR"),
    Promotion: lambda promotion: (
        _amounts_in(promotion, "EUR") and 0 <= promotion.priority <= 5
    ),
    PromotionContext: lambda context: (
        context.currency == "EUR" and abs(context.at - AROUND) <= timedelta(days=3)
    ),
    **{kind: lambda action: _amounts_in(action, "EUR") for kind in ACTIONS},
}


@pytest.mark.parametrize("kind", list(PROMOTION_TYPES), ids=lambda kind: kind.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_from_type_builds_the_promotion_types_through_the_entry_point(
    kind: type[Any], data: st.DataObject
) -> None:
    """Each promotion type comes from commercekit's strategy, so it keeps its
    rules; each action class draws that action."""
    value = data.draw(st.from_type(kind))
    assert type(value) is kind
    assert PROMOTION_TYPES[kind](value)
    # It rebuilds from its own fields: it passes validation.
    assert attrs.evolve(value) == value


@pytest.mark.parametrize("currency", ["EUR", "JPY", "KWD"])
@settings(max_examples=30)
@given(data=st.data())
def test_promotions_are_valid_in_their_currency(
    currency: str, data: st.DataObject
) -> None:
    """Amounts in the currency's minor units; small priorities; fixed coupon
    codes; an ordered window around 2026-01-05; ids from the ids given."""
    ids = st.sampled_from(["a", "b", "c"])
    promotion = data.draw(cks.promotions(currency, ids=ids))
    assert _amounts_in(promotion, currency)
    assert promotion.promotion_id in {"a", "b", "c"}
    assert promotion.combinable_with is None or promotion.combinable_with <= {
        "a",
        "b",
        "c",
    }
    assert 0 <= promotion.priority <= 5
    assert len(promotion.conditions) <= 2
    assert promotion.coupon_codes <= COUPON_CODES
    assert promotion.channels <= {"web", "app"}
    assert promotion.customer_groups <= {"b2b", "staff"}
    assert len(promotion.channels) <= 1
    assert len(promotion.customer_groups) <= 1
    for end in (promotion.valid_from, promotion.valid_until):
        assert end is None or abs(end - AROUND) <= timedelta(days=9)
    if promotion.valid_from is not None and promotion.valid_until is not None:
        assert promotion.valid_from < promotion.valid_until
    assert attrs.evolve(promotion) == promotion


@pytest.mark.parametrize("kind", ACTIONS, ids=lambda kind: kind.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_promotion_actions_draw_the_kinds_asked_for(
    kind: type[Any], data: st.DataObject
) -> None:
    action = data.draw(cks.promotion_actions("KWD", kinds=[kind]))
    assert type(action) is kind
    assert _amounts_in(action, "KWD")
    for amount in _money_in(action):
        assert amount.amount <= 200


@settings(max_examples=30)
@given(data=st.data())
def test_scopes_and_bundles_name_only_the_skus_given(data: st.DataObject) -> None:
    cart_skus = st.sampled_from(["A-1", "B-2"]).map(sku)
    scope = data.draw(cks.scopes(cart_skus))
    bundle = data.draw(cks.promotion_actions(kinds=[BundlePrice], skus=cart_skus))
    gift = data.draw(cks.promotion_actions(kinds=[FreeGift], skus=cart_skus))
    assert isinstance(bundle, BundlePrice)
    assert isinstance(gift, FreeGift)
    assert scope.skus | scope.exclude_skus <= {"A-1", "B-2"}
    assert {code for code, _ in bundle.items} <= {"A-1", "B-2"}
    assert gift.sku in {"A-1", "B-2"}


def test_unknown_action_kinds_are_refused() -> None:
    with pytest.raises(ValidationError, match="kinds must be some of"):
        cks.promotion_actions(kinds=[])
    with pytest.raises(ValidationError, match="kinds must be some of"):
        cks.promotion_actions(kinds=[Promotion])  # type: ignore[list-item]


@pytest.mark.parametrize("currency", ["EUR", "JPY", "KWD"])
@settings(max_examples=30)
@given(data=st.data())
def test_promotion_contexts_are_sales_around_the_promotions_windows(
    currency: str, data: st.DataObject
) -> None:
    context = data.draw(cks.promotion_contexts(currency, ids=st.just("a")))
    assert context.currency == currency
    assert abs(context.at - AROUND) <= timedelta(days=3)
    assert context.at.tzinfo is UTC
    assert set(context.coupon_codes) <= COUPON_CODES
    assert 1 <= context.max_coupons <= 3
    assert set(context.spent) <= {"a"}
    for amount in context.spent.values():
        assert amount.currency.code == currency
        assert Decimal(0) <= amount.amount <= 200
    if context.shipping_price is not None:
        assert context.shipping_price.currency.code == currency
    assert context.shipping_method in {None, "standard", "express"}


@pytest.mark.parametrize("currency", ["EUR", "JPY", "KWD"])
@settings(max_examples=20)
@given(data=st.data())
def test_drawn_promotions_apply_to_drawn_carts(
    currency: str, data: st.DataObject
) -> None:
    """Drawn promotions, contexts and item facts fit together: they apply
    to a drawn cart without error, and each promotion is accounted for."""
    lines = data.draw(
        st.lists(cks.line_items(currency), max_size=4, unique_by=lambda line: line.key)
    )
    cart_skus = st.sampled_from([line.sku for line in lines]) if lines else None
    promotion_set = data.draw(
        st.lists(
            cks.promotions(currency, skus=cart_skus),
            max_size=4,
            unique_by=lambda promotion: promotion.promotion_id,
        )
    )
    facts: dict[str, ItemFacts] = {
        line.sku: data.draw(cks.item_facts()) for line in lines
    }
    result = apply_promotions(
        lines,
        promotion_set,
        context=data.draw(cks.promotion_contexts(currency)),
        facts=facts,
    )
    accounted = [entry.promotion_id for entry in result.applied]
    accounted += [entry.promotion_id for entry in result.not_applied]
    assert sorted(accounted) == sorted(p.promotion_id for p in promotion_set)


def _coupon_code_is_safe(coupon: Coupon) -> bool:
    body = coupon.code.removeprefix("XMAS-").removeprefix("VIP-")
    return bool(body) and set(body) <= set(SAFE_ALPHABET)


def _result_adds_up(result: PromotionResult) -> bool:
    given = sum(
        (applied.amount for applied in result.applied),
        Money("0", result.discount_total.currency),
    )
    return given == result.discount_total


STORE_TYPES: dict[type[Any], Callable[[Any], bool]] = {
    Coupon: _coupon_code_is_safe,
    CouponRedemption: lambda redemption: redemption.order_id.startswith("ord-"),
    StoredPromotion: lambda stored: stored.version >= 1,
    PromotionResult: _result_adds_up,
}


@pytest.mark.parametrize("kind", list(STORE_TYPES), ids=lambda kind: kind.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_from_type_builds_coupons_stored_promotions_and_results(
    kind: type[Any], data: st.DataObject
) -> None:
    """Coupons carry safe codes, stored promotions a version from 1, and a
    drawn result is what apply_promotions computed: its applied amounts add
    up to its discount total."""
    value = data.draw(st.from_type(kind))
    assert type(value) is kind
    assert STORE_TYPES[kind](value)


# -- inventory -------------------------------------------------------------------


@given(cks.stock_levels(st.just(sku("SNEAKER-42"))))
def test_stock_levels_go_below_zero_available_only_by_backorder(
    level: StockLevel,
) -> None:
    """On hand and reserved are never negative; available is on hand minus
    reserved, and falls below zero by no more than a backorder's 20 units."""
    assert level.sku == "SNEAKER-42"
    assert level.on_hand >= 0
    assert level.reserved >= 0
    assert level.available == level.on_hand - level.reserved >= -20
    if level.location is not None:
        assert stock_location_id(level.location) == level.location


@settings(max_examples=30)
@given(cks.stock_movements())
def test_stock_movements_move_the_level_as_their_kind_says(
    movement: StockMovement,
) -> None:
    """Only an adjustment takes units away by its sign; a reservation's
    movements name the reservation; an adjustment gives a reason."""
    if movement.kind is MovementKind.ADJUSTMENT:
        assert movement.on_hand_change == movement.quantity != 0
        assert movement.reason.strip()
    else:
        assert movement.quantity > 0
    if movement.kind in {
        MovementKind.RESERVATION,
        MovementKind.RELEASE,
        MovementKind.COMMIT,
    }:
        assert movement.reference is not None
        assert reservation_id(movement.reference) == movement.reference
    assert movement.at.tzinfo is UTC


@settings(max_examples=30)
@given(cks.reservations())
def test_reservations_end_after_they_were_made_and_only_once(
    reservation: Reservation,
) -> None:
    """A reservation is released or committed, never both, and not before it
    was made; it expires after it was made, if ever."""
    assert reservation.quantity >= 1
    assert reservation.reference.startswith(("cart-", "ord-"))
    ends = [
        when
        for when in (reservation.released_at, reservation.committed_at)
        if when is not None
    ]
    assert len(ends) == (0 if reservation.active else 1)
    assert all(when >= reservation.reserved_at for when in ends)
    if reservation.expires_at is not None:
        assert reservation.expires_at > reservation.reserved_at


@settings(max_examples=20)
@given(cks.reservations())
def test_drawn_reservations_can_be_made_in_a_stock_store(
    drawn: Reservation,
) -> None:
    """With enough units received, a store reserves what was drawn, as drawn."""
    store = InMemoryStore()
    with InMemoryUnitOfWork(store) as uow:
        uow.stock.receive(
            drawn.sku, drawn.location, drawn.quantity, at=drawn.reserved_at
        )
        made = uow.stock.reserve(
            drawn.sku,
            drawn.quantity,
            reservation_id=drawn.reservation_id,
            reference=drawn.reference,
            location=drawn.location,
            expires_at=drawn.expires_at,
            at=drawn.reserved_at,
            backorder=drawn.backorder,
        )
        assert made == attrs.evolve(drawn, released_at=None, committed_at=None)
        assert uow.stock.level(drawn.sku, drawn.location).available == 0


INVENTORY_TYPES: dict[type[Any], Callable[[Any], bool]] = {
    StockLevel: lambda level: level.on_hand >= 0 and level.reserved >= 0,
    StockMovement: lambda movement: movement.quantity != 0,
    Reservation: lambda reservation: reservation.quantity >= 1,
}


@pytest.mark.parametrize("kind", list(INVENTORY_TYPES), ids=lambda kind: kind.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_from_type_builds_the_inventory_types_through_the_entry_point(
    kind: type[Any], data: st.DataObject
) -> None:
    value = data.draw(st.from_type(kind))
    assert type(value) is kind
    assert INVENTORY_TYPES[kind](value)
