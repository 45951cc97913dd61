"""The money kernel: hand-computed numbers first, then the invariants."""

from __future__ import annotations

import decimal
import math
import pickle
from decimal import Decimal
from fractions import Fraction

import moneyed
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from commercekit.errors import CurrencyMismatchError, ValidationError
from commercekit.money import (
    Money,
    Rounding,
    allocate,
    as_money,
    format_money,
    from_minor_units,
    get_currency,
    minor_units,
    money,
    quantize,
    split_evenly,
    sum_money,
    to_decimal,
    zero,
)
from commercekit.testing import strategies as cks


def eur(amount: str) -> Money:
    return money(amount, "EUR")


# -- construction ----------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("19.99"), Decimal("19.99")),
        (20, Decimal(20)),
        ("0.10", Decimal("0.10")),
    ],
)
def test_money_takes_decimals_ints_and_decimal_strings(
    amount: Decimal | int | str, expected: Decimal
) -> None:
    value = money(amount, "EUR")
    assert value.amount == expected
    assert value.currency.code == "EUR"
    assert isinstance(value, moneyed.Money)


def test_a_float_amount_is_refused_with_a_hint() -> None:
    with pytest.raises(ValidationError, match="pass a Decimal or a string") as info:
        money(19.99, "EUR")  # type: ignore[arg-type]
    assert info.value.field == "amount"
    assert info.value.code == "validation_error"


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-inf", "abc", "", True, None, [1]])
def test_non_numbers_and_non_finite_amounts_are_refused(bad: object) -> None:
    with pytest.raises(ValidationError):
        Money(bad, "EUR")  # type: ignore[arg-type]


def test_currencies_without_a_minor_unit_and_foreign_tables_are_refused() -> None:
    with pytest.raises(ValidationError, match="no minor unit"):
        money("1", "XAU")
    with pytest.raises(ValidationError, match="unknown currency"):
        money("1", moneyed.Currency("FOO"))
    assert get_currency(moneyed.Currency("EUR")) is get_currency("EUR")


def test_an_unknown_currency_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown currency code 'EUX'"):
        money("1", "EUX")
    with pytest.raises(ValidationError, match="unknown currency"):
        minor_units("ZZZ")


def test_currency_codes_are_read_case_insensitively() -> None:
    assert money("1", "eur").currency.code == "EUR"
    assert get_currency(" usd ").code == "USD"


def test_the_same_float_rule_holds_for_factors_and_divisors() -> None:
    with pytest.raises(ValidationError, match="factor is the float"):
        eur("1.00") * 1.5  # type: ignore[operator]
    with pytest.raises(ValidationError, match="divisor is the float"):
        eur("1.00") / 3.0  # type: ignore[operator]
    with pytest.raises(ValidationError, match="percentage is the float"):
        5.0 % eur("1.00")


def test_arithmetic_keeps_every_digit_and_the_type() -> None:
    assert eur("19.99") + eur("0.01") == eur("20.00")
    assert eur("19.99") - eur("20") == eur("-0.01")
    assert eur("2.35") * Decimal("0.19") == eur("0.4465")
    assert eur("10.00") / 4 == eur("2.5")
    assert eur("10") / eur("4") == Decimal("2.5")
    assert 5 % eur("200") == eur("10")
    assert type(eur("1") + eur("2")) is Money
    assert type(-eur("1")) is Money
    assert sum([eur("1.10"), eur("2.20")]) == eur("3.30")


def test_arithmetic_ignores_the_thread_decimal_context() -> None:
    with decimal.localcontext(prec=3, rounding=decimal.ROUND_DOWN):
        assert (eur("1234.56") + eur("0.01")).amount == Decimal("1234.57")
        assert (eur("1234.56") - eur("0.01")).amount == Decimal("1234.55")
        assert (eur("1234.56") * Decimal("1.19")).amount == Decimal("1469.1264")
        # Division keeps 28 significant digits, rounded half even.
        assert eur("10.00") / 3 == eur("3.333333333333333333333333333")
        assert eur("2") / 3 == eur("0.6666666666666666666666666667")
        assert sum_money([eur("1234.56"), eur("0.01")], "EUR") == eur("1234.57")


def test_division_by_zero_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="by zero"):
        eur("1.00") / 0
    with pytest.raises(ValidationError, match="by zero"):
        eur("1.00") / eur("0.00")


