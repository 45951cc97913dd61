"""The cart's domain events: which changes record which, and refusals record none."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from commercekit.cart import (
    Cart,
    CartId,
    CartLimitError,
    CartLineAdded,
    CartLineNotFoundError,
    CartLineRemoved,
    CartQuantityChanged,
    CartSettings,
    CartsMerged,
    CouponApplied,
    CouponRemoved,
    MergedLine,
    MergeOutcome,
    cart_id,
)
from commercekit.errors import (
    CommerceError,
    CurrencyMismatchError,
    DuplicateError,
    NotFoundError,
    ValidationError,
)
from commercekit.money import money
from commercekit.ports import DomainEvent
from commercekit.values import Address, Sku, personal_fields

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
T1 = T0 + timedelta(minutes=5)
SETTINGS = CartSettings()
SMALL = CartSettings(max_quantity_per_line=5, max_lines=2)
C1 = cart_id("c-1")
A, B = Sku("SKU-A"), Sku("SKU-B")


def _cart(cart: str = "c-1", **fields: Any) -> Cart:
    return Cart(cart_id=cart, currency="EUR", locale="de_DE", updated_at=T0, **fields)


def _filled() -> Cart:
    """A cart with 2 x SKU-A, 1 x SKU-B and gift wrap, its events pulled."""
    cart = _cart()
    cart.add("SKU-A", 2, at=T0, settings=SETTINGS)
    cart.add("SKU-B", 1, at=T0, settings=SETTINGS)
    cart.add_custom(
        "GIFT-WRAP",
        "Gift wrap",
        money("3.50", "EUR"),
        tax_category="standard",
        at=T0,
        settings=SETTINGS,
    )
    cart.apply_coupon("summer", at=T0)
    cart.pull_events()
    return cart


def test_add_records_the_units_added_not_the_new_total() -> None:
    cart = _cart()
    cart.add("SKU-A", 2, at=T0, settings=SETTINGS)
    cart.add("SKU-A", 3, at=T1, settings=SETTINGS)
    assert cart.pull_events() == [
        CartLineAdded(cart_id=C1, sku=A, quantity=2),
        CartLineAdded(cart_id=C1, sku=A, quantity=3),
    ]
    assert cart.pull_events() == []


def test_add_custom_records_a_custom_line_added() -> None:
    cart = _cart()
    cart.add_custom(
        "GIFT-WRAP",
        "Gift wrap",
        money("3.50", "EUR"),
        tax_category="standard",
        at=T0,
        settings=SETTINGS,
        quantity=2,
    )
    assert cart.pull_events() == [
        CartLineAdded(cart_id=C1, sku=Sku("GIFT-WRAP"), quantity=2, custom=True)
    ]


def test_change_quantity_records_old_and_new() -> None:
    cart = _filled()
    cart.change_quantity("SKU-A", 7, at=T1, settings=SETTINGS)
    assert cart.pull_events() == [
        CartQuantityChanged(cart_id=C1, sku=A, old_quantity=2, quantity=7)
    ]


def test_setting_the_same_quantity_records_nothing() -> None:
    cart = _filled()
    cart.change_quantity("SKU-A", 2, at=T1, settings=SETTINGS)
    assert cart.pull_events() == []
    assert cart.updated_at == T1


def test_remove_records_the_units_the_line_held() -> None:
    cart = _filled()
    cart.remove("SKU-A", at=T1)
    assert cart.pull_events() == [CartLineRemoved(cart_id=C1, sku=A, quantity=2)]


def test_clear_records_one_removal_per_line_and_nothing_when_empty() -> None:
    cart = _filled()
    cart.clear(at=T1)
    assert cart.pull_events() == [
        CartLineRemoved(cart_id=C1, sku=A, quantity=2),
        CartLineRemoved(cart_id=C1, sku=B, quantity=1),
        CartLineRemoved(cart_id=C1, sku=Sku("GIFT-WRAP"), quantity=1),
    ]
    cart.clear(at=T1)
    assert cart.pull_events() == []


def test_a_coupon_applied_once_records_once_and_its_removal_records() -> None:
    cart = _cart()
    cart.apply_coupon(" summer ", at=T0)
    cart.apply_coupon("SUMMER", at=T1)
    cart.remove_coupon("Summer", at=T1)
    assert cart.pull_events() == [
        CouponApplied(cart_id=C1, code="SUMMER"),
        CouponRemoved(cart_id=C1, code="SUMMER"),
    ]
    assert cart.updated_at == T1


def test_a_merge_records_what_became_of_the_guests_lines() -> None:
    customer = _cart("c-customer")
    customer.add("SKU-A", 1, at=T0, settings=SETTINGS)
    customer.add("SKU-B", 1, at=T0, settings=SETTINGS)
    guest = _cart("c-guest")
    guest.add("SKU-A", 2, at=T0, settings=SETTINGS)
    guest.apply_coupon("welcome", at=T0)
    customer.pull_events()
    guest.pull_events()

    report = customer.merge(guest, at=T1, settings=SETTINGS)

    assert customer.pull_events() == [
        CartsMerged(
            cart_id=cart_id("c-customer"),
            guest_cart_id=cart_id("c-guest"),
            lines=(
                MergedLine(
                    key="SKU-A", outcome=MergeOutcome.MERGED, wanted=3, quantity=3
                ),
            ),
            coupon_codes_added=("WELCOME",),
        )
    ]
    assert report.coupon_codes_added == ("WELCOME",)
    assert guest.pull_events() == []  # the guest cart is left alone


def test_setting_customer_email_methods_and_addresses_records_nothing() -> None:
    cart = _cart()
    cart.assign_customer("cust-7", at=T1)
    cart.set_guest_email("ada@example.com", at=T1)
    cart.choose_shipping_method("dhl", at=T1)
    cart.choose_payment_method("paypal", at=T1)
    cart.set_shipping_address(
        Address(
            name="Ada",
            street="Hauptstraße 1",
            postal_code="10115",
            city="Berlin",
            country="DE",
        ),
        at=T1,
    )
    assert cart.pull_events() == []


REFUSALS: dict[str, tuple[Callable[[Cart], object], type[CommerceError]]] = {
    "add past the line maximum": (
        lambda c: c.add("SKU-A", 4, at=T1, settings=SMALL),
        CartLimitError,
    ),
    "add a new line past max_lines": (
        lambda c: c.add("SKU-C", 1, at=T1, settings=SMALL),
        CartLimitError,
    ),
    "add a malformed SKU": (
        lambda c: c.add("no spaces", 1, at=T1, settings=SETTINGS),
        ValidationError,
    ),
    "add a price in USD": (
        lambda c: c.add(
            "SKU-A", 1, at=T1, settings=SETTINGS, unit_price_seen=money("1", "USD")
        ),
        CurrencyMismatchError,
    ),
    "add the key of a custom line": (
        lambda c: c.add("GIFT-WRAP", 1, at=T1, settings=SETTINGS),
        DuplicateError,
    ),
    "add_custom with a key in use": (
        lambda c: c.add_custom(
            "SKU-A",
            "x",
            money("1", "EUR"),
            tax_category="standard",
            at=T1,
            settings=SETTINGS,
        ),
        DuplicateError,
    ),
    "change_quantity to 0": (
        lambda c: c.change_quantity("SKU-A", 0, at=T1, settings=SETTINGS),
        ValidationError,
    ),
    "change_quantity past the maximum": (
        lambda c: c.change_quantity("SKU-A", 6, at=T1, settings=SMALL),
        CartLimitError,
    ),
    "change_quantity of an unknown line": (
        lambda c: c.change_quantity("SKU-Z", 1, at=T1, settings=SETTINGS),
        CartLineNotFoundError,
    ),
    "remove an unknown line": (
        lambda c: c.remove("SKU-Z", at=T1),
        CartLineNotFoundError,
    ),
    "apply a malformed coupon": (
        lambda c: c.apply_coupon("", at=T1),
        ValidationError,
    ),
    "remove a coupon not applied": (
        lambda c: c.remove_coupon("WINTER", at=T1),
        NotFoundError,
    ),
    "merge a cart into itself": (
        lambda c: c.merge(c, at=T1, settings=SETTINGS),
        ValidationError,
    ),
    "merge a cart in another currency": (
        lambda c: c.merge(
            Cart(cart_id="c-usd", currency="USD", locale="en_US", updated_at=T0),
            at=T1,
            settings=SETTINGS,
        ),
        CurrencyMismatchError,
    ),
}


@pytest.mark.parametrize("change", sorted(REFUSALS))
def test_a_refused_change_records_nothing_and_changes_nothing(change: str) -> None:
    cart = _filled()
    before = attrs.asdict(cart)
    attempt, error = REFUSALS[change]
    with pytest.raises(error):
        attempt(cart)
    assert cart.pull_events() == []
    assert attrs.asdict(cart) == before


EVENT_CLASSES: list[type[DomainEvent]] = [
    CartLineAdded,
    CartLineRemoved,
    CartQuantityChanged,
    CartsMerged,
    CouponApplied,
    CouponRemoved,
]


@pytest.mark.parametrize("kind", EVENT_CLASSES, ids=lambda k: k.__name__)
def test_events_are_frozen_domain_events_without_personal_data(
    kind: type[DomainEvent],
) -> None:
    assert issubclass(kind, DomainEvent)
    assert attrs.has(kind)
    assert personal_fields(kind) == ()
    assert attrs.fields(kind).cart_id.type in {"CartId", CartId}


def test_events_are_frozen() -> None:
    event = CartLineAdded(cart_id=C1, sku=A, quantity=1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.quantity = 2  # type: ignore[misc]
