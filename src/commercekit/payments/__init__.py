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
  refused: :func:`check_no_card_data`), and a :class:`GatewayResult`;
* the :class:`PaymentMethods` registry: which :class:`PaymentMethod` a cart
  may use by country, currency and amount, and why not the others
  (:class:`Unavailable`); a fee only where § 270a BGB allows one;
* payments that need no gateway: invoice (:func:`open_invoice_payment`,
  :func:`record_incoming_payment`), prepayment (:func:`open_prepayment`,
  :func:`record_bank_transfer`), cash on delivery
  (:func:`open_cash_on_delivery_payment`, :func:`record_cash_collected`);
* store credit and gift cards (:class:`StoreCreditAccount`), combined with
  one other method by :func:`split_tender`: a means of payment, so the
  amount due falls and the taxable amount stays.
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
from commercekit.payments._methods import (
    PaymentMethod,
    PaymentMethodKind,
    PaymentMethods,
    PaymentMethodUnavailableError,
    SplitTender,
    StoreCreditAccount,
    StoreCreditEntry,
    StoreCreditEntryKind,
    StoreCreditError,
    Unavailable,
    UnavailableReason,
    pay_with_store_credit,
    refund_to_store_credit,
    split_tender,
)
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
from commercekit.payments._notifications import (
    HmacSignatureVerifier,
    InvalidSignatureError,
    NotificationKind,
    NotificationResult,
    PaymentNotification,
    SignatureVerifier,
    handle_notification,
    parse_notification,
)
from commercekit.payments._offline import (
    BANK_TRANSFER_ACTION,
    TransferOutcome,
    TransferStatus,
    cancel_prepayment,
    open_cash_on_delivery_payment,
    open_invoice_payment,
    open_prepayment,
    prepayment_reference,
    record_bank_transfer,
    record_cash_collected,
    record_incoming_payment,
    reference_matches,
)
from commercekit.payments._ports import (
    IdempotencyRecord,
    Operation,
    PaymentRepository,
    PaymentsUnitOfWork,
)
from commercekit.payments._refresh import refresh_payment
from commercekit.payments._service import (
    authorize_payment,
    capture_payment,
    create_payment,
    expire_authorizations,
    refund_payment,
    void_payment,
)

__all__ = [
    "BANK_TRANSFER_ACTION",
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
    "HmacSignatureVerifier",
    "IdempotencyKeyReusedError",
    "IdempotencyRecord",
    "InvalidSignatureError",
    "NotificationKind",
    "NotificationResult",
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
    "PaymentMethod",
    "PaymentMethodKind",
    "PaymentMethodUnavailableError",
    "PaymentMethods",
    "PaymentNotification",
    "PaymentRefunded",
    "PaymentRepository",
    "PaymentStatus",
    "PaymentTransaction",
    "PaymentVoided",
    "PaymentsUnitOfWork",
    "RefundRequest",
    "RequiredAction",
    "SignatureVerifier",
    "SplitTender",
    "StoreCreditAccount",
    "StoreCreditEntry",
    "StoreCreditEntryKind",
    "StoreCreditError",
    "TransactionKind",
    "TransferOutcome",
    "TransferStatus",
    "Unavailable",
    "UnavailableReason",
    "VoidRequest",
    "authorize_payment",
    "cancel_prepayment",
    "capture_payment",
    "check_no_card_data",
    "create_payment",
    "expire_authorizations",
    "handle_notification",
    "looks_like_card_number",
    "open_cash_on_delivery_payment",
    "open_invoice_payment",
    "open_prepayment",
    "parse_notification",
    "pay_with_store_credit",
    "payment_id",
    "prepayment_reference",
    "record_bank_transfer",
    "record_cash_collected",
    "record_incoming_payment",
    "reference_matches",
    "refresh_payment",
    "refund_payment",
    "refund_to_store_credit",
    "split_tender",
    "void_payment",
]
