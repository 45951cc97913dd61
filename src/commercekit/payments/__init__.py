"""Payments: the gateway port, the payment lifecycle, and its rules.

commercekit never talks to a payment provider itself. It defines:

* the :class:`Payment` aggregate with its :class:`PaymentLifecycle`
  (pending, requires action, authorized, captured in part or in full,
  refunded in part or in full, voided, failed, expired) and its ledger of
  :class:`PaymentTransaction` entries, disputes (chargebacks) included;
* the rules that keep its amounts honest: captured never exceeds
  authorized, refunded never exceeds captured, one currency, positive
  amounts; a refused operation changes nothing
  (:class:`PaymentAmountError`, :class:`~commercekit.errors.InvalidTransitionError`);
* the :class:`PaymentGateway` port: requests (:class:`AuthorizeRequest`,
  :class:`CaptureRequest`, :class:`VoidRequest`, :class:`RefundRequest`)
  that carry an idempotency key and provider tokens only (card data is
  refused: :func:`check_no_card_data`), and a :class:`GatewayResult`.
"""

from commercekit.payments._card import check_no_card_data, looks_like_card_number
from commercekit.payments._errors import (
    CardDataError,
    GatewayUnavailableError,
    IdempotencyKeyReusedError,
    PaymentAmountError,
    PaymentDeclinedError,
    PaymentError,
)
from commercekit.payments._events import (
    ChargebackLost,
    ChargebackOpened,
    ChargebackWon,
    PaymentActionRequired,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentExpired,
    PaymentFailed,
    PaymentRefunded,
    PaymentVoided,
)
from commercekit.payments._gateway import (
    AuthorizeRequest,
    CaptureRequest,
    GatewayOutcome,
    GatewayResult,
    PaymentGateway,
    RefundRequest,
    VoidRequest,
)
from commercekit.payments._lifecycle import PaymentLifecycle
from commercekit.payments._model import (
    Dispute,
    DisputeStatus,
    Payment,
    PaymentId,
    PaymentStatus,
    PaymentTransaction,
    RequiredAction,
    TransactionKind,
    payment_id,
)
from commercekit.payments._ports import (
    IdempotencyRecord,
    Operation,
    PaymentRepository,
    PaymentsUnitOfWork,
)

__all__ = [
    "AuthorizeRequest",
    "CaptureRequest",
    "CardDataError",
    "ChargebackLost",
    "ChargebackOpened",
    "ChargebackWon",
    "Dispute",
    "DisputeStatus",
    "GatewayOutcome",
    "GatewayResult",
    "GatewayUnavailableError",
    "IdempotencyKeyReusedError",
    "IdempotencyRecord",
    "Operation",
    "Payment",
    "PaymentActionRequired",
    "PaymentAmountError",
    "PaymentAuthorized",
    "PaymentCaptured",
    "PaymentDeclinedError",
    "PaymentError",
    "PaymentExpired",
    "PaymentFailed",
    "PaymentGateway",
    "PaymentId",
    "PaymentLifecycle",
    "PaymentRefunded",
    "PaymentRepository",
    "PaymentStatus",
    "PaymentTransaction",
    "PaymentVoided",
    "PaymentsUnitOfWork",
    "RefundRequest",
    "RequiredAction",
    "TransactionKind",
    "VoidRequest",
    "check_no_card_data",
    "looks_like_card_number",
    "payment_id",
]
