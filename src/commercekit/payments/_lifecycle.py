"""The payment lifecycle as a python-statemachine machine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from statemachine import StateMachine
from statemachine.states import States

from commercekit.payments._model import PaymentStatus

if TYPE_CHECKING:
    from commercekit.money import Money
    from commercekit.payments._model import Payment

__all__ = ["PaymentLifecycle"]


class PaymentLifecycle(StateMachine):
    """Where a :class:`~commercekit.payments.Payment` may go from where it is.

    Bound to a payment (``PaymentLifecycle(model=payment,
    state_field="status")``); the payment's methods drive it, so use them
    rather than the machine. Amount rules are validators: a capture above
    what is capturable, or a refund above what is refundable, raises
    :class:`~commercekit.payments.PaymentAmountError` and nothing moves.
    A capture that takes the rest of the authorization ends ``captured``,
    a smaller one ``partially_captured``; a refund that returns all the
    money held ends ``refunded``, a smaller one ``partially_refunded``. A
    partially refunded payment may still capture what its authorization has
    left (a capture the provider made before the refund, told late).
    """

    _ = States.from_enum(
        PaymentStatus,
        initial=PaymentStatus.PENDING,
        final=[
            PaymentStatus.REFUNDED,
            PaymentStatus.VOIDED,
            PaymentStatus.FAILED,
            PaymentStatus.EXPIRED,
        ],
    )

    require_action = _.PENDING.to(_.REQUIRES_ACTION) | _.REQUIRES_ACTION.to.itself()
    authorize = _.PENDING.to(_.AUTHORIZED) | _.REQUIRES_ACTION.to(_.AUTHORIZED)
    capture = (
        _.AUTHORIZED.to(_.CAPTURED, cond="takes_the_rest", validators="check_capture")
        | _.AUTHORIZED.to(_.PARTIALLY_CAPTURED, validators="check_capture")
        | _.PARTIALLY_CAPTURED.to(
            _.CAPTURED, cond="takes_the_rest", validators="check_capture"
        )
        | _.PARTIALLY_CAPTURED.to.itself(validators="check_capture")
        | _.PARTIALLY_REFUNDED.to.itself(validators="check_capture")
    )
    refund = (
        _.CAPTURED.to(_.REFUNDED, cond="returns_the_rest", validators="check_refund")
        | _.CAPTURED.to(_.PARTIALLY_REFUNDED, validators="check_refund")
        | _.PARTIALLY_CAPTURED.to(
            _.REFUNDED, cond="returns_the_rest", validators="check_refund"
        )
        | _.PARTIALLY_CAPTURED.to(_.PARTIALLY_REFUNDED, validators="check_refund")
        | _.PARTIALLY_REFUNDED.to(
            _.REFUNDED, cond="returns_the_rest", validators="check_refund"
        )
        | _.PARTIALLY_REFUNDED.to.itself(validators="check_refund")
    )
    void = _.AUTHORIZED.to(_.VOIDED)
    fail = _.PENDING.to(_.FAILED) | _.REQUIRES_ACTION.to(_.FAILED)
    expire = _.AUTHORIZED.to(_.EXPIRED)

    def check_capture(self, amount: Money, model: Payment) -> None:
        """Refuse a capture above what is capturable."""
        model._check("capture_exceeds_authorized", amount, model.capturable)  # noqa: SLF001

    def check_refund(self, amount: Money, model: Payment) -> None:
        """Refuse a refund above what is refundable."""
        model._check("refund_exceeds_captured", amount, model.refundable)  # noqa: SLF001

    def takes_the_rest(self, amount: Money, model: Payment) -> bool:
        """Whether a capture of ``amount`` takes all that is left."""
        return amount == model.capturable

    def returns_the_rest(self, amount: Money, model: Payment) -> bool:
        """Whether a refund of ``amount`` returns all the money still held.

        Money an open dispute holds is still held, and so is what the
        authorization has left to capture: a refund of the rest leaves the
        payment partially refunded then.
        """
        return amount == model.balance and not model.capturable.amount
