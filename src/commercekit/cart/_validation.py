"""Cart validation: what stands between a cart and its order, as data."""

from __future__ import annotations

import copy
import enum
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import attrs

from commercekit.cart._pricing import (
    CartPrice,
    CartPricingSettings,
    CartPricingUnitOfWork,
    _check_entry,
    price_cart,
)
from commercekit.catalog import Product, ProductId, Variant
from commercekit.errors import CurrencyMismatchError, NotFoundError, ValidationError
from commercekit.inventory import (
    InventorySettings,
    InventoryUnitOfWork,
    available_to_sell,
)
from commercekit.money import Money
from commercekit.pricing import PriceBreakdown, PriceNotFoundError
from commercekit.pricing import ShippingMethodUnavailableError as _Unshippable
from commercekit.values import CustomerFacts, FrozenMap, Sku, as_utc, positive_int

if TYPE_CHECKING:
    from commercekit.cart._model import Cart

__all__ = [
    "Alternative",
    "CartCheckUnitOfWork",
    "CartProblem",
    "CartValidation",
    "ProblemCode",
    "Relation",
    "validate_cart",
]


class CartCheckUnitOfWork(CartPricingUnitOfWork, InventoryUnitOfWork, Protocol):
    """A unit of work with what validating a cart reads: pricing and stock."""


class ProblemCode(enum.StrEnum):
    """What keeps a cart from checkout; the storefront words it by this code."""

    EMPTY = "empty"
    """The cart has no lines."""
    PRODUCT_UNAVAILABLE = "product_unavailable"
    """A line's SKU is no longer in the catalog, or its product is inactive."""
    OUT_OF_STOCK = "out_of_stock"
    """None of a line's units is available."""
    PARTLY_AVAILABLE = "partly_available"
    """Fewer units are available than the line holds."""
    PRICE_MISSING = "price_missing"
    """A line's SKU has no price in the cart's currency."""
    PRICE_CHANGED = "price_changed"
    """A line's unit price is not the one the customer saw when adding it."""
    TOTAL_CHANGED = "total_changed"
    """The price frozen at checkout no longer holds, and the total moved."""
    COUPON_INVALID = "coupon_invalid"
    """An applied coupon code can no longer be used."""
    MISSING_ADDRESS = "missing_address"
    """The cart has no shipping address."""
    MISSING_EMAIL = "missing_email"
    """A guest's cart has no e-mail address to confirm the order to."""
    MISSING_SHIPPING_METHOD = "missing_shipping_method"
    """No shipping method is chosen, though the shop charges shipping."""
    SHIPPING_UNAVAILABLE = "shipping_unavailable"
    """The chosen shipping method cannot ship this cart."""
    MISSING_PAYMENT_METHOD = "missing_payment_method"
    """No payment method is chosen."""


class Relation(enum.StrEnum):
    """How an alternative relates to the line it stands in for."""

    SAME_PRODUCT = "same_product"
    """Another variant of the same product, such as the next size."""
    RELATED = "related"
    """A variant of a product the catalog names as related."""


@attrs.frozen(kw_only=True)
class Alternative:
    """An in-stock variant to offer instead of one that ran out.

    Args:
        sku: The variant's SKU.
        product_id: Its product.
        name: The product's name, in the cart's locale.
        options: The variant's options (``{"size": "43"}``).
        relation: Another variant of the same product, or a related product.
        available: The units available now, or ``None`` where the variant
            sells on backorder or preorder.
    """

    sku: Sku
    product_id: ProductId
    name: str
    options: Mapping[str, str]
    relation: Relation
    available: int | None


