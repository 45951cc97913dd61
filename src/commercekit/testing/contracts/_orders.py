"""The contracts of :class:`~commercekit.orders.OrderRepository` and its numbers."""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import moneyed
import pytest

from commercekit.errors import (
    DuplicateError,
    NotFoundError,
    ValidationError,
    VersionConflictError,
)
from commercekit.money import money
from commercekit.orders import (
    CancelReason,
    LegalAcceptance,
    Order,
    OrderCanceled,
    OrderLine,
    OrderPage,
    OrderPlaced,
    OrderStatus,
    OrderStatusChanged,
    OrdersUnitOfWork,
    OrderTransition,
)
from commercekit.payments import PaymentStatus
from commercekit.ports import DomainEvent, EventPublisher
from commercekit.pricing import (
    Discount,
    PricedShipping,
    PriceMode,
    ShippingBasis,
    ShippingPart,
    TaxDecision,
    TaxTreatment,
)
from commercekit.promotions import AppliedPromotion, PromotionId
from commercekit.serialization import make_converter
from commercekit.testing._helpers import RecordingPublisher
from commercekit.values import Address, CountryCode, CustomerFacts

__all__ = [
    "OrderNumberSequenceContract",
    "OrderRepositoryContract",
    "OrdersUnitOfWorkFactory",
    "sample_order",
]

OrdersUnitOfWorkFactory = Callable[[EventPublisher | None], OrdersUnitOfWork]
"""Makes a unit of work with the orders context's stores, over one store."""

_T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)  # the smallest step of a datetime
_NAIVE = datetime(2026, 6, 1, 9)  # noqa: DTZ001 - naive on purpose

# Ids no store may take: not text, empty, padded, or holding a control.
_BAD_IDS: tuple[object, ...] = (["o-1"], None, 7, "", " o-1", "o\x00 1")
# A customer id is non-empty text, as on a cart or a wishlist.
_BAD_CUSTOMER_IDS: tuple[object, ...] = (["cust-7"], None, 7, "", "  ", "c\x00")
_BAD_LIMITS: tuple[object, ...] = (0, -1, True, "1", 1.0, None)
_BAD_OFFSETS: tuple[object, ...] = (-1, True, "0", 0.0, None)
_BAD_INSTANTS: tuple[object, ...] = (None, "2026-06-01", _NAIVE)


def _tax(percent: str, category: str) -> TaxDecision:
    return TaxDecision(
        percent=Decimal(percent),
        country=CountryCode("DE"),
        category=category,
        treatment=TaxTreatment.DOMESTIC,
        reason=f"a sale within DE (DE {category} rate on 2026-06-01)",
    )


def _lines() -> tuple[OrderLine, ...]:
    """Two pairs of sneakers and a custom gift wrap, 10% off the sneakers."""
    return (
        OrderLine(
            key="SN-W-42",
            sku="SN-W-42",
            name="Weißer Sneaker",
            options={"color": "weiß", "size": "42"},
            quantity=2,
            unit_price=money("89.95", "EUR"),
            tax=_tax("19", "standard"),
            subtotal_minor=17990,
            total_minor=16191,
            net_minor=13606,
            tax_minor=2585,
            discounts=(Discount(money("17.99", "EUR"), "SNEAKER10", "10% off"),),
        ),
        OrderLine(
            key="BOOK",
            sku="BOOK",
            name="Das Turnschuh-Buch",
            quantity=1,
            unit_price=money("24.00", "EUR"),
            tax=_tax("7.0", "reduced"),
            subtotal_minor=2400,
            total_minor=2400,
            net_minor=2243,
            tax_minor=157,
        ),
        OrderLine(
            key="GIFT-WRAP",
            sku="GIFT-WRAP",
            name="Geschenkverpackung",
            quantity=1,
            unit_price=money("3.50", "EUR"),
            tax=_tax("19", "standard"),
            subtotal_minor=350,
            total_minor=350,
            net_minor=294,
            tax_minor=56,
            custom=True,
        ),
    )


def _shipping() -> PricedShipping:
    """4.95 EUR gross, split over the goods' two rates."""
    return PricedShipping(
        basis=ShippingBasis.NET,
        parts=(
            ShippingPart(
                percent=Decimal("19"),
                country=CountryCode("DE"),
                treatment=TaxTreatment.DOMESTIC,
                currency="EUR",
                amount_minor=431,
                net_minor=362,
                tax_minor=69,
                gross_minor=431,
            ),
            ShippingPart(
                percent=Decimal("7.0"),
                country=CountryCode("DE"),
                treatment=TaxTreatment.DOMESTIC,
                currency="EUR",
                amount_minor=64,
                net_minor=60,
                tax_minor=4,
                gross_minor=64,
            ),
        ),
        currency="EUR",
        amount_minor=495,
        net_minor=422,
        tax_minor=73,
        gross_minor=495,
    )


