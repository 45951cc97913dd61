"""Strategies for checkout: a cart priced and validated in a drawn shop."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Final, NamedTuple

import attrs
from hypothesis import strategies as st

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.cart import (
    Alternative,
    Cart,
    CartPrice,
    CartPricingSettings,
    CartProblem,
    CartSettings,
    CartValidation,
    FrozenPrice,
    ProblemCode,
    Relation,
    price_cart,
    validate_cart,
)
from commercekit.catalog import Product, ProductId, Variant
from commercekit.errors import ValidationError
from commercekit.inventory import (
    InventorySettings,
    StockLocation,
    StockPolicy,
    stock_location_id,
)
from commercekit.pricing import (
    SHIPPING_RULES,
    EUTaxProvider,
    PriceList,
    PriceListId,
    PriceMode,
    PriceNotFoundError,
    ShippingBasis,
    ShippingMethodUnavailableError,
    TableRates,
    TaxSettings,
)
from commercekit.promotions import COUPON_RULES, Promotion
from commercekit.testing.strategies._cart import carts
from commercekit.testing.strategies._catalog import _OPTIONS, _WORDS
from commercekit.testing.strategies._common import (
    _AROUND,
    _CHANNELS,
    _HOURS_AROUND,
    _NOW_AND_THEN,
)
from commercekit.testing.strategies._money import addresses, customer_facts, money, skus
from commercekit.testing.strategies._pricing import rounding_policies
from commercekit.testing.strategies._promotions import (
    _CATEGORIES,
    _COUPON_CODES,
    _PRODUCTS,
    _PROMOTION_SKUS,
    _SHIPPING_METHODS,
    coupons,
    promotions,
)
from commercekit.testing.strategies._shipping import _SHIPPING_COUNTRIES, table_rates
from commercekit.values import CustomerFacts, FrozenMap, Sku

__all__ = [
    "alternatives",
    "cart_prices",
    "cart_pricing_settings",
    "cart_problems",
    "cart_validations",
    "frozen_prices",
]

# Merchants in countries that have a rate of every category a drawn shop
# sells, and the destinations of its carts (outside the EU: exports).
_SHOP_SELLERS: Final = ("DE", "AT", "FR", "NL", "PL", "IE")
_SHOP_SHIP_TO: Final = (*_SHOP_SELLERS, "CH", "US")
_SHOP_CATEGORIES: Final = ("standard", "reduced", "zero", "exempt")
_SHOP_SINCE: Final = _AROUND - timedelta(days=30)
_SHOP_SIZES: Final = ("41", "43", "44")
_MAIN: Final = stock_location_id("main")


def _sale_instants() -> st.SearchStrategy[datetime]:
    """Instants within three days of :data:`_AROUND`, to the minute."""
    minutes = _HOURS_AROUND * 60
    return st.integers(-minutes, minutes).map(
        lambda offset: _AROUND + timedelta(minutes=offset)
    )


def cart_pricing_settings(
    currency: str = "EUR",
) -> st.SearchStrategy[CartPricingSettings]:
    """Draw how a shop prices its carts in ``currency``.

    VAT by :class:`~commercekit.pricing.EUTaxProvider` for a merchant in
    Germany, Austria, France, the Netherlands, Poland or Ireland (by the
    destination principle or not), carts taxed and shipped to one of those,
    Switzerland or the United States until the customer gives an address,
    gross or net prices, shipping rates of :func:`table_rates` or none, no
    channel or ``web`` or ``app``, any of :func:`rounding_policies`, shipping
    split by either basis, 1 to 3 coupons a cart, and prices frozen for a
    minute to two hours.

    Args:
        currency: The currency of the shipping rates and rounding.
    """
    code = currency.strip().upper()
    merchant = st.builds(
        TaxSettings,
        merchant_country=st.sampled_from(_SHOP_SELLERS),
        destination_principle=st.booleans(),
    )
    return st.builds(
        CartPricingSettings,
        tax=merchant.map(EUTaxProvider),
        default_ship_to=st.sampled_from(_SHOP_SHIP_TO),
        mode=st.sampled_from(PriceMode),
        shipping_rates=st.none() | table_rates(code),
        channel=_CHANNELS,
        rounding=rounding_policies(code),
        shipping_basis=st.sampled_from(ShippingBasis),
        max_coupons=st.integers(1, 3),
        freeze_for=st.integers(1, 120).map(lambda minutes: timedelta(minutes=minutes)),
    )


class _Checkout(NamedTuple):
    """A drawn shop with a cart in it, at the instant it is priced."""

    cart: Cart
    store: InMemoryStore
    settings: CartPricingSettings
    inventory: InventorySettings
    at: datetime
    customer: CustomerFacts | None

    def uow(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store)


def _variants_of(
    draw: st.DrawFn, code: Sku, taken: set[Sku]
) -> list[tuple[Sku, dict[str, str]]]:
    """The SKU in size 42, and up to two other sizes not sold already."""
    found = [(code, {"size": "42"})]
    for size in draw(st.lists(st.sampled_from(_SHOP_SIZES), max_size=2, unique=True)):
        other = Sku(f"{code}.{size}")
        if other not in taken:
            taken.add(other)
            found.append((other, {"size": size}))
    return found


def _shop_cart(draw: st.DrawFn, currency: str, settings: CartPricingSettings) -> Cart:
    """A cart of :func:`carts`, with lines promotions name, its method the shop's.

    An empty cart gets a line three times in four; half of the carts get
    what checkout asks for (an address, a payment method, an e-mail
    address for a guest).
    """
    cart = draw(carts(currency))
    at = cart.updated_at
    empty = not cart.lines
    least = 1 if empty and not draw(_NOW_AND_THEN) else 0
    for code in draw(
        st.lists(st.sampled_from(_PROMOTION_SKUS), min_size=least, max_size=2)
    ):
        cart.add(code, draw(st.integers(1, 5)), at=at, settings=CartSettings())
    rates = settings.shipping_rates
    if isinstance(rates, TableRates) and draw(st.booleans()):
        methods = [method.code for method in rates.methods]
        cart.choose_shipping_method(draw(st.sampled_from(methods)), at=at)
    if draw(st.booleans()):
        if cart.shipping_address is None:
            cart.set_shipping_address(draw(addresses()), at=at)
        if cart.payment_method is None:
            cart.choose_payment_method("card", at=at)
        if cart.customer_id is None and cart.guest_email is None:
            cart.set_guest_email("guest@example.com", at=at)
    return cart


@st.composite
def _checkout(draw: st.DrawFn, currency: str, *, gaps: bool) -> _Checkout:
    """A cart of :func:`carts` in a shop that sells it (``gaps``: mostly)."""
    settings = draw(cart_pricing_settings(currency))
    at = draw(_sale_instants())
    cart = _shop_cart(draw, currency, settings)
    catalog = sorted({line.sku for line in cart.lines if not line.custom})
    taken = set(catalog)
    ids = [
        ProductId(_PRODUCTS[index] if index < len(_PRODUCTS) else f"p-{index}")
        for index in range(len(catalog))
    ]
    unpriced = (
        draw(st.sampled_from(catalog))
        if gaps and catalog and draw(_NOW_AND_THEN)
        else None
    )
    prices = money(currency, min_value=0, max_value=300)
    main = PriceList(list_id=PriceListId("shop"), currency=currency, mode=settings.mode)
    later = PriceList(
        list_id=PriceListId("from-now"),
        currency=currency,
        mode=settings.mode,
        priority=1,
        valid_from=at - timedelta(minutes=draw(st.integers(0, 240))),
    )
    policies: dict[Sku, StockPolicy] = {}
    store = InMemoryStore()
    with InMemoryUnitOfWork(store) as uow:
        for index, code in enumerate(catalog):
            sold = _variants_of(draw, code, taken)
            uow.products.add(
                Product(
                    product_id=ids[index],
                    name=f"Product {index}",
                    categories=draw(
                        st.lists(st.sampled_from(_CATEGORIES), max_size=2, unique=True)
                    ),
                    variants=[
                        Variant(
                            sku=variant,
                            options=options,
                            weight_grams=draw(st.integers(0, 1000)),
                            tax_category=draw(st.sampled_from(_SHOP_CATEGORIES)),
                        )
                        for variant, options in sold
                    ],
                    related=[ids[index - 1]] if index and draw(st.booleans()) else [],
                    active=not gaps or not draw(_NOW_AND_THEN),
                    created_at=_SHOP_SINCE,
                )
            )
            for variant, _ in sold:
                if variant == unpriced:
                    continue
                main.set_price(variant, draw(prices), at=_SHOP_SINCE)
                if draw(_NOW_AND_THEN):
                    later.set_price(variant, draw(prices), at=_SHOP_SINCE)
                if not gaps:
                    continue
                if draw(_NOW_AND_THEN):
                    policies[variant] = StockPolicy(backorder=True)
                units = draw(st.integers(0, 25) | st.just(50))
                if units:
                    uow.stock.receive(variant, _MAIN, units, at=_SHOP_SINCE)
        uow.price_lists.add(main)
        uow.price_lists.add(later)
        offers = draw(
            st.lists(promotions(currency), max_size=3, unique_by=_promotion_id)
        )
        for offer in offers:
            uow.promotions.add(offer)
        for entered in cart.coupon_codes:
            if draw(st.booleans()):
                uow.coupons.add(attrs.evolve(draw(coupons()), code=entered))
        uow.commit()
    return _Checkout(
        cart=cart,
        store=store,
        settings=settings,
        inventory=InventorySettings(
            locations=[StockLocation(location_id=_MAIN, name="Main")],
            policies=policies,
        ),
        at=at,
        customer=draw(st.none() | customer_facts()),
    )


def _promotion_id(promotion: Promotion) -> str:
    return promotion.promotion_id


def _price(checkout: _Checkout, at: datetime) -> CartPrice:
    """Price the cart; unchoose a method that cannot ship it, as checkout would."""
    cart = checkout.cart
    try:
        return price_cart(
            cart,
            uow=checkout.uow(),
            settings=checkout.settings,
            at=at,
            customer=checkout.customer,
        )
    except ShippingMethodUnavailableError:
        cart.choose_shipping_method(None, at=cart.updated_at)
    return price_cart(
        cart,
        uow=checkout.uow(),
        settings=checkout.settings,
        at=at,
        customer=checkout.customer,
    )


def cart_prices(currency: str = "EUR") -> st.SearchStrategy[CartPrice]:
    """Draw what :func:`~commercekit.cart.price_cart` computes for a drawn shop.

    A cart of :func:`carts`, with up to two lines of the SKUs
    :func:`promotions` name added (an empty cart gets one three times in
    four), in an in-memory shop priced by :func:`cart_pricing_settings`.
    Half of the carts choose one of the shop's shipping methods, and half
    have an address, a payment method and, for a guest, an e-mail address.
    Each catalog SKU is a variant (0 to 1 kg, of a tax category every
    destination has) of an active product, with other sizes beside it, and
    has a price of 0 to 300 in a price list in the settings' mode; some have
    a newer one in a second list that starts up to four hours before the
    sale. Up to three :func:`promotions` run, and some of the cart's coupon
    codes are coupons of :func:`coupons`. The cart is priced within three
    days of 2026-01-05 09:00 UTC, for no known customer or one of
    :func:`customer_facts`; a chosen shipping method that cannot ship it is
    unchosen first, as :func:`~commercekit.cart.validate_cart` does.

    Args:
        currency: The cart's currency.
    """
    code = currency.strip().upper()
    return _checkout(code, gaps=False).map(
        lambda checkout: _price(checkout, checkout.at)
    )


def frozen_prices(currency: str = "EUR") -> st.SearchStrategy[FrozenPrice]:
    """Draw prices of :func:`cart_prices`, frozen for a minute to a day.

    Built by :meth:`CartPrice.freeze <commercekit.cart.CartPrice.freeze>`,
    so each holds from the instant it was priced until later, for its cart's
    fingerprint.

    Args:
        currency: The cart's currency.
    """
    return st.builds(
        lambda price, minutes: price.freeze(timedelta(minutes=minutes)),
        cart_prices(currency),
        st.integers(1, 24 * 60),
    )


def alternatives() -> st.SearchStrategy[Alternative]:
    """Draw in-stock variants to offer for a line that ran out.

    A SKU of :func:`skus`, one of a few products, a name, a size and colour
    now and then, either relation, and 1 to 100 units available or
    ``None`` (sold on backorder or preorder): never 0, as only variants in
    stock are offered.
    """
    return st.builds(
        Alternative,
        sku=skus(),
        product_id=st.sampled_from(_PRODUCTS).map(ProductId),
        name=st.lists(_WORDS, min_size=1, max_size=3).map(" ".join),
        options=_OPTIONS.map(FrozenMap),
        relation=st.sampled_from(Relation),
        available=st.none() | st.integers(1, 100),
    )


_MISSING: Final = {
    ProblemCode.MISSING_ADDRESS: (
        "shipping_address",
        "the cart has no shipping address",
    ),
    ProblemCode.MISSING_EMAIL: (
        "guest_email",
        "a guest's cart needs an e-mail address",
    ),
    ProblemCode.MISSING_SHIPPING_METHOD: (
        "shipping_method",
        "no shipping method is chosen",
    ),
    ProblemCode.MISSING_PAYMENT_METHOD: (
        "payment_method",
        "no payment method is chosen",
    ),
}


@st.composite
def _offers(draw: st.DrawFn, line: Sku) -> tuple[Alternative, ...]:
    """Alternatives for ``line``: the same product's variants first."""
    found = draw(st.lists(alternatives(), max_size=3, unique_by=_alternative_sku))
    own, *others = _PRODUCTS
    offered = [
        attrs.evolve(
            offer,
            product_id=ProductId(
                own
                if offer.relation is Relation.SAME_PRODUCT
                else draw(st.sampled_from(others))
            ),
        )
        for offer in found
        if offer.sku != line
    ]
    offered.sort(key=lambda offer: offer.relation is not Relation.SAME_PRODUCT)
    return tuple(offered)