def test_mixing_currencies_raises_instead_of_answering_false() -> None:
    for operation in (
        lambda: eur("1") == money("1", "USD"),
        lambda: eur("1") != money("1", "USD"),
        lambda: eur("1") < money("2", "USD"),
        lambda: eur("1") >= money("2", "USD"),
        lambda: eur("1") + money("1", "USD"),
        lambda: eur("1") - money("1", "USD"),
        lambda: eur("1") / money("1", "USD"),
        lambda: moneyed.Money("1", "USD") + eur("1"),
    ):
        with pytest.raises(CurrencyMismatchError, match="cannot mix") as info:
            operation()
        assert {info.value.expected, info.value.got} == {"EUR", "USD"}
        assert isinstance(info.value, TypeError)
        assert isinstance(info.value, ValueError)


def test_comparisons_within_one_currency() -> None:
    assert eur("1.00") == eur("1")
    assert eur("0.99") < eur("1.00") <= eur("1.00")
    assert eur("1.01") > eur("1.00") >= eur("1.00")
    assert eur("1") != "1 EUR"
    assert hash(eur("1.0")) == hash(eur("1.00"))
    with pytest.raises(TypeError, match="not supported between"):
        _ = eur("1") < 2


def test_round_is_commercial_whatever_the_decimal_context() -> None:
    with decimal.localcontext(rounding=decimal.ROUND_HALF_EVEN):
        assert eur("2.345").round(2) == eur("2.35")
        assert eur("2.5").round() == eur("3")
        assert eur("-2.345").round(2) == eur("-2.35")
    assert type(eur("2.345").round(2)) is Money


def test_str_and_repr_show_every_digit_without_the_locale() -> None:
    assert str(eur("19.990")) == "19.990 EUR"
    assert repr(eur("19.99")) == "Money('19.99', 'EUR')"


def test_money_is_immutable() -> None:
    price = eur("19.99")
    with pytest.raises(AttributeError, match="immutable"):
        price.amount = Decimal("0.1")  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del price.currency
    assert price == eur("19.99")


def test_operators_keep_a_subclass() -> None:
    class Price(Money):
        pass

    price = Price("10.00", "EUR")
    assert type(price + price) is Price
    assert type(price - price) is Price
    assert type(price * 2) is Price
    assert type(price / 2) is Price
    assert type(-price) is Price
    assert type(quantize(Price("1.005", "EUR"))) is Price


def test_money_times_money_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="unsupported operand"):
        eur("2") * eur("3")  # type: ignore[operator]


def test_dividing_plain_moneyed_amounts_checks_the_currency() -> None:
    assert moneyed.Money("3", "EUR") / eur("2") == Decimal("1.5")
    with pytest.raises(CurrencyMismatchError):
        moneyed.Money("1", "USD") / eur("1")


@pytest.mark.parametrize(
    "text", ["1e999999999", "1e30", "-1e30", "1e-999999999", "1e-41"]
)
def test_amounts_out_of_range_are_refused_at_once(text: str) -> None:
    with pytest.raises(ValidationError, match="out of range"):
        money(text, "EUR")


def test_the_largest_and_finest_amounts_in_range_work() -> None:
    big = money("9" * 30, "EUR")
    assert quantize(big) == big
    fine = money("0." + "0" * 39 + "1", "EUR")
    assert quantize(fine) == eur("0.00")
    assert allocate(quantize(big), [1, 2]) != []


def test_there_is_no_negative_zero() -> None:
    assert str(quantize(eur("-0.004")).amount) == "0.00"
    assert str(money("-0.00", "EUR").amount) == "0.00"
    assert str((eur("0.00") * -1).amount) == "0.00"
    assert str((eur("1.00") - eur("1.00")).amount) == "0.00"
    assert format_money(eur("-0.004"), "en_US") == "€0.00"
    assert format_money(eur("-0.004"), "de_DE") == "0,00\u00a0€"


def test_money_pickles() -> None:
    assert pickle.loads(pickle.dumps(eur("19.99"))) == eur("19.99")


# -- minor units and rounding -------------------------------------------------


@pytest.mark.parametrize(
    ("code", "places"),
    [
        ("EUR", 2),
        ("USD", 2),
        ("JPY", 0),
        ("CLP", 0),
        ("KWD", 3),
        ("BHD", 3),
        ("IQD", 3),
    ],
)
def test_minor_units_are_the_iso_4217_exponents(code: str, places: int) -> None:
    assert minor_units(code) == places