def sample_order(
    order_id: str,
    *,
    number: str | None = None,
    checkout: str | None = None,
    cart_id: str | None = None,
    customer_id: str | None = "customer-1",
    placed_at: datetime = _T0,
    status: str = OrderStatus.PLACED,
    payment_due_by: datetime | None = None,
) -> Order:
    """An order with every part of a checkout's snapshot; it records no events.

    Three lines (two pairs of sneakers with a 10% coupon discount, a book at
    the reduced rate, a custom gift wrap), shipping split over both VAT
    rates, a promotion and its coupon, the legal acceptance, a shipping and
    a billing address, and a pending payment. A guest's order
    (``customer_id=None``) has an e-mail address, a business customer's
    facts and no billing address.

    ``number`` is ``N-<order_id>``, the checkout token (``checkout``)
    ``token-<order_id>`` and the cart ``cart-<order_id>`` unless given. An
    order whose ``status`` is not ``placed`` has one entry in its history,
    from ``placed`` (an extended lifecycle's status is plain text).
    """
    guest = customer_id is None
    shipping_address = Address(
        name="Erika Mustermann",
        street="Heidestraße 17",
        postal_code="51147",
        city="Köln",
        country="DE",
    )
    billing_address = Address(
        name="Erika Mustermann",
        company="Mustermann & Söhne GmbH",
        street="Königstraße 3",
        street_2="3. OG",
        postal_code="70173",
        city="Stuttgart",
        country="DE",
        phone="+49 711 000000",
    )
    history: tuple[OrderTransition, ...] = ()
    if status != OrderStatus.PLACED:
        history = (
            OrderTransition(
                source=OrderStatus.PLACED,
                target=status,
                event="contract",
                actor="staff-7",
                at=placed_at + timedelta(minutes=5, microseconds=123456),
                reason="set by the contract",
            ),
        )
    return Order(
        order_id=order_id,
        number=number or f"N-{order_id}",
        checkout_token=checkout or f"token-{order_id}",
        cart_id=cart_id or f"cart-{order_id}",
        placed_at=placed_at,
        currency="EUR",
        mode=PriceMode.GROSS,
        locale="de_DE",
        customer_id=customer_id,
        email="erika@example.com" if guest else None,
        customer=CustomerFacts(
            customer_group="b2b" if guest else None,
            business=guest,
            vat_id="DE123456789" if guest else None,
            vat_id_confirmed=guest,
            order_count=0 if guest else 3,
        ),
        shipping_address=shipping_address,
        billing_address=None if guest else billing_address,
        lines=_lines(),
        shipping_method="dhl",
        shipping=_shipping(),
        payment_method="paypal",
        payment_id=f"pay-{order_id}",
        payment_status=PaymentStatus.PENDING,
        payment_due_by=payment_due_by,
        promotions=(
            AppliedPromotion(
                promotion_id=PromotionId("SNEAKER10"),
                name="10% off",
                amount=money("17.99", "EUR"),
                coupon_code="SNEAKER10",
            ),
        ),
        coupons=("SNEAKER10",),
        acceptance=LegalAcceptance(
            button_label="Zahlungspflichtig bestellen",
            accepted_at=placed_at - timedelta(seconds=1),
            documents={"terms": "2026-05", "withdrawal": "3"},
        ),
        cash_rounding_minor=0,
        status=status,
        history=history,
    )


def _same(found: object, expected: object, where: str = "order") -> None:
    """Assert ``found`` is ``expected`` exactly: types, digits, offsets and all."""
    assert type(found) is type(expected), (where, found, expected)
    cls: Any = type(expected)
    if attrs.has(cls):
        for field in attrs.fields(cls):
            if not field.name.startswith("_"):
                _same(
                    getattr(found, field.name),
                    getattr(expected, field.name),
                    f"{where}.{field.name}",
                )
    elif isinstance(expected, tuple | list):
        assert isinstance(found, tuple | list)
        assert len(found) == len(expected), where
        for n, (one, other) in enumerate(zip(found, expected, strict=True)):
            _same(one, other, f"{where}[{n}]")
    elif isinstance(expected, Mapping):
        assert isinstance(found, Mapping)
        assert set(found) == set(expected), where
        for key in expected:
            _same(found[key], expected[key], f"{where}[{key!r}]")
    elif isinstance(expected, moneyed.Money):
        assert isinstance(found, moneyed.Money)
        assert found.currency == expected.currency, where
        _same(found.amount, expected.amount, f"{where}.amount")
    elif isinstance(expected, Decimal):
        assert isinstance(found, Decimal)
        assert found.as_tuple() == expected.as_tuple(), (where, found, expected)
    elif isinstance(expected, datetime):
        assert isinstance(found, datetime)
        assert found == expected, where
        assert found.utcoffset() == expected.utcoffset() == timedelta(0), where
    else:
        assert found == expected, (where, found, expected)


def _ids(page: OrderPage) -> list[str]:
    return [order.order_id for order in page.orders]


def _outbox(new_uow: OrdersUnitOfWorkFactory) -> list[DomainEvent]:
    """The events waiting in the outbox, read through a unit of work's relay."""
    publisher = RecordingPublisher()
    new_uow(publisher).dispatch_pending()
    return publisher.events


def _placed(order: Order) -> OrderPlaced:
    """Record and return the event a checkout records for a new order."""
    event = OrderPlaced(
        order_id=order.order_id,
        number=order.number,
        cart_id=order.cart_id,
        customer_id=order.customer_id,
        total=order.amount_due,
        payment_method=order.payment_method,
        at=order.placed_at,
    )
    order.record(event)
    return event