def _alternative_sku(alternative: Alternative) -> Sku:
    return alternative.sku


@st.composite
def _cart_problem(draw: st.DrawFn, code: ProblemCode, currency: str) -> CartProblem:
    if code in _MISSING:
        field, message = _MISSING[code]
        return CartProblem(code=code, message=message, field=field)
    if code is ProblemCode.EMPTY:
        return CartProblem(code=code, message="the cart is empty")
    if code is ProblemCode.COUPON_INVALID:
        coupon = draw(st.sampled_from(_COUPON_CODES))
        reason = draw(st.sampled_from(sorted({*COUPON_RULES, "coupon_unknown"})))
        return CartProblem(
            code=code,
            message=f"coupon code {coupon!r} cannot be used: {reason}",
            coupon_code=coupon,
            reason=reason,
        )
    if code is ProblemCode.SHIPPING_UNAVAILABLE:
        error = ShippingMethodUnavailableError(
            method=draw(st.sampled_from(_SHIPPING_METHODS)),
            rule=draw(st.sampled_from(sorted(SHIPPING_RULES))),
            country=draw(st.sampled_from(_SHIPPING_COUNTRIES)),
            weight_grams=draw(st.integers(30_001, 60_000)),
            max_grams=30_000,
        )
        return CartProblem(
            code=code, message=str(error), reason=error.rule, field="shipping_method"
        )
    if code is ProblemCode.TOTAL_CHANGED:
        seen, now = draw(
            st.lists(money(currency, 0, 5000), min_size=2, max_size=2, unique=True)
        )
        return CartProblem(
            code=code,
            message=f"the total was {seen} at checkout and is {now} now",
            seen=seen,
            now=now,
        )
    return draw(_line_problem(code, currency))


