"""The cart's price in one call: list prices, promotions, shipping and VAT."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from commercekit.cart._values import _positive_timedelta
from commercekit.catalog import CatalogUnitOfWork
from commercekit.errors import (
    BusinessRuleError,
    CurrencyMismatchError,
    NotFoundError,
    ValidationError,
)
from commercekit.money import Money, sum_money, zero
from commercekit.pricing import (
    LineItem,
    PriceBreakdown,
    PriceContext,
    PriceMode,
    PricingUnitOfWork,
    RoundingPolicy,
    ShippingBasis,
    ShippingQuote,
    ShippingRates,
    ShippingRequest,
    TaxContext,
    TaxProvider,
    price_lines,
    resolve_prices,
)
from commercekit.promotions import (
    CouponCheck,
    ItemFacts,
    PromotionContext,
    PromotionResult,
    PromotionsUnitOfWork,
    apply_promotions,
    check_coupons,
)
from commercekit.values import (
    CountryCode,
    CustomerFacts,
    FrozenMap,
    Sku,
    as_utc,
    country_code,
    positive_int,
)

if TYPE_CHECKING:
    from commercekit.cart._model import Cart

__all__ = [
    "CartPrice",
    "CartPricingSettings",
    "CartPricingUnitOfWork",
    "FrozenPrice",
    "PriceModeMismatchError",
    "cart_fingerprint",
    "price_cart",
]


class CartPricingUnitOfWork(
    CatalogUnitOfWork, PricingUnitOfWork, PromotionsUnitOfWork, Protocol
):
    """A unit of work with what pricing a cart reads.

    ``products`` (weights, tax categories, the facts promotions scope by),
    ``price_lists``, ``promotions`` and ``coupons``. Both built-in units of
    work have them.
    """


@attrs.define(slots=False)
class PriceModeMismatchError(BusinessRuleError):
    """A price list's prices are net where the cart's are gross, or the reverse.

    commercekit never converts between gross and net behind the merchant's
    back (the VAT rate depends on where the goods go): keep the lists a cart
    reads in the cart's mode (``mode`` of :class:`CartPricingSettings`).

    Args:
        sku: The SKU priced.
        list_id: The price list it was found in.
        expected: The cart's mode.
        got: The list's mode.

    >>> str(PriceModeMismatchError(
    ...     sku="BOOK", list_id="b2b", expected="gross", got="net"))
    "BOOK is priced net in price list 'b2b', but carts are priced gross: keep the price lists in the cart's mode"
    """  # noqa: E501 - a doctest's output is one line

    code = "price_mode_mismatch"

    sku: str = attrs.field(kw_only=True)
    list_id: str = attrs.field(kw_only=True)
    expected: str = attrs.field(kw_only=True)
    got: str = attrs.field(kw_only=True)
    rule: str = attrs.field(default="price_mode", kw_only=True)

    def _default_message(self) -> str:
        return (
            f"{self.sku} is priced {self.got} in price list {self.list_id!r}, but "
            f"carts are priced {self.expected}: keep the price lists in the "
            "cart's mode"
        )


def _tax_provider(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not callable(getattr(value, "decide", None)):
        msg = f"{attribute.name} must be a TaxProvider, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _rates(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not (
        callable(getattr(value, "quote", None))
        and callable(getattr(value, "quotes", None))
    ):
        msg = f"{attribute.name} must be ShippingRates or None, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _mode(value: object) -> PriceMode:
    try:
        return PriceMode(value if isinstance(value, str) else repr(value))
    except ValueError as exc:
        msg = f"mode must be 'gross' or 'net', not {value!r}"
        raise ValidationError(msg, field="mode") from exc


def _basis(value: object) -> ShippingBasis:
    try:
        return ShippingBasis(value if isinstance(value, str) else repr(value))
    except ValueError as exc:
        msg = f"shipping_basis must be 'net' or 'gross', not {value!r}"
        raise ValidationError(msg, field="shipping_basis") from exc


def _country(value: object) -> CountryCode:
    return country_code(value)  # type: ignore[arg-type]


def _optional_text(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        msg = f"{attribute.name} must be non-empty text or None, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _positive(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    positive_int(value, field=attribute.name)


def _rounding(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, RoundingPolicy):
        msg = f"{attribute.name} must be a RoundingPolicy, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


@attrs.frozen(kw_only=True)
class CartPricingSettings:
    """How the shop prices its carts.

    Args:
        tax: Decides each item's VAT (:class:`~commercekit.pricing.EUTaxProvider`).
        default_ship_to: The country a cart is taxed and shipped to before
            the customer gives an address: usually the shop's own.
        mode: Whether the shop's prices include VAT (gross, for consumers)
            or not (net); the price lists a cart reads must be in this mode.
        shipping_rates: Prices the cart's chosen shipping method; ``None``
            for a shop that charges no shipping.
        channel: The sales channel, for price lists and promotions by channel.
        rounding: How the breakdown rounds.
        shipping_basis: How shipping is split over mixed VAT rates.
        max_coupons: How many coupon codes one cart may use.
        freeze_for: How long a frozen price holds once checkout starts.

    Raises:
        ValidationError: for a setting of the wrong kind.
    """

    tax: TaxProvider = attrs.field(validator=_tax_provider)
    default_ship_to: CountryCode = attrs.field(converter=_country)
    mode: PriceMode = attrs.field(default=PriceMode.GROSS, converter=_mode)
    shipping_rates: ShippingRates | None = attrs.field(default=None, validator=_rates)
    channel: str | None = attrs.field(default=None, validator=_optional_text)
    rounding: RoundingPolicy = attrs.field(factory=RoundingPolicy, validator=_rounding)
    shipping_basis: ShippingBasis = attrs.field(
        default=ShippingBasis.NET, converter=_basis
    )
    max_coupons: int = attrs.field(default=1, validator=_positive)
    freeze_for: timedelta = attrs.field(
        default=timedelta(minutes=30), validator=_positive_timedelta
    )


def cart_fingerprint(cart: Cart, customer: CustomerFacts | None = None) -> str:
    """A digest of everything a cart's price depends on, besides the shop's data.

    The lines (key, SKU, quantity, a custom line's price and tax category),
    the coupon codes, the chosen shipping method, the customer id, the
    shipping address's country and postal code, and the customer's facts
    (group, business or consumer, VAT id and its confirmation, order count).
    Two carts with the same fingerprint are priced alike at one instant; a
    frozen price holds only for its fingerprint.

    Raises:
        ValidationError: for a ``customer`` that is not
            :class:`~commercekit.values.CustomerFacts`.
    """
    facts = _facts(customer)
    address = cart.shipping_address
    parts = [
        cart.currency,
        cart.customer_id or "",
        "" if address is None else f"{address.country}|{address.postal_code or ''}",
        cart.shipping_method or "",
        f"{facts.customer_group or ''}|{facts.business}|{facts.vat_id or ''}|"
        f"{facts.vat_id_confirmed}|{facts.order_count}",
    ]
    for line in cart.lines:
        custom = f"{line.unit_price_seen}|{line.tax_category}" if line.custom else ""
        parts.append(f"{line.key}|{line.sku}|{line.quantity}|{custom}")
    parts.extend(sorted(cart.coupon_codes))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _facts(customer: object) -> CustomerFacts:
    if customer is None:
        return CustomerFacts()
    if not isinstance(customer, CustomerFacts):
        msg = f"customer must be CustomerFacts or None, not {customer!r}"
        raise ValidationError(msg, field="customer")
    return customer


@attrs.frozen(kw_only=True)
class FrozenPrice:
    """A cart's price breakdown, held for the customer from checkout on.

    Args:
        breakdown: The breakdown the customer was shown.
        fingerprint: :func:`cart_fingerprint` of the cart it was made for.
        frozen_at: When checkout started.
        until: The instant it stops holding (exclusive), after ``frozen_at``.

    Raises:
        ValidationError: for an ``until`` not after ``frozen_at``.
    """

    breakdown: PriceBreakdown
    fingerprint: str
    frozen_at: datetime = attrs.field(converter=as_utc)
    until: datetime = attrs.field(converter=as_utc)

    def __attrs_post_init__(self) -> None:
        if self.until <= self.frozen_at:
            msg = (
                f"a frozen price must hold after {self.frozen_at}, not until "
                f"{self.until}"
            )
            raise ValidationError(msg, field="until")

    def holds_for(self, fingerprint: str, at: datetime) -> bool:
        """Whether it still holds at ``at`` for a cart of ``fingerprint``."""
        return fingerprint == self.fingerprint and as_utc(at) < self.until


@attrs.frozen(kw_only=True)
class CartPrice:
    """A cart's current price, and how it came about.

    Args:
        cart_id: The cart priced.
        priced_at: The instant of the prices, promotions and VAT.
        ship_to: The country it was taxed and shipped to.
        breakdown: Lines, discounts, shipping, VAT and totals.
        promotions: What the promotions gave, and why others did not.
        coupons: The coupon codes that may be used, and the refused ones.
        shipping: The chosen method's quote (its price before any free
            shipping promotion); ``None`` without a chosen method.
        shipping_options: Every method that can ship the cart, cheapest
            first, for the storefront to offer.
        unit_prices: The list price of each catalog SKU at its quantity.
        goods_total: The goods' value after discounts, in the cart's mode:
            what a free-shipping threshold reads.
        weight_grams: The parcel's weight, from the catalog's variants.
        customer: The customer's facts it was priced for.
        fingerprint: :func:`cart_fingerprint` of the cart as priced.
    """

    cart_id: str
    priced_at: datetime
    ship_to: CountryCode
    breakdown: PriceBreakdown
    promotions: PromotionResult
    coupons: CouponCheck
    shipping: ShippingQuote | None
    shipping_options: tuple[ShippingQuote, ...]
    unit_prices: Mapping[Sku, Money]
    goods_total: Money
    weight_grams: int
    customer: CustomerFacts
    fingerprint: str

    @property
    def grand_total(self) -> Money:
        """What the cart costs, VAT and shipping included."""
        return self.breakdown.grand_total

    def freeze(self, hold_for: timedelta) -> FrozenPrice:
        """Hold this price from ``priced_at`` for ``hold_for``.

        Raises:
            ValidationError: for a ``hold_for`` that is not a positive
                timedelta.
        """
        _positive_timedelta(
            None, attrs.fields(CartPricingSettings).freeze_for, hold_for
        )
        try:
            until = self.priced_at + hold_for
        except OverflowError as exc:
            msg = f"hold_for {hold_for!r} runs past the end of the calendar"
            raise ValidationError(msg, field="hold_for") from exc
        return FrozenPrice(
            breakdown=self.breakdown,
            fingerprint=self.fingerprint,
            frozen_at=self.priced_at,
            until=until,
        )


def _check_entry(cart: object, settings: object) -> None:
    from commercekit.cart._model import Cart  # noqa: PLC0415 - _model imports us

    if not isinstance(cart, Cart):
        msg = f"cart must be a Cart, not {cart!r}"
        raise ValidationError(msg, field="cart")
    if not isinstance(settings, CartPricingSettings):
        msg = f"settings must be CartPricingSettings, not {settings!r}"
        raise ValidationError(msg, field="settings")


def _ship_to(cart: Cart, settings: CartPricingSettings) -> CountryCode:
    address = cart.shipping_address
    return settings.default_ship_to if address is None else address.country


def _catalog_facts(
    cart: Cart, uow: CartPricingUnitOfWork
) -> tuple[dict[str, ItemFacts], dict[Sku, int], dict[Sku, str]]:
    """Facts, unit weights and tax categories of the cart's catalog SKUs."""
    facts: dict[str, ItemFacts] = {}
    weights: dict[Sku, int] = {}
    categories: dict[Sku, str] = {}
    for line in cart.lines:
        if line.custom:
            continue
        try:
            product = uow.products.get_by_sku(line.sku)
        except NotFoundError:
            continue  # cart validation reports it; the line keeps its own facts
        variant = product.variant(line.sku)
        facts[line.sku] = ItemFacts(
            product_id=product.product_id, categories=frozenset(product.categories)
        )
        weights[line.sku] = variant.weight_grams
        categories[line.sku] = str(variant.tax_category)
    return facts, weights, categories


