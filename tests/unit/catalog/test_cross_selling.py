"""Cross-selling: related, in-stock variants for a cart."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.catalog import (
    Product,
    ProductId,
    Suggestion,
    Variant,
    related_variants,
)
from commercekit.errors import ValidationError
from commercekit.testing import FakeAvailability


def product(
    pid: str, skus: list[str], related: list[str], *, active: bool = True
) -> Product:
    return Product(
        product_id=ProductId(pid),
        name=f"Product {pid}",
        variants=[Variant(sku=code) for code in skus],
        related=[ProductId(r) for r in related],
        active=active,
        created_at=datetime(2026, 1, 5, tzinfo=UTC),
    )


@pytest.fixture
def uow() -> InMemoryUnitOfWork:
    store = InMemoryStore()
    with InMemoryUnitOfWork(store) as setup:
        for item in (
            product("sneaker", ["SN-42", "SN-43"], ["socks", "spray", "gone", "laces"]),
            product("socks", ["SO-1", "SO-2"], ["sneaker"]),
            product("spray", ["SP-1"], []),
            product("laces", ["LA-1"], [], active=False),
            product("bag", ["BA-1"], ["spray", "socks"]),
        ):
            setup.products.add(item)
        setup.commit()
    return InMemoryUnitOfWork(store)


def skus_of(suggestions: list[Suggestion]) -> list[str]:
    return [suggestion.variant.sku for suggestion in suggestions]


def test_related_products_in_order_with_only_in_stock_variants(
    uow: InMemoryUnitOfWork,
) -> None:
    stock = FakeAvailability(["SO-2", "SP-1", "LA-1", "SN-43"])
    suggestions = related_variants(["SN-42"], uow=uow, availability=stock)
    # socks first (SO-1 is out of stock), then spray; "gone" is not in the
    # catalog, laces are inactive; the sneaker itself is in the cart.
    assert skus_of(suggestions) == ["SO-2", "SP-1"]
    assert suggestions[0].name == "Product socks"
    assert suggestions[0].product_id == "socks"


def test_products_in_the_cart_are_not_suggested_and_order_follows_the_cart(
    uow: InMemoryUnitOfWork,
) -> None:
    stock = FakeAvailability(["SO-1", "SO-2", "SP-1", "SN-42", "SN-43"])
    suggestions = related_variants(
        ["BA-1", "SN-42", "SO-1"], uow=uow, availability=stock
    )
    assert skus_of(suggestions) == ["SP-1"]


def test_limit_and_unknown_skus(uow: InMemoryUnitOfWork) -> None:
    stock = FakeAvailability(["SO-1", "SO-2", "SP-1"])
    assert skus_of(
        related_variants(["NOPE", "SN-42"], uow=uow, availability=stock, limit=2)
    ) == [
        "SO-1",
        "SO-2",
    ]
    assert related_variants(["NOPE"], uow=uow, availability=stock) == []
    with pytest.raises(ValidationError, match="limit must be a positive int"):
        related_variants(["SN-42"], uow=uow, availability=stock, limit=0)
    with pytest.raises(ValidationError, match="list of SKUs"):
        related_variants("SN-42", uow=uow, availability=stock)
