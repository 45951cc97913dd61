"""The wishlist: one entry per SKU, a size limit, merge on login, no expiry."""

from __future__ import annotations

import copy
import pickle
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from commercekit.cart import (
    CartSettings,
    Wishlist,
    WishlistItem,
    WishlistItemAdded,
    WishlistItemNotFoundError,
    WishlistItemRemoved,
    WishlistLimitError,
    WishlistsMerged,
    wishlist_id,
)
from commercekit.errors import BusinessRuleError, NotFoundError, ValidationError
from commercekit.serialization import make_converter
from commercekit.values import Sku, personal_fields

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
T1 = T0 + timedelta(minutes=5)
SETTINGS = CartSettings()
TWO = CartSettings(max_wishlist_items=2)
W1 = wishlist_id("w-1")
A, B, C = Sku("SKU-A"), Sku("SKU-B"), Sku("SKU-C")


def _wishlist(wishlist: str = "w-1", **fields: Any) -> Wishlist:
    return Wishlist(wishlist_id=wishlist, updated_at=T0, **fields)


def _with(*skus: str, wishlist: str = "w-1") -> Wishlist:
    built = _wishlist(wishlist)
    for code in skus:
        built.add(code, at=T0, settings=SETTINGS)
    built.pull_events()
    return built


# -- values and guards -----------------------------------------------------------


def test_a_wishlist_id_is_checked() -> None:
    assert wishlist_id("w-1") == "w-1"
    for bad in ("", " w-1", "w\n1"):
        with pytest.raises(ValidationError, match="wishlist_id"):
            wishlist_id(bad)


def test_the_default_size_limit_is_100() -> None:
    assert SETTINGS.max_wishlist_items == 100
    with pytest.raises(ValidationError, match="max_wishlist_items"):
        CartSettings(max_wishlist_items=0)


def test_an_item_is_a_sku_an_instant_and_an_optional_note() -> None:
    item = WishlistItem(sku=" SKU-A ", added_at=T0, note="  in white\nsize 42 ")
    assert (item.sku, item.note) == ("SKU-A", "in white\nsize 42")
    assert WishlistItem(sku="SKU-A", added_at=T0, note="  ").note is None
    with pytest.raises(ValidationError, match="note"):
        WishlistItem(sku="SKU-A", added_at=T0, note="x" * 501)
    with pytest.raises(ValidationError, match="note"):
        WishlistItem(sku="SKU-A", added_at=T0, note="tab\there")
    with pytest.raises(ValidationError, match="added_at"):
        WishlistItem(sku="SKU-A", added_at=datetime(2026, 6, 1))  # noqa: DTZ001


def test_a_note_is_personal_data_and_hidden_in_repr() -> None:
    item = WishlistItem(sku="SKU-A", added_at=T0, note="for Jörg's birthday")
    assert personal_fields(WishlistItem) == ("note",)
    assert "Jörg" not in repr(item)
    assert "Jörg" not in repr(_wishlist(items=[item]))


def test_a_wishlist_holds_each_sku_once() -> None:
    item = WishlistItem(sku="SKU-A", added_at=T0)
    with pytest.raises(ValidationError, match="two items have the SKU 'SKU-A'"):
        _wishlist(items=[item, item])
    with pytest.raises(ValidationError, match="WishlistItem"):
        _wishlist(items=["SKU-A"])


@pytest.mark.parametrize(
    ("field", "method"),
    [
        ("wishlist_id", "cannot change"),
        ("customer_id", "assign_customer"),
        ("items", "add, remove"),
        ("updated_at", "the method that changes"),
    ],
)
def test_fields_change_through_methods_only(field: str, method: str) -> None:
    wishlist = _wishlist()
    with pytest.raises(ValidationError, match=method):
        setattr(wishlist, field, "x")


def test_the_version_may_be_set_but_is_checked() -> None:
    wishlist = _wishlist()
    wishlist.version = 3
    assert wishlist.version == 3
    with pytest.raises(ValidationError, match="version"):
        wishlist.version = -1


# -- add and remove ----------------------------------------------------------------


def test_add_puts_a_sku_on_the_wishlist_and_records_it() -> None:
    wishlist = _wishlist(customer_id="cust-7")
    wishlist.add("SKU-A", at=T1, settings=SETTINGS, note="in white")
    assert wishlist.items == (WishlistItem(sku=A, added_at=T1, note="in white"),)
    assert wishlist.updated_at == T1
    assert "SKU-A" in wishlist
    assert "SKU-B" not in wishlist
    assert wishlist.pull_events() == [WishlistItemAdded(wishlist_id=W1, sku=A)]


