"""Use cases of the catalog that read more than one product."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from commercekit.catalog._model import Product, ProductId, Variant
from commercekit.catalog._ports import Availability, CatalogUnitOfWork
from commercekit.errors import NotFoundError, ValidationError
from commercekit.values import Sku, positive_int

__all__ = ["Suggestion", "related_variants"]


@attrs.frozen
class Suggestion:
    """A variant to offer beside a cart, with the product it belongs to."""

    product_id: ProductId
    name: str
    variant: Variant


def related_variants(
    cart_skus: Iterable[str],
    *,
    uow: CatalogUnitOfWork,
    availability: Availability,
    limit: int = 10,
) -> list[Suggestion]:
    """Suggest in-stock variants of the products related to a cart's contents.

    The rule: take the products of the cart's SKUs in cart order, then the
    products each of them names as related, in the order it names them. Skip
    products that are in the cart already, inactive or no longer in the
    catalog, and variants in the cart or out of stock. Return at most
    ``limit`` suggestions; a SKU the catalog does not know is ignored (the
    cart checks its own lines).

    Raises:
        ValidationError: if ``limit`` is not a positive int.
    """
    positive_int(limit, field="limit")
    given: object = cart_skus  # checked at run time too, for untyped callers
    if isinstance(given, str):
        msg = f"pass a list of SKUs, not the single text {given!r}"
        raise ValidationError(msg, field="cart_skus")
    in_cart = list(dict.fromkeys(cart_skus))
    with uow:
        cart_products: dict[ProductId, Product] = {}
        for code in in_cart:
            try:
                product = uow.products.get_by_sku(code)
            except NotFoundError:
                continue
            cart_products.setdefault(product.product_id, product)
        related = [
            related_id
            for product in cart_products.values()
            for related_id in product.related
            if related_id not in cart_products
        ]
        candidates: list[tuple[Product, Variant]] = []
        for related_id in dict.fromkeys(related):
            try:
                product = uow.products.get(related_id)
            except NotFoundError:
                continue  # a relation may outlive the product it names
            if product.active:
                candidates.extend(
                    (product, variant)
                    for variant in product.variants
                    if variant.sku not in in_cart
                )
    stocked = availability.in_stock([variant.sku for _, variant in candidates])
    suggestions = [
        Suggestion(product.product_id, product.name.text, variant)
        for product, variant in candidates
        if Sku(variant.sku) in stocked
    ]
    return suggestions[:limit]
