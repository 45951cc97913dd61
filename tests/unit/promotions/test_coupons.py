"""Coupon codes, their generation, the Coupon aggregate and its error."""

from __future__ import annotations

import copy
import itertools
import pickle
import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from commercekit.errors import BusinessRuleError, CommerceError, ValidationError
from commercekit.promotions import (
    COUPON_RULES,
    SAFE_ALPHABET,
    Coupon,
    CouponRedemption,
    CouponUnavailableError,
    generate_codes,
    normalize_code,
)

JUNE = datetime(2026, 6, 1, tzinfo=UTC)
SEPTEMBER = datetime(2026, 9, 1, tzinfo=UTC)
CONFUSABLE = set("0O1IL")


def seeded(seed: int) -> random.Random:
    """A repeatable source of randomness, for tests only."""
    return random.Random(seed)  # noqa: S311


def coupon(**fields: Any) -> Coupon:
    terms: dict[str, Any] = {"code": "SUMMER-2026", "promotion_id": "summer-sale"}
    terms.update(fields)
    return Coupon(**terms)


# -- normalize_code ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("SUMMER-2026", "SUMMER-2026"),
        ("  summer-2026 ", "SUMMER-2026"),
        ("\tSummer-2026\n", "SUMMER-2026"),
        ("straße", "STRASSE"),
        ("welcome10", "WELCOME10"),
        ("é-10", "É-10"),
    ],
)
def test_a_code_loses_surrounding_space_and_case(typed: str, normal: str) -> None:
    assert normalize_code(typed) == normal
    assert normalize_code(normal) == normal


def test_confusable_letters_become_digits_on_request_only() -> None:
    assert normalize_code("SUMMER-2O26", confusables=True) == "SUMMER-2026"
    assert normalize_code("summer-2o26", confusables=True) == "SUMMER-2026"
    assert normalize_code("hello", confusables=True) == "HE110"
    assert normalize_code("Ii-Ll-Oo", confusables=True) == "11-11-00"
    assert normalize_code("SUMMER-2O26") == "SUMMER-2O26"
    assert normalize_code("HE110", confusables=True) == "HE110"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "\n",
        "summer 2026",
        "summer\t2026",
        "sum\x00mer",
        "a\x07b",
        "a\u00a0b",
    ],
)
def test_empty_codes_and_codes_with_whitespace_or_control_characters_are_refused(
    bad: str,
) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_code(bad)
    assert info.value.field == "code"


@pytest.mark.parametrize("bad", [None, 2026, b"SUMMER"])
def test_a_code_must_be_text(bad: object) -> None:
    with pytest.raises(ValidationError, match="text") as info:
        normalize_code(bad)  # type: ignore[arg-type]
    assert info.value.field == "code"


# -- the safe alphabet -----------------------------------------------------


def test_the_safe_alphabet_is_capitals_and_digits_without_confusables() -> None:
    assert set(SAFE_ALPHABET).isdisjoint(CONFUSABLE)
    letters_and_digits = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    assert set(SAFE_ALPHABET) == letters_and_digits - CONFUSABLE
    assert len(SAFE_ALPHABET) == len(set(SAFE_ALPHABET)) == 31


# -- generate_codes ----------------------------------------------------------


def test_ten_thousand_codes_are_all_different_and_safe() -> None:
    codes = generate_codes(10_000)
    assert len(codes) == len(set(codes)) == 10_000
    for code in codes:
        assert len(code) == 10
        assert set(code) <= set(SAFE_ALPHABET)
        assert normalize_code(code) == code
        assert normalize_code(code, confusables=True) == code


def test_the_prefix_is_normalized_and_leads_every_code() -> None:
    codes = generate_codes(50, length=6, prefix=" summer-", rng=seeded(1))
    assert all(code.startswith("SUMMER-") for code in codes)
    assert {len(code) for code in codes} == {13}
    assert all(set(code[7:]) <= set(SAFE_ALPHABET) for code in codes)
    with pytest.raises(ValidationError) as info:
        generate_codes(1, prefix="summer sale")
    assert info.value.field == "code"


def test_a_seeded_rng_repeats_the_codes() -> None:
    first = generate_codes(100, rng=seeded(2026))
    assert generate_codes(100, rng=seeded(2026)) == first
    assert generate_codes(100, rng=seeded(2027)) != first
    assert generate_codes(3, length=6, prefix="summer-", rng=seeded(7)) == [
        "SUMMER-E6HRXD",
        "SUMMER-7PDZDR",
        "SUMMER-GU3F4G",
    ]


def test_without_an_rng_the_codes_differ_from_call_to_call() -> None:
    assert generate_codes(5) != generate_codes(5)


def test_every_possible_code_can_be_drawn_and_no_more() -> None:
    everything = {"".join(chars) for chars in itertools.product("AB", repeat=3)}
    codes = generate_codes(8, length=3, alphabet="AB", rng=seeded(3))
    assert len(codes) == 8
    assert set(codes) == everything
    with pytest.raises(ValidationError, match="cannot draw 9 codes") as info:
        generate_codes(9, length=3, alphabet="AB")
    assert info.value.field == "count"