def _goods_total(lines: tuple[LineItem, ...], currency: str) -> Money:
    return sum_money(
        (
            line.unit_price * line.quantity
            - sum_money((d.amount for d in line.discounts), currency)
            for line in lines
        ),
        currency,
    )


def price_cart(
    cart: Cart,
    *,
    uow: CartPricingUnitOfWork,
    settings: CartPricingSettings,
    at: datetime,
    customer: CustomerFacts | None = None,
) -> CartPrice:
    """Price a cart now: list prices, promotions, shipping and VAT.

    The steps, each one of commercekit's own:

    1. the unit price of each catalog line at its quantity from the stored
       price lists (:func:`~commercekit.pricing.resolve_prices`); custom
       lines bring their own; a catalog line takes its variant's tax
       category from the catalog;
    2. the cart's coupon codes are checked
       (:func:`~commercekit.promotions.check_coupons`) and the usable ones go
       with the active promotions into
       :func:`~commercekit.promotions.apply_promotions`;
    3. the chosen shipping method is quoted for the goods' value after
       discounts and their weight, to the shipping address's country (or
       ``settings.default_ship_to``); a free shipping promotion makes it 0;
    4. :func:`~commercekit.pricing.price_lines` computes VAT and totals.

    Nothing is stored and nothing is reserved: call it as often as the
    storefront shows the cart. ``customer`` gives the rules the customer's
    group, VAT id and order count; the cart's ``customer_id`` counts for
    coupon limits per customer.

    Raises:
        PriceNotFoundError: for a catalog SKU without a price.
        PriceModeMismatchError: for a price list in the other mode.
        ShippingMethodUnavailableError: if the chosen method cannot ship the
            cart (it is too heavy, or the country is not served).
        CurrencyMismatchError: for a chosen shipping method whose rates are
            in another currency (the options leave such rates out).
        ValidationError: for a naive ``at``, or a cart, settings or
            customer of the wrong kind.
    """
    at = as_utc(at, field="at")
    _check_entry(cart, settings)
    facts_of = _facts(customer)
    ship_to = _ship_to(cart, settings)
    quantities: dict[str, int] = {
        line.sku: line.quantity for line in cart.lines if not line.custom
    }
    prices: dict[Sku, Money] = {}
    if quantities:
        context = PriceContext(
            currency=cart.currency,
            at=at,
            channel=settings.channel,
            customer_group=facts_of.customer_group,
        )
        for code, found in resolve_prices(quantities, context, uow=uow).items():
            if found.mode is not settings.mode:
                raise PriceModeMismatchError(
                    sku=code,
                    list_id=found.list_id,
                    expected=settings.mode.value,
                    got=found.mode.value,
                )
            prices[code] = found.unit_price
    coupons = check_coupons(
        cart.coupon_codes, uow=uow, customer=cart.customer_id, at=at
    )
    with uow:
        promotions = uow.promotions.active_at(at)
        facts, weights, categories = _catalog_facts(cart, uow)
    items = [
        item
        if item.sku not in categories
        else attrs.evolve(item, tax_category=categories[item.sku])
        for item in cart.to_line_items(prices)
    ]
    weight = sum(
        weights.get(line.sku, 0) * line.quantity
        for line in cart.lines
        if not line.custom
    )
    # An empty cart ships nothing: no quote, no shipping in the breakdown.
    rates = settings.shipping_rates if items else None

    def request(goods: Money) -> ShippingRequest:
        address = cart.shipping_address
        postal = None if address is None else address.postal_code
        return ShippingRequest(
            country=ship_to, goods_total=goods, weight_grams=weight, postal_code=postal
        )

    # Free shipping is weighed against other exclusive promotions at the
    # method's own price, before any free-above threshold: a threshold the
    # goods pass before discounts may not hold after them.
    first = (
        None
        if rates is None or cart.shipping_method is None
        else rates.quote(cart.shipping_method, request(zero(cart.currency)))
    )
    promoted = apply_promotions(
        items,
        promotions,
        context=PromotionContext(
            currency=cart.currency,
            at=at,
            channel=settings.channel,
            customer=facts_of,
            coupon_codes=coupons.usable,
            shipping_method=cart.shipping_method,
            shipping_price=None if first is None else first.price,
            max_coupons=settings.max_coupons,
        ),
        facts=facts,
        locale=cart.locale,
    )
    after = _goods_total(promoted.lines, cart.currency)
    options: tuple[ShippingQuote, ...] = ()
    quote: ShippingQuote | None = None
    if rates is not None:
        if cart.shipping_method is not None:
            quote = rates.quote(cart.shipping_method, request(after))
        with contextlib.suppress(CurrencyMismatchError):
            options = tuple(rates.quotes(request(after)))  # none in this currency
    shipping: Money | None = None
    if quote is not None:
        shipping = zero(cart.currency) if promoted.free_shipping else quote.price
    breakdown = price_lines(
        promoted.lines,
        currency=cart.currency,
        mode=settings.mode,
        tax=settings.tax,
        context=TaxContext(ship_to=ship_to, supplied_at=at, buyer=facts_of),
        shipping=shipping,
        shipping_basis=settings.shipping_basis,
        policy=settings.rounding,
    )
    return CartPrice(
        cart_id=cart.cart_id,
        priced_at=at,
        ship_to=ship_to,
        breakdown=breakdown,
        promotions=promoted,
        coupons=coupons,
        shipping=quote,
        shipping_options=options,
        unit_prices=FrozenMap(prices),
        goods_total=after,
        weight_grams=weight,
        customer=facts_of,
        fingerprint=cart_fingerprint(cart, facts_of),
    )
