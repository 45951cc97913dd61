"""The cart aggregate: its lines, coupons, choices and the merge on login."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Final

import attrs

from commercekit.cart._checks import (
    _a,
    _billing_address,
    _coupon_codes,
    _currency_code,
    _customer_id,
    _email,
    _lines,
    _locale,
    _payment_method,
    _shipping_address,
    _shipping_method,
    _updated_at,
    _version,
)
from commercekit.cart._errors import CartLimitError, CartLineNotFoundError
from commercekit.cart._events import (
    CartLineAdded,
    CartLineRemoved,
    CartQuantityChanged,
    CartsMerged,
    CheckoutStarted,
    CouponApplied,
    CouponRemoved,
)
from commercekit.cart._merge import MergeReport, _merge_addresses, _merge_lines
from commercekit.cart._pricing import CartPrice, FrozenPrice, cart_fingerprint
from commercekit.cart._values import (
    _MAX_LINES,
    _MAX_QUANTITY,
    CartId,
    CartLine,
    CartSettings,
    _money,
    _optional_money,
    _optional_text,
    _quantity,
    _text,
    cart_id,
)
from commercekit.errors import (
    CurrencyMismatchError,
    DuplicateError,
    NotFoundError,
    ValidationError,
)
from commercekit.money import Money
from commercekit.ports import EventRecorder
from commercekit.pricing import LineItem, PriceNotFoundError
from commercekit.promotions import normalize_code
from commercekit.values import Address, Sku, as_utc, personal, redacted, sku

__all__ = ["Cart"]


_METHODS: Final = {
    "cart_id": None,
    "currency": None,
    "locale": None,
    "lines": "add, add_custom, change_quantity, remove, clear or merge",
    "coupon_codes": "apply_coupon or remove_coupon",
    "customer_id": "assign_customer",
    "guest_email": "set_guest_email",
    "shipping_method": "choose_shipping_method",
    "payment_method": "choose_payment_method",
    "shipping_address": "set_shipping_address",
    "billing_address": "set_billing_address",
    "frozen_price": "freeze_price or unfreeze_price",
    "updated_at": "the method that changes the cart",
}


# Fields whose change leaves a frozen price as it is.
_PRICE_NEUTRAL: Final = frozenset(
    {"guest_email", "payment_method", "billing_address", "frozen_price"}
)


def _through_methods(instance: Cart, attribute: attrs.Attribute[Any], _: object) -> Any:
    method = _METHODS[attribute.name]
    if method is None:
        current = getattr(instance, attribute.name)
        msg = (
            f"the {attribute.name} of cart {instance.cart_id} is {current!r} and "
            "cannot change"
        )
    else:
        msg = f"change the {attribute.name} of a cart with {method}"
    raise ValidationError(msg, field=attribute.name)


@attrs.define(kw_only=True)
class Cart(EventRecorder):
    """A customer's or guest's cart, in one currency and locale.

    Every change goes through a method, which checks the change and sets
    ``updated_at`` (it never moves back); setting a field directly raises
    :class:`~commercekit.errors.ValidationError`. ``cart_id``, ``currency``
    and ``locale`` never change. Methods that refuse a change leave the cart
    as it was and record no event. Expiry is a question (:meth:`is_expired`);
    the methods do not refuse work on an expired cart, the caller discards
    it.

    The methods that change lines, coupons or merge carts record domain
    events (:class:`CartLineAdded`, :class:`CartLineRemoved`,
    :class:`CartQuantityChanged`, :class:`CouponApplied`,
    :class:`CouponRemoved`, :class:`CartsMerged`) for the unit of work to
    publish once the cart is saved; setting the customer, e-mail, addresses
    or methods records none.

    Args:
        cart_id: Its identifier.
        currency: The currency of every price in it.
        locale: The customer's locale, such as ``"de_DE"``.
        updated_at: The last change (UTC-aware); expiry counts from it.
        customer_id: The customer's id; ``None`` for a guest.
        guest_email: A guest's e-mail address, once given (personal data:
            shown as ``'***'`` in ``repr``).
        lines: The lines, in the order they were added.
        coupon_codes: The applied coupon codes, normalized and each once;
            they are checked when the cart is priced, not here.
        shipping_method: The chosen shipping method's code, if any.
        payment_method: The chosen payment method's code, if any.
        shipping_address: Where to ship, once given (personal data: its
            name, street, postal code and phone are hidden in ``repr``).
        billing_address: Where to bill, if not the shipping address:
            ``None`` means the same as ``shipping_address``
            (:attr:`invoice_address` answers which applies).
        frozen_price: The price held for the customer since checkout
            started (:meth:`freeze_price`); it holds while the cart is as it
            was priced and its time has not run out.
        version: The stored version, for optimistic concurrency.

    >>> from datetime import UTC, datetime
    >>> from commercekit.money import money
    >>> now = datetime(2026, 6, 1, 9, tzinfo=UTC)
    >>> cart = Cart(cart_id="c-1", currency="EUR", locale="de_DE", updated_at=now)
    >>> cart.add("SNEAKER-42", 1, at=now, settings=CartSettings())
    >>> cart.add("SNEAKER-42", 2, at=now, settings=CartSettings())
    >>> [(line.sku, line.quantity) for line in cart.lines]
    [('SNEAKER-42', 3)]
    >>> items = cart.to_line_items({"SNEAKER-42": money("89.90", "EUR")})
    >>> items[0].quantity, items[0].unit_price
    (3, Money('89.90', 'EUR'))
    """

    cart_id: CartId = attrs.field(converter=cart_id, on_setattr=_through_methods)
    currency: str = attrs.field(converter=_currency_code, on_setattr=_through_methods)
    locale: str = attrs.field(converter=_locale, on_setattr=_through_methods)
    updated_at: datetime = attrs.field(
        converter=_updated_at, on_setattr=_through_methods
    )
    customer_id: str | None = attrs.field(
        default=None,
        converter=_customer_id,
        on_setattr=_through_methods,
    )
    guest_email: str | None = attrs.field(
        default=None,
        converter=_email,
        metadata=personal(),
        repr=redacted,
        on_setattr=_through_methods,
    )
    lines: tuple[CartLine, ...] = attrs.field(
        default=(), converter=_lines, on_setattr=_through_methods
    )
    coupon_codes: tuple[str, ...] = attrs.field(
        default=(), converter=_coupon_codes, on_setattr=_through_methods
    )
    shipping_method: str | None = attrs.field(
        default=None,
        converter=_shipping_method,
        on_setattr=_through_methods,
    )
    payment_method: str | None = attrs.field(
        default=None,
        converter=_payment_method,
        on_setattr=_through_methods,
    )
    shipping_address: Address | None = attrs.field(
        default=None,
        converter=_shipping_address,
        metadata=personal(),
        on_setattr=_through_methods,
    )
    billing_address: Address | None = attrs.field(
        default=None,
        converter=_billing_address,
        metadata=personal(),
        on_setattr=_through_methods,
    )
    frozen_price: FrozenPrice | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(FrozenPrice)),
        on_setattr=_through_methods,
    )
    version: int = attrs.field(
        default=0, validator=_version, on_setattr=attrs.setters.validate
    )

    def __attrs_post_init__(self) -> None:
        for line in self.lines:
            if line.unit_price_seen is not None:
                self._check_currency(line.unit_price_seen)

    # -- internals ---------------------------------------------------------

    def _put(self, at: datetime, **changes: object) -> None:
        """Set fields past their guards, and ``updated_at`` to ``at`` or later.

        A change of what the price depends on ends a frozen price.
        """
        if self.frozen_price is not None and not _PRICE_NEUTRAL.issuperset(changes):
            object.__setattr__(self, "frozen_price", None)
        for name, value in changes.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "updated_at", max(self.updated_at, at))

    def _check_currency(self, price: Money) -> None:
        if price.currency.code != self.currency:
            raise CurrencyMismatchError(expected=self.currency, got=price.currency.code)

    def _index(self, key: str) -> int:
        for index, line in enumerate(self.lines):
            if line.key == key:
                return index
        raise CartLineNotFoundError(key=key, cart_id=self.cart_id)

    def _find(self, key: str) -> CartLine | None:
        return next((line for line in self.lines if line.key == key), None)

    def _check_room(self, key: str, settings: CartSettings) -> None:
        if len(self.lines) >= settings.max_lines:
            raise CartLimitError(
                limit=_MAX_LINES,
                maximum=settings.max_lines,
                requested=len(self.lines) + 1,
                key=key,
            )

    @staticmethod
    def _check_quantity(key: str, quantity: int, settings: CartSettings) -> None:
        if quantity > settings.max_quantity_per_line:
            raise CartLimitError(
                limit=_MAX_QUANTITY,
                maximum=settings.max_quantity_per_line,
                requested=quantity,
                key=key,
            )

    def _replace(self, index: int, line: CartLine) -> tuple[CartLine, ...]:
        return (*self.lines[:index], line, *self.lines[index + 1 :])

    # -- lines -------------------------------------------------------------

    def add(
        self,
        sku_code: str,
        quantity: int,
        *,
        at: datetime,
        settings: CartSettings,
        unit_price_seen: Money | None = None,
        tax_category: str = "standard",
    ) -> None:
        """Add ``quantity`` units of a catalog SKU.

        Adding a SKU the cart holds adds to its line, which keeps its
        ``added_at`` and takes the newer ``unit_price_seen`` (the price the
        customer saw last) when one is given.

        Raises:
            ValidationError: for a bad SKU or quantity (at least 1).
            CurrencyMismatchError: for a price in another currency.
            CartLimitError: if the line would pass ``max_quantity_per_line``,
                or a new line ``max_lines``.
            DuplicateError: if a custom line has the SKU as its key.
        """
        _a(settings, CartSettings, "settings")
        code, quantity = self._add_units(
            sku_code,
            quantity,
            at=at,
            settings=settings,
            unit_price_seen=unit_price_seen,
            tax_category=tax_category,
        )
        self.record(CartLineAdded(cart_id=self.cart_id, sku=code, quantity=quantity))

    def _add_units(
        self,
        sku_code: str,
        quantity: int,
        *,
        at: datetime,
        settings: CartSettings,
        unit_price_seen: Money | None,
        tax_category: str,
    ) -> tuple[Sku, int]:
        """:meth:`add` without its event; return the SKU and units added."""
        code, quantity, at = sku(sku_code), _quantity(quantity), as_utc(at, field="at")
        seen = _optional_money(unit_price_seen)
        if seen is not None:
            self._check_currency(seen)
        found = self._find(code)
        if found is None:
            self._check_room(code, settings)
            self._check_quantity(code, quantity, settings)
            line = CartLine(
                key=code,
                sku=code,
                quantity=quantity,
                added_at=at,
                unit_price_seen=seen,
                tax_category=tax_category,
            )
            self._put(at, lines=(*self.lines, line))
            return code, quantity
        if found.custom:
            raise DuplicateError(kind="cart line", key=code)
        total = found.quantity + quantity
        self._check_quantity(code, total, settings)
        merged = attrs.evolve(
            found,
            quantity=total,
            unit_price_seen=found.unit_price_seen if seen is None else seen,
        )
        self._put(at, lines=self._replace(self._index(code), merged))
        return code, quantity

    def add_custom(
        self,
        key: str,
        name: str,
        unit_price: Money,
        *,
        tax_category: str,
        at: datetime,
        settings: CartSettings,
        quantity: int = 1,
    ) -> None:
        """Add a line that is not in the catalog, such as gift wrap.

        Args:
            key: Its code, in the form of a SKU (``"GIFT-WRAP"``).
            name: What the customer reads.
            unit_price: Its price, in the cart's currency and price mode.
            tax_category: Its tax category.
            at: The instant of the change.
            settings: The cart limits.
            quantity: How many, 1 unless said.

        Raises:
            ValidationError: for bad fields.
            CurrencyMismatchError: for a price in another currency.
            DuplicateError: if the cart has a line with that key.
            CartLimitError: for a quantity past ``max_quantity_per_line`` or a
                line past ``max_lines``.
        """
        _a(settings, CartSettings, "settings")
        code, at = sku(key), as_utc(at, field="at")
        price = _money(unit_price, "unit_price")
        self._check_currency(price)
        line = CartLine(
            key=code,
            sku=code,
            quantity=quantity,
            added_at=at,
            unit_price_seen=price,
            tax_category=tax_category,
            custom=True,
            name=name,
        )
        if self._find(code) is not None:
            raise DuplicateError(kind="cart line", key=code)
        self._check_room(code, settings)
        self._check_quantity(code, line.quantity, settings)
        self._put(at, lines=(*self.lines, line))
        self.record(
            CartLineAdded(
                cart_id=self.cart_id, sku=code, quantity=line.quantity, custom=True
            )
        )

    def change_quantity(
        self, key: str, quantity: int, *, at: datetime, settings: CartSettings
    ) -> None:
        """Set a line's quantity; remove a line with :meth:`remove`, not with 0.

        Setting the quantity the line has touches ``updated_at`` but records
        no event.

        Raises:
            ValidationError: for a quantity below 1 (0 included).
            CartLineNotFoundError: if the cart has no such line.
            CartLimitError: for a quantity past ``max_quantity_per_line``.
        """
        _a(settings, CartSettings, "settings")
        at = as_utc(at, field="at")
        if quantity == 0 and not isinstance(quantity, bool):
            msg = f"a quantity of 0 removes nothing here: use remove({key!r})"
            raise ValidationError(msg, field="quantity")
        quantity = _quantity(quantity)
        index = self._index(key)
        self._check_quantity(key, quantity, settings)
        old = self.lines[index]
        self._put(at, lines=self._replace(index, attrs.evolve(old, quantity=quantity)))
        if old.quantity != quantity:
            self.record(
                CartQuantityChanged(
                    cart_id=self.cart_id,
                    sku=old.sku,
                    old_quantity=old.quantity,
                    quantity=quantity,
                )
            )

    def remove(self, key: str, *, at: datetime) -> None:
        """Remove a line.

        Raises:
            CartLineNotFoundError: if the cart has no such line.
        """
        line = self._take(key, at=at)
        self.record(
            CartLineRemoved(cart_id=self.cart_id, sku=line.sku, quantity=line.quantity)
        )

    def _take(self, key: str, *, at: datetime) -> CartLine:
        """:meth:`remove` without its event; return the line removed."""
        at = as_utc(at, field="at")
        index = self._index(key)
        line = self.lines[index]
        self._put(at, lines=self.lines[:index] + self.lines[index + 1 :])
        return line

    def clear(self, *, at: datetime) -> None:
        """Remove every line; coupon codes, chosen methods and addresses stay.

        Records a :class:`CartLineRemoved` for each line.
        """
        removed = self.lines
        self._put(as_utc(at, field="at"), lines=())
        for line in removed:
            self.record(
                CartLineRemoved(
                    cart_id=self.cart_id, sku=line.sku, quantity=line.quantity
                )
            )

    def line(self, key: str) -> CartLine:
        """Return the line with this key (a catalog line's key is its SKU).

        Raises:
            CartLineNotFoundError: if the cart has no such line.
        """
        return self.lines[self._index(key)]

    # -- coupons, customer, methods -------------------------------------------

    def apply_coupon(self, code: str, *, at: datetime) -> str:
        """Apply a coupon code and return it normalized; applying it again is a no-op.

        The code is checked against the promotions when the cart is priced.

        Raises:
            ValidationError: for a malformed code.
        """
        at, normalized = as_utc(at, field="at"), normalize_code(code)
        codes = self.coupon_codes
        if normalized in codes:
            self._put(at)
            return normalized
        self._put(at, coupon_codes=(*codes, normalized))
        self.record(CouponApplied(cart_id=self.cart_id, code=normalized))
        return normalized

    def remove_coupon(self, code: str, *, at: datetime) -> None:
        """Remove an applied coupon code (in any spelling that normalizes to it).

        Raises:
            NotFoundError: if the code was not applied.
        """
        at, normalized = as_utc(at, field="at"), normalize_code(code)
        if normalized not in self.coupon_codes:
            msg = f"cart {self.cart_id} has no coupon code {normalized!r}"
            raise NotFoundError(msg, kind="coupon code", key=normalized)
        remaining = tuple(c for c in self.coupon_codes if c != normalized)
        self._put(at, coupon_codes=remaining)
        self.record(CouponRemoved(cart_id=self.cart_id, code=normalized))

    def assign_customer(self, customer_id: str, *, at: datetime) -> None:
        """Make the cart the customer's (a guest who logged in or signed up)."""
        checked = _text(customer_id, "customer_id")
        self._put(as_utc(at, field="at"), customer_id=checked)

    def set_guest_email(self, email: str | None, *, at: datetime) -> None:
        """Set or clear a guest's e-mail address."""
        self._put(as_utc(at, field="at"), guest_email=_email(email))

    def choose_shipping_method(self, method: str | None, *, at: datetime) -> None:
        """Choose a shipping method by its code, or ``None`` to unset it."""
        checked = _optional_text(method, "shipping_method")
        self._put(as_utc(at, field="at"), shipping_method=checked)

    def choose_payment_method(self, method: str | None, *, at: datetime) -> None:
        """Choose a payment method by its code, or ``None`` to unset it."""
        checked = _optional_text(method, "payment_method")
        self._put(as_utc(at, field="at"), payment_method=checked)

    # -- addresses -------------------------------------------------------------

    def set_shipping_address(self, address: Address | None, *, at: datetime) -> None:
        """Set where to ship, or ``None`` to unset it.

        Raises:
            ValidationError: for anything but an
                :class:`~commercekit.values.Address` or ``None``.
        """
        checked = _shipping_address(address)
        self._put(as_utc(at, field="at"), shipping_address=checked)

    def set_billing_address(self, address: Address | None, *, at: datetime) -> None:
        """Set where to bill, or ``None`` to bill to the shipping address.

        Raises:
            ValidationError: for anything but an
                :class:`~commercekit.values.Address` or ``None``.
        """
        checked = _billing_address(address)
        self._put(as_utc(at, field="at"), billing_address=checked)

    @property
    def invoice_address(self) -> Address | None:
        """The billing address if one is set, else the shipping address.

        ``None`` until one of them is set.
        """
        if self.billing_address is not None:
            return self.billing_address
        return self.shipping_address

    # -- checkout --------------------------------------------------------------

    def freeze_price(self, price: CartPrice, *, hold_for: timedelta) -> FrozenPrice:
        """Hold ``price`` for the customer from its instant for ``hold_for``.

        Call it when the customer starts checkout, with the price they were
        shown (:func:`~commercekit.cart.price_cart`): the checkout charges
        it while it holds, and :func:`~commercekit.cart.validate_cart`
        reports a different total once it does not (``total_changed``). A
        change of the cart's lines, coupons, shipping method, customer or
        shipping address ends it at once (``frozen_price`` becomes ``None``);
        the e-mail, the payment method and the billing address leave it.
        Freezing again replaces it. The time counts from ``price.priced_at``.
        Records :class:`~commercekit.cart.CheckoutStarted`.

        Raises:
            ValidationError: for a price of another cart, of this cart
                before a change (:func:`~commercekit.cart.cart_fingerprint`
                differs), or a ``hold_for`` that is not a positive timedelta.
        """
        if price.cart_id != self.cart_id:
            msg = f"the price is of cart {price.cart_id}, not of cart {self.cart_id}"
            raise ValidationError(msg, field="price")
        if price.fingerprint != cart_fingerprint(self, price.customer):
            msg = (
                f"the price of cart {self.cart_id} was computed before its last "
                "change: price the cart again, then freeze"
            )
            raise ValidationError(msg, field="price")
        frozen = price.freeze(hold_for)
        self._put(price.priced_at, frozen_price=frozen)
        self.record(
            CheckoutStarted(
                cart_id=self.cart_id,
                grand_total=frozen.breakdown.grand_total,
                frozen_until=frozen.until,
            )
        )
        return frozen

    def unfreeze_price(self, *, at: datetime) -> None:
        """Let go of a frozen price (the customer left checkout)."""
        self._put(as_utc(at, field="at"), frozen_price=None)

    # -- questions -------------------------------------------------------------

    def is_expired(self, at: datetime, settings: CartSettings) -> bool:
        """Whether ``settings.expires_after`` has passed since the last change.

        A cart is expired from the instant ``updated_at + expires_after`` on.
        """
        _a(settings, CartSettings, "settings")
        return as_utc(at, field="at") >= self.updated_at + settings.expires_after

    def to_line_items(self, prices: Mapping[Sku, Money]) -> list[LineItem]:
        """The lines as pricing's line items, in the cart's order.

        Args:
            prices: The unit price of each catalog SKU at its line's quantity
                (resolve them with :func:`commercekit.pricing.resolve_prices`).
                Custom lines take their own price; ``unit_price_seen`` is
                never used for catalog lines.

        Raises:
            PriceNotFoundError: if ``prices`` lacks a catalog line's SKU
                (pricing's error: the same fact as a missing list price).
            CurrencyMismatchError: for a price in another currency.
        """
        items: list[LineItem] = []
        for line in self.lines:
            # A custom line always has its own price (CartLine checks it).
            price = line.unit_price_seen if line.custom else prices.get(line.sku)
            if price is None:
                raise PriceNotFoundError(
                    sku=line.sku, currency=self.currency, quantity=line.quantity
                )
            price = _money(price, "unit_price")
            self._check_currency(price)
            items.append(
                LineItem(
                    sku=line.sku,
                    quantity=line.quantity,
                    unit_price=price,
                    tax_category=line.tax_category,
                    key=line.key,
                )
            )
        return items

    # -- merge ---------------------------------------------------------------

    def merge(
        self, guest: Cart, *, at: datetime, settings: CartSettings
    ) -> MergeReport:
        """Merge a guest's cart into this (the customer's) cart on login.

        Line by line in the guest cart's order: a line whose key this cart
        has adds its quantity to that line (capped at
        ``max_quantity_per_line``; the line takes the guest's
        ``unit_price_seen`` if the guest added it later); any other line is
        appended (capped the same way) while there is room under
        ``max_lines``, and dropped after. A guest line whose key is a line of
        the other kind here (custom against catalog) is dropped as
        ``"key_taken"``. The guest's coupon codes join this cart's; a chosen
        shipping or payment method fills only one not chosen here.

        Addresses: this cart keeps its own and takes the guest's only where
        it has none. A missing shipping address is filled from the guest's;
        a missing billing address only if this cart had no shipping address
        either (with a shipping address, a billing address of ``None``
        already means "bill there", the customer's choice). The guest's
        e-mail address is not taken.

        Records :class:`CartsMerged` on this cart. The guest cart is left as
        it was: the caller discards it.

        Raises:
            CurrencyMismatchError: if the carts' currencies differ.
            ValidationError: for merging a cart into itself.
        """
        _a(settings, CartSettings, "settings")
        at = as_utc(at, field="at")
        if guest is self or guest.cart_id == self.cart_id:
            msg = f"cannot merge cart {self.cart_id} into itself"
            raise ValidationError(msg, field="guest")
        if guest.currency != self.currency:
            raise CurrencyMismatchError(expected=self.currency, got=guest.currency)
        lines, report = _merge_lines(self.lines, guest.lines, settings)
        added = tuple(c for c in guest.coupon_codes if c not in self.coupon_codes)
        shipping, billing = _merge_addresses(
            (self.shipping_address, self.billing_address),
            (guest.shipping_address, guest.billing_address),
        )
        self._put(
            at,
            lines=lines,
            coupon_codes=(*self.coupon_codes, *added),
            shipping_method=self.shipping_method or guest.shipping_method,
            payment_method=self.payment_method or guest.payment_method,
            shipping_address=shipping,
            billing_address=billing,
        )
        self.record(
            CartsMerged(
                cart_id=self.cart_id,
                guest_cart_id=guest.cart_id,
                lines=report,
                coupon_codes_added=added,
            )
        )
        return MergeReport(lines=report, coupon_codes_added=added)