@pytest.mark.parametrize(
    ("units", "code", "expected"),
    [
        (5997, "EUR", "59.97"),
        (0, "EUR", "0.00"),
        (-2, "CHF", "-0.02"),
        (5997, "JPY", "5997"),
        (5997, "KWD", "5.997"),
    ],
)
def test_from_minor_units_places_the_point_by_the_currency(
    units: int, code: str, expected: str
) -> None:
    made = from_minor_units(units, code)

    assert made == money(expected, code)
    assert str(made.amount) == expected
    assert isinstance(made, Money)


@pytest.mark.parametrize("units", [1.5, "12", True, Decimal(12)])
def test_from_minor_units_takes_ints_only(units: object) -> None:
    with pytest.raises(ValidationError, match="minor units are an int"):
        from_minor_units(units, "EUR")  # type: ignore[arg-type]


def test_from_minor_units_refuses_an_unknown_currency() -> None:
    with pytest.raises(ValidationError):
        from_minor_units(1, "XYZ")


@pytest.mark.parametrize(
    ("amount", "code", "rounding", "expected"),
    [
        ("2.345", "EUR", Rounding.HALF_UP, "2.35"),
        ("2.345", "EUR", Rounding.HALF_EVEN, "2.34"),
        ("2.355", "EUR", Rounding.HALF_EVEN, "2.36"),
        ("2.345", "EUR", Rounding.HALF_DOWN, "2.34"),
        ("2.341", "EUR", Rounding.UP, "2.35"),
        ("2.349", "EUR", Rounding.DOWN, "2.34"),
        ("-2.345", "EUR", Rounding.HALF_UP, "-2.35"),
        ("-2.341", "EUR", Rounding.CEILING, "-2.34"),
        ("-2.341", "EUR", Rounding.FLOOR, "-2.35"),
        ("0.4465", "EUR", Rounding.HALF_UP, "0.45"),
        ("1234.5", "JPY", Rounding.HALF_UP, "1235"),
        ("1234.5", "JPY", Rounding.HALF_EVEN, "1234"),
        ("1.2345", "KWD", Rounding.HALF_UP, "1.235"),
        ("7", "KWD", Rounding.HALF_UP, "7.000"),
    ],
)
def test_quantize_rounds_to_the_minor_unit(
    amount: str, code: str, rounding: Rounding, expected: str
) -> None:
    result = quantize(money(amount, code), rounding)
    assert str(result.amount) == expected  # the exponent matters, not only the value


def test_quantize_refuses_an_unknown_rounding_mode() -> None:
    with pytest.raises(ValidationError, match="rounding must be a Rounding"):
        quantize(eur("1.005"), "bogus")  # type: ignore[arg-type]
    assert quantize(eur("1.005"), "ROUND_DOWN") == eur("1.00")  # type: ignore[arg-type]


def test_round_refuses_a_non_int() -> None:
    with pytest.raises(ValidationError, match="ndigits must be an int"):
        eur("1.005").round(1.5)  # type: ignore[arg-type]


def test_quantize_rounds_half_up_by_default() -> None:
    assert quantize(eur("0.125")) == eur("0.13")


def test_quantize_rounds_long_amounts_exactly_whatever_the_context() -> None:
    # 28 digits before the point: beyond the default context's precision.
    with decimal.localcontext(prec=5, rounding=decimal.ROUND_DOWN):
        assert str(quantize(eur("1" * 28 + ".505")).amount) == "1" * 28 + ".51"
        assert str(quantize(money("2.5", "JPY")).amount) == "3"


@given(cks.money(), st.sampled_from(list(Rounding)))
def test_quantizing_twice_changes_nothing(value: Money, rounding: Rounding) -> None:
    """Rounding an already rounded amount leaves it as it is (idempotence)."""
    once = quantize(value * Decimal("1.0375"), rounding)
    assert quantize(once, rounding) == once
    assert once.amount.as_tuple().exponent == -minor_units(once.currency)


# -- allocate and split ----------------------------------------------------------


def test_one_euro_over_three_equal_weights() -> None:
    assert allocate(eur("1.00"), [1, 1, 1]) == [eur("0.34"), eur("0.33"), eur("0.33")]


def test_minus_five_cents_over_three_equal_weights_mirrors_the_positive() -> None:
    # 5 cents: 1 each, remainders tie, the first two take the 2 leftover cents.
    assert allocate(eur("-0.05"), [1, 1, 1]) == [
        eur("-0.02"),
        eur("-0.02"),
        eur("-0.01"),
    ]