@st.composite
def _line_problem(draw: st.DrawFn, code: ProblemCode, currency: str) -> CartProblem:
    line = draw(skus())
    if code is ProblemCode.PRICE_CHANGED:
        seen, now = draw(
            st.lists(money(currency, 0, 500), min_size=2, max_size=2, unique=True)
        )
        direction = "rose" if now > seen else "fell"
        return CartProblem(
            code=code,
            message=f"the price of {line} {direction} from {seen} to {now}",
            key=line,
            sku=line,
            seen=seen,
            now=now,
        )
    if code is ProblemCode.PRICE_MISSING:
        error = PriceNotFoundError(sku=line, currency=currency, quantity=1)
        return CartProblem(code=code, message=str(error), key=line, sku=line)
    if code is ProblemCode.PRODUCT_UNAVAILABLE:
        return CartProblem(
            code=code,
            message=f"{line} is no longer for sale",
            key=line,
            sku=line,
            alternatives=draw(_offers(line)),
        )
    wanted = draw(st.integers(1 if code is ProblemCode.OUT_OF_STOCK else 2, 40))
    available = (
        0 if code is ProblemCode.OUT_OF_STOCK else draw(st.integers(1, wanted - 1))
    )
    message = (
        f"{line} is out of stock"
        if available == 0
        else f"only {available} of {wanted} units of {line} are left"
    )
    return CartProblem(
        code=code,
        message=message,
        key=line,
        sku=line,
        wanted=wanted,
        available=available,
        alternatives=draw(_offers(line)),
    )


