"""The tester's check that a payment's status agrees with its amounts."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs

from commercekit.money import Money, money
from commercekit.payments import Payment, PaymentStatus
from commercekit.testing import payment_status_fits_amounts

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)


def eur(amount: str) -> Money:
    return money(amount, "EUR")


def _captured(amount: str) -> Payment:
    payment = Payment(
        payment_id="pay-1",
        order_id="o-1",
        method="card",
        amount=eur("100.00"),
        created_at=AT,
    )
    payment.authorize(eur("100.00"), at=AT, reference="a")
    payment.capture(eur(amount), at=AT)
    return payment


def test_statuses_the_methods_reach_fit_their_amounts() -> None:
    assert payment_status_fits_amounts(_captured("40.00"))
    assert payment_status_fits_amounts(_captured("100.00"))


def test_a_status_the_amounts_contradict_is_caught() -> None:
    # 40.00 of 100.00 taken is partially captured, never captured.
    wrong = attrs.evolve(_captured("40.00"), status=PaymentStatus.CAPTURED)
    assert not payment_status_fits_amounts(wrong)
    pending = attrs.evolve(_captured("40.00"), status=PaymentStatus.PENDING)
    assert not payment_status_fits_amounts(pending)