@attrs.frozen(kw_only=True)
class CartProblem:
    """One thing a customer must settle before checkout, with its data.

    Only the fields that belong to the problem's ``code`` are set.

    Args:
        code: What kind of problem it is.
        message: The problem in English words, for logs and developers;
            storefronts word it in the customer's language by ``code``.
        key: The cart line it concerns, if one.
        sku: That line's SKU.
        wanted: The units the line holds (stock problems).
        available: The units available (stock problems).
        seen: The price the customer saw: the line's unit price when added
            (``price_changed``) or the frozen total (``total_changed``).
        now: The price now, in the same terms.
        coupon_code: The refused code (``coupon_invalid``).
        reason: Why a coupon was refused, or why shipping is unavailable:
            the rule of the error behind it.
        field: The cart field to fill (``missing_*``).
        alternatives: In-stock variants to offer (stock and availability
            problems), the closest first.
    """

    code: ProblemCode
    message: str
    key: str | None = None
    sku: Sku | None = None
    wanted: int | None = None
    available: int | None = None
    seen: Money | None = None
    now: Money | None = None
    coupon_code: str | None = None
    reason: str | None = None
    field: str | None = None
    alternatives: tuple[Alternative, ...] = ()


@attrs.frozen(kw_only=True)
class CartValidation:
    """What validating a cart found.

    Args:
        problems: What keeps the cart from checkout, line problems first (in
            cart order), then the cart's; empty when it may proceed.
        price: The cart's current price; ``None`` when it cannot be priced
            (a SKU without a price).
        payable: The breakdown the customer pays if they proceed: the frozen
            one while it holds, else the current one; ``None`` without a
            price.
    """

    problems: tuple[CartProblem, ...]
    price: CartPrice | None
    payable: PriceBreakdown | None

    @property
    def ok(self) -> bool:
        """Whether nothing keeps the cart from checkout."""
        return not self.problems

    def codes(self) -> list[ProblemCode]:
        """The problems' codes, in order."""
        return [problem.code for problem in self.problems]

    def for_line(self, key: str) -> list[CartProblem]:
        """The problems of the line ``key``."""
        return [problem for problem in self.problems if problem.key == key]


class _Stock:
    """What can be sold of each SKU at one instant, read once per SKU."""

    def __init__(
        self, uow: InventoryUnitOfWork, inventory: InventorySettings, at: datetime
    ) -> None:
        self._uow, self._inventory, self._at = uow, inventory, at
        self._seen: dict[Sku, int | None] = {}

    def available(self, code: Sku) -> int | None:
        """Units that can be sold, ``None`` for no limit (see available_to_sell)."""
        if code not in self._seen:
            self._seen[code] = available_to_sell(
                self._uow.stock, code, self._inventory, self._at
            )
        return self._seen[code]


def _closeness(wanted: Variant, other: Variant) -> int:
    return sum(
        1 for name, value in wanted.options.items() if other.options.get(name) == value
    )


def _alternatives(
    product: Product | None,
    variant: Variant | None,
    *,
    uow: CartCheckUnitOfWork,
    stock: _Stock,
    in_cart: set[Sku],
    locale: str,
    limit: int,
) -> tuple[Alternative, ...]:
    """In-stock variants of the same product, then of related products."""
    candidates: list[tuple[Product, Variant, Relation]] = []
    if product is not None and variant is not None:
        siblings = [v for v in product.variants if v.sku != variant.sku]
        siblings.sort(key=lambda other: -_closeness(variant, other))  # stable
        candidates.extend((product, other, Relation.SAME_PRODUCT) for other in siblings)
    for related_id in product.related if product is not None else ():
        try:
            related = uow.products.get(related_id)
        except NotFoundError:
            continue  # a relation may outlive the product it names
        if related.active:
            candidates.extend(
                (related, other, Relation.RELATED) for other in related.variants
            )
    found: list[Alternative] = []
    for owner, other, relation in candidates:
        if other.sku in in_cart or not owner.active:
            continue
        available = stock.available(other.sku)
        if available is not None and available <= 0:
            continue
        found.append(
            Alternative(
                sku=other.sku,
                product_id=owner.product_id,
                name=owner.name.get(locale),
                options=FrozenMap(other.options),
                relation=relation,
                available=available,
            )
        )
        if len(found) == limit:
            break
    return tuple(found)


