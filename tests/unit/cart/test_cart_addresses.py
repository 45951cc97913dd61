"""The cart's shipping and billing addresses, and how a merge treats them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from commercekit.cart import Cart, CartSettings
from commercekit.errors import ValidationError
from commercekit.serialization import make_converter
from commercekit.values import Address, personal_fields

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
T1 = T0 + timedelta(minutes=5)
SETTINGS = CartSettings()

BERLIN = Address(
    name="Ada Lovelace",
    street="Unter den Linden 1",
    postal_code="10117",
    city="Berlin",
    country="DE",
)
STUTTGART = Address(
    name="Ada Lovelace",
    company="Analytical Engines GmbH",
    street="Königstraße 3",
    postal_code="70173",
    city="Stuttgart",
    country="DE",
)
PARIS = Address(
    name="Jean Dupont",
    street="1 Rue de Rivoli",
    postal_code="75001",
    city="Paris",
    country="FR",
)
LYON = Address(
    name="Jean Dupont",
    street="2 Place Bellecour",
    postal_code="69002",
    city="Lyon",
    country="FR",
)


def _cart(cart: str = "c-1", **fields: Any) -> Cart:
    return Cart(cart_id=cart, currency="EUR", locale="de_DE", updated_at=T0, **fields)


def test_a_new_cart_has_no_addresses() -> None:
    cart = _cart()
    assert (cart.shipping_address, cart.billing_address) == (None, None)
    assert cart.invoice_address is None


def test_addresses_are_set_through_methods_and_touch_the_cart() -> None:
    cart = _cart()
    cart.set_shipping_address(BERLIN, at=T1)
    assert cart.shipping_address == BERLIN
    assert cart.updated_at == T1
    cart.set_billing_address(STUTTGART, at=T1)
    assert cart.billing_address == STUTTGART
    assert cart.pull_events() == []  # addresses record no events


def test_no_billing_address_means_bill_to_the_shipping_address() -> None:
    cart = _cart()
    cart.set_shipping_address(BERLIN, at=T1)
    assert cart.invoice_address == BERLIN
    cart.set_billing_address(STUTTGART, at=T1)
    assert cart.invoice_address == STUTTGART
    cart.set_billing_address(None, at=T1)
    assert cart.invoice_address == BERLIN


def test_an_address_is_unset_with_none() -> None:
    cart = _cart(shipping_address=BERLIN, billing_address=STUTTGART)
    cart.set_shipping_address(None, at=T1)
    cart.set_billing_address(None, at=T1)
    assert (cart.shipping_address, cart.billing_address) == (None, None)


@pytest.mark.parametrize("method", ["set_shipping_address", "set_billing_address"])
def test_anything_but_an_address_is_refused_and_changes_nothing(method: str) -> None:
    cart = _cart(shipping_address=BERLIN)
    field = method.removeprefix("set_")
    with pytest.raises(ValidationError, match="must be an Address or None") as info:
        getattr(cart, method)({"city": "Berlin"}, at=T1)
    assert info.value.field == field
    assert cart.updated_at == T0
    assert cart.shipping_address == BERLIN
    with pytest.raises(ValidationError, match=field):
        _cart(**{field: "Unter den Linden 1, Berlin"})


@pytest.mark.parametrize(
    ("field", "method"),
    [
        ("shipping_address", "set_shipping_address"),
        ("billing_address", "set_billing_address"),
    ],
)
def test_addresses_cannot_be_assigned_directly(field: str, method: str) -> None:
    cart = _cart()
    with pytest.raises(ValidationError, match=method):
        setattr(cart, field, BERLIN)
    assert getattr(cart, field) is None


def test_addresses_are_personal_data_and_hidden_in_repr() -> None:
    cart = _cart(guest_email="ada@example.com")
    cart.set_shipping_address(BERLIN, at=T1)
    assert set(personal_fields(Cart)) == {
        "guest_email",
        "shipping_address",
        "billing_address",
    }
    shown = repr(cart)
    for secret in ("Ada", "Lovelace", "Unter den Linden", "10117", "ada@example"):
        assert secret not in shown
    assert "Berlin" in shown  # the city is not personal on its own


def test_a_cart_with_addresses_round_trips_through_the_converter() -> None:
    converter = make_converter()
    cart = _cart(shipping_address=BERLIN, billing_address=STUTTGART)
    again = converter.structure(converter.unstructure(cart), Cart)
    assert again == cart
    assert again.billing_address == STUTTGART


# -- merge -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ours", "guests", "expected"),
    [
        # The customer's addresses stay as they are.
        ((BERLIN, STUTTGART), (PARIS, LYON), (BERLIN, STUTTGART)),
        # With a shipping address, no billing address means "bill there":
        # the guest's billing address does not replace that choice.
        ((BERLIN, None), (PARIS, LYON), (BERLIN, None)),
        # Without any, the customer takes both of the guest's.
        ((None, None), (PARIS, LYON), (PARIS, LYON)),
        ((None, None), (PARIS, None), (PARIS, None)),
        ((None, None), (None, LYON), (None, LYON)),
        # A billing address but no shipping one: shipping is filled.
        ((None, STUTTGART), (PARIS, LYON), (PARIS, STUTTGART)),
        # The guest has none: nothing changes.
        ((BERLIN, None), (None, None), (BERLIN, None)),
        ((None, None), (None, None), (None, None)),
    ],
)
def test_merge_keeps_the_customers_addresses_and_fills_missing_ones(
    ours: tuple[Address | None, Address | None],
    guests: tuple[Address | None, Address | None],
    expected: tuple[Address | None, Address | None],
) -> None:
    customer = _cart("c-customer", shipping_address=ours[0], billing_address=ours[1])
    guest = _cart("c-guest", shipping_address=guests[0], billing_address=guests[1])
    customer.merge(guest, at=T1, settings=SETTINGS)
    assert (customer.shipping_address, customer.billing_address) == expected
    assert (guest.shipping_address, guest.billing_address) == guests


def test_merge_does_not_take_the_guests_email() -> None:
    customer = _cart("c-customer", customer_id="cust-7")
    guest = _cart("c-guest", guest_email="ada@example.com")
    customer.merge(guest, at=T1, settings=SETTINGS)
    assert customer.guest_email is None


def test_clear_keeps_the_addresses() -> None:
    cart = _cart(shipping_address=BERLIN, billing_address=STUTTGART)
    cart.add("SKU-A", 1, at=T0, settings=SETTINGS)
    cart.clear(at=T1)
    assert (cart.shipping_address, cart.billing_address) == (BERLIN, STUTTGART)
