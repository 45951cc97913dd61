"""The price breakdown, checked against figures computed by hand."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from commercekit.errors import CurrencyMismatchError, NotFoundError, ValidationError
from commercekit.money import Money, Rounding, money
from commercekit.pricing import (
    Discount,
    EUTaxProvider,
    LineItem,
    PriceBreakdown,
    PriceMode,
    RoundingPolicy,
    ShippingBasis,
    SupplyKind,
    TaxContext,
    TaxDecision,
    TaxRounding,
    TaxSettings,
    TaxTreatment,
    price_lines,
)
from commercekit.serialization import dumps, loads

GERMANY = EUTaxProvider(TaxSettings(merchant_country="DE"))
IN_GERMANY = TaxContext(ship_to="DE", supplied_at=datetime(2026, 1, 5, tzinfo=UTC))


def eur(amount: str) -> Money:
    return money(amount, "EUR")


def line(
    code: str,
    unit: str,
    quantity: int = 1,
    *,
    category: str = "standard",
    currency: str = "EUR",
    discounts: tuple[str, ...] = (),
) -> LineItem:
    return LineItem(
        sku=code,
        quantity=quantity,
        unit_price=money(unit, currency),
        tax_category=category,
        discounts=tuple(
            Discount(money(amount, currency), source="promo") for amount in discounts
        ),
    )


def price(
    lines: list[LineItem],
    *,
    mode: PriceMode = PriceMode.GROSS,
    currency: str = "EUR",
    shipping: Money | None = None,
    basis: ShippingBasis = ShippingBasis.NET,
    policy: RoundingPolicy | None = None,
    order_discounts: list[Discount] | None = None,
) -> PriceBreakdown:
    return price_lines(
        lines,
        currency=currency,
        mode=mode,
        tax=GERMANY,
        context=IN_GERMANY,
        shipping=shipping,
        order_discounts=order_discounts or [],
        shipping_basis=basis,
        policy=policy or RoundingPolicy(),
    )


def test_three_items_at_19_99_gross_round_tax_on_the_total() -> None:
    breakdown = price([line("SOCKS", "19.99", 3)])

    only = breakdown.lines[0]
    assert (only.gross, only.net, only.tax_amount) == (
        eur("59.97"),
        eur("50.39"),
        eur("9.58"),
    )
    assert breakdown.grand_total == eur("59.97")
    assert breakdown.tax_total == eur("9.58")
    assert only.tax.percent == Decimal(19)
    assert only.tax.treatment is TaxTreatment.DOMESTIC


def test_mixed_basket_on_the_gross_basis_splits_shipping_two_to_one() -> None:
    breakdown = price(
        [line("SHOE", "100.00"), line("BOOK", "50.00", category="reduced")],
        shipping=eur("4.90"),
        basis=ShippingBasis.GROSS,
    )

    assert breakdown.shipping is not None
    parts = {part.percent: part for part in breakdown.shipping.parts}
    assert parts[Decimal(19)].amount == eur("3.27")
    assert parts[Decimal(7)].amount == eur("1.63")
    rates = {rate.percent: rate for rate in breakdown.rates}
    # 103.27 / 1.19 = 86.781 -> 86.78; 51.63 / 1.07 = 48.252 -> 48.25
    assert (rates[Decimal(19)].net, rates[Decimal(19)].tax) == (
        eur("86.78"),
        eur("16.49"),
    )
    assert (rates[Decimal(7)].net, rates[Decimal(7)].tax) == (
        eur("48.25"),
        eur("3.38"),
    )
    assert breakdown.tax_total == eur("19.87")
    assert breakdown.grand_total == eur("154.90")
    assert breakdown.shipping.basis is ShippingBasis.GROSS


def test_mixed_basket_on_the_default_net_basis_splits_by_net_values() -> None:
    breakdown = price(
        [line("SHOE", "100.00"), line("BOOK", "50.00", category="reduced")],
        shipping=eur("4.90"),
    )

    assert breakdown.shipping is not None
    # Goods net 84.03 and 46.73: 4.90 * 84.03 / 130.76 = 3.149 -> 3.15
    assert [part.amount for part in breakdown.shipping.parts] == [
        eur("3.15"),
        eur("1.75"),
    ]
    # 103.15 / 1.19 = 86.681 -> 86.68; 51.75 / 1.07 = 48.364 -> 48.36
    assert [(rate.net, rate.tax) for rate in breakdown.rates] == [
        (eur("86.68"), eur("16.47")),
        (eur("48.36"), eur("3.39")),
    ]
    assert breakdown.shipping.tax == eur("0.61")
    assert breakdown.grand_total == eur("154.90")
    assert breakdown.shipping.basis is ShippingBasis.NET


def test_net_prices_round_only_at_the_line_total() -> None:
    breakdown = price([line("BOLT", "12.345", 10)], mode=PriceMode.NET)

    only = breakdown.lines[0]
    assert only.subtotal == eur("123.45")
    # 123.45 * 0.19 = 23.4555 -> 23.46
    assert (only.net, only.tax_amount, only.gross) == (
        eur("123.45"),
        eur("23.46"),
        eur("146.91"),
    )
    assert breakdown.grand_total == eur("146.91")


def test_net_mode_shipping_follows_the_net_values() -> None:
    breakdown = price(
        [line("SHOE", "100.00"), line("BOOK", "50.00", category="reduced")],
        mode=PriceMode.NET,
        shipping=eur("6.00"),
    )

    assert breakdown.shipping is not None
    assert [part.amount for part in breakdown.shipping.parts] == [
        eur("4.00"),
        eur("2.00"),
    ]
    # 104.00 * 0.19 = 19.76; 52.00 * 0.07 = 3.64
    assert [rate.tax for rate in breakdown.rates] == [eur("19.76"), eur("3.64")]
    assert breakdown.net_total == eur("156.00")
    assert breakdown.grand_total == eur("179.40")


def test_yen_has_no_decimals_to_drift_into() -> None:
    breakdown = price([line("TEA", "1980", 3, currency="JPY")], currency="JPY")

    # 5940 / 1.19 = 4991.6 -> 4992
    assert breakdown.net_total == money("4992", "JPY")
    assert breakdown.tax_total == money("948", "JPY")
    assert breakdown.grand_total.amount.as_tuple().exponent == 0


def test_kuwaiti_dinar_keeps_three_decimals() -> None:
    breakdown = price(
        [line("TEA", "1.255", 3, currency="KWD"), line("CUP", "0.333", currency="KWD")],
        currency="KWD",
        shipping=money("0.500", "KWD"),
    )

    # 3.765 + 0.333 + 0.500 = 4.598; / 1.19 = 3.86387 -> 3.864
    assert breakdown.grand_total == money("4.598", "KWD")
    assert breakdown.net_total == money("3.864", "KWD")
    assert breakdown.tax_total == money("0.734", "KWD")
    for priced in breakdown.lines:
        assert priced.tax_amount.amount.as_tuple().exponent == -3
    assert sum(p.tax_amount.amount for p in breakdown.lines) + (
        breakdown.shipping.tax.amount if breakdown.shipping else 0
    ) == Decimal("0.734")


def test_per_line_rounding_differs_from_per_total_and_adds_up_each_way() -> None:
    cart = [line("A", "0.99"), line("B", "0.99"), line("C", "0.99")]

    per_total = price(cart)
    per_line = price(cart, policy=RoundingPolicy(tax=TaxRounding.PER_LINE))

    # 2.97 / 1.19 = 2.4958 -> 2.50, tax 0.47, shown as 0.16 + 0.16 + 0.15
    assert per_total.tax_total == eur("0.47")
    assert [p.tax_amount for p in per_total.lines] == [
        eur("0.16"),
        eur("0.16"),
        eur("0.15"),
    ]
    # 0.99 / 1.19 = 0.8319 -> 0.83, tax 0.16 on each line
    assert per_line.tax_total == eur("0.48")
    assert [p.tax_amount for p in per_line.lines] == [eur("0.16")] * 3
    assert per_total.grand_total == per_line.grand_total == eur("2.97")


def test_discounts_lower_the_gross_before_tax() -> None:
    cart = [line(code, "10.00", discounts=("1.00",)) for code in "ABC"]

    breakdown = price(cart)

    assert [p.total for p in breakdown.lines] == [eur("9.00")] * 3
    assert breakdown.subtotal == eur("30.00")
    assert breakdown.discount_total == eur("3.00")
    assert breakdown.grand_total == eur("27.00")
    # 27.00 / 1.19 = 22.689 -> 22.69
    assert breakdown.tax_total == eur("4.31")


def test_a_discount_above_the_line_is_refused() -> None:
    with pytest.raises(ValidationError, match="more than its subtotal"):
        price([line("A", "3.33", discounts=("2.00", "1.34"))])


def test_fully_discounted_goods_still_carry_shipping_tax() -> None:
    breakdown = price(
        [line("A", "10.00", discounts=("10.00",))],
        shipping=eur("4.90"),
    )

    assert breakdown.lines[0].total == eur("0.00")
    assert breakdown.grand_total == eur("4.90")
    # 4.90 / 1.19 = 4.1176 -> 4.12
    assert breakdown.tax_total == eur("0.78")


def test_exempt_goods_take_their_share_of_shipping_at_zero() -> None:
    breakdown = price(
        [line("SHOE", "100.00"), line("VOUCHER", "20.00", category="exempt")],
        shipping=eur("6.00"),
    )

    assert breakdown.shipping is not None
    # weights 84.03 : 20.00 -> 600 cents split 485 / 115
    assert [part.amount for part in breakdown.shipping.parts] == [
        eur("4.85"),
        eur("1.15"),
    ]
    assert [(rate.percent, rate.treatment) for rate in breakdown.rates] == [
        (Decimal(19), TaxTreatment.DOMESTIC),
        (Decimal(0), TaxTreatment.EXEMPT),
    ]
    # 104.85 / 1.19 = 88.109 -> 88.11
    assert breakdown.rates[0].tax == eur("16.74")
    assert breakdown.rates[1].net == eur("21.15")
    assert breakdown.grand_total == eur("126.00")


def test_cash_rounding_rounds_the_amount_due_to_five_rappen() -> None:
    policy = RoundingPolicy(cash_increment="0.05")

    down = price([line("A", "10.02", currency="CHF")], currency="CHF", policy=policy)
    up = price([line("A", "10.03", currency="CHF")], currency="CHF", policy=policy)

    assert (down.amount_due, down.cash_rounding) == (
        money("10.00", "CHF"),
        money("-0.02", "CHF"),
    )
    assert (up.amount_due, up.cash_rounding) == (
        money("10.05", "CHF"),
        money("0.02", "CHF"),
    )
    assert down.grand_total == money("10.02", "CHF")


def test_a_cash_step_finer_than_the_minor_unit_is_refused() -> None:
    with pytest.raises(ValidationError, match="finer than the minor unit"):
        price(
            [line("A", "1", currency="JPY")],
            currency="JPY",
            policy=RoundingPolicy(cash_increment="0.5"),
        )


def test_half_even_rounding_is_selectable() -> None:
    half_up = price([line("A", "0.125")], mode=PriceMode.NET)
    half_even = price(
        [line("A", "0.125")],
        mode=PriceMode.NET,
        policy=RoundingPolicy(rounding=Rounding.HALF_EVEN),
    )

    assert half_up.lines[0].subtotal == eur("0.13")
    assert half_even.lines[0].subtotal == eur("0.12")


def test_an_empty_cart_costs_nothing() -> None:
    breakdown = price([])

    assert breakdown.lines == ()
    assert breakdown.rates == ()
    assert breakdown.shipping is None
    assert breakdown.grand_total == eur("0.00")
    assert breakdown.amount_due == eur("0.00")


def test_shipping_without_goods_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one line"):
        price([], shipping=eur("4.90"))


@pytest.mark.parametrize(
    ("shipping", "message"),
    [("4.905", "more decimals"), ("-1.00", "cannot be negative")],
)
def test_bad_shipping_is_refused(shipping: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        price([line("A", "1.00")], shipping=eur(shipping))


def test_amounts_in_another_currency_are_refused() -> None:
    with pytest.raises(CurrencyMismatchError):
        price([line("A", "1.00", currency="USD")])
    with pytest.raises(CurrencyMismatchError):
        price([line("A", "1.00")], shipping=money("1.00", "USD"))


def test_two_lines_with_one_key_are_refused() -> None:
    with pytest.raises(ValidationError, match="two lines have the key"):
        price([line("A", "1.00"), line("A", "2.00")])


def test_two_lines_of_one_sku_with_their_own_keys_are_fine() -> None:
    first = LineItem(sku="A", quantity=1, unit_price=eur("1.00"), key="A-1")
    second = LineItem(sku="A", quantity=1, unit_price=eur("2.00"), key="A-2")

    breakdown = price([first, second])

    assert breakdown.line("A-2").total == eur("2.00")
    with pytest.raises(NotFoundError):
        breakdown.line("A")


def test_the_tax_provider_is_asked_once_per_category_and_supply_kind() -> None:
    asked: list[tuple[str, SupplyKind]] = []

    class Counting:
        def decide(
            self, category: str, supply: SupplyKind, context: TaxContext
        ) -> TaxDecision:
            asked.append((category, supply))
            return GERMANY.decide(category, supply, context)

    cart = [line(f"S{n}", "1.00") for n in range(5)]
    cart.append(
        LineItem(
            sku="SETUP", quantity=1, unit_price=eur("9.00"), supply=SupplyKind.SERVICES
        )
    )
    price_lines(
        cart,
        currency="EUR",
        mode=PriceMode.GROSS,
        tax=Counting(),
        context=IN_GERMANY,
    )

    assert asked == [("standard", SupplyKind.GOODS), ("standard", SupplyKind.SERVICES)]


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValidationError, match="LineItem"):
        price(["A"])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="policy"):
        price_lines(
            [],
            currency="EUR",
            mode=PriceMode.GROSS,
            tax=GERMANY,
            context=IN_GERMANY,
            policy="per_line",  # type: ignore[arg-type]
        )
    with pytest.raises(ValidationError, match="context"):
        price_lines(
            [],
            currency="EUR",
            mode=PriceMode.GROSS,
            tax=GERMANY,
            context="DE",  # type: ignore[arg-type]
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": True}, "quantity"),
        ({"unit_price": money("-1", "EUR")}, "unit_price"),
        ({"unit_price": "1.00"}, "unit_price"),
        ({"tax_category": ""}, "tax_category"),
        ({"discounts": [money("1", "EUR")]}, "discounts"),
        ({"supply": "gods"}, "supply"),
    ],
)
def test_line_items_check_their_fields(kwargs: dict[str, object], field: str) -> None:
    given: dict[str, object] = {
        "sku": "A",
        "quantity": 1,
        "unit_price": eur("1.00"),
        **kwargs,
    }
    with pytest.raises(ValidationError) as caught:
        LineItem(**given)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize("amount", ["0.00", "-1.00", "0.005"])
def test_discounts_are_positive_whole_minor_units(amount: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Discount(eur(amount), source="promo")
    assert caught.value.field == "amount"


def order_discount(amount: str) -> Discount:
    return Discount(eur(amount), source="WELCOME10", label="10 off your order")


def test_an_order_discount_of_one_euro_splits_34_33_33() -> None:
    breakdown = price(
        [line("A", "5.00"), line("B", "5.00"), line("C", "5.00")],
        order_discounts=[order_discount("1.00")],
    )

    assert [p.discount_total for p in breakdown.lines] == [
        eur("0.34"),
        eur("0.33"),
        eur("0.33"),
    ]
    assert breakdown.lines[0].discounts == (order_discount("0.34"),)
    assert breakdown.discount_total == eur("1.00")
    assert breakdown.grand_total == eur("14.00")


@pytest.mark.parametrize("amount", ["10.00", "15.00"])
def test_an_order_discount_never_takes_the_order_below_zero(amount: str) -> None:
    breakdown = price(
        [line("A", "3.33"), line("B", "3.33"), line("C", "3.34")],
        order_discounts=[order_discount(amount)],
    )

    assert [p.total for p in breakdown.lines] == [eur("0.00")] * 3
    assert breakdown.grand_total == eur("0.00")
    assert breakdown.order_discounts == (order_discount("10.00"),)


def test_an_order_discount_is_shared_by_the_lines_after_their_own() -> None:
    breakdown = price(
        [line("A", "10.00", discounts=("5.00",)), line("B", "5.00")],
        order_discounts=[order_discount("2.00")],
    )

    # A costs 5.00 after its own discount, B 5.00: 1.00 each.
    assert [p.total for p in breakdown.lines] == [eur("4.00"), eur("4.00")]
    assert breakdown.lines[0].discount_total == eur("6.00")
    assert breakdown.discount_total == eur("7.00")


def test_an_order_discount_leaves_shipping_alone() -> None:
    breakdown = price(
        [line("A", "10.00")],
        shipping=eur("4.90"),
        order_discounts=[order_discount("20.00")],
    )

    assert breakdown.grand_total == eur("4.90")
    assert breakdown.shipping_total == eur("4.90")


def test_order_discounts_check_their_input() -> None:
    with pytest.raises(ValidationError, match="Discount"):
        price([line("A", "1.00")], order_discounts=[eur("1.00")])  # type: ignore[list-item]
    with pytest.raises(CurrencyMismatchError):
        price(
            [line("A", "1.00")],
            order_discounts=[Discount(money("1.00", "USD"), source="x")],
        )


def test_an_order_discount_with_nothing_left_to_take_is_left_out() -> None:
    breakdown = price(
        [line("A", "10.00", discounts=("10.00",))],
        order_discounts=[order_discount("1.00")],
    )

    assert breakdown.grand_total == eur("0.00")
    assert breakdown.order_discounts == ()
    assert breakdown.lines[0].discounts == (Discount(eur("10.00"), source="promo"),)


def test_a_second_order_discount_takes_only_what_the_first_left() -> None:
    breakdown = price(
        [line("A", "5.00")],
        order_discounts=[order_discount("4.00"), order_discount("3.00")],
    )

    assert breakdown.order_discounts == (order_discount("4.00"), order_discount("1.00"))
    assert breakdown.grand_total == eur("0.00")


def test_shipping_follows_the_goods_not_the_services() -> None:
    service = LineItem(
        sku="WARRANTY",
        quantity=1,
        unit_price=eur("100.00"),
        supply=SupplyKind.SERVICES,
    )
    breakdown = price_lines(
        [line("SHOE", "100.00"), service],
        currency="EUR",
        mode=PriceMode.GROSS,
        tax=GERMANY,
        context=TaxContext(ship_to="US", supplied_at=IN_GERMANY.supplied_at),
        shipping=eur("10.00"),
    )

    # The shoe is exported (0%); the warranty is taxed in Germany. Shipping
    # carries the shoe only, so all of it is an exempt export.
    assert breakdown.shipping is not None
    shares = {part.treatment: part.amount for part in breakdown.shipping.parts}
    assert shares == {
        TaxTreatment.DOMESTIC: eur("0.00"),
        TaxTreatment.EXPORT: eur("10.00"),
    }
    assert breakdown.shipping.tax == eur("0.00")


def test_services_alone_still_carry_shipping() -> None:
    service = LineItem(
        sku="SETUP", quantity=1, unit_price=eur("50.00"), supply=SupplyKind.SERVICES
    )

    breakdown = price([service], shipping=eur("5.95"))

    assert breakdown.shipping is not None
    assert breakdown.shipping.tax == eur("0.95")


def test_the_thread_decimal_context_changes_nothing() -> None:
    tiny = "0.0049999999999999999999999999999"
    with decimal.localcontext(prec=6):
        small = price([line("A", "12345678.91", 3)], mode=PriceMode.NET)
    breakdown = price([line("A", tiny)], mode=PriceMode.NET)

    assert small.lines[0].subtotal == eur("37037036.73")
    assert small.grand_total == eur("44074073.71")
    # One rounding, of the exact product: just below half a cent is 0.00.
    assert breakdown.lines[0].subtotal == eur("0.00")


def test_large_quantities_stay_exact() -> None:
    breakdown = price([line("A", "19.99", 10**25)], mode=PriceMode.NET)

    assert breakdown.lines[0].subtotal.amount == Decimal("19.99") * 10**25


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"mode": "brutto"}, "mode"),
        ({"shipping_basis": "volume"}, "shipping_basis"),
        ({"tax": None}, "tax"),
        ({"lines": None}, "lines"),
        ({"lines": "A"}, "lines"),
        ({"order_discounts": None}, "order_discounts"),
        (
            {"order_discounts": Discount(money("1.00", "EUR"), source="x")},
            "order_discounts",
        ),
    ],
)
def test_bad_arguments_are_validation_errors(
    kwargs: dict[str, object], field: str
) -> None:
    given: dict[str, object] = {
        "lines": [line("A", "1.00")],
        "currency": "EUR",
        "mode": PriceMode.GROSS,
        "tax": GERMANY,
        "context": IN_GERMANY,
        **kwargs,
    }
    with pytest.raises(ValidationError) as caught:
        price_lines(**given)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"tax": "per_item"}, "tax"), ({"rounding": "half_even"}, "rounding")],
)
def test_rounding_policies_check_their_fields(
    kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        RoundingPolicy(**kwargs)
    assert caught.value.field == field


def test_a_breakdown_survives_the_json_round_trip() -> None:
    breakdown = price(
        [
            line("A", "10.00", 2, discounts=("1.00",)),
            line("B", "5.00", category="reduced"),
        ],
        shipping=eur("4.90"),
        order_discounts=[order_discount("2.00")],
        policy=RoundingPolicy(cash_increment="0.05"),
    )

    text = dumps(breakdown)
    again = loads(text, PriceBreakdown)

    assert again == breakdown
    assert again.line("A").discounts == breakdown.line("A").discounts
    assert '"due_minor":2690' in text


def test_a_provider_that_returns_no_decision_is_named() -> None:
    class Broken:
        def decide(
            self, category: str, supply: SupplyKind, context: TaxContext
        ) -> TaxDecision:
            return Decimal(19)  # type: ignore[return-value]

    with pytest.raises(ValidationError, match="returns a TaxDecision") as caught:
        price_lines(
            [line("A", "1.00")],
            currency="EUR",
            mode=PriceMode.GROSS,
            tax=Broken(),
            context=IN_GERMANY,
        )
    assert caught.value.field == "tax"


def test_with_discounts_adds_checked_discounts_to_a_copy() -> None:
    original = line("A", "10.00", discounts=("1.00",))

    copy = original.with_discounts([order_discount("2.00")])

    assert copy.discounts == (*original.discounts, order_discount("2.00"))
    assert (copy.sku, copy.quantity, copy.unit_price, copy.key) == (
        original.sku,
        original.quantity,
        original.unit_price,
        original.key,
    )
    assert original.discounts == (Discount(eur("1.00"), source="promo"),)
    with pytest.raises(ValidationError):
        original.with_discounts([eur("1.00")])  # type: ignore[list-item]