def test_existing_codes_are_never_drawn_and_count_against_the_possible_ones() -> None:
    everything = ["".join(chars) for chars in itertools.product("AB", repeat=3)]
    taken = [code.lower() for code in everything[:6]]  # compared normalized
    for seed in range(20):
        codes = generate_codes(
            2, length=3, alphabet="AB", existing=taken, rng=seeded(seed)
        )
        assert sorted(codes) == everything[6:]
    with pytest.raises(ValidationError, match="6 of them taken"):
        generate_codes(3, length=3, alphabet="AB", existing=taken)
    # Codes of another form take nothing from this one.
    other_form = ["AB", "ABAB", "X-ABA", "SALE"]
    assert len(generate_codes(8, length=3, alphabet="AB", existing=other_form)) == 8


def test_existing_codes_with_the_prefix_are_avoided_when_codes_are_plenty() -> None:
    rng = seeded(11)
    first = generate_codes(200, length=3, prefix="X-", alphabet="ABCDEFGHJK", rng=rng)
    second = generate_codes(
        100, length=3, prefix="x-", alphabet="ABCDEFGHJK", existing=first, rng=rng
    )
    assert len(set(first) | set(second)) == 300
    assert len(second) == 100


def test_zero_codes_is_an_empty_list() -> None:
    assert generate_codes(0) == []
    assert generate_codes(0, length=1, alphabet="AB", existing=["A", "B"]) == []


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"count": -1}, "count"),
        ({"count": True}, "count"),
        ({"count": 2.0}, "count"),
        ({"count": 1, "length": 0}, "length"),
        ({"count": 1, "alphabet": "A"}, "alphabet"),
        ({"count": 1, "alphabet": "ABA"}, "alphabet"),
        ({"count": 1, "alphabet": "abc"}, "alphabet"),
        ({"count": 1, "alphabet": "AB C"}, "alphabet"),
        ({"count": 1, "alphabet": "AB\x00"}, "alphabet"),
        ({"count": 1, "existing": "ABC"}, "existing"),
        ({"count": 1, "existing": ["bad code"]}, "code"),
    ],
)
def test_bad_arguments_are_refused(arguments: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        generate_codes(**arguments)
    assert info.value.field == field


# -- Coupon ----------------------------------------------------------------


def test_a_coupon_normalizes_its_code_and_keeps_its_terms() -> None:
    summer = timezone(timedelta(hours=2))
    made = coupon(
        code=" summer-2026 ",
        valid_from=datetime(2026, 6, 1, 2, tzinfo=summer),
        valid_until=SEPTEMBER,
        usage_limit=500,
        per_customer_limit=1,
    )
    assert made.code == "SUMMER-2026"
    assert made.valid_from == JUNE
    assert made.valid_from is not None
    assert made.valid_from.tzinfo is UTC
    assert (made.usage_limit, made.per_customer_limit, made.version) == (500, 1, 0)
    assert made.pull_events() == []


def test_a_coupon_has_no_window_and_no_limits_by_default() -> None:
    made = coupon()
    assert (made.valid_from, made.valid_until) == (None, None)
    assert (made.usage_limit, made.per_customer_limit) == (None, None)
    made.check_usable(datetime(1999, 1, 1, tzinfo=UTC))
    made.check_usable(datetime(2999, 1, 1, tzinfo=UTC))


def test_the_code_of_a_coupon_cannot_change() -> None:
    made = coupon()
    with pytest.raises(ValidationError, match="cannot change") as info:
        made.code = "WINTER-2026"
    assert info.value.field == "code"
    assert made.code == "SUMMER-2026"


def test_the_window_must_end_after_it_starts() -> None:
    with pytest.raises(ValidationError) as info:
        coupon(valid_from=SEPTEMBER, valid_until=JUNE)
    assert info.value.field == "valid_until"
    with pytest.raises(ValidationError):
        coupon(valid_from=JUNE, valid_until=JUNE)
    made = coupon(valid_from=JUNE, valid_until=SEPTEMBER)
    with pytest.raises(ValidationError) as info:
        made.valid_from = SEPTEMBER
    assert info.value.field == "valid_from"
    with pytest.raises(ValidationError) as info:
        made.valid_until = JUNE - timedelta(days=1)
    assert info.value.field == "valid_until"
    assert (made.valid_from, made.valid_until) == (JUNE, SEPTEMBER)
    made.valid_from = None
    made.valid_until = JUNE - timedelta(days=1)
    assert made.valid_until == datetime(2026, 5, 31, tzinfo=UTC)


def test_instants_must_be_aware() -> None:
    naive = datetime(2026, 6, 1)  # noqa: DTZ001
    with pytest.raises(ValidationError) as info:
        coupon(valid_from=naive)
    assert info.value.field == "valid_from"
    with pytest.raises(ValidationError) as info:
        coupon(valid_until=naive)
    assert info.value.field == "valid_until"
    with pytest.raises(ValidationError) as info:
        coupon().check_usable(naive)
    assert info.value.field == "at"


@pytest.mark.parametrize("field", ["usage_limit", "per_customer_limit"])
@pytest.mark.parametrize("bad", [-1, True, 1.0, "3"])
def test_limits_are_whole_numbers_of_zero_or_more(field: str, bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        coupon(**{field: bad})
    assert info.value.field == field
    made = coupon(**{field: 0})
    assert getattr(made, field) == 0
    with pytest.raises(ValidationError):
        setattr(made, field, bad)


@pytest.mark.parametrize("bad", ["", "   ", "a\x00b", None, 7])
def test_a_coupon_needs_a_promotion_id(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        coupon(promotion_id=bad)
    assert info.value.field == "promotion_id"


def test_check_usable_follows_the_window_with_until_exclusive() -> None:
    made = coupon(valid_from=JUNE, valid_until=SEPTEMBER)
    tick = timedelta(microseconds=1)
    made.check_usable(JUNE)
    made.check_usable(SEPTEMBER - tick)
    made.check_usable(datetime(2026, 9, 1, 1, 59, tzinfo=timezone(timedelta(hours=2))))
    with pytest.raises(CouponUnavailableError) as early:
        made.check_usable(JUNE - tick)
    with pytest.raises(CouponUnavailableError) as late:
        made.check_usable(SEPTEMBER)
    assert (early.value.rule, early.value.coupon) == (
        "coupon_not_yet_valid",
        "SUMMER-2026",
    )
    assert (late.value.rule, late.value.coupon) == ("coupon_expired", "SUMMER-2026")


def test_a_copy_of_a_coupon_is_equal_and_independent() -> None:
    made = coupon(usage_limit=3)
    twin = copy.deepcopy(made)
    assert twin == made
    twin.usage_limit = 4
    assert made.usage_limit == 3


# -- CouponRedemption ------------------------------------------------------


def test_a_redemption_normalizes_its_code_and_time() -> None:
    summer = timezone(timedelta(hours=2))
    redemption = CouponRedemption(
        code=" summer-2026",
        order_id="order-1",
        customer="anna@example.com",
        redeemed_at=datetime(2026, 6, 1, 11, tzinfo=summer),
    )
    assert redemption.code == "SUMMER-2026"
    assert redemption.redeemed_at == datetime(2026, 6, 1, 9, tzinfo=UTC)
    assert redemption.redeemed_at.tzinfo is UTC
    with pytest.raises(AttributeError):
        redemption.order_id = "order-2"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"order_id": ""}, "order_id"),
        ({"order_id": "o\x00"}, "order_id"),
        ({"customer": " "}, "customer"),
        ({"customer": None}, "customer"),
        ({"code": "two words"}, "code"),
        ({"redeemed_at": datetime(2026, 6, 1)}, "redeemed_at"),  # noqa: DTZ001
    ],
)
def test_a_redemption_refuses_bad_fields(fields: dict[str, Any], field: str) -> None:
    terms: dict[str, Any] = {
        "code": "SUMMER-2026",
        "order_id": "order-1",
        "customer": "cust-1",
        "redeemed_at": JUNE,
    }
    terms.update(fields)
    with pytest.raises(ValidationError) as info:
        CouponRedemption(**terms)
    assert info.value.field == field