def cart_problems(
    currency: str = "EUR", *, codes: Iterable[ProblemCode] | None = None
) -> st.SearchStrategy[CartProblem]:
    """Draw problems of every code, or of ``codes``, their fields set as it says.

    Line problems name a line of a SKU of :func:`skus` (its key is its
    SKU); ``out_of_stock`` holds 1 to 40 units wanted and none available,
    ``partly_available`` fewer available than wanted but some; both, and
    ``product_unavailable``, offer up to three :func:`alternatives` other
    than the line's SKU, the same product's variants first.
    ``price_changed`` and ``total_changed`` have two different prices in
    ``currency`` (up to 500 a unit, up to 5,000 a total); ``coupon_invalid``
    a code and the rule that refused it; ``shipping_unavailable`` a rule of
    :data:`~commercekit.pricing.SHIPPING_RULES`; the ``missing_*`` problems
    the cart field to fill. The messages are the library's.

    Args:
        currency: The currency of the prices.
        codes: The codes to draw from; all by default.

    Raises:
        ValidationError: for codes that are empty or not problem codes.
    """
    chosen = tuple(ProblemCode) if codes is None else tuple(codes)
    if not chosen or not all(isinstance(code, ProblemCode) for code in chosen):
        msg = f"codes must be some ProblemCode members, not {chosen!r}"
        raise ValidationError(msg, field="codes")
    unit = currency.strip().upper()
    return st.sampled_from(chosen).flatmap(lambda code: _cart_problem(code, unit))


