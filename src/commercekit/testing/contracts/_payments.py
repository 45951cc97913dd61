"""The contract of :class:`~commercekit.payments.PaymentRepository`."""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import attrs
import pytest

from commercekit.errors import (
    DuplicateError,
    NotFoundError,
    ValidationError,
    VersionConflictError,
)
from commercekit.money import money
from commercekit.payments import (
    DisputeStatus,
    GatewayOutcome,
    GatewayResult,
    IdempotencyRecord,
    Operation,
    Payment,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentStatus,
    PaymentsUnitOfWork,
    RequiredAction,
    TransactionKind,
)
from commercekit.ports import DomainEvent, EventPublisher
from commercekit.testing._helpers import RecordingPublisher

__all__ = [
    "PaymentRepositoryContract",
    "PaymentsUnitOfWorkFactory",
    "sample_payment",
]

PaymentsUnitOfWorkFactory = Callable[[EventPublisher | None], PaymentsUnitOfWork]
"""Makes a unit of work with the payments context's repository, over one store."""

_T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)

# Ids no store may take: not text, empty, padded, or holding a control.
_BAD_IDS: tuple[object, ...] = (["p-1"], None, 7, "", " p-1", "p\x00 1")
_NAIVE = datetime(2026, 6, 1, 9)  # noqa: DTZ001 - naive on purpose
_BAD_INSTANTS: tuple[object, ...] = (None, "2026-06-01", _NAIVE)

Stage = Literal["pending", "requires_action", "failed", "disputed"]


def sample_payment(
    payment_id: str,
    *,
    order_id: str = "order-1",
    stage: Stage = "disputed",
    reference: str | None = None,
    created_at: datetime = _T0,
) -> Payment:
    """A payment of 100.00 EUR taken as far as ``stage``; it records no events.

    * ``"pending"``: created, nothing asked of the provider, no reference;
    * ``"requires_action"``: a 3-D Secure challenge waits, with its data;
    * ``"failed"``: the challenge was followed by a decline (code and words);
    * ``"disputed"`` (the default): authorized with an expiry, captured in
      two parts, 10.00 refunded, one dispute of 20.00 lost and one of 15.00
      still open.

    ``reference`` is the provider's reference (``psp-<payment_id>`` unless
    given) for every stage but ``"pending"``.
    """
    payment = Payment(
        payment_id=payment_id,
        order_id=order_id,
        method="card",
        amount=money("100.00", "EUR"),
        created_at=created_at,
    )
    psp = reference or f"psp-{payment_id}"
    at = created_at + timedelta(minutes=1)
    if stage in ("requires_action", "failed"):
        payment.require_action(
            RequiredAction(
                kind="three_d_secure",
                url="https://bank.example/3ds?session=42",
                data={"acs_transaction_id": "acs-7", "version": "2.2.0"},
            ),
            at=at,
            reference=psp,
        )
    if stage == "failed":
        payment.fail(
            at=at + timedelta(minutes=2),
            decline_code="authentication_failed",
            message="Ihre Bank hat die Zahlung abgelehnt.",
        )
    if stage == "disputed":
        payment.authorize(
            money("100.00", "EUR"),
            at=at,
            reference=psp,
            expires_at=at + timedelta(days=7),
        )
        payment.capture(money("60.00", "EUR"), at=at, reference="cap-1")
        payment.capture(money("40.00", "EUR"), at=at + timedelta(hours=1))
        payment.refund(money("10.00", "EUR"), at=at + timedelta(days=1))
        payment.open_dispute("dp-1", money("20.00", "EUR"), at=at + timedelta(days=2))
        payment.lose_dispute("dp-1", at=at + timedelta(days=9))
        payment.open_dispute("dp-2", money("15.00", "EUR"), at=at + timedelta(days=3))
    payment.pull_events()
    return payment


def _record(
    key: str,
    *,
    payment_id: str = "p-1",
    fingerprint: str = "fp-1",
    operation: Operation = Operation.CAPTURE,
    result: GatewayResult | None = None,
) -> IdempotencyRecord:
    return IdempotencyRecord(
        key=key,
        operation=operation,
        payment_id=payment_id,
        fingerprint=fingerprint,
        created_at=_T0,
        result=result,
    )