def _line_problems(
    cart: Cart,
    *,
    uow: CartCheckUnitOfWork,
    stock: _Stock,
    limit: int,
) -> list[CartProblem]:
    problems: list[CartProblem] = []
    in_cart = {line.sku for line in cart.lines}
    for line in cart.lines:
        if line.custom:
            continue
        try:
            product: Product | None = uow.products.get_by_sku(line.sku)
        except NotFoundError:
            product = None
        variant = None if product is None else product.variant(line.sku)

        def offer(
            product: Product | None = product, variant: Variant | None = variant
        ) -> tuple[Alternative, ...]:
            return _alternatives(
                product,
                variant,
                uow=uow,
                stock=stock,
                in_cart=in_cart,
                locale=cart.locale,
                limit=limit,
            )

        if product is None or not product.active:
            problems.append(
                CartProblem(
                    code=ProblemCode.PRODUCT_UNAVAILABLE,
                    message=f"{line.sku} is no longer for sale",
                    key=line.key,
                    sku=line.sku,
                    alternatives=offer(),
                )
            )
            continue
        available = stock.available(line.sku)
        if available is None or available >= line.quantity:
            continue
        code = (
            ProblemCode.OUT_OF_STOCK if available == 0 else ProblemCode.PARTLY_AVAILABLE
        )
        message = (
            f"{line.sku} is out of stock"
            if available == 0
            else f"only {available} of {line.quantity} units of {line.sku} are left"
        )
        problems.append(
            CartProblem(
                code=code,
                message=message,
                key=line.key,
                sku=line.sku,
                wanted=line.quantity,
                available=available,
                alternatives=offer(),
            )
        )
    return problems


def _price(
    cart: Cart,
    *,
    uow: CartCheckUnitOfWork,
    pricing: CartPricingSettings,
    at: datetime,
    customer: CustomerFacts | None,
    problems: list[CartProblem],
) -> CartPrice | None:
    """Price the cart, turning a missing price or method into a problem."""
    try:
        return price_cart(cart, uow=uow, settings=pricing, at=at, customer=customer)
    except PriceNotFoundError as error:
        problems.append(
            CartProblem(
                code=ProblemCode.PRICE_MISSING,
                message=str(error),
                key=next(
                    (line.key for line in cart.lines if line.sku == error.sku), None
                ),
                sku=Sku(error.sku),
            )
        )
        return None
    except (_Unshippable, CurrencyMismatchError) as error:
        problems.append(
            CartProblem(
                code=ProblemCode.SHIPPING_UNAVAILABLE,
                message=str(error),
                reason=getattr(error, "rule", "currency"),
                field="shipping_method",
            )
        )
        without = copy.deepcopy(cart)
        without.choose_shipping_method(None, at=cart.updated_at)
        return price_cart(without, uow=uow, settings=pricing, at=at, customer=customer)


def _price_problems(cart: Cart, price: CartPrice, *, lines: bool) -> list[CartProblem]:
    problems: list[CartProblem] = []
    for line in cart.lines if lines else ():
        now = price.unit_prices.get(line.sku)
        seen = line.unit_price_seen
        if line.custom or now is None or seen is None or seen == now:
            continue
        direction = "rose" if now > seen else "fell"
        problems.append(
            CartProblem(
                code=ProblemCode.PRICE_CHANGED,
                message=f"the price of {line.sku} {direction} from {seen} to {now}",
                key=line.key,
                sku=line.sku,
                seen=seen,
                now=now,
            )
        )
    problems.extend(
        CartProblem(
            code=ProblemCode.COUPON_INVALID,
            message=f"coupon code {code!r} cannot be used: {reason}",
            coupon_code=code,
            reason=reason,
        )
        for code, reason in price.coupons.refused
    )
    return problems


def _cart_problems(cart: Cart, pricing: CartPricingSettings) -> list[CartProblem]:
    problems: list[CartProblem] = []
    if cart.shipping_address is None:
        problems.append(
            CartProblem(
                code=ProblemCode.MISSING_ADDRESS,
                message="the cart has no shipping address",
                field="shipping_address",
            )
        )
    if cart.customer_id is None and cart.guest_email is None:
        problems.append(
            CartProblem(
                code=ProblemCode.MISSING_EMAIL,
                message="a guest's cart needs an e-mail address",
                field="guest_email",
            )
        )
    if pricing.shipping_rates is not None and cart.shipping_method is None:
        problems.append(
            CartProblem(
                code=ProblemCode.MISSING_SHIPPING_METHOD,
                message="no shipping method is chosen",
                field="shipping_method",
            )
        )
    if cart.payment_method is None:
        problems.append(
            CartProblem(
                code=ProblemCode.MISSING_PAYMENT_METHOD,
                message="no payment method is chosen",
                field="payment_method",
            )
        )
    return problems