# -- CouponUnavailableError ------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("coupon_not_yet_valid", "not valid yet"),
        ("coupon_expired", "has expired"),
        ("coupon_used_up", "used up"),
        ("coupon_customer_limit", "one customer"),
    ],
)
def test_the_error_names_the_coupon_and_the_rule_and_survives_pickle(
    rule: str, words: str
) -> None:
    error = CouponUnavailableError(coupon="SUMMER-2026", rule=rule)
    assert isinstance(error, BusinessRuleError)
    assert isinstance(error, CommerceError)
    assert error.code == "coupon_unavailable"
    assert "'SUMMER-2026'" in str(error)
    assert words in str(error)
    restored = pickle.loads(pickle.dumps(error))
    assert type(restored) is CouponUnavailableError
    assert (restored.coupon, restored.rule, str(restored)) == (
        "SUMMER-2026",
        rule,
        str(error),
    )


def test_the_rules_are_the_four_documented_ones() -> None:
    assert {
        "coupon_not_yet_valid",
        "coupon_expired",
        "coupon_used_up",
        "coupon_customer_limit",
    } == COUPON_RULES


def test_a_given_message_is_kept_and_survives_pickle() -> None:
    error = CouponUnavailableError(
        "Dieser Gutschein ist abgelaufen", coupon="X", rule="coupon_expired"
    )
    restored = pickle.loads(pickle.dumps(error))
    assert str(restored) == "Dieser Gutschein ist abgelaufen"
    assert restored.rule == "coupon_expired"


def test_an_unknown_rule_still_gets_a_message() -> None:
    error = CouponUnavailableError(coupon="X", rule="coupon_paused")
    assert str(error) == "coupon 'X' cannot be used: refused by 'coupon_paused'"