def test_allocate_by_uneven_weights_hand_computed() -> None:
    # 10.00 over 25.00 / 12.50 / 2.50 (sum 40): exact 6.25, 3.125, 0.625.
    # Floors 6.25, 3.12, 0.62 leave 1 cent; 3.125 and 0.625 tie, the earlier wins.
    parts = allocate(eur("10.00"), [Decimal("25.00"), Decimal("12.50"), "2.50"])
    assert parts == [eur("6.25"), eur("3.13"), eur("0.62")]


def test_allocate_in_currencies_without_and_with_three_places() -> None:
    assert allocate(money("100", "JPY"), [1, 1, 1]) == [
        money("34", "JPY"),
        money("33", "JPY"),
        money("33", "JPY"),
    ]
    assert allocate(money("1.000", "KWD"), [2, 1]) == [
        money("0.667", "KWD"),
        money("0.333", "KWD"),
    ]


def test_a_zero_weight_gets_nothing() -> None:
    assert allocate(eur("1.00"), [0, 1, 0]) == [eur("0"), eur("1.00"), eur("0")]


def test_allocate_takes_any_iterable_and_money_weights() -> None:
    lines = (eur("25.00"), eur("12.50"), eur("2.50"))
    assert allocate(eur("10.00"), (line for line in lines)) == [
        eur("6.25"),
        eur("3.13"),
        eur("0.62"),
    ]


def test_nothing_splits_over_free_lines_into_zeros() -> None:
    assert allocate(eur("0.00"), [0, 0]) == [eur("0.00"), eur("0.00")]
    assert str(allocate(eur("0"), [0])[0].amount) == "0.00"
    with pytest.raises(ValidationError, match="add up to zero"):
        allocate(eur("0.01"), [0, 0])


