"""Promotions applied to carts, checked against figures computed by hand."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from commercekit.errors import CurrencyMismatchError, ValidationError
from commercekit.money import Money, money
from commercekit.pricing import (
    Discount,
    EUTaxProvider,
    LineItem,
    PriceMode,
    TaxContext,
    TaxSettings,
    price_lines,
)
from commercekit.promotions import (
    AmountOff,
    AmountOffPerUnit,
    BundlePrice,
    BuyXGetY,
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
    Reason,
    Scope,
    SpendTier,
    SpendTiers,
    apply_promotions,
)
from commercekit.values import CustomerFacts

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
CONTEXT = PromotionContext(currency="EUR", at=AT)


def eur(amount: str) -> Money:
    return money(amount, "EUR")


def item(code: str, unit: str, quantity: int = 1) -> LineItem:
    return LineItem(sku=code, quantity=quantity, unit_price=eur(unit))


def promo(pid: str, action: object, **terms: object) -> Promotion:
    return Promotion(promotion_id=pid, name=pid, action=action, **terms)  # type: ignore[arg-type]


def apply(
    lines: list[LineItem],
    *promotions: Promotion,
    context: PromotionContext = CONTEXT,
    facts: dict[str, ItemFacts] | None = None,
) -> PromotionResult:
    return apply_promotions(lines, promotions, context=context, facts=facts)


def off(result: PromotionResult) -> list[Money]:
    """What each input line lost, in order."""
    return [
        sum((d.amount for d in line.discounts), eur("0.00"))
        for line in result.lines
        if not line.key.startswith("gift:")
    ]


def test_ten_percent_off_three_items_at_ten_euros() -> None:
    cart = [item("A", "10.00"), item("B", "10.00"), item("C", "10.00")]

    result = apply(cart, promo("TEN", PercentOff(percent="10")))
    breakdown = price_lines(
        result.lines,
        currency="EUR",
        mode=PriceMode.GROSS,
        tax=EUTaxProvider(TaxSettings(merchant_country="DE")),
        context=TaxContext(ship_to="DE", supplied_at=AT),
    )

    assert [line.total for line in breakdown.lines] == [eur("9.00")] * 3
    assert breakdown.grand_total == eur("27.00")
    assert breakdown.tax_total == eur("4.31")
    assert result.discount_total == eur("3.00")
    assert result.applied[0].amount == eur("3.00")


@pytest.mark.parametrize("amount", ["10.00", "15.00"])
def test_a_fixed_amount_never_takes_the_order_below_zero(amount: str) -> None:
    cart = [item("A", "3.33"), item("B", "3.33"), item("C", "3.34")]

    result = apply(cart, promo("OFF", AmountOff(amount=eur(amount))))

    assert off(result) == [eur("3.33"), eur("3.33"), eur("3.34")]
    assert result.discount_total == eur("10.00")


def test_one_euro_over_three_equal_lines_splits_34_33_33() -> None:
    cart = [item("C", "5.00"), item("A", "5.00"), item("B", "5.00")]

    result = apply(cart, promo("ONE", AmountOff(amount=eur("1.00"))))

    # The tie goes to the smaller key, whatever the order of the cart.
    assert off(result) == [eur("0.33"), eur("0.34"), eur("0.33")]
    assert sum(off(result), eur("0.00")) == eur("1.00")


def test_buy_two_get_one_free_over_five_items() -> None:
    cart = [item(f"S{p}", f"{p}.00") for p in (30, 10, 50, 20, 40)]

    result = apply(cart, promo("3FOR2", BuyXGetY(buy=2, get=1)))

    # 5 // 3 = 1 repetition: the cheapest item, 10.00, is free.
    assert dict(zip([line.sku for line in result.lines], off(result), strict=True)) == {
        "S30": eur("0.00"),
        "S10": eur("10.00"),
        "S50": eur("0.00"),
        "S20": eur("0.00"),
        "S40": eur("0.00"),
    }


def test_buy_two_get_one_free_over_six_items() -> None:
    cart = [item(f"S{p}", f"{p}.00") for p in (10, 20, 30, 40, 50, 60)]

    result = apply(cart, promo("3FOR2", BuyXGetY(buy=2, get=1)))

    # 6 // 3 = 2 repetitions: the 10.00 and 20.00 items are free.
    assert off(result) == [eur("10.00"), eur("20.00")] + [eur("0.00")] * 4
    assert result.discount_total == eur("30.00")


def test_units_of_one_line_count_one_by_one() -> None:
    result = apply(
        [item("SOCK", "4.00", 3), item("SHOE", "60.00")],
        promo("HALF", BuyXGetY(buy=1, get=1, percent="50")),
    )

    # Four units make two groups: the two cheapest (socks) are half off.
    assert off(result) == [eur("4.00"), eur("0.00")]


def test_a_condition_reads_the_cart_after_earlier_promotions() -> None:
    cart = [item("A", "60.00")]
    first = promo("TWENTY", PercentOff(percent="20"), priority=2)
    second = promo(
        "SHIP", FreeShipping(), conditions=[MinSubtotal(amount=eur("50.00"))]
    )

    result = apply(cart, second, first)

    # 60.00 - 20% = 48.00, short of 50.00 by 2.00.
    assert [applied.promotion_id for applied in result.applied] == ["TWENTY"]
    assert not result.free_shipping
    threshold = result.nearest_threshold()
    assert threshold is not None
    assert threshold.missing == eur("2.00")
    assert threshold.message == "add €2.00 for free shipping"


def test_the_nearest_threshold_is_the_smallest_gap() -> None:
    cart = [item("A", "30.00")]
    ship = promo("SHIP", FreeShipping(), conditions=[MinSubtotal(amount=eur("42.50"))])
    ten = promo(
        "TEN",
        AmountOff(amount=eur("10.00")),
        conditions=[MinSubtotal(amount=eur("100.00"))],
    )

    result = apply(cart, ship, ten)

    threshold = result.nearest_threshold()
    assert threshold is not None
    assert (threshold.promotion_id, threshold.missing) == ("SHIP", eur("12.50"))
    assert {entry.promotion_id for entry in result.not_applied} == {"SHIP", "TEN"}


def test_spend_tiers_take_the_highest_tier_reached() -> None:
    tiers = SpendTiers(
        tiers=[
            SpendTier(eur("100.00"), eur("15.00")),
            SpendTier(eur("50.00"), eur("5.00")),
        ]
    )

    assert apply([item("A", "120.00")], promo("T", tiers)).discount_total == eur(
        "15.00"
    )
    assert apply([item("A", "60.00")], promo("T", tiers)).discount_total == eur("5.00")
    below = apply([item("A", "40.00")], promo("T", tiers))
    assert below.applied == ()
    assert below.not_applied[0].reason is Reason.NOTHING_TO_DISCOUNT


def test_percent_off_matching_lines_rounds_each_line_half_up() -> None:
    shoes = Scope(categories={"shoes"})
    facts = {"SHOE": ItemFacts(categories={"shoes"})}

    result = apply(
        [item("SHOE", "2.75"), item("BOOK", "10.00")],
        promo("SHOES", PercentOff(percent="10", scope=shoes)),
        facts=facts,
    )

    # 10% of 2.75 is 0.275: the discount is 0.28, the price 2.47.
    assert off(result) == [eur("0.28"), eur("0.00")]


def test_percent_off_the_cheapest_and_amount_off_per_unit() -> None:
    cheapest = apply(
        [item("A", "10.00", 2), item("B", "5.00", 2)],
        promo("CHEAP", PercentOffCheapest(percent="50", count=3)),
    )
    per_unit = apply(
        [item("A", "10.00", 2), item("B", "0.50", 3)],
        promo("UNIT", AmountOffPerUnit(amount=eur("1.00"))),
    )

    # The three cheapest units: two B at 5.00 and one A at 10.00, half off.
    assert off(cheapest) == [eur("5.00"), eur("5.00")]
    # 1.00 off each unit, never below the line: B loses its 1.50.
    assert off(per_unit) == [eur("2.00"), eur("1.50")]


def test_a_bundle_price_for_each_full_set() -> None:
    bundle = BundlePrice(items={"SHOE": 1, "SOCK": 2}, price=eur("60.00"))

    result = apply(
        [item("SHOE", "59.00", 1), item("SOCK", "5.00", 3)],
        promo("SET", bundle),
    )

    # One full set worth 69.00 for 60.00: 9.00 off, shared 59 : 10.
    assert result.discount_total == eur("9.00")
    assert off(result) == [eur("7.70"), eur("1.30")]


def test_free_shipping_and_a_gift_line() -> None:
    context = PromotionContext(currency="EUR", at=AT, shipping_method="standard")

    express_only = apply(
        [item("A", "10.00")],
        promo("EXP", FreeShipping(methods={"express"})),
        context=context,
    )
    gift = apply([item("A", "10.00")], promo("GIFT", FreeGift(sku="TOTE")))

    assert not express_only.free_shipping
    assert express_only.not_applied[0].reason is Reason.SHIPPING_METHOD
    assert gift.lines[-1].sku == "TOTE"
    assert gift.lines[-1].unit_price == eur("0.00")
    assert gift.applied[0].gifts == ("TOTE",)


def test_an_exclusive_promotion_competes_for_the_best_deal() -> None:
    cart = [item("A", "100.00")]
    small = promo("SMALL", PercentOff(percent="10"), exclusive=True, priority=5)
    big = promo("BIG", AmountOff(amount=eur("25.00")), exclusive=True)
    others = promo("OTHER", AmountOff(amount=eur("5.00")))

    result = apply(cart, small, big, others)

    assert [applied.promotion_id for applied in result.applied] == ["BIG"]
    assert result.discount_total == eur("25.00")
    reasons = {entry.promotion_id: entry.reason for entry in result.not_applied}
    assert reasons == {"SMALL": Reason.BETTER_DEAL, "OTHER": Reason.BETTER_DEAL}


def test_stop_further_and_combinability() -> None:
    cart = [item("A", "100.00")]
    stop = promo("STOP", AmountOff(amount=eur("1.00")), priority=3, stop_further=True)
    later = promo("LATER", AmountOff(amount=eur("2.00")), priority=1)
    picky = promo("PICKY", AmountOff(amount=eur("3.00")), combinable_with={"NONE"})
    first = promo("FIRST", AmountOff(amount=eur("4.00")), priority=9)

    stopped = apply(cart, later, stop)
    clash = apply(cart, picky, first)

    assert [a.promotion_id for a in stopped.applied] == ["STOP"]
    assert stopped.not_applied[0].reason is Reason.STOPPED
    assert [a.promotion_id for a in clash.applied] == ["FIRST"]
    assert clash.not_applied[0].reason is Reason.NOT_COMBINABLE


def test_one_coupon_per_order_unless_more_are_allowed() -> None:
    cart = [item("A", "100.00")]
    spring = promo("SPRING", AmountOff(amount=eur("5.00")), coupon_codes={"SPRING"})
    summer = promo("SUMMER", AmountOff(amount=eur("7.00")), coupon_codes={"SUMMER"})
    both = ["spring ", " Summer"]

    one = apply(
        cart,
        spring,
        summer,
        context=PromotionContext(currency="EUR", at=AT, coupon_codes=both),
    )
    two = apply(
        cart,
        spring,
        summer,
        context=PromotionContext(
            currency="EUR", at=AT, coupon_codes=both, max_coupons=2
        ),
    )
    none = apply(cart, spring)

    assert [a.coupon_code for a in one.applied] == ["SPRING"]
    assert one.not_applied[0].reason is Reason.COUPON_LIMIT
    assert two.discount_total == eur("12.00")
    assert none.not_applied[0].reason is Reason.COUPON_MISSING


def test_eligibility_by_window_channel_group_and_first_order() -> None:
    cart = [item("A", "10.00")]
    action = AmountOff(amount=eur("1.00"))
    returning = PromotionContext(
        currency="EUR",
        at=AT,
        channel="web",
        customer=CustomerFacts(customer_group="retail", order_count=3),
    )

    result = apply(
        cart,
        promo("LATER", action, valid_from=AT + timedelta(days=1)),
        promo("OVER", action, valid_until=AT),
        promo("APP", action, channels={"app"}),
        promo("B2B", action, customer_groups={"b2b"}),
        promo("NEW", action, first_order_only=True),
        promo("QTY", action, conditions=[MinQuantity(quantity=2)]),
        context=returning,
    )

    assert result.applied == ()
    assert {e.promotion_id: e.reason for e in result.not_applied} == {
        "LATER": Reason.NOT_STARTED,
        "OVER": Reason.ENDED,
        "APP": Reason.CHANNEL,
        "B2B": Reason.CUSTOMER_GROUP,
        "NEW": Reason.NOT_FIRST_ORDER,
        "QTY": Reason.MIN_QUANTITY,
    }


def test_a_budget_caps_what_a_promotion_gives() -> None:
    context = PromotionContext(currency="EUR", at=AT, spent={"CAP": eur("8.00")})
    capped = promo("CAP", AmountOff(amount=eur("5.00")), budget=eur("10.00"))

    result = apply([item("A", "50.00")], capped, context=context)
    used_up = apply(
        [item("A", "50.00")],
        capped,
        context=PromotionContext(currency="EUR", at=AT, spent={"CAP": eur("10.00")}),
    )

    assert result.discount_total == eur("2.00")
    assert used_up.not_applied[0].reason is Reason.BUDGET_USED_UP


def test_the_order_of_the_promotions_does_not_matter() -> None:
    cart = [item("A", "19.99", 3), item("B", "4.99", 2), item("C", "0.99")]
    promotions = [
        promo("P1", PercentOff(percent="7.5"), priority=2),
        promo("P2", AmountOff(amount=eur("3.33"))),
        promo("P3", BuyXGetY(buy=2, get=1)),
        promo("P4", FreeShipping(), conditions=[MinSubtotal(amount=eur("40.00"))]),
    ]
    expected = apply(cart, *promotions)

    for seed in range(5):
        shuffled = promotions[:]
        random.Random(seed).shuffle(shuffled)  # noqa: S311 - test data
        assert apply(cart, *shuffled) == expected


def test_bad_input_is_refused() -> None:
    action = AmountOff(amount=eur("1.00"))
    with pytest.raises(ValidationError, match="two promotions"):
        apply([item("A", "1.00")], promo("X", action), promo("X", action))
    with pytest.raises(CurrencyMismatchError):
        apply([LineItem(sku="A", quantity=1, unit_price=money("1.00", "USD"))])
    in_dollars = apply(
        [item("A", "1.00")], promo("USD", AmountOff(amount=money("1.00", "USD")))
    )
    assert in_dollars.not_applied[0].reason is Reason.CURRENCY
    with pytest.raises(ValidationError, match="percent"):
        PercentOff(percent="0")
    with pytest.raises(ValidationError, match="action"):
        promo("X", "10% off")
    with pytest.raises(ValidationError):
        apply_promotions([item("A", "1.00")], [], context="now")  # type: ignore[arg-type]


def test_a_coupon_counts_against_the_limit_only_when_its_promotion_applies() -> None:
    cart = [item("A", "50.00")]
    big = promo(
        "BIG",
        AmountOff(amount=eur("20.00")),
        coupon_codes={"SPRING"},
        priority=2,
        conditions=[MinSubtotal(amount=eur("100.00"))],
    )
    small = promo("SMALL", AmountOff(amount=eur("5.00")), coupon_codes={"SUMMER"})
    context = PromotionContext(currency="EUR", at=AT, coupon_codes=["SPRING", "SUMMER"])

    result = apply(cart, big, small, context=context)

    # SPRING's promotion misses its minimum, so the one coupon slot is free
    # for SUMMER.
    assert [a.coupon_code for a in result.applied] == ["SUMMER"]
    assert result.not_applied[0].reason is Reason.MIN_SUBTOTAL


def test_free_shipping_beats_an_exclusive_promotion_that_gives_nothing() -> None:
    idle = promo(
        "EXCL",
        AmountOff(amount=eur("5.00")),
        exclusive=True,
        conditions=[MinQuantity(quantity=5)],
    )

    result = apply([item("A", "10.00")], idle, promo("SHIP", FreeShipping()))

    assert result.free_shipping
    assert [a.promotion_id for a in result.applied] == ["SHIP"]


def test_a_bundle_can_be_rebuilt_from_its_own_fields() -> None:
    bundle = BundlePrice(items={"SHOE": 1, "SOCK": 2}, price=eur("60.00"))

    assert BundlePrice(items=bundle.items, price=bundle.price) == bundle
    assert bundle.items == (("SHOE", 1), ("SOCK", 2))


def test_later_unit_discounts_take_a_share_of_what_is_left() -> None:
    cart = [item("A", "10.00"), item("B", "20.00")]
    half = promo("HALF", PercentOff(percent="50"), priority=2)

    cheapest = apply(
        cart, half, promo("CHEAP", PercentOffCheapest(percent="50", count=1))
    )
    second = apply(
        [item("A", "10.00", 2)],
        half,
        promo("BOGO", BuyXGetY(buy=1, get=1, percent="50")),
    )

    # After 50% off, A costs 5.00: half of that is 2.50, not half of 10.00.
    assert off(cheapest) == [eur("7.50"), eur("10.00")]
    # Two units at 5.00 each now: the second is half off, 2.50.
    assert off(second) == [eur("12.50")]


def test_a_bundle_after_a_discount_costs_its_price() -> None:
    cart = [item("A", "50.00"), item("B", "50.00")]
    ten = promo("TEN", PercentOff(percent="10"), priority=2)
    bundle = promo("SET", BundlePrice(items={"A": 1, "B": 1}, price=eur("80.00")))

    result = apply(cart, ten, bundle)

    # 100.00 - 10% = 90.00; the set costs 80.00, so 10.00 more, not 20.00.
    assert result.discount_total == eur("20.00")
    assert sum(off(result), eur("0.00")) == eur("20.00")


def test_the_cheapest_units_of_one_line_are_rounded_once() -> None:
    result = apply(
        [item("A", "3.33", 3)],
        promo("CHEAP", PercentOffCheapest(percent="50", count=2)),
    )

    # Half of two units of 3.33 is 3.33, rounded once.
    assert off(result) == [eur("3.33")]


def test_a_line_already_discounted_below_zero_is_refused() -> None:
    over = LineItem(
        sku="A",
        quantity=1,
        unit_price=eur("1.00"),
        discounts=[Discount(eur("5.00"), source="x")],
    )

    with pytest.raises(ValidationError, match="more than its subtotal"):
        apply([over, item("B", "10.00")], promo("OFF", AmountOff(amount=eur("3.00"))))


def test_amounts_below_the_minor_unit_are_refused() -> None:
    with pytest.raises(ValidationError, match="whole minor units"):
        AmountOff(amount=eur("0.004"))
    with pytest.raises(ValidationError, match="whole minor units"):
        promo("X", FreeShipping(), budget=eur("10.005"))
    with pytest.raises(ValidationError, match="spent"):
        PromotionContext(currency="EUR", at=AT, spent={"X": eur("-10.00")})


def test_a_window_must_open_before_it_closes() -> None:
    with pytest.raises(ValidationError, match="valid_until"):
        promo("X", FreeShipping(), valid_from=AT, valid_until=AT)


def test_promotions_check_their_priority() -> None:
    with pytest.raises(ValidationError, match="priority"):
        promo("X", FreeShipping(), priority="1")


@pytest.mark.parametrize(
    "terms",
    [{"channel": ["web"]}, {"customer": None}, {"shipping_price": Decimal("4.90")}],
)
def test_contexts_check_their_fields(terms: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PromotionContext(currency="EUR", at=AT, **terms)  # type: ignore[arg-type]


def test_facts_must_be_item_facts() -> None:
    with pytest.raises(ValidationError, match="facts"):
        apply([item("A", "1.00")], facts={"A": "shoes"})  # type: ignore[dict-item]


def test_a_gift_needs_goods_and_comes_once() -> None:
    gift = promo("GIFT", FreeGift(sku="TOTE"))

    empty = apply([], gift)
    once = apply([item("A", "10.00")], gift)
    again = apply(list(once.lines), gift)

    assert empty.applied == ()
    assert empty.not_applied[0].reason is Reason.NOTHING_TO_DISCOUNT
    assert [str(line.sku) for line in again.lines].count("TOTE") == 1