def cart_validations(currency: str = "EUR") -> st.SearchStrategy[CartValidation]:
    """Draw what :func:`~commercekit.cart.validate_cart` finds in a drawn shop.

    The shop and cart are those of :func:`cart_prices`, with gaps: a
    product is inactive one time in four, and now and then one catalog SKU
    has no price. Each variant has 0 to 25 units in stock, or 50, and one
    in four sells on backorder. One time in four the cart's price was
    frozen at checkout up to four hours before (held for the settings'
    ``freeze_for``; the newer price list may have started since). The cart
    is validated at the sale's instant, offering 1 to 3 alternatives.

    Args:
        currency: The cart's currency.
    """

    @st.composite
    def build(draw: st.DrawFn) -> CartValidation:
        checkout = draw(_checkout(currency.strip().upper(), gaps=True))
        if draw(_NOW_AND_THEN):
            earlier = checkout.at - timedelta(minutes=draw(st.integers(0, 240)))
            try:
                price = _price(checkout, earlier)
            except PriceNotFoundError:
                pass  # nothing to freeze
            else:
                checkout.cart.freeze_price(price, hold_for=checkout.settings.freeze_for)
        return validate_cart(
            checkout.cart,
            uow=checkout.uow(),
            pricing=checkout.settings,
            inventory=checkout.inventory,
            at=checkout.at,
            customer=checkout.customer,
            alternatives=draw(st.integers(1, 3)),
        )

    return build()