def validate_cart(
    cart: Cart,
    *,
    uow: CartCheckUnitOfWork,
    pricing: CartPricingSettings,
    inventory: InventorySettings,
    at: datetime,
    customer: CustomerFacts | None = None,
    alternatives: int = 3,
) -> CartValidation:
    """Say what keeps a cart from checkout, each problem with its data.

    The checks, line problems first in cart order, then the cart's:

    * each catalog line's product is still for sale (else
      ``product_unavailable``), and enough of it is available at the
      locations in play (``inventory.locations``): ``out_of_stock`` when
      none is, ``partly_available`` with the units there are; a SKU whose
      :class:`~commercekit.inventory.StockPolicy` takes backorders or
      preorders is never short (the rule of
      :func:`~commercekit.inventory.available_to_sell`). Such a line, and an
      unavailable product's, comes with up to ``alternatives`` variants that
      can be sold: the same product's other variants first (those sharing
      more options with it first, then in catalog order; none for an
      inactive product), then the related products' variants; none already
      in the cart, none for a SKU the catalog no longer knows;
    * every catalog SKU has a price (``price_missing``), and a line whose
      unit price is not the one the customer saw when adding it says so
      (``price_changed``, with both prices);
    * every coupon code can still be used (``coupon_invalid`` with the
      rule that refused it);
    * the chosen shipping method can ship the cart
      (``shipping_unavailable``, also for rates in another currency; the
      cart is then priced without shipping);
    * the frozen price (:meth:`Cart.freeze_price
      <commercekit.cart.Cart.freeze_price>`) still holds; once it does not,
      a different total is ``total_changed``, never applied silently;
    * the cart has a shipping address, a payment method, a shipping method
      (where the shop charges shipping), and for a guest an e-mail address.

    Stock is read, never reserved: the checkout reserves it, and may still
    find it gone.

    Raises:
        PriceModeMismatchError: for a price list in the other mode (a
            set-up error, not the customer's problem).
        ValidationError: for a naive ``at``, an ``alternatives`` below 1, or
            a cart or settings of the wrong kind.
    """
    at = as_utc(at, field="at")
    limit = positive_int(alternatives, field="alternatives")
    _check_entry(cart, pricing)
    given: object = inventory  # checked at run time too, for untyped callers
    if not isinstance(given, InventorySettings):
        msg = f"inventory must be InventorySettings, not {given!r}"
        raise ValidationError(msg, field="inventory")
    problems: list[CartProblem] = []
    if not cart.lines:
        problems.append(
            CartProblem(code=ProblemCode.EMPTY, message="the cart is empty")
        )
    with uow:
        stock = _Stock(uow, inventory, at)
        problems.extend(_line_problems(cart, uow=uow, stock=stock, limit=limit))
    price = _price(
        cart, uow=uow, pricing=pricing, at=at, customer=customer, problems=problems
    )
    payable: PriceBreakdown | None = None
    if price is not None:
        payable = price.breakdown
        frozen = cart.frozen_price
        holds = frozen is not None and frozen.holds_for(price.fingerprint, at)
        # While the frozen price holds, the customer pays what they saw:
        # a line's price that moved since is no news to them.
        problems.extend(_price_problems(cart, price, lines=not holds))
        if frozen is not None:
            if holds:
                payable = frozen.breakdown
            elif frozen.breakdown.grand_total != price.grand_total:
                problems.append(
                    CartProblem(
                        code=ProblemCode.TOTAL_CHANGED,
                        message=(
                            f"the total was {frozen.breakdown.grand_total} at "
                            f"checkout and is {price.grand_total} now"
                        ),
                        seen=frozen.breakdown.grand_total,
                        now=price.grand_total,
                    )
                )
    position = {line.key: index for index, line in enumerate(cart.lines)}
    problems.sort(key=lambda problem: position.get(problem.key or "", len(position)))
    problems.extend(_cart_problems(cart, pricing))
    return CartValidation(problems=tuple(problems), price=price, payable=payable)
