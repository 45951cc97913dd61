"""The cart aggregate: lines, limits, coupons, expiry, merge and line items."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from commercekit.cart import (
    Cart,
    CartLimitError,
    CartLine,
    CartLineNotFoundError,
    CartSettings,
    MergedLine,
    MergeOutcome,
    cart_id,
)
from commercekit.errors import (
    BusinessRuleError,
    CurrencyMismatchError,
    DuplicateError,
    NotFoundError,
    ValidationError,
)
from commercekit.money import money
from commercekit.pricing import LineItem, PriceNotFoundError
from commercekit.values import Sku

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
T1 = T0 + timedelta(minutes=5)
SETTINGS = CartSettings()
SMALL = CartSettings(max_quantity_per_line=5, max_lines=2)


def _cart(cart: str = "c-1", currency: str = "EUR", **fields: Any) -> Cart:
    return Cart(
        cart_id=cart, currency=currency, locale="de_DE", updated_at=T0, **fields
    )


def _quantities(cart: Cart) -> dict[str, int]:
    return {line.key: line.quantity for line in cart.lines}


# -- values --------------------------------------------------------------------


def test_settings_defaults() -> None:
    assert SETTINGS.max_quantity_per_line == 99
    assert SETTINGS.max_lines == 100
    assert SETTINGS.expires_after == timedelta(days=30)


@pytest.mark.parametrize(
    "fields",
    [{"max_quantity_per_line": 0}, {"max_lines": True}, {"expires_after": 30}],
)
def test_settings_refuse_bad_limits(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        CartSettings(**fields)  # type: ignore[arg-type]


def test_cart_id_is_checked() -> None:
    assert cart_id("c-1") == "c-1"
    with pytest.raises(ValidationError):
        cart_id(" c-1")


def test_a_catalog_line_is_keyed_by_its_sku() -> None:
    with pytest.raises(ValidationError, match="key must be its SKU"):
        CartLine(key="other", sku="SKU-A", quantity=1, added_at=T0)


def test_a_custom_line_needs_a_name_and_a_price() -> None:
    with pytest.raises(ValidationError, match="needs a name and a unit price"):
        CartLine(key="WRAP", sku="WRAP", quantity=1, added_at=T0, custom=True)


def test_a_cart_refuses_two_lines_with_one_key() -> None:
    line = CartLine(key="SKU-A", sku="SKU-A", quantity=1, added_at=T0)
    with pytest.raises(ValidationError, match="two lines"):
        _cart(lines=[line, line])


def test_a_cart_refuses_a_line_price_in_another_currency() -> None:
    line = CartLine(
        key="SKU-A",
        sku="SKU-A",
        quantity=1,
        added_at=T0,
        unit_price_seen=money("5.00", "USD"),
    )
    with pytest.raises(CurrencyMismatchError):
        _cart(lines=[line])


def test_coupon_codes_are_normalized_and_unique() -> None:
    assert _cart(coupon_codes=["summer", " SUMMER ", "x1"]).coupon_codes == (
        "SUMMER",
        "X1",
    )


def test_an_unknown_locale_is_refused_and_a_known_one_normalized() -> None:
    assert _cart().locale == "de_DE"
    assert Cart(cart_id="c", currency="EUR", locale="de-AT", updated_at=T0).locale == (
        "de_AT"
    )
    with pytest.raises(ValidationError, match="locale"):
        Cart(cart_id="c", currency="EUR", locale="xx_YY", updated_at=T0)


def test_a_naive_updated_at_is_refused() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        Cart(
            cart_id="c",
            currency="EUR",
            locale="de",
            updated_at=datetime(2026, 6, 1),  # noqa: DTZ001 - the point of the test
        )


def test_the_guest_email_is_checked_and_kept_out_of_repr() -> None:
    cart = _cart(guest_email="ada@example.com")
    assert "ada@example.com" not in repr(cart)
    with pytest.raises(ValidationError, match="e-mail"):
        _cart(guest_email="not an address")


# -- guarded fields ------------------------------------------------------------


@pytest.mark.parametrize("field", ["cart_id", "currency", "locale"])
def test_identity_fields_never_change(field: str) -> None:
    cart = _cart()
    with pytest.raises(ValidationError, match="cannot change"):
        setattr(cart, field, "USD")


@pytest.mark.parametrize(
    ("field", "method"),
    [
        ("lines", "add"),
        ("coupon_codes", "apply_coupon"),
        ("customer_id", "assign_customer"),
        ("guest_email", "set_guest_email"),
        ("shipping_method", "choose_shipping_method"),
        ("payment_method", "choose_payment_method"),
        ("updated_at", "method"),
    ],
)
def test_other_fields_change_through_methods_only(field: str, method: str) -> None:
    cart = _cart()
    with pytest.raises(ValidationError, match=method):
        setattr(cart, field, None)


def test_the_version_may_be_set_but_is_checked() -> None:
    cart = _cart()
    cart.version = 3
    assert cart.version == 3
    with pytest.raises(ValidationError):
        cart.version = -1


# -- add -----------------------------------------------------------------------


def test_add_makes_a_line_and_touches_the_cart() -> None:
    cart = _cart()
    cart.add("SKU-A", 2, at=T1, settings=SETTINGS, unit_price_seen=money("9.90", "EUR"))
    (line,) = cart.lines
    assert (line.key, line.sku, line.quantity, line.added_at) == (
        "SKU-A",
        "SKU-A",
        2,
        T1,
    )
    assert line.unit_price_seen == money("9.90", "EUR")
    assert line.tax_category == "standard"
    assert not line.custom
    assert cart.updated_at == T1


def test_adding_the_same_sku_again_merges_into_its_line() -> None:
    cart = _cart()
    cart.add("SKU-A", 2, at=T0, settings=SETTINGS, unit_price_seen=money("9.90", "EUR"))
    cart.add("SKU-A", 3, at=T1, settings=SETTINGS, unit_price_seen=money("8.90", "EUR"))
    (line,) = cart.lines
    assert line.quantity == 5
    assert line.added_at == T0  # first added
    assert line.unit_price_seen == money("8.90", "EUR")  # the price seen last


def test_adding_without_a_price_keeps_the_one_seen_before() -> None:
    cart = _cart()
    cart.add("SKU-A", 1, at=T0, settings=SETTINGS, unit_price_seen=money("9.90", "EUR"))
    cart.add("SKU-A", 1, at=T1, settings=SETTINGS)
    assert cart.lines[0].unit_price_seen == money("9.90", "EUR")


@pytest.mark.parametrize("quantity", [0, -1, True, 1.0])
def test_add_refuses_a_quantity_that_is_not_a_positive_int(quantity: object) -> None:
    with pytest.raises(ValidationError, match="quantity"):
        _cart().add("SKU-A", quantity, at=T0, settings=SETTINGS)  # type: ignore[arg-type]


def test_add_refuses_a_malformed_sku() -> None:
    with pytest.raises(ValidationError, match="SKU"):
        _cart().add("no spaces", 1, at=T0, settings=SETTINGS)


def test_add_refuses_a_price_in_another_currency() -> None:
    cart = _cart()
    with pytest.raises(CurrencyMismatchError):
        cart.add(
            "SKU-A", 1, at=T1, settings=SETTINGS, unit_price_seen=money("1", "USD")
        )
    assert cart.lines == ()
    assert cart.updated_at == T0


def test_add_refuses_a_line_past_the_per_line_maximum_and_changes_nothing() -> None:
    cart = _cart()
    cart.add("SKU-A", 4, at=T0, settings=SMALL)
    with pytest.raises(CartLimitError) as caught:
        cart.add("SKU-A", 2, at=T1, settings=SMALL)
    error = caught.value
    assert isinstance(error, BusinessRuleError)
    assert (error.limit, error.maximum, error.requested, error.key) == (
        "max_quantity_per_line",
        5,
        6,
        "SKU-A",
    )
    assert error.rule == "max_quantity_per_line"
    assert "max_quantity_per_line" in str(error)
    assert _quantities(cart) == {"SKU-A": 4}
    assert cart.updated_at == T0


def test_a_new_line_past_the_per_line_maximum_is_refused() -> None:
    with pytest.raises(CartLimitError, match="6, more than the 5"):
        _cart().add("SKU-A", 6, at=T0, settings=SMALL)


def test_add_refuses_a_line_past_the_line_maximum() -> None:
    cart = _cart()
    cart.add("SKU-A", 1, at=T0, settings=SMALL)
    cart.add("SKU-B", 1, at=T0, settings=SMALL)
    with pytest.raises(CartLimitError) as caught:
        cart.add("SKU-C", 1, at=T0, settings=SMALL)
    assert (caught.value.limit, caught.value.maximum, caught.value.requested) == (
        "max_lines",
        2,
        3,
    )
    assert "max_lines" in str(caught.value)
    cart.add("SKU-A", 1, at=T0, settings=SMALL)  # a full cart still merges
    assert _quantities(cart) == {"SKU-A": 2, "SKU-B": 1}


def test_add_refuses_a_sku_that_is_a_custom_lines_key() -> None:
    cart = _cart()
    cart.add_custom(
        "WRAP",
        "Gift wrap",
        money("2.50", "EUR"),
        tax_category="standard",
        at=T0,
        settings=SETTINGS,
    )
    with pytest.raises(DuplicateError):
        cart.add("WRAP", 1, at=T0, settings=SETTINGS)


# -- custom lines --------------------------------------------------------------


def test_add_custom_makes_a_line_with_its_own_price_and_tax_category() -> None:
    cart = _cart()
    cart.add_custom(
        "GIFT-WRAP",
        "Gift wrap",
        money("2.50", "EUR"),
        tax_category="reduced",
        at=T1,
        settings=SETTINGS,
    )
    (line,) = cart.lines
    assert line.custom
    assert (line.key, line.name, line.quantity, line.tax_category) == (
        "GIFT-WRAP",
        "Gift wrap",
        1,
        "reduced",
    )
    assert line.unit_price_seen == money("2.50", "EUR")
    assert cart.updated_at == T1


def test_add_custom_refuses_a_key_in_use() -> None:
    cart = _cart()
    cart.add("SKU-A", 1, at=T0, settings=SETTINGS)
    with pytest.raises(DuplicateError):
        cart.add_custom(
            "SKU-A",
            "Other",
            money("1", "EUR"),
            tax_category="standard",
            at=T0,
            settings=SETTINGS,
        )


def test_add_custom_refuses_a_price_in_another_currency() -> None:
    with pytest.raises(CurrencyMismatchError):
        _cart().add_custom(
            "WRAP",
            "Gift wrap",
            money("1", "USD"),
            tax_category="standard",
            at=T0,
            settings=SETTINGS,
        )


def test_add_custom_refuses_a_negative_price() -> None:
    with pytest.raises(ValidationError, match="negative"):
        _cart().add_custom(
            "WRAP",
            "Gift wrap",
            money("-1", "EUR"),
            tax_category="standard",
            at=T0,
            settings=SETTINGS,
        )


def test_add_custom_respects_the_limits() -> None:
    cart = _cart()
    with pytest.raises(CartLimitError, match="max_quantity_per_line"):
        cart.add_custom(
            "WRAP",
            "Gift wrap",
            money("1", "EUR"),
            tax_category="standard",
            at=T0,
            settings=SMALL,
            quantity=6,
        )
    cart.add("SKU-A", 1, at=T0, settings=SMALL)
    cart.add("SKU-B", 1, at=T0, settings=SMALL)
    with pytest.raises(CartLimitError, match="max_lines"):
        cart.add_custom(
            "WRAP",
            "Gift wrap",
            money("1", "EUR"),
            tax_category="standard",
            at=T0,
            settings=SMALL,
        )


# -- change_quantity, remove, clear ---------------------------------------------


def test_change_quantity_sets_the_quantity() -> None:
    cart = _cart()
    cart.add("SKU-A", 2, at=T0, settings=SETTINGS)
    cart.change_quantity("SKU-A", 7, at=T1, settings=SETTINGS)
    assert _quantities(cart) == {"SKU-A": 7}
    assert cart.updated_at == T1


def test_change_quantity_to_zero_is_refused_with_a_pointer_to_remove() -> None:
    cart = _cart()
    cart.add("SKU-A", 2, at=T0, settings=SETTINGS)
    with pytest.raises(ValidationError, match=r"use remove\('SKU-A'\)"):
        cart.change_quantity("SKU-A", 0, at=T1, settings=SETTINGS)
    assert _quantities(cart) == {"SKU-A": 2}


def test_change_quantity_refuses_more_than_the_per_line_maximum() -> None:
    cart = _cart()
    cart.add("SKU-A", 2, at=T0, settings=SMALL)
    with pytest.raises(CartLimitError, match="max_quantity_per_line"):
        cart.change_quantity("SKU-A", 6, at=T1, settings=SMALL)
    assert _quantities(cart) == {"SKU-A": 2}


def test_change_quantity_of_an_unknown_line_is_not_found() -> None:
    with pytest.raises(CartLineNotFoundError) as caught:
        _cart().change_quantity("SKU-A", 1, at=T0, settings=SETTINGS)
    assert isinstance(caught.value, NotFoundError)
    assert (caught.value.key, caught.value.cart_id) == ("SKU-A", "c-1")
    assert str(caught.value) == "cart c-1 has no line 'SKU-A'"


def test_remove_drops_the_line() -> None:
    cart = _cart()
    cart.add("SKU-A", 1, at=T0, settings=SETTINGS)
    cart.add("SKU-B", 1, at=T0, settings=SETTINGS)
    cart.remove("SKU-A", at=T1)
    assert _quantities(cart) == {"SKU-B": 1}
    assert cart.updated_at == T1


def test_remove_an_unknown_line_is_not_found() -> None:
    with pytest.raises(CartLineNotFoundError):
        _cart().remove("SKU-A", at=T0)


def test_clear_removes_the_lines_and_keeps_coupons_and_choices() -> None:
    cart = _cart(coupon_codes=["SUMMER"], shipping_method="dhl")
    cart.add("SKU-A", 1, at=T0, settings=SETTINGS)
    cart.clear(at=T1)
    assert cart.lines == ()
    assert (cart.coupon_codes, cart.shipping_method) == (("SUMMER",), "dhl")
    assert cart.updated_at == T1


def test_updated_at_never_moves_back() -> None:
    cart = _cart()
    cart.add("SKU-A", 1, at=T0 - timedelta(hours=1), settings=SETTINGS)
    assert cart.updated_at == T0


# -- coupons, customer and methods ---------------------------------------------


def test_apply_coupon_normalizes_and_applies_once() -> None:
    cart = _cart()
    assert cart.apply_coupon(" summer-26 ", at=T1) == "SUMMER-26"
    cart.apply_coupon("SUMMER-26", at=T1)
    assert cart.coupon_codes == ("SUMMER-26",)
    assert cart.updated_at == T1


def test_apply_coupon_refuses_a_malformed_code() -> None:
    with pytest.raises(ValidationError):
        _cart().apply_coupon("two words", at=T0)


def test_remove_coupon_removes_any_spelling() -> None:
    cart = _cart(coupon_codes=["SUMMER", "WINTER"])
    cart.remove_coupon(" summer", at=T1)
    assert cart.coupon_codes == ("WINTER",)


def test_remove_coupon_that_was_not_applied_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="no coupon code 'SUMMER'"):
        _cart().remove_coupon("summer", at=T0)


def test_customer_guest_email_and_methods_are_set_through_methods() -> None:
    assert _cart().customer_id is None  # a guest
    cart = _cart()
    cart.set_guest_email("ada@example.com", at=T0)
    cart.assign_customer("cust-7", at=T0)
    cart.choose_shipping_method("dhl-standard", at=T0)
    cart.choose_payment_method("paypal", at=T1)
    assert (cart.customer_id, cart.guest_email) == ("cust-7", "ada@example.com")
    assert (cart.shipping_method, cart.payment_method) == ("dhl-standard", "paypal")
    assert cart.updated_at == T1
    cart.choose_payment_method(None, at=T1)
    assert cart.payment_method is None
    with pytest.raises(ValidationError):
        cart.choose_shipping_method("  ", at=T1)


# -- expiry --------------------------------------------------------------------


def test_a_cart_expires_after_the_inactivity_period() -> None:
    cart = _cart()
    assert not cart.is_expired(T0 + timedelta(days=30) - timedelta(seconds=1), SETTINGS)
    assert cart.is_expired(T0 + timedelta(days=30), SETTINGS)


def test_a_change_restarts_the_expiry() -> None:
    cart = _cart()
    cart.add("SKU-A", 1, at=T0 + timedelta(days=20), settings=SETTINGS)
    assert not cart.is_expired(T0 + timedelta(days=30), SETTINGS)


# -- merge ---------------------------------------------------------------------


def test_merge_guest_two_a_into_customer_one_a_one_b() -> None:
    customer = _cart("c-customer", customer_id="cust-7")
    customer.add("SKU-A", 1, at=T0, settings=SETTINGS)
    customer.add("SKU-B", 1, at=T0, settings=SETTINGS)
    guest = _cart("c-guest")
    guest.add("SKU-A", 2, at=T0, settings=SETTINGS)

    report = customer.merge(guest, at=T1, settings=SETTINGS)

    assert _quantities(customer) == {"SKU-A": 3, "SKU-B": 1}
    assert report.lines == (
        MergedLine(key="SKU-A", outcome=MergeOutcome.MERGED, wanted=3, quantity=3),
    )
    assert report.capped == report.dropped == ()
    assert customer.updated_at == T1
    assert _quantities(guest) == {"SKU-A": 2}  # the guest cart is left alone


def test_merge_appends_lines_the_customer_has_not() -> None:
    customer = _cart("c-customer")
    guest = _cart("c-guest")
    guest.add("SKU-C", 2, at=T0, settings=SETTINGS)
    report = customer.merge(guest, at=T1, settings=SETTINGS)
    assert _quantities(customer) == {"SKU-C": 2}
    assert report.lines[0].outcome is MergeOutcome.ADDED


def test_merge_caps_quantities_at_the_per_line_maximum() -> None:
    customer = _cart("c-customer")
    customer.add("SKU-A", 4, at=T0, settings=SMALL)
    guest = _cart("c-guest")
    guest.add("SKU-A", 3, at=T0, settings=SMALL)
    report = customer.merge(guest, at=T1, settings=SMALL)
    assert _quantities(customer) == {"SKU-A": 5}
    assert report.capped == (
        MergedLine(
            key="SKU-A",
            outcome=MergeOutcome.CAPPED,
            wanted=7,
            quantity=5,
            reason="max_quantity_per_line",
        ),
    )


def test_merge_drops_lines_beyond_the_line_maximum() -> None:
    customer = _cart("c-customer")
    customer.add("SKU-A", 1, at=T0, settings=SMALL)
    guest = _cart("c-guest")
    guest.add("SKU-B", 1, at=T0, settings=SMALL)
    guest.add("SKU-C", 2, at=T0, settings=SMALL)
    report = customer.merge(guest, at=T1, settings=SMALL)
    assert _quantities(customer) == {"SKU-A": 1, "SKU-B": 1}
    assert report.dropped == (
        MergedLine(
            key="SKU-C",
            outcome=MergeOutcome.DROPPED,
            wanted=2,
            quantity=0,
            reason="max_lines",
        ),
    )


def test_merge_drops_a_guest_line_whose_key_is_a_line_of_the_other_kind() -> None:
    customer = _cart("c-customer")
    customer.add_custom(
        "WRAP",
        "Gift wrap",
        money("2.50", "EUR"),
        tax_category="standard",
        at=T0,
        settings=SETTINGS,
    )
    guest = _cart("c-guest")
    guest.add("WRAP", 1, at=T0, settings=SETTINGS)
    report = customer.merge(guest, at=T1, settings=SETTINGS)
    assert _quantities(customer) == {"WRAP": 1}
    assert report.dropped[0].reason == "key_taken"


def test_merge_takes_the_price_the_guest_saw_later() -> None:
    customer = _cart("c-customer")
    customer.add(
        "SKU-A", 1, at=T0, settings=SETTINGS, unit_price_seen=money("10", "EUR")
    )
    guest = _cart("c-guest")
    guest.add("SKU-A", 1, at=T1, settings=SETTINGS, unit_price_seen=money("9", "EUR"))
    customer.merge(guest, at=T1, settings=SETTINGS)
    assert customer.lines[0].unit_price_seen == money("9", "EUR")
    assert customer.lines[0].added_at == T0


def test_merge_unites_coupons_and_fills_unchosen_methods() -> None:
    customer = _cart("c-customer", coupon_codes=["A1"], shipping_method="dhl")
    guest = _cart(
        "c-guest", coupon_codes=["B2", "A1"], shipping_method="ups", payment_method="pp"
    )
    report = customer.merge(guest, at=T1, settings=SETTINGS)
    assert customer.coupon_codes == ("A1", "B2")
    assert report.coupon_codes_added == ("B2",)
    assert (customer.shipping_method, customer.payment_method) == ("dhl", "pp")


def test_merge_refuses_another_currency() -> None:
    customer = _cart("c-customer")
    with pytest.raises(CurrencyMismatchError):
        customer.merge(_cart("c-guest", currency="USD"), at=T1, settings=SETTINGS)


def test_merge_refuses_the_cart_itself() -> None:
    cart = _cart()
    with pytest.raises(ValidationError, match="into itself"):
        cart.merge(cart, at=T1, settings=SETTINGS)


# -- line items ----------------------------------------------------------------


def test_to_line_items_prices_catalog_lines_and_keeps_custom_prices() -> None:
    cart = _cart()
    cart.add(
        "SKU-A",
        3,
        at=T0,
        settings=SETTINGS,
        unit_price_seen=money("1.00", "EUR"),
        tax_category="reduced",
    )
    cart.add_custom(
        "WRAP",
        "Gift wrap",
        money("2.50", "EUR"),
        tax_category="standard",
        at=T0,
        settings=SETTINGS,
    )
    items = cart.to_line_items({Sku("SKU-A"): money("19.99", "EUR")})
    assert items == [
        LineItem(
            sku="SKU-A",
            quantity=3,
            unit_price=money("19.99", "EUR"),
            tax_category="reduced",
        ),
        LineItem(sku="WRAP", quantity=1, unit_price=money("2.50", "EUR")),
    ]


def test_to_line_items_without_a_price_raises_price_not_found() -> None:
    cart = _cart()
    cart.add("SKU-A", 2, at=T0, settings=SETTINGS)
    with pytest.raises(PriceNotFoundError) as caught:
        cart.to_line_items({})
    assert (caught.value.sku, caught.value.currency, caught.value.quantity) == (
        "SKU-A",
        "EUR",
        2,
    )


def test_to_line_items_refuses_a_price_in_another_currency() -> None:
    cart = _cart()
    cart.add("SKU-A", 1, at=T0, settings=SETTINGS)
    with pytest.raises(CurrencyMismatchError):
        cart.to_line_items({Sku("SKU-A"): money("1", "USD")})


# -- errors and copies ---------------------------------------------------------


def test_cart_errors_survive_pickle() -> None:
    error = CartLimitError(limit="max_lines", maximum=2, requested=3, key="SKU-C")
    again = pickle.loads(pickle.dumps(error))
    assert (again.limit, again.rule, str(again)) == (
        "max_lines",
        "max_lines",
        str(error),
    )
    missing = pickle.loads(pickle.dumps(CartLineNotFoundError(key="A", cart_id="c")))
    assert (missing.key, missing.cart_id, missing.kind) == ("A", "c", "cart line")


def test_a_deep_copy_is_equal_and_independent() -> None:
    cart = _cart()
    cart.add("SKU-A", 1, at=T0, settings=SETTINGS)
    clone = copy.deepcopy(cart)
    assert clone == cart
    clone.add("SKU-A", 1, at=T1, settings=SETTINGS)
    assert _quantities(cart) == {"SKU-A": 1}
    assert attrs.asdict(cart)["lines"][0]["quantity"] == 1


NOT_SETTINGS: Any = None


@pytest.mark.parametrize(
    "call",
    [
        lambda cart: cart.add("SKU-A", 1, at=T1, settings=NOT_SETTINGS),
        lambda cart: cart.add_custom(
            "GIFT-WRAP",
            "Gift wrap",
            money("3.00", "EUR"),
            tax_category="standard",
            at=T1,
            settings=NOT_SETTINGS,
        ),
        lambda cart: cart.change_quantity("SKU-A", 2, at=T1, settings=NOT_SETTINGS),
        lambda cart: cart.is_expired(T1, NOT_SETTINGS),
        lambda cart: cart.merge(_cart("guest"), at=T1, settings=NOT_SETTINGS),
    ],
)
def test_methods_refuse_settings_that_are_not_cart_settings(
    call: Callable[[Cart], object],
) -> None:
    cart = _cart()
    with pytest.raises(ValidationError, match="settings must be a CartSettings") as e:
        call(cart)
    assert e.value.field == "settings"
    assert cart == _cart()