def _race(count: int, run: Callable[[int], object]) -> dict[int, object]:
    """Run ``run(n)`` in ``count`` threads started together; what each returned.

    An exception is kept as the thread's outcome, not raised.
    """
    barrier = threading.Barrier(count)
    outcomes: dict[int, object] = {}

    def racer(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[n] = run(n)
        except Exception as exc:  # reported by the assertions
            outcomes[n] = exc

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer hangs"
    return outcomes


class OrderRepositoryContract(abc.ABC):
    """What every :class:`~commercekit.orders.OrderRepository` must do.

    The factory returns a function that makes units of work with an
    ``orders`` repository over one new, empty store. For the race tests to
    mean something, each unit of work must work on its own (for a
    database: a file, and a connection per thread; for the in-memory
    adapters: one shared store).

    One rule goes beyond the words of the port, and every adapter of
    commercekit keeps it: an order number belongs to one order
    (:class:`~commercekit.errors.DuplicateError` of kind
    ``"order number"``); of an order whose id, checkout token and number
    are all taken, the id is named first, then the token.
    """

    @abc.abstractmethod
    def make_orders_uow_factory(self, tmp_path: Path) -> OrdersUnitOfWorkFactory:
        """Return a maker of orders units of work over a new, empty store."""

    @pytest.fixture
    def new_uow(self, tmp_path: Path) -> OrdersUnitOfWorkFactory:
        """The factory of this test's store."""
        return self.make_orders_uow_factory(tmp_path)

    @staticmethod
    def _add(new_uow: OrdersUnitOfWorkFactory, *orders: Order) -> None:
        with new_uow(None) as uow:
            for order in orders:
                uow.orders.add(order)
            uow.commit()

    @staticmethod
    def _get(new_uow: OrdersUnitOfWorkFactory, order_id: str) -> Order:
        with new_uow(None) as uow:
            return uow.orders.get(order_id)

    # -- add, get, save ------------------------------------------------------------

    def test_an_added_order_reads_back_exactly_at_version_1(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        added = sample_order("o-1", placed_at=_T0 + timedelta(microseconds=7))
        self._add(new_uow, added)
        assert added.version == 1
        loaded = self._get(new_uow, "o-1")
        assert loaded == added
        assert loaded is not added
        assert loaded.version == 1
        _same(loaded, added)
        assert loaded.status is OrderStatus.PLACED
        assert loaded.payment_status is PaymentStatus.PENDING
        assert make_converter().unstructure(loaded) == make_converter().unstructure(
            added
        )
        # What it adds up to is what it added up to.
        assert (loaded.amount_due, loaded.tax_total, loaded.rates()) == (
            added.amount_due,
            added.tax_total,
            added.rates(),
        )
        assert loaded.amount_due == money("194.36", "EUR")

    def test_a_guests_order_in_an_extended_status_reads_back_exactly(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        """A status the library does not know stays text; ``None`` stays ``None``."""
        berlin = timezone(timedelta(hours=2))
        added = sample_order(
            "o-1",
            customer_id=None,
            status="awaiting_approval",
            placed_at=datetime(2026, 6, 1, 11, 30, 0, 250, tzinfo=berlin),
            payment_due_by=_T0 + 7 * _DAY,
        )
        added.payment_status = None
        added.shipping = None
        added.shipping_method = None
        added.acceptance = None
        added.promotions = ()
        added.coupons = ()
        added.cash_rounding_minor = -2
        self._add(new_uow, added)
        loaded = self._get(new_uow, "o-1")
        _same(loaded, added)
        assert type(loaded.status) is str
        assert loaded.status == "awaiting_approval"
        assert type(loaded.history[0].target) is str
        assert loaded.history[0].source is OrderStatus.PLACED
        assert loaded.placed_at == datetime(2026, 6, 1, 9, 30, 0, 250, tzinfo=UTC)
        assert (loaded.customer_id, loaded.email) == (None, "erika@example.com")
        assert loaded.payment_status is None
        assert loaded.amount_due == added.amount_due

    def test_saving_raises_the_version_and_stores_the_change(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_order("o-1", payment_due_by=_T0 + _DAY))
        with new_uow(None) as uow:
            order = uow.orders.get("o-1")
            order.record_payment("pay-o-1", PaymentStatus.AUTHORIZED)
            order.confirm(at=_T0 + _HOUR, actor="customer")
            order.cancel_lines({"SN-W-42": 1}, at=_T0 + _HOUR, reason="customer")
            uow.orders.save(order)
            assert order.version == 2
            # The block sees its own writes.
            assert uow.orders.get("o-1") == order
            uow.orders.save(order)
            assert order.version == 3
            uow.commit()
        loaded = self._get(new_uow, "o-1")
        _same(loaded, order)
        assert loaded.version == 3
        assert loaded.status is OrderStatus.CONFIRMED
        assert loaded.payment_due_by is None
        assert loaded.line("SN-W-42").canceled == 1
        assert [(t.source, t.target, t.actor) for t in loaded.history] == [
            (OrderStatus.PLACED, OrderStatus.CONFIRMED, "customer")
        ]

    def test_a_change_to_a_returned_order_is_stored_only_when_saved(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        added = sample_order("o-1")
        with new_uow(None) as uow:
            uow.orders.add(added)
            added.record_payment("pay-9", PaymentStatus.AUTHORIZED)  # after add
            assert uow.orders.get("o-1").payment_id == "pay-o-1"
            uow.commit()
        with new_uow(None) as uow:
            for order in (
                uow.orders.get("o-1"),
                uow.orders.by_number("N-o-1"),
                uow.orders.by_checkout_token("token-o-1"),
                *uow.orders.for_customer("customer-1").orders,
                *uow.orders.with_status("placed").orders,
                *uow.orders.placed_between(_T0, _T0 + _HOUR).orders,
            ):
                assert order is not None
                order.record_payment("pay-9", PaymentStatus.AUTHORIZED)
                order.shipping_address = attrs.evolve(
                    order.shipping_address, city="Bonn"
                )
            again = uow.orders.get("o-1")
            assert (again.payment_id, again.payment_status) == (
                "pay-o-1",
                PaymentStatus.PENDING,
            )
            assert again.shipping_address.city == "Köln"
            uow.commit()
        stored = self._get(new_uow, "o-1")
        unchanged = sample_order("o-1")
        unchanged.version = 1
        _same(stored, unchanged)

    def test_an_unknown_order_is_not_found(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_order("o-1"))
        with new_uow(None) as uow:
            with pytest.raises(NotFoundError) as info:
                uow.orders.get("o-9")
            assert (info.value.kind, info.value.key) == ("order", "o-9")
            with pytest.raises(NotFoundError) as info:
                uow.orders.save(sample_order("o-9"))
            assert (info.value.kind, info.value.key) == ("order", "o-9")
            with pytest.raises(NotFoundError) as info:
                uow.orders.by_number("N-o-9")
            assert (info.value.kind, info.value.key) == ("order", "N-o-9")
            assert uow.orders.by_checkout_token("token-o-9") is None
            uow.commit()
        with new_uow(None) as uow, pytest.raises(NotFoundError):
            uow.orders.get("o-9")

    def test_a_taken_order_id_is_a_duplicate(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_order("o-1"))
        with new_uow(None) as uow:
            again = sample_order("o-1", number="N-2", checkout="token-2")
            with pytest.raises(DuplicateError) as info:
                uow.orders.add(again)
            assert (info.value.kind, info.value.key) == ("order", "o-1")
            assert again.version == 0
            # Taken in all three: the id is named.
            with pytest.raises(DuplicateError) as info:
                uow.orders.add(sample_order("o-1"))
            assert info.value.kind == "order"
            # Nothing of the refused order was stored.
            assert uow.orders.by_checkout_token("token-2") is None
            with pytest.raises(NotFoundError):
                uow.orders.by_number("N-2")
            uow.commit()
        assert self._get(new_uow, "o-1").number == "N-o-1"

    def test_a_taken_checkout_token_is_a_duplicate(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        """The checkout relies on this kind to see a double submit."""
        self._add(new_uow, sample_order("o-1", checkout="tok-1"))
        with new_uow(None) as uow:
            second = sample_order("o-2", checkout="tok-1")
            with pytest.raises(DuplicateError) as info:
                uow.orders.add(second)
            assert (info.value.kind, info.value.key) == ("checkout token", "tok-1")
            assert second.version == 0
            # Taken with the number too: the token is named.
            with pytest.raises(DuplicateError) as info:
                uow.orders.add(sample_order("o-3", number="N-o-1", checkout="tok-1"))
            assert info.value.kind == "checkout token"
            # Within one block, too.
            uow.orders.add(sample_order("o-4", checkout="tok-4"))
            with pytest.raises(DuplicateError) as info:
                uow.orders.add(sample_order("o-5", checkout="tok-4"))
            assert (info.value.kind, info.value.key) == ("checkout token", "tok-4")
            uow.commit()
        with new_uow(None) as uow:
            found = uow.orders.by_checkout_token("tok-1")
            assert found is not None
            assert found.order_id == "o-1"
            with pytest.raises(NotFoundError):
                uow.orders.get("o-2")
            with pytest.raises(NotFoundError):
                uow.orders.get("o-5")
            assert uow.orders.by_checkout_token("tok-4") == uow.orders.get("o-4")

    def test_a_taken_order_number_is_a_duplicate(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_order("o-1", number="1001"))
        with new_uow(None) as uow:
            with pytest.raises(DuplicateError) as info:
                uow.orders.add(sample_order("o-2", number="1001"))
            assert (info.value.kind, info.value.key) == ("order number", "1001")
            assert uow.orders.by_checkout_token("token-o-2") is None
            # The refusal changed nothing, and the block is still usable.
            uow.orders.add(sample_order("o-2", number="1002"))
            uow.commit()
        with new_uow(None) as uow:
            assert uow.orders.by_number("1001").order_id == "o-1"
            assert uow.orders.by_number("1002").order_id == "o-2"

    def test_a_stale_save_is_a_version_conflict_and_stores_nothing(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_order("o-1"))
        first, second = self._get(new_uow, "o-1"), self._get(new_uow, "o-1")
        with new_uow(None) as uow:
            first.record_payment("pay-1", PaymentStatus.AUTHORIZED)
            uow.orders.save(first)
            uow.commit()
        with new_uow(None) as uow:
            second.cancel_lines({"BOOK": 1}, at=_T0, reason="customer")
            with pytest.raises(VersionConflictError) as info:
                uow.orders.save(second)
            error = info.value
            assert (error.kind, error.key) == ("order", "o-1")
            assert (error.expected_version, error.actual_version) == (1, 2)
            assert second.version == 1
            uow.commit()
        stored = self._get(new_uow, "o-1")
        assert stored == first
        assert stored.line("BOOK").canceled == 0
        # The second reloads and tries again: both changes are kept.
        with new_uow(None) as uow:
            retry = uow.orders.get("o-1")
            retry.cancel_lines({"BOOK": 1}, at=_T0, reason="customer")
            uow.orders.save(retry)
            uow.commit()
        stored = self._get(new_uow, "o-1")
        assert stored.version == 3
        assert (stored.payment_id, stored.line("BOOK").canceled) == ("pay-1", 1)

    def test_an_order_is_found_by_its_checkout_token_and_number(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        with new_uow(None) as uow:
            uow.orders.add(sample_order("o-1", number="1001", checkout="t-1"))
            uow.orders.add(sample_order("o-2", number="1002", checkout="t-2"))
            # The block sees its own writes.
            found = uow.orders.by_checkout_token("t-2")
            assert found is not None
            assert found.order_id == "o-2"
            uow.commit()
        with new_uow(None) as uow:
            by_token = uow.orders.by_checkout_token("t-1")
            by_number = uow.orders.by_number("1002")
        assert by_token is not None
        _same(by_token, self._get(new_uow, "o-1"))
        _same(by_number, self._get(new_uow, "o-2"))
        assert by_token.version == by_number.version == 1

    def test_a_carts_placed_order_is_found(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        """A cart's order awaiting its payment is found (the newest).

        Not a canceled one, not another cart's.
        """
        self._add(
            new_uow,
            sample_order("o-1", cart_id="cart-a", placed_at=_T0),
            sample_order(
                "o-2",
                cart_id="cart-a",
                placed_at=_T0 + _HOUR,
                status=OrderStatus.CANCELED,
            ),
            sample_order("o-3", cart_id="cart-b", placed_at=_T0 + _HOUR),
        )
        with new_uow(None) as uow:
            found = uow.orders.placed_from_cart("cart-a")
            assert uow.orders.placed_from_cart("cart-c") is None
            with pytest.raises(ValidationError):
                uow.orders.placed_from_cart(" cart-a")
        assert found is not None
        assert found.order_id == "o-1"
        with new_uow(None) as uow:
            order = uow.orders.get("o-1")
            order.cancel(at=_T0 + _DAY, reason="customer")
            uow.orders.save(order)
            uow.commit()
        with new_uow(None) as uow:
            assert uow.orders.placed_from_cart("cart-a") is None

    # -- queries ---------------------------------------------------------------------

    def test_for_customer_pages_their_orders_newest_first(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_order("o-1", placed_at=_T0),
            sample_order("o-3", placed_at=_T0 + 2 * _HOUR),
            sample_order("o-2", placed_at=_T0 + 2 * _HOUR),  # a tie: by id, last first
            sample_order("o-4", placed_at=_T0 + _HOUR, status=OrderStatus.CANCELED),
            sample_order("o-5", placed_at=_T0 + timedelta(microseconds=1)),
            sample_order("o-6", customer_id="customer-2", placed_at=_T0 + _DAY),
            sample_order("o-7", customer_id=None, placed_at=_T0 + _DAY),
        )
        with new_uow(None) as uow:
            page = uow.orders.for_customer("customer-1")
            first = uow.orders.for_customer("customer-1", limit=2)
            second = uow.orders.for_customer("customer-1", limit=2, offset=2)
            last = uow.orders.for_customer("customer-1", limit=2, offset=4)
            beyond = uow.orders.for_customer("customer-1", offset=9)
            other = uow.orders.for_customer("customer-2")
            nobody = uow.orders.for_customer("customer-9")
        assert _ids(page) == ["o-3", "o-2", "o-4", "o-5", "o-1"]
        assert (page.total, page.offset, page.limit, page.has_more) == (5, 0, 20, False)
        assert (_ids(first), first.total, first.has_more) == (["o-3", "o-2"], 5, True)
        assert (_ids(second), second.offset, second.has_more) == (
            ["o-4", "o-5"],
            2,
            True,
        )
        assert (_ids(last), last.has_more) == (["o-1"], False)
        assert (_ids(beyond), beyond.total, beyond.has_more) == ([], 5, False)
        assert (_ids(other), other.total) == (["o-6"], 1)
        assert (_ids(nobody), nobody.total, nobody.has_more) == ([], 0, False)
        for order in page.orders:
            _same(order, self._get(new_uow, order.order_id))

    def test_with_status_pages_the_orders_in_a_status_newest_first(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_order("o-1", placed_at=_T0),
            sample_order("o-2", placed_at=_T0 + _HOUR, status=OrderStatus.CONFIRMED),
            sample_order("o-3", placed_at=_T0 + 2 * _HOUR),
            sample_order("o-4", placed_at=_T0 + 2 * _HOUR, customer_id=None),
            sample_order("o-5", placed_at=_T0 + _HOUR, status="awaiting_approval"),
        )
        with new_uow(None) as uow:
            placed = uow.orders.with_status(OrderStatus.PLACED)
            as_text = uow.orders.with_status("placed", limit=1, offset=1)
            confirmed = uow.orders.with_status("confirmed")
            extended = uow.orders.with_status("awaiting_approval")
            none = uow.orders.with_status(OrderStatus.SHIPPED)
            unknown = uow.orders.with_status("on_the_moon")
        assert (_ids(placed), placed.total) == (["o-4", "o-3", "o-1"], 3)
        assert (_ids(as_text), as_text.total, as_text.has_more) == (["o-3"], 3, True)
        assert _ids(confirmed) == ["o-2"]
        assert _ids(extended) == ["o-5"]
        assert extended.orders[0].status == "awaiting_approval"
        assert (_ids(none), none.total) == ([], 0)
        assert (_ids(unknown), unknown.total) == ([], 0)
        _same(confirmed.orders[0], self._get(new_uow, "o-2"))

    def test_placed_between_includes_the_start_and_excludes_the_end(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        tick = _TICK
        self._add(
            new_uow,
            sample_order("o-0", placed_at=_T0 - tick),
            sample_order("o-1", placed_at=_T0),
            sample_order("o-2", placed_at=_T0 + _HOUR, customer_id=None),
            sample_order("o-3", placed_at=_T0 + _HOUR, status=OrderStatus.CANCELED),
            sample_order("o-4", placed_at=_T0 + _DAY - tick),
            sample_order("o-5", placed_at=_T0 + _DAY),
        )
        end = _T0 + _DAY
        with new_uow(None) as uow:
            day = uow.orders.placed_between(_T0, end)
            paged = uow.orders.placed_between(_T0, end, limit=2, offset=1)
            empty = uow.orders.placed_between(_T0, _T0)
            # The same instants in another zone.
            tokyo = timezone(timedelta(hours=9))
            zoned = uow.orders.placed_between(
                _T0.astimezone(tokyo), end.astimezone(tokyo)
            )
            everything = uow.orders.placed_between(_T0 - _DAY, _T0 + 2 * _DAY)
        assert (_ids(day), day.total) == (["o-4", "o-3", "o-2", "o-1"], 4)
        assert (_ids(paged), paged.has_more) == (["o-3", "o-2"], True)
        assert (_ids(empty), empty.total) == ([], 0)
        assert _ids(zoned) == _ids(day)
        assert _ids(everything) == ["o-5", "o-4", "o-3", "o-2", "o-1", "o-0"]

    def test_count_for_customer_leaves_out_canceled_orders(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_order("o-1"),
            sample_order("o-2", status=OrderStatus.CONFIRMED),
            sample_order("o-3", status=OrderStatus.CANCELED),
            sample_order("o-4", status=OrderStatus.COMPLETED),
            sample_order("o-5", status="awaiting_approval"),
            sample_order("o-6", customer_id="customer-2"),
            sample_order("o-7", customer_id=None),
        )
        with new_uow(None) as uow:
            assert uow.orders.count_for_customer("customer-1") == 4
            assert uow.orders.count_for_customer("customer-2") == 1
            assert uow.orders.count_for_customer("customer-9") == 0
            order = uow.orders.get("o-1")
            order.cancel(at=_T0, reason=CancelReason.CUSTOMER)
            uow.orders.save(order)
            assert uow.orders.count_for_customer("customer-1") == 3
            uow.commit()
        with new_uow(None) as uow:
            assert uow.orders.count_for_customer("customer-1") == 3

    def test_awaiting_payment_lists_placed_orders_past_their_deadline(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_order("o-1", payment_due_by=_T0 + 2 * _DAY),
            sample_order("o-2", payment_due_by=_T0 + _DAY),
            sample_order("o-0", payment_due_by=_T0 + _DAY, customer_id=None),
            sample_order("o-3"),  # no deadline
            sample_order(
                "o-4", payment_due_by=_T0, status=OrderStatus.CONFIRMED
            ),  # not placed
            sample_order("o-5", payment_due_by=_T0, status=OrderStatus.CANCELED),
            sample_order("o-6", payment_due_by=_T0 + 3 * _DAY),
        )
        with new_uow(None) as uow:
            assert uow.orders.awaiting_payment(_T0 + _DAY - _TICK) == []
            assert uow.orders.awaiting_payment(_T0 + _DAY) == ["o-0", "o-2"]
            later = _T0 + 2 * _DAY + _HOUR
            assert uow.orders.awaiting_payment(later) == ["o-0", "o-2", "o-1"]
            assert uow.orders.awaiting_payment(later, limit=2) == ["o-0", "o-2"]
            zoned = later.astimezone(timezone(timedelta(hours=-5)))
            assert uow.orders.awaiting_payment(zoned, limit=1) == ["o-0"]
            # Paid meanwhile: confirmed orders no longer wait.
            order = uow.orders.get("o-2")
            order.record_payment("pay-2", PaymentStatus.AUTHORIZED)
            order.confirm(at=_T0 + _HOUR)
            uow.orders.save(order)
            uow.commit()
        with new_uow(None) as uow:
            assert uow.orders.awaiting_payment(_T0 + 9 * _DAY) == ["o-0", "o-1", "o-6"]

    def test_bad_arguments_are_refused(self, new_uow: OrdersUnitOfWorkFactory) -> None:
        """Bad input is a ValidationError, never a driver's error or a wrong answer."""
        self._add(new_uow, sample_order("o-1"))
        with new_uow(None) as uow:
            orders = uow.orders
            pages: list[Callable[..., OrderPage]] = [
                lambda **page: orders.for_customer("customer-1", **page),
                lambda **page: orders.with_status("placed", **page),
                lambda **page: orders.placed_between(_T0, _T0 + _DAY, **page),
            ]
            for query in pages:
                for limit in _BAD_LIMITS:
                    with pytest.raises(ValidationError) as info:
                        query(limit=limit)
                    assert info.value.field == "limit"
                for offset in _BAD_OFFSETS:
                    with pytest.raises(ValidationError) as info:
                        query(offset=offset)
                    assert info.value.field == "offset"
            for bad in _BAD_INSTANTS:
                with pytest.raises(ValidationError) as info:
                    orders.placed_between(bad, _T0)  # type: ignore[arg-type]
                assert info.value.field == "start"
                with pytest.raises(ValidationError) as info:
                    orders.placed_between(_T0, bad)  # type: ignore[arg-type]
                assert info.value.field == "end"
                with pytest.raises(ValidationError):
                    orders.awaiting_payment(bad)  # type: ignore[arg-type]
            with pytest.raises(ValidationError) as info:
                orders.placed_between(_T0 + _TICK, _T0)
            assert info.value.field == "start"
            for limit in (0, -1, True, "1"):
                with pytest.raises(ValidationError):
                    orders.awaiting_payment(_T0, limit=limit)  # type: ignore[arg-type]
            for bad in _BAD_CUSTOMER_IDS:
                with pytest.raises(ValidationError) as info:
                    orders.for_customer(bad)  # type: ignore[arg-type]
                assert info.value.field == "customer_id"
                with pytest.raises(ValidationError) as info:
                    orders.count_for_customer(bad)  # type: ignore[arg-type]
                assert info.value.field == "customer_id"
            for bad in _BAD_IDS:
                for call, field in (
                    (orders.get, "order_id"),
                    (orders.by_number, "number"),
                    (orders.by_checkout_token, "checkout_token"),
                    (orders.with_status, "status"),
                ):
                    with pytest.raises(ValidationError) as info:
                        call(bad)  # type: ignore[arg-type]
                    assert info.value.field == field
            for bad in (None, "o-1", {"order_id": "o-1"}, object()):
                with pytest.raises(ValidationError) as info:
                    orders.add(bad)  # type: ignore[arg-type]
                assert info.value.field == "order"
                with pytest.raises(ValidationError) as info:
                    orders.save(bad)  # type: ignore[arg-type]
                assert info.value.field == "order"
            # The refusals changed nothing, and the block is still usable.
            orders.add(sample_order("o-2"))
            uow.commit()
        assert self._get(new_uow, "o-2").version == 1

    # -- transactions and events -----------------------------------------------------

    def test_nothing_is_stored_before_the_commit(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_order("o-1"))
        with new_uow(None) as uow:
            uow.orders.add(sample_order("o-2", payment_due_by=_T0))
            changed = uow.orders.get("o-1")
            changed.cancel(at=_T0, reason=CancelReason.MERCHANT)
            uow.orders.save(changed)
            # The block sees its own writes...
            assert uow.orders.get("o-2").version == 1
            assert uow.orders.by_number("N-o-2").order_id == "o-2"
            assert uow.orders.by_checkout_token("token-o-2") is not None
            assert _ids(uow.orders.for_customer("customer-1")) == ["o-2", "o-1"]
            assert _ids(uow.orders.with_status("canceled")) == ["o-1"]
            assert uow.orders.count_for_customer("customer-1") == 1
            assert uow.orders.awaiting_payment(_T0) == ["o-2"]
            # ...and leaves without a commit.
        with new_uow(None) as uow:
            uow.orders.add(sample_order("o-3"))
            uow.rollback()
        with new_uow(None) as uow:
            for code in ("o-2", "o-3"):
                with pytest.raises(NotFoundError):
                    uow.orders.get(code)
            with pytest.raises(NotFoundError):
                uow.orders.by_number("N-o-2")
            assert uow.orders.by_checkout_token("token-o-2") is None
            assert _ids(uow.orders.for_customer("customer-1")) == ["o-1"]
            assert _ids(uow.orders.with_status("canceled")) == []
            assert uow.orders.count_for_customer("customer-1") == 1
            assert uow.orders.awaiting_payment(_T0) == []
            stored = uow.orders.get("o-1")
            assert (stored.status, stored.version) == (OrderStatus.PLACED, 1)
            # What was rolled back is free again.
            uow.orders.add(sample_order("o-2"))
            uow.commit()

    def test_a_saved_orders_events_are_published_after_the_commit(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_order("o-1"), sample_order("o-2"))
        publisher = RecordingPublisher()
        added = sample_order("o-3")
        with new_uow(publisher) as uow:
            events: list[DomainEvent] = [_placed(added)]
            uow.orders.add(added)
            order = uow.orders.get("o-1")
            order.cancel(at=_T0 + _HOUR, reason=CancelReason.CUSTOMER, actor="staff-7")
            uow.orders.save(order)
            found = uow.orders.by_number("N-o-2")
            found.record_payment("pay-2", PaymentStatus.AUTHORIZED)
            found.confirm(at=_T0 + _HOUR)
            uow.orders.save(found)
            assert publisher.events == []  # not before the commit
            uow.commit()
        events += [
            OrderStatusChanged(
                order_id="o-1",
                source=OrderStatus.PLACED,
                target=OrderStatus.CANCELED,
                event="cancel",
                actor="staff-7",
                at=_T0 + _HOUR,
                reason="customer",
            ),
            OrderCanceled(
                order_id="o-1", number="N-o-1", reason="customer", at=_T0 + _HOUR
            ),
        ]
        published = publisher.events
        assert published[:3] == events
        assert [type(event).__name__ for event in published[3:]] == [
            "OrderStatusChanged",
            "OrderConfirmed",
        ]
        assert _outbox(new_uow) == []  # published once, marked

    def test_a_rolled_back_orders_events_never_reach_the_outbox(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_order("o-1"))
        with new_uow(None) as uow:
            order = uow.orders.get("o-1")
            order.cancel(at=_T0, reason=CancelReason.CUSTOMER)
            uow.orders.save(order)
            uow.rollback()
        added = sample_order("o-2")
        with new_uow(None) as uow:
            _placed(added)
            uow.orders.add(added)
            # leaving the block without a commit
        assert _outbox(new_uow) == []
        assert order.pull_events() == [] == added.pull_events()
        assert self._get(new_uow, "o-1").status is OrderStatus.PLACED

    # -- races -----------------------------------------------------------------------

    def test_two_racers_saving_one_order_lose_no_update(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        """Real racers: two threads load one order, change it, save together.

        Exactly one save wins; the other is a version conflict, and the
        loser's reload and retry keeps both changes.
        """
        self._add(new_uow, sample_order("o-1"))
        loaded = threading.Barrier(2)

        def pay(order: Order) -> None:
            order.record_payment("pay-9", PaymentStatus.AUTHORIZED)
            order.confirm(at=_T0 + _HOUR)

        def cancel_one(order: Order) -> None:
            order.cancel_lines({"SN-W-42": 1}, at=_T0 + _HOUR, reason="customer")

        changes = (pay, cancel_one)

        def change(n: int) -> str:
            with new_uow(None) as uow:
                order = uow.orders.get("o-1")
            loaded.wait(timeout=10)  # both hold version 1
            changes[n](order)
            first = "saved"
            for _ in range(5):
                try:
                    with new_uow(None) as uow:
                        uow.orders.save(order)
                        uow.commit()
                except VersionConflictError:
                    first = "conflict"
                    with new_uow(None) as uow:
                        order = uow.orders.get("o-1")
                    changes[n](order)
                    continue
                return first
            return "gave up"

        outcomes = _race(2, change)
        assert sorted(map(str, outcomes.values())) == ["conflict", "saved"], outcomes
        stored = self._get(new_uow, "o-1")
        assert stored.version == 3
        assert (stored.status, stored.payment_id) == (OrderStatus.CONFIRMED, "pay-9")
        assert stored.line("SN-W-42").canceled == 1

    def test_two_racers_adding_one_checkout_token_make_one_order(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        """Real racers: a double submit of one checkout makes one order."""

        def add(n: int) -> str:
            with new_uow(None) as uow:
                uow.orders.add(sample_order(f"o-{n}", checkout="tok-1"))
                uow.commit()
            return "added"

        outcomes = _race(2, add)
        errors = [error for error in outcomes.values() if error != "added"]
        assert len(errors) == 1, outcomes
        (error,) = errors
        assert isinstance(error, DuplicateError), outcomes
        assert (error.kind, error.key) == ("checkout token", "tok-1")
        winner = next(n for n, outcome in outcomes.items() if outcome == "added")
        with new_uow(None) as uow:
            found = uow.orders.by_checkout_token("tok-1")
            assert found is not None
            assert found.order_id == f"o-{winner}"
            with pytest.raises(NotFoundError):
                uow.orders.get(f"o-{1 - winner}")
            assert uow.orders.count_for_customer("customer-1") == 1


class OrderNumberSequenceContract(abc.ABC):
    """What every :class:`~commercekit.orders.OrderNumberSequence` must do.

    The factory returns a function that makes units of work with an
    ``order_numbers`` sequence over one new, empty store; for the race test
    each unit of work must work on its own (a database file, or one shared
    in-memory store).
    """

    @abc.abstractmethod
    def make_orders_uow_factory(self, tmp_path: Path) -> OrdersUnitOfWorkFactory:
        """Return a maker of orders units of work over a new, empty store."""

    @pytest.fixture
    def new_uow(self, tmp_path: Path) -> OrdersUnitOfWorkFactory:
        """The factory of this test's store."""
        return self.make_orders_uow_factory(tmp_path)

    @staticmethod
    def _take(new_uow: OrdersUnitOfWorkFactory, count: int = 1) -> list[int]:
        with new_uow(None) as uow:
            numbers = [uow.order_numbers.next_number() for _ in range(count)]
            uow.commit()
        return numbers

    def test_numbers_rise(self, new_uow: OrdersUnitOfWorkFactory) -> None:
        first = self._take(new_uow, 3)
        assert first[0] >= 1
        assert first == sorted(set(first))
        later = self._take(new_uow, 2)
        assert later == sorted(set(later))
        assert later[0] > first[-1]
        assert all(isinstance(number, int) for number in first + later)

    def test_a_rolled_back_number_may_repeat_but_a_committed_one_never(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        committed = self._take(new_uow, 2)
        with new_uow(None) as uow:
            lost = uow.order_numbers.next_number()
            uow.rollback()
        with new_uow(None) as uow:
            uow.order_numbers.next_number()
            # leaving the block without a commit
        assert lost > committed[-1]
        (again,) = self._take(new_uow)
        assert again > committed[-1]  # perhaps ``lost`` again
        (after,) = self._take(new_uow)
        assert after > again

    def test_racers_never_get_one_number(
        self, new_uow: OrdersUnitOfWorkFactory
    ) -> None:
        """Real racers: four threads take numbers at once, each in its own units."""
        per_thread = 5

        def take(n: int) -> list[int]:
            numbers = []
            for step in range(per_thread):
                with new_uow(None) as uow:
                    numbers.append(uow.order_numbers.next_number())
                    if (n + step) % 4 == 3:
                        uow.rollback()
                        numbers.pop()
                        continue
                    uow.commit()
            return numbers

        outcomes = _race(4, take)
        taken: list[int] = []
        for numbers in outcomes.values():
            assert isinstance(numbers, list), outcomes
            assert numbers == sorted(set(numbers))  # each racer's rise
            taken += numbers
        assert len(taken) == len(set(taken)), sorted(taken)
        (last,) = self._take(new_uow)
        assert last > max(taken)