def test_adding_a_sku_again_keeps_its_entry_and_takes_a_new_note() -> None:
    wishlist = _with("SKU-A", "SKU-B")
    later = T1 + timedelta(days=3)
    wishlist.add("SKU-A", at=later, settings=TWO)  # full, but not a new SKU
    assert wishlist.item("SKU-A").added_at == T0
    wishlist.add("SKU-A", at=later, settings=TWO, note="size 43")
    assert wishlist.item("SKU-A") == WishlistItem(sku=A, added_at=T0, note="size 43")
    assert wishlist.skus == (A, B)
    assert wishlist.pull_events() == []


def test_add_refuses_a_sku_past_the_size_limit_and_changes_nothing() -> None:
    wishlist = _with("SKU-A", "SKU-B")
    with pytest.raises(WishlistLimitError) as info:
        wishlist.add("SKU-C", at=T1, settings=TWO)
    error = info.value
    assert isinstance(error, BusinessRuleError)
    assert (error.maximum, error.sku, error.rule) == (2, "SKU-C", "max_wishlist_items")
    assert str(error) == (
        "cannot add SKU-C: wishlist w-1 holds the 2 items allowed (max_wishlist_items)"
    )
    assert wishlist.skus == (A, B)
    assert wishlist.updated_at == T0
    assert wishlist.pull_events() == []


def test_add_refuses_a_malformed_sku_or_a_naive_instant() -> None:
    wishlist = _wishlist()
    with pytest.raises(ValidationError, match="SKU"):
        wishlist.add("no spaces", at=T1, settings=SETTINGS)
    with pytest.raises(ValidationError, match="time zone"):
        wishlist.add("SKU-A", at=datetime(2026, 6, 1), settings=SETTINGS)  # noqa: DTZ001
    assert wishlist.items == ()


def test_remove_takes_the_sku_off_and_records_it() -> None:
    wishlist = _with("SKU-A", "SKU-B")
    wishlist.remove("SKU-A", at=T1)
    assert wishlist.skus == (B,)
    assert wishlist.updated_at == T1
    assert wishlist.pull_events() == [WishlistItemRemoved(wishlist_id=W1, sku=A)]


def test_remove_of_a_sku_not_on_the_wishlist_is_not_found() -> None:
    wishlist = _with("SKU-A")
    with pytest.raises(WishlistItemNotFoundError) as info:
        wishlist.remove("SKU-B", at=T1)
    assert isinstance(info.value, NotFoundError)
    assert (info.value.kind, info.value.key) == ("wishlist item", "SKU-B")
    assert str(info.value) == "wishlist w-1 has no item 'SKU-B'"
    with pytest.raises(WishlistItemNotFoundError):
        wishlist.item("SKU-B")
    assert wishlist.pull_events() == []
    assert wishlist.updated_at == T0


def test_a_sku_is_found_as_add_stored_it() -> None:
    wishlist = _wishlist()
    wishlist.add(" SKU-A ", at=T0, settings=SETTINGS, note="in white")
    assert wishlist.skus == (A,)
    assert " SKU-A " in wishlist
    assert wishlist.item(" SKU-A ").note == "in white"
    wishlist.remove(" SKU-A ", at=T1)
    assert not wishlist.items
    assert " SKU-A " not in wishlist


@pytest.mark.parametrize("bad", ["no spaces", "", "-A", None, 7, ["SKU-A"], A.lower()])
def test_in_answers_false_for_anything_not_on_the_wishlist(bad: object) -> None:
    assert bad not in _with("SKU-A")


def test_item_and_remove_refuse_a_malformed_sku() -> None:
    wishlist = _with("SKU-A")
    with pytest.raises(ValidationError, match="SKU"):
        wishlist.item("no spaces")
    with pytest.raises(ValidationError, match="SKU"):
        wishlist.remove(["SKU-A"], at=T1)  # type: ignore[arg-type]
    assert wishlist.skus == (A,)


@pytest.mark.parametrize("bad", [None, {"max_wishlist_items": 2}, 100])
def test_add_and_merge_refuse_settings_that_are_not_cart_settings(bad: Any) -> None:
    wishlist = _with("SKU-A")
    for code in ("SKU-B", "SKU-A"):  # a new SKU, and one it holds
        with pytest.raises(ValidationError, match="settings must be a CartSettings"):
            wishlist.add(code, at=T1, settings=bad)
    with pytest.raises(ValidationError, match="settings must be a CartSettings"):
        wishlist.merge(_with("SKU-B", wishlist="w-2"), at=T1, settings=bad)
    assert (wishlist.skus, wishlist.updated_at) == ((A,), T0)