def _results() -> list[GatewayResult]:
    """One result of each outcome, with every field used somewhere."""
    return [
        GatewayResult(
            outcome=GatewayOutcome.APPROVED,
            reference="auth-1",
            amount=money("100.00", "EUR"),
            expires_at=_T0 + timedelta(days=7),
        ),
        GatewayResult(
            outcome=GatewayOutcome.DECLINED,
            reference="auth-2",
            decline_code="insufficient_funds",
            decline_message="Nicht genügend Deckung.",
        ),
        GatewayResult(
            outcome=GatewayOutcome.REQUIRES_ACTION,
            reference="auth-3",
            action=RequiredAction(
                kind="redirect", url="https://psp.example/r/1", data={"step": "1"}
            ),
        ),
        GatewayResult(
            outcome=GatewayOutcome.PENDING,
            reference="auth-4",
            status_hint="pending",
        ),
    ]


def _outbox(new_uow: PaymentsUnitOfWorkFactory) -> list[DomainEvent]:
    """The events waiting in the outbox, read through a unit of work's relay."""
    publisher = RecordingPublisher()
    new_uow(publisher).dispatch_pending()
    return publisher.events


def _authorized(payment: Payment, reference: str = "auth-1") -> DomainEvent:
    """Authorize a pending payment in full; return the event that records."""
    payment.authorize(payment.amount, at=_T0, reference=reference)
    return PaymentAuthorized(
        payment_id=payment.payment_id, order_id=payment.order_id, amount=payment.amount
    )