def test_split_ten_euros_three_ways() -> None:
    assert split_evenly(eur("10.00"), 3) == [eur("3.34"), eur("3.33"), eur("3.33")]
    assert split_evenly(eur("10.00"), 1) == [eur("10.00")]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([], "at least one weight"),
        ([1, -1], "must not be negative"),
        ([0, 0], "add up to zero"),
        ([1, 0.5], "float"),
        ([1, "x"], "not a decimal number"),
    ],
)
def test_allocate_refuses_bad_weights(weights: list[object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        allocate(eur("1.00"), weights)  # type: ignore[arg-type]


def test_allocate_refuses_a_total_below_the_minor_unit() -> None:
    with pytest.raises(ValidationError, match="quantize it first"):
        allocate(eur("1.005"), [1, 1])


@pytest.mark.parametrize("n", [0, -1, True, "3"])
def test_split_evenly_refuses_a_bad_count(n: object) -> None:
    with pytest.raises(ValidationError, match="positive int"):
        split_evenly(eur("1.00"), n)  # type: ignore[arg-type]


weights_strategy = st.lists(
    st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False), min_size=1
).filter(lambda ws: sum(ws) > 0)


@given(cks.money(), weights_strategy)
@example(eur("-0.05"), [Decimal(1), Decimal(1), Decimal(1)])
def test_allocated_parts_add_up_to_the_whole(
    total: Money, weights: list[Decimal]
) -> None:
    """The parts of a split amount always add up to exactly the amount."""
    parts = allocate(total, weights)
    assert len(parts) == len(weights)
    assert sum_money(parts, total.currency.code) == total


@given(cks.money(), weights_strategy)
def test_each_part_is_within_one_minor_unit_of_its_exact_share(
    total: Money, weights: list[Decimal]
) -> None:
    """No part differs from its exact proportional share by a whole minor unit."""
    unit = Decimal(1).scaleb(-minor_units(total.currency))
    weight_sum = sum(weights)
    for part, weight in zip(allocate(total, weights), weights, strict=True):
        exact = total.amount * weight / weight_sum
        assert abs(part.amount - exact) < unit


def largest_remainder_by_fractions(units: int, weights: list[Decimal]) -> list[int]:
    """An independent reference: exact shares as Fractions, leftovers by remainder."""
    shares = [
        Fraction(units) * Fraction(w) / sum(map(Fraction, weights)) for w in weights
    ]
    floors = [math.floor(share) for share in shares]
    leftovers = units - sum(floors)
    ranked = sorted(range(len(shares)), key=lambda i: (floors[i] - shares[i], i))
    for index in ranked[:leftovers]:
        floors[index] += 1
    return floors


@given(cks.money(min_value=0), weights_strategy)
def test_allocate_hands_leftovers_to_the_largest_remainders(
    total: Money, weights: list[Decimal]
) -> None:
    """Each leftover minor unit goes to the part that lost most to rounding down."""
    places = minor_units(total.currency)
    units = int(total.amount.scaleb(places))
    expected = largest_remainder_by_fractions(units, weights)
    assert [int(part.amount.scaleb(places)) for part in allocate(total, weights)] == (
        expected
    )


@given(cks.money(), weights_strategy)
def test_allocate_is_deterministic_and_negation_mirrors_it(
    total: Money, weights: list[Decimal]
) -> None:
    """The same split twice gives the same parts; a refund splits like the sale."""
    parts = allocate(total, weights)
    assert allocate(total, weights) == parts
    assert allocate(-total, weights) == [-part for part in parts]


@given(cks.money(min_value=0), weights_strategy)
def test_allocate_follows_the_weights_not_their_positions(
    total: Money, weights: list[Decimal]
) -> None:
    """Reordering the weights moves no part by more than one minor unit.

    Only the tie-break (equal remainders go to the earlier position) depends on
    where a weight stands; the test uses distinct weights to pair the parts up.
    """
    distinct = list(dict.fromkeys(weights))
    if sum(distinct) == 0:
        return
    parts = dict(zip(distinct, allocate(total, distinct), strict=True))
    shuffled = list(reversed(distinct))
    for weight, part in zip(shuffled, allocate(total, shuffled), strict=True):
        exact = total.amount * weight / sum(distinct)
        unit = Decimal(1).scaleb(-minor_units(total.currency))
        assert abs(part.amount - parts[weight].amount) <= unit
        assert abs(part.amount - exact) < unit


@given(st.floats(allow_nan=False))
def test_every_float_amount_is_refused(value: float) -> None:
    """A float never becomes money, whatever its value."""
    with pytest.raises(ValidationError, match="float"):
        to_decimal(value)
    with pytest.raises(ValidationError, match="float"):
        money(value, "EUR")  # type: ignore[arg-type]


# -- sums and formatting ---------------------------------------------------------


def test_sum_money_of_nothing_is_zero_money() -> None:
    total = sum_money([], "EUR")
    assert isinstance(total, Money)
    assert total == zero("EUR")
    assert sum([]) == 0  # the builtin's trap, which sum_money avoids


def test_sum_money_accepts_plain_moneyed_amounts_and_refuses_other_currencies() -> None:
    assert sum_money([moneyed.Money("1.50", "EUR"), eur("1")], "EUR") == eur("2.50")
    with pytest.raises(CurrencyMismatchError):
        sum_money([eur("1"), money("1", "USD")], "EUR")
    with pytest.raises(ValidationError, match="expected Money"):
        sum_money([Decimal(1)], "EUR")  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (eur("1234.5"), "de_DE", "1.234,50\u00a0€"),
        (eur("1234.5"), "en_US", "€1,234.50"),
        (eur("-0.005"), "en_US", "-€0.01"),
        (money("1234", "JPY"), "en_US", "¥1,234"),
        (money("1500.125", "IQD"), "en_US", "IQD1,500.125"),
        (money("2.3456", "KWD"), "en_US", "KWD2.346"),
    ],
)
def test_format_money_uses_iso_minor_units_and_the_locale(
    value: Money, locale: str, expected: str
) -> None:
    assert format_money(value, locale) == expected


def test_format_money_rounds_with_commercekit_before_babel() -> None:
    assert format_money(eur("0.125"), "en_US") == "€0.13"
    assert format_money(eur("0.125"), "en_US", Rounding.HALF_EVEN) == "€0.12"


def test_format_money_ignores_the_thread_decimal_context() -> None:
    with decimal.localcontext(prec=4, rounding=decimal.ROUND_DOWN):
        assert format_money(eur("1234.565"), "en_US") == "€1,234.57"
        assert format_money(money("1e26", "EUR"), "en_US") == (
            "€100,000,000,000,000,000,000,000,000.00"
        )


def test_format_money_refuses_an_unknown_locale() -> None:
    with pytest.raises(ValidationError, match="unknown locale"):
        format_money(eur("1"), "xx_YY")


def test_as_money_turns_py_moneyed_amounts_into_strict_money() -> None:
    loose = moneyed.Money("9.99", "EUR")

    strict = as_money(loose)

    assert type(strict) is Money
    assert strict == money("9.99", "EUR")
    with pytest.raises(ValidationError) as caught:
        as_money("9.99", field="price")
    assert caught.value.field == "price"