@pytest.mark.parametrize("bad", [None, "w-2", ("SKU-B",)])
def test_merge_refuses_a_guest_that_is_not_a_wishlist(bad: Any) -> None:
    wishlist = _with("SKU-A")
    with pytest.raises(ValidationError, match="guest must be a Wishlist") as info:
        wishlist.merge(bad, at=T1, settings=SETTINGS)
    assert info.value.field == "guest"
    assert (wishlist.skus, wishlist.updated_at) == ((A,), T0)


def test_assign_customer_makes_a_guest_wishlist_the_customers() -> None:
    wishlist = _with("SKU-A")
    wishlist.assign_customer("cust-7", at=T1)
    assert (wishlist.customer_id, wishlist.updated_at) == ("cust-7", T1)
    with pytest.raises(ValidationError, match="customer_id"):
        wishlist.assign_customer("  ", at=T1)


# -- merge ----------------------------------------------------------------------


def test_merge_appends_the_guests_new_skus_and_keeps_ours() -> None:
    ours = _wishlist(
        customer_id="cust-7",
        items=[WishlistItem(sku="SKU-A", added_at=T0, note="ours")],
    )
    guest = _wishlist(
        "w-guest",
        items=[
            WishlistItem(sku="SKU-A", added_at=T1, note="theirs"),
            WishlistItem(sku="SKU-B", added_at=T1, note="theirs"),
        ],
    )
    dropped = ours.merge(guest, at=T1, settings=SETTINGS)
    assert dropped == ()
    assert ours.items == (
        WishlistItem(sku=A, added_at=T0, note="ours"),
        WishlistItem(sku=B, added_at=T1, note="theirs"),
    )
    assert ours.pull_events() == [
        WishlistsMerged(
            wishlist_id=W1, guest_wishlist_id=wishlist_id("w-guest"), added=(B,)
        )
    ]
    assert guest.skus == (A, B)  # the guest wishlist is left alone


def test_merge_drops_what_does_not_fit_and_says_so() -> None:
    ours = _with("SKU-A")
    guest = _with("SKU-B", "SKU-C", "SKU-A", wishlist="w-guest")
    dropped = ours.merge(guest, at=T1, settings=TWO)
    assert dropped == (C,)
    assert ours.skus == (A, B)
    [event] = ours.pull_events()
    assert isinstance(event, WishlistsMerged)
    assert (event.added, event.dropped) == ((B,), (C,))


def test_merge_with_nothing_new_records_nothing() -> None:
    ours = _with("SKU-A", "SKU-B")
    ours.merge(_with("SKU-B", wishlist="w-guest"), at=T1, settings=SETTINGS)
    ours.merge(_wishlist("w-empty"), at=T1, settings=SETTINGS)
    assert ours.pull_events() == []
    assert ours.skus == (A, B)


def test_merge_refuses_the_wishlist_itself() -> None:
    ours = _with("SKU-A")
    with pytest.raises(ValidationError, match="into itself"):
        ours.merge(ours, at=T1, settings=SETTINGS)
    with pytest.raises(ValidationError, match="into itself"):
        ours.merge(copy.deepcopy(ours), at=T1, settings=SETTINGS)


# -- storage and copies ------------------------------------------------------------


def test_a_wishlist_round_trips_through_the_converter() -> None:
    converter = make_converter()
    wishlist = _wishlist(
        customer_id="cust-7",
        items=[WishlistItem(sku="SKU-A", added_at=T0, note="in white")],
        version=4,
    )
    assert converter.structure(converter.unstructure(wishlist), Wishlist) == wishlist


def test_a_copy_carries_no_events_and_is_independent() -> None:
    wishlist = _wishlist()
    wishlist.add("SKU-A", at=T0, settings=SETTINGS)
    clone = copy.deepcopy(wishlist)
    assert clone == wishlist
    assert clone.pull_events() == []
    clone.add("SKU-B", at=T1, settings=SETTINGS)
    assert wishlist.skus == (A,)
    assert attrs.asdict(wishlist)["items"][0]["sku"] == "SKU-A"


def test_wishlist_errors_survive_pickle() -> None:
    full = WishlistLimitError(maximum=2, sku="SKU-C", wishlist_id="w-1")
    again = pickle.loads(pickle.dumps(full))
    assert (again.maximum, again.rule, str(again)) == (2, full.rule, str(full))
    missing = WishlistItemNotFoundError(key="SKU-A", wishlist_id="w-1")
    assert str(pickle.loads(pickle.dumps(missing))) == str(missing)