class PaymentRepositoryContract(abc.ABC):
    """What every :class:`~commercekit.payments.PaymentRepository` must do.

    The factory returns a function that makes units of work with a
    ``payments`` repository over one new, empty store. For the race tests
    to mean something, each unit of work must work on its own (for a
    database: a file, and a connection per thread).

    Two rules go beyond the words of the port, and every adapter of
    commercekit keeps them: a provider reference belongs to one payment
    (:class:`~commercekit.errors.DuplicateError` of kind
    ``"payment reference"``), and finishing a key that was never started is
    a :class:`~commercekit.errors.NotFoundError` of kind
    ``"idempotency key"``.
    """

    @abc.abstractmethod
    def make_payments_uow_factory(self, tmp_path: Path) -> PaymentsUnitOfWorkFactory:
        """Return a maker of payments units of work over a new, empty store."""

    @pytest.fixture
    def new_uow(self, tmp_path: Path) -> PaymentsUnitOfWorkFactory:
        """The factory of this test's store."""
        return self.make_payments_uow_factory(tmp_path)

    @staticmethod
    def _add(new_uow: PaymentsUnitOfWorkFactory, *payments: Payment) -> None:
        with new_uow(None) as uow:
            for payment in payments:
                uow.payments.add(payment)
            uow.commit()

    @staticmethod
    def _get(new_uow: PaymentsUnitOfWorkFactory, payment_id: str) -> Payment:
        with new_uow(None) as uow:
            return uow.payments.get(payment_id)

    # -- add, get, save ------------------------------------------------------------

    @pytest.mark.parametrize(
        "stage", ["pending", "requires_action", "failed", "disputed"]
    )
    def test_an_added_payment_reads_back_equal_at_version_1(
        self, new_uow: PaymentsUnitOfWorkFactory, stage: Stage
    ) -> None:
        added = sample_payment("p-1", stage=stage)
        self._add(new_uow, added)
        assert added.version == 1
        loaded = self._get(new_uow, "p-1")
        assert loaded == added
        assert loaded is not added
        assert loaded.version == 1
        assert loaded.status is added.status
        assert loaded.transactions == added.transactions

    def test_a_payment_round_trips_with_its_action_and_decline(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_payment("p-1", stage="requires_action"),
            sample_payment("p-2", stage="failed"),
        )
        waiting, failed = self._get(new_uow, "p-1"), self._get(new_uow, "p-2")
        assert waiting.status is PaymentStatus.REQUIRES_ACTION
        assert waiting.action is not None
        assert (waiting.action.kind, waiting.action.url) == (
            "three_d_secure",
            "https://bank.example/3ds?session=42",
        )
        assert waiting.action.data == {
            "acs_transaction_id": "acs-7",
            "version": "2.2.0",
        }
        assert waiting.provider_reference == "psp-p-1"
        assert failed.status is PaymentStatus.FAILED
        assert (failed.decline_code, failed.decline_message) == (
            "authentication_failed",
            "Ihre Bank hat die Zahlung abgelehnt.",
        )
        assert failed.action is None
        assert [t.kind for t in failed.transactions] == [
            TransactionKind.ACTION_REQUIRED,
            TransactionKind.FAILURE,
        ]

    def test_a_payment_round_trips_with_its_disputes_and_ledger(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        created = datetime(2026, 6, 1, 9, 30, 15, 123456, tzinfo=UTC)
        added = sample_payment("p-1", created_at=created)
        self._add(new_uow, added)
        loaded = self._get(new_uow, "p-1")
        assert loaded.created_at == created
        assert loaded.status is PaymentStatus.PARTIALLY_REFUNDED
        assert (loaded.captured, loaded.refunded, loaded.charged_back) == (
            money("100.00", "EUR"),
            money("10.00", "EUR"),
            money("20.00", "EUR"),
        )
        # 100.00 captured - 10.00 refunded - 20.00 lost = 70.00 held; the
        # open dispute of 15.00 keeps that much from being refunded.
        assert loaded.balance == money("70.00", "EUR")
        assert loaded.refundable == money("55.00", "EUR")
        assert [(d.dispute_id, d.status, d.amount) for d in loaded.disputes] == [
            ("dp-1", DisputeStatus.LOST, money("20.00", "EUR")),
            ("dp-2", DisputeStatus.OPEN, money("15.00", "EUR")),
        ]
        assert [t.kind for t in loaded.transactions] == [
            TransactionKind.AUTHORIZATION,
            TransactionKind.CAPTURE,
            TransactionKind.CAPTURE,
            TransactionKind.REFUND,
            TransactionKind.DISPUTE_OPENED,
            TransactionKind.DISPUTE_LOST,
            TransactionKind.DISPUTE_OPENED,
        ]
        assert loaded.transactions[1].reference == "cap-1"
        assert loaded.authorization_expires_at == created + timedelta(minutes=1, days=7)
        # What it loaded still follows its rules.
        loaded.win_dispute("dp-2", at=_T0 + timedelta(days=20))
        loaded.refund(money("70.00", "EUR"), at=_T0 + timedelta(days=20))
        assert (loaded.status, loaded.balance) == (
            PaymentStatus.REFUNDED,
            money("0.00", "EUR"),
        )

    def test_an_unknown_payment_is_not_found(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        with new_uow(None) as uow:
            with pytest.raises(NotFoundError) as info:
                uow.payments.get("p-9")
            assert (info.value.kind, info.value.key) == ("payment", "p-9")
            with pytest.raises(NotFoundError, match="payment 'p-9'"):
                uow.payments.save(sample_payment("p-9"))
            with pytest.raises(NotFoundError) as info:
                uow.payments.by_reference("psp-9")
            assert (info.value.kind, info.value.key) == ("payment", "psp-9")
            assert uow.payments.for_order("order-9") == []

    def test_a_taken_payment_id_is_a_duplicate(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_payment("p-1", stage="pending"))
        with new_uow(None) as uow:
            with pytest.raises(DuplicateError) as info:
                uow.payments.add(sample_payment("p-1", order_id="order-2"))
            assert (info.value.kind, info.value.key) == ("payment", "p-1")
            uow.commit()
        stored = self._get(new_uow, "p-1")
        assert (stored.order_id, stored.status) == ("order-1", PaymentStatus.PENDING)

    def test_save_raises_the_version_and_a_stale_copy_conflicts(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_payment("p-1", stage="pending"))
        stale = self._get(new_uow, "p-1")
        with new_uow(None) as uow:
            fresh = uow.payments.get("p-1")
            _authorized(fresh)
            uow.payments.save(fresh)
            uow.commit()
        assert fresh.version == 2
        with new_uow(None) as uow:
            stale.fail(at=_T0, decline_code="expired_card", message="Expired.")
            with pytest.raises(VersionConflictError) as info:
                uow.payments.save(stale)
            assert (info.value.kind, info.value.key) == ("payment", "p-1")
            assert (info.value.expected_version, info.value.actual_version) == (1, 2)
        assert stale.version == 1
        stored = self._get(new_uow, "p-1")
        assert stored == fresh
        assert (stored.version, stored.status) == (2, PaymentStatus.AUTHORIZED)

    def test_a_refused_save_leaves_the_block_usable(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_payment("p-1", stage="pending"),
            sample_payment("p-2", stage="pending"),
        )
        stale = self._get(new_uow, "p-1")
        with new_uow(None) as uow:
            fresh = uow.payments.get("p-1")
            _authorized(fresh)
            uow.payments.save(fresh)
            uow.commit()
        with new_uow(None) as uow:
            with pytest.raises(VersionConflictError):
                uow.payments.save(stale)
            other = uow.payments.get("p-2")
            _authorized(other, reference="auth-2")
            uow.payments.save(other)
            uow.commit()
        assert self._get(new_uow, "p-2").version == 2

    def test_a_provider_reference_belongs_to_one_payment(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_payment("p-1", stage="requires_action", reference="psp-1"),
            sample_payment("p-2", stage="pending"),
            sample_payment("p-3", stage="pending"),
        )
        with new_uow(None) as uow:
            with pytest.raises(DuplicateError) as info:
                uow.payments.add(
                    sample_payment("p-4", stage="failed", reference="psp-1")
                )
            assert (info.value.kind, info.value.key) == ("payment reference", "psp-1")
            taker = uow.payments.get("p-2")
            _authorized(taker, reference="psp-1")
            with pytest.raises(DuplicateError, match="psp-1"):
                uow.payments.save(taker)
            assert taker.version == 1
            # The block goes on; payments without a reference are any number.
            uow.payments.add(sample_payment("p-5", stage="pending"))
            uow.commit()
        with new_uow(None) as uow:
            assert uow.payments.by_reference("psp-1").payment_id == "p-1"
            assert uow.payments.get("p-2").provider_reference is None
            with pytest.raises(NotFoundError):
                uow.payments.get("p-4")
            assert uow.payments.get("p-5").version == 1

    # -- finding payments --------------------------------------------------------

    def test_by_reference_finds_the_payment_once_it_has_one(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_payment("p-1", stage="pending"))
        with new_uow(None) as uow:
            with pytest.raises(NotFoundError):
                uow.payments.by_reference("auth-1")
            payment = uow.payments.get("p-1")
            _authorized(payment, reference="auth-1")
            uow.payments.save(payment)
            # The block sees its own writes.
            assert uow.payments.by_reference("auth-1") == payment
            uow.commit()
        with new_uow(None) as uow:
            found = uow.payments.by_reference("auth-1")
            assert found == payment
            assert found is not payment
            assert found.version == 2

    def test_for_order_lists_the_orders_payments_oldest_first(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        hour = timedelta(hours=1)
        added = [
            sample_payment("p-b", stage="failed", created_at=_T0 + hour),
            sample_payment("p-c", stage="disputed", created_at=_T0 + 2 * hour),
            sample_payment("p-a", stage="failed", created_at=_T0 + hour),
            sample_payment("p-z", stage="pending", created_at=_T0),
            sample_payment("p-x", order_id="order-2", stage="pending"),
        ]
        self._add(new_uow, *added)
        with new_uow(None) as uow:
            found = uow.payments.for_order("order-1")
            other = uow.payments.for_order("order-2")
        # By creation; equal times by id.
        assert [p.payment_id for p in found] == ["p-z", "p-a", "p-b", "p-c"]
        assert [p.payment_id for p in other] == ["p-x"]
        by_id = {payment.payment_id: payment for payment in added}
        assert all(payment == by_id[payment.payment_id] for payment in found)

    # -- events ----------------------------------------------------------------

    def test_a_saved_payments_events_are_in_the_outbox_after_commit(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_payment("p-1", stage="pending"),
            sample_payment("p-2", order_id="order-2", stage="pending"),
        )
        with new_uow(None) as uow:
            by_id = uow.payments.get("p-1")
            events = [_authorized(by_id, reference="auth-1")]
            uow.payments.save(by_id)
            (of_order,) = uow.payments.for_order("order-2")
            events.append(_authorized(of_order, reference="auth-2"))
            uow.payments.save(of_order)
            uow.commit()
        with new_uow(None) as uow:
            by_reference = uow.payments.by_reference("auth-1")
            by_reference.capture(money("100.00", "EUR"), at=_T0)
            uow.payments.save(by_reference)
            uow.commit()
        events.append(
            PaymentCaptured(
                payment_id="p-1",
                order_id="order-1",
                amount=money("100.00", "EUR"),
                captured=money("100.00", "EUR"),
            )
        )
        with new_uow(None) as uow:
            unsaved = uow.payments.get("p-2")
            unsaved.void(at=_T0)
            uow.payments.save(unsaved)
            # leaving the block without a commit
        assert _outbox(new_uow) == events
        assert _outbox(new_uow) == []  # published once, marked

    def test_a_rolled_back_payments_events_never_reach_the_outbox(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_payment("p-1", stage="pending"))
        with new_uow(None) as uow:
            payment = uow.payments.get("p-1")
            _authorized(payment)
            uow.payments.save(payment)
            uow.rollback()
        added = sample_payment("p-2", stage="pending")
        with new_uow(None) as uow:
            _authorized(added, reference="auth-2")
            uow.payments.add(added)
            # leaving the block without a commit
        assert _outbox(new_uow) == []
        assert payment.pull_events() == [] == added.pull_events()
        assert self._get(new_uow, "p-1").status is PaymentStatus.PENDING

    def test_the_events_of_an_added_payment_are_published(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        publisher = RecordingPublisher()
        payment = sample_payment("p-1", stage="pending")
        event = _authorized(payment)
        with new_uow(publisher) as uow:
            uow.payments.add(payment)
            uow.commit()
        assert publisher.events == [event]

    # -- idempotency keys --------------------------------------------------------

    def test_start_stores_a_new_key_and_then_returns_the_stored_record(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        first = _record("key-1")
        again = _record(
            "key-1", payment_id="p-2", fingerprint="fp-2", operation=Operation.REFUND
        )
        with new_uow(None) as uow:
            assert uow.payments.start(first) == first
            assert uow.payments.start(again) == first  # within the block
            uow.commit()
        with new_uow(None) as uow:
            stored = uow.payments.start(again)
            assert stored == first
            assert (stored.fingerprint, stored.operation) == ("fp-1", Operation.CAPTURE)
            assert uow.payments.recall("key-1") == first
            uow.commit()

    def test_lapsed_authorizations_are_the_authorized_ones_past_their_expiry(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        def authorized(code: str, days: int) -> Payment:
            payment = sample_payment(code, stage="pending")
            payment.authorize(
                money("100.00", "EUR"),
                at=_T0,
                reference=f"psp-{code}",
                expires_at=_T0 + timedelta(days=days),
            )
            return payment

        later, sooner = authorized("p-1", 2), authorized("p-2", 1)
        taken = authorized("p-3", 1)
        waiting = sample_payment("p-4", stage="pending")
        taken.capture(money("100.00", "EUR"), at=_T0)
        with new_uow(None) as uow:
            for payment in (later, sooner, taken, waiting):
                uow.payments.add(payment)
            uow.commit()
        with new_uow(None) as uow:
            day = timedelta(days=1)
            assert (
                uow.payments.lapsed_authorizations(_T0 + day - timedelta(seconds=1))
                == []
            )
            assert uow.payments.lapsed_authorizations(_T0 + day) == ["p-2"]
            assert uow.payments.lapsed_authorizations(_T0 + 3 * day) == ["p-2", "p-1"]
            assert uow.payments.lapsed_authorizations(_T0 + 3 * day, limit=1) == ["p-2"]
            with pytest.raises(ValidationError):
                uow.payments.lapsed_authorizations(_T0, limit=0)

    def test_a_key_keeps_the_amount_its_request_moves(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        with_amount = attrs.evolve(_record("key-1"), amount=money("12.34", "EUR"))
        with new_uow(None) as uow:
            uow.payments.start(with_amount)
            uow.payments.start(_record("key-2"))
            uow.commit()
        with new_uow(None) as uow:
            assert uow.payments.recall("key-1") == with_amount
            record = uow.payments.recall("key-2")
            assert record is not None
            assert record.amount is None

    def test_finish_stores_the_first_result_only(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        approved, declined, *_ = _results()
        with new_uow(None) as uow:
            uow.payments.start(_record("key-1"))
            uow.commit()
        with new_uow(None) as uow:
            done = uow.payments.finish("key-1", approved)
            assert done.result == approved
            assert done.fingerprint == "fp-1"
            assert uow.payments.finish("key-1", declined).result == approved
            uow.commit()
        with new_uow(None) as uow:
            assert uow.payments.finish("key-1", declined).result == approved
            record = uow.payments.recall("key-1")
            # Starting the key again returns it with its result.
            assert uow.payments.start(_record("key-1", fingerprint="fp-2")) == record
        assert record == _record("key-1", result=approved)

    def test_a_key_started_and_finished_in_one_block_keeps_its_result(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        approved, declined, *_ = _results()
        with new_uow(None) as uow:
            uow.payments.start(_record("key-1"))
            uow.payments.finish("key-1", declined)
            uow.payments.finish("key-1", approved)
            uow.commit()
        with new_uow(None) as uow:
            record = uow.payments.recall("key-1")
        assert record is not None
        assert record.result == declined

    def test_results_of_every_outcome_read_back_equal(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        results = _results()
        with new_uow(None) as uow:
            for n, result in enumerate(results):
                uow.payments.start(_record(f"key-{n}"))
                uow.payments.finish(f"key-{n}", result)
            # A record may come with its result.
            uow.payments.start(_record("key-done", result=results[2]))
            uow.commit()
        with new_uow(None) as uow:
            for n, result in enumerate(results):
                assert uow.payments.recall(f"key-{n}") == _record(
                    f"key-{n}", result=result
                )
            assert uow.payments.recall("key-done") == _record(
                "key-done", result=results[2]
            )

    def test_recall_and_finish_of_an_unknown_key(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        approved, *_ = _results()
        with new_uow(None) as uow:
            assert uow.payments.recall("key-9") is None
            with pytest.raises(NotFoundError) as info:
                uow.payments.finish("key-9", approved)
            assert (info.value.kind, info.value.key) == ("idempotency key", "key-9")
            assert uow.payments.recall("key-9") is None

    # -- notifications -----------------------------------------------------------

    def test_a_notification_is_new_once(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        with new_uow(None) as uow:
            assert uow.payments.note_notification("evt-1", at=_T0) is True
            assert uow.payments.note_notification("evt-1", at=_T0) is False
            assert uow.payments.note_notification("evt-2", at=_T0) is True
            uow.commit()
        with new_uow(None) as uow:
            later = _T0 + timedelta(days=1)
            assert uow.payments.note_notification("evt-1", at=later) is False
            assert uow.payments.note_notification("evt-2", at=later) is False
            assert uow.payments.note_notification("evt-3", at=later) is True
            # leaving the block without a commit
        with new_uow(None) as uow:
            assert uow.payments.note_notification("evt-3", at=_T0) is True

    # -- transactions ------------------------------------------------------------

    def test_nothing_is_stored_before_the_commit(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        with new_uow(None) as uow:
            uow.payments.add(sample_payment("p-1", reference="psp-1"))
            uow.payments.start(_record("key-1"))
            uow.payments.note_notification("evt-1", at=_T0)
            assert uow.payments.get("p-1").version == 1
            assert [p.payment_id for p in uow.payments.for_order("order-1")] == ["p-1"]
            assert uow.payments.recall("key-1") is not None
        with new_uow(None) as uow:
            with pytest.raises(NotFoundError):
                uow.payments.get("p-1")
            with pytest.raises(NotFoundError):
                uow.payments.by_reference("psp-1")
            assert uow.payments.for_order("order-1") == []
            assert uow.payments.recall("key-1") is None
            assert uow.payments.note_notification("evt-1", at=_T0) is True
            uow.payments.add(sample_payment("p-1", reference="psp-1"))
            uow.commit()

    def test_bad_input_is_refused_before_anything_is_read_or_written(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        """Bad input is a ValidationError naming the field, never a driver's error.

        Nothing is stored under the ids used, so a check that came after a
        read would answer "not found" instead.
        """
        approved, *_ = _results()
        with new_uow(None) as uow:
            repository = uow.payments
            for bad in _BAD_IDS:
                for call, field in (
                    (repository.get, "payment_id"),
                    (repository.by_reference, "reference"),
                    (repository.for_order, "order_id"),
                    (repository.recall, "key"),
                ):
                    with pytest.raises(ValidationError) as info:
                        call(bad)  # type: ignore[arg-type]
                    assert info.value.field == field
                with pytest.raises(ValidationError) as info:
                    repository.finish(bad, approved)  # type: ignore[arg-type]
                assert info.value.field == "key"
                with pytest.raises(ValidationError) as info:
                    repository.note_notification(bad, at=_T0)  # type: ignore[arg-type]
                assert info.value.field == "event_id"
            for bad_at in _BAD_INSTANTS:
                with pytest.raises(ValidationError) as info:
                    repository.note_notification("evt-1", at=bad_at)  # type: ignore[arg-type]
                assert info.value.field == "at"
            for bad in (None, "p-1", _record("key-1"), {"payment_id": "p-1"}):
                with pytest.raises(ValidationError, match="Payment") as info:
                    repository.add(bad)  # type: ignore[arg-type]
                assert info.value.field == "payment"
                with pytest.raises(ValidationError, match="Payment") as info:
                    repository.save(bad)  # type: ignore[arg-type]
                assert info.value.field == "payment"
            for bad in (None, "key-1", sample_payment("p-1"), approved):
                with pytest.raises(ValidationError) as info:
                    repository.start(bad)  # type: ignore[arg-type]
                assert info.value.field == "record"
            for bad in (None, "approved", _record("key-1")):
                with pytest.raises(ValidationError) as info:
                    repository.finish("key-1", bad)  # type: ignore[arg-type]
                assert info.value.field == "result"
            # The refusals changed nothing, and the block is still usable.
            repository.add(sample_payment("p-1", stage="pending"))
            uow.commit()
        with new_uow(None) as uow:
            assert uow.payments.get("p-1").version == 1
            assert uow.payments.recall("key-1") is None
            assert uow.payments.note_notification("evt-1", at=_T0) is True

    # -- races -------------------------------------------------------------------

    def test_two_racers_starting_one_key_one_stores_it(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        """Real racers: two threads, each with its own unit of work, one start.

        The port allows the loser a VersionConflictError at commit, to be
        retried; the retry then gets the winner's record.
        """
        self._add(new_uow, sample_payment("p-1", stage="pending"))
        records = [_record("key-1", fingerprint=f"fp-{n}") for n in (0, 1)]
        barrier = threading.Barrier(2)
        got: dict[int, IdempotencyRecord | str] = {}

        def start(n: int) -> None:
            try:
                barrier.wait(timeout=10)
                for _ in range(3):
                    try:
                        with new_uow(None) as uow:
                            stored = uow.payments.start(records[n])
                            uow.commit()
                    except VersionConflictError:
                        continue
                    got[n] = stored
                    return
            except Exception as exc:  # reported by the assertions
                got[n] = repr(exc)

        threads = [threading.Thread(target=start, args=(n,)) for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(isinstance(record, IdempotencyRecord) for record in got.values()), (
            got
        )
        assert got[0] == got[1]  # both hold the one stored record
        winner = records.index(got[0])  # type: ignore[arg-type]
        with new_uow(None) as uow:
            assert uow.payments.recall("key-1") == records[winner]

    def test_two_racers_saving_one_version_one_wins(
        self, new_uow: PaymentsUnitOfWorkFactory
    ) -> None:
        """Real racers: two threads, each with its own unit of work, one start."""
        self._add(new_uow, sample_payment("p-1", stage="pending"))
        copies = [self._get(new_uow, "p-1") for _ in range(2)]
        barrier = threading.Barrier(2)
        outcomes: dict[int, str] = {}

        def save(n: int) -> None:
            _authorized(copies[n], reference=f"auth-{n}")
            try:
                barrier.wait(timeout=10)
                with new_uow(None) as uow:
                    uow.payments.save(copies[n])
                    uow.commit()
                outcomes[n] = "saved"
            except VersionConflictError:
                outcomes[n] = "conflict"
            except Exception as exc:  # reported by the assertions
                outcomes[n] = repr(exc)

        threads = [threading.Thread(target=save, args=(n,)) for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes.values()) == ["conflict", "saved"]
        winner = next(n for n, outcome in outcomes.items() if outcome == "saved")
        stored = self._get(new_uow, "p-1")
        assert (stored.version, stored.provider_reference) == (2, f"auth-{winner}")
        assert copies[1 - winner].version == 1
        with new_uow(None) as uow, pytest.raises(NotFoundError):
            uow.payments.by_reference(f"auth-{1 - winner}")
