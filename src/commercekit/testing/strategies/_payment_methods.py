"""Strategies for payment methods, split tender, store credit and offline payments."""

from __future__ import annotations

from typing import Final

from hypothesis import strategies as st

from commercekit.money import minor_units
from commercekit.payments import (
    PaymentMethod,
    PaymentMethodKind,
    PaymentMethods,
    SplitTender,
    StoreCreditAccount,
    StoreCreditEntry,
    TransferOutcome,
    Unavailable,
    UnavailableReason,
    open_cash_on_delivery_payment,
    open_invoice_payment,
    open_prepayment,
    record_bank_transfer,
    record_cash_collected,
    record_incoming_payment,
    split_tender,
)
from commercekit.testing.strategies._common import _NOW_AND_THEN
from commercekit.testing.strategies._money import _in_units, _numbered, money
from commercekit.testing.strategies._payments import (
    _PAYMENT_UNITS,
    _VERSIONS,
    _payment_currencies,
    _Timeline,
)

__all__ = [
    "payment_method_registries",
    "payment_methods",
    "split_tenders",
    "store_credit_accounts",
    "store_credit_entries",
    "transfer_outcomes",
    "unavailable_methods",
]

_METHOD_CODES_BY_KIND: Final = {
    PaymentMethodKind.GATEWAY: ("card", "paypal", "sepa_debit", "klarna"),
    PaymentMethodKind.INVOICE: ("invoice",),
    PaymentMethodKind.PREPAYMENT: ("prepayment",),
    PaymentMethodKind.CASH_ON_DELIVERY: ("cash_on_delivery",),
    PaymentMethodKind.STORE_CREDIT: ("gift_card", "store_credit"),
}
_METHOD_NAMES_BY_CODE: Final = {
    "card": "Kreditkarte",
    "paypal": "PayPal",
    "sepa_debit": "SEPA-Lastschrift",
    "klarna": "Klarna",
    "invoice": "Kauf auf Rechnung",
    "prepayment": "Vorkasse",
    "cash_on_delivery": "Nachnahme",
    "gift_card": "Gutschein",
    "store_credit": "Guthaben",
}
_METHOD_CURRENCIES: Final = ("EUR", "CHF", "GBP", "PLN", "SEK")
_METHOD_COUNTRIES: Final = ("DE", "AT", "NL", "FR", "CH", "PL")
_NO_FEE_CURRENCIES: Final = st.lists(
    st.sampled_from(_METHOD_CURRENCIES), min_size=1, max_size=3, unique=True
)
_LEAST_CENTS: Final = st.none() | st.integers(0, 100_00)
_MOST_CENTS: Final = st.none() | st.integers(100_00, 5000_00)
_SERVED: Final = st.none() | st.lists(
    st.sampled_from(_METHOD_COUNTRIES), min_size=1, max_size=4, unique=True
)


@st.composite
def _payment_method(draw: st.DrawFn) -> PaymentMethod:
    kind = draw(st.sampled_from(PaymentMethodKind))
    code = draw(st.sampled_from(_METHOD_CODES_BY_KIND[kind]))
    if kind is PaymentMethodKind.CASH_ON_DELIVERY:
        surcharge = not draw(_NOW_AND_THEN)
    else:
        surcharge = kind is PaymentMethodKind.GATEWAY and draw(_NOW_AND_THEN)
    fee = None
    if surcharge and draw(st.booleans()):
        currency = draw(st.sampled_from(_METHOD_CURRENCIES))
        fee = _in_units(currency, draw(st.integers(1, 1000)))
        taken = [currency]
    else:
        taken = draw(_NO_FEE_CURRENCIES)
    lows, highs = [], []
    for currency in taken:  # all of them in cents
        low, high = draw(_LEAST_CENTS), draw(_MOST_CENTS)
        if low is not None:
            lows.append(_in_units(currency, low))
        if high is not None:
            highs.append(_in_units(currency, high))
    countries = draw(_SERVED)
    return PaymentMethod(
        code=code,
        name=_METHOD_NAMES_BY_CODE[code],
        kind=kind,
        currencies=taken,
        countries=countries,
        min_amounts=lows,
        max_amounts=highs,
        fee=fee,
        surcharge_allowed=surcharge,
    )


def payment_methods() -> st.SearchStrategy[PaymentMethod]:
    """Draw payment methods of every kind, with a fee only where the law allows one.

    A method takes one to three of EUR, CHF, GBP, PLN and SEK, in all
    countries or some of DE, AT, NL, FR, CH and PL, with a least amount (0
    to 100) and a greatest (100 to 5,000) per currency now and then. Cash
    on delivery may carry a fee (mostly it may, and now and then does), a
    gateway method now and then; invoice, prepayment and store credit
    never (§ 270a BGB). A method with a fee takes the fee's currency only.
    """
    return _payment_method()


def _method_code(method: PaymentMethod) -> str:
    return method.code


def payment_method_registries() -> st.SearchStrategy[PaymentMethods]:
    """Draw a shop's registry of up to five :func:`payment_methods`, each code once."""
    return st.lists(payment_methods(), max_size=5, unique_by=_method_code).map(
        PaymentMethods
    )


@st.composite
def _unavailable(draw: st.DrawFn) -> Unavailable:
    method = draw(payment_methods())
    reasons = [UnavailableReason.CURRENCY]
    if method.countries is not None and len(method.countries) < len(_METHOD_COUNTRIES):
        reasons.append(UnavailableReason.COUNTRY)
    if any(low.amount > 0 for low in method.min_amounts):
        reasons.append(UnavailableReason.BELOW_MINIMUM)
    if method.max_amounts:
        reasons.append(UnavailableReason.ABOVE_MAXIMUM)
    reason = draw(st.sampled_from(reasons))
    served = _METHOD_COUNTRIES if method.countries is None else method.countries
    country = draw(st.sampled_from(served))
    currency = method.currencies[0]
    amount = draw(money(currency, min_value=0, max_value=50))
    if reason is UnavailableReason.COUNTRY:
        country = draw(
            st.sampled_from([c for c in _METHOD_COUNTRIES if c not in served])
        )
    elif reason is UnavailableReason.CURRENCY:
        other = [c for c in ("USD", "JPY", "DKK") if c not in method.currencies]
        amount = draw(money(st.sampled_from(other), min_value=0, max_value=50))
    elif reason is UnavailableReason.BELOW_MINIMUM:
        low = draw(st.sampled_from([m for m in method.min_amounts if m.amount > 0]))
        amount = low - _in_units(
            low.currency.code,
            draw(
                st.integers(1, int(low.amount.scaleb(minor_units(low.currency.code))))
            ),
        )
    else:
        high = draw(st.sampled_from(method.max_amounts))
        amount = high + _in_units(high.currency.code, draw(st.integers(1, 10_000)))
    (found,) = PaymentMethods([method]).unavailable(country, amount)
    return found


def unavailable_methods() -> st.SearchStrategy[Unavailable]:
    """Draw why a registry does not offer one of :func:`payment_methods`.

    Each is what :meth:`~commercekit.payments.PaymentMethods.unavailable`
    answers for a country and an amount chosen to break one rule: a country
    the method does not serve, a currency it does not take, an amount
    below its least or above its greatest (then the limit is named).
    """
    return _unavailable()


def split_tenders(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[SplitTender]:
    """Draw what :func:`~commercekit.payments.split_tender` makes of an amount due.

    A total of one minor unit or more and a store credit balance of 0 or
    more (now and then more than the total) in one currency.

    Args:
        currency: As for :func:`payments`.
    """

    @st.composite
    def build(draw: st.DrawFn) -> SplitTender:
        code = draw(_payment_currencies(currency))
        total = draw(st.integers(1, _PAYMENT_UNITS))
        credit = draw(st.integers(0, 2 * total))
        return split_tender(_in_units(code, total), _in_units(code, credit))

    return build()


@st.composite
def _store_credit_account(draw: st.DrawFn, code: str) -> StoreCreditAccount:
    account = StoreCreditAccount(account_id=draw(_numbered("gc")), currency=code)
    time = _Timeline(draw)
    for number in range(1, draw(st.integers(1, 3)) + 1):
        issued = _in_units(code, draw(st.integers(1, 100_000)))
        account.issue(issued, at=time.later(), reference=f"gift-order-{number}")
    charges = []
    for number in range(1, draw(st.integers(0, 2)) + 1):
        left = int(account.balance.amount.scaleb(minor_units(code)))
        if left < 1:
            break
        charge = f"pay-{number}"
        spent = _in_units(code, draw(st.integers(1, left)))
        account.charge(spent, at=time.later(), reference=charge)
        charges.append(charge)
    for number in range(1, draw(st.integers(0, 2)) + 1):
        if not charges:
            break
        charge = draw(st.sampled_from(charges))
        left = int(account.reversible(charge).amount.scaleb(minor_units(code)))
        if left < 1:
            continue
        back = _in_units(code, draw(st.integers(1, left)))
        account.reverse(charge, back, at=time.later(), reference=f"refund-{number}")
    account.version = draw(_VERSIONS)
    return account


def store_credit_accounts(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[StoreCreditAccount]:
    """Draw gift card and store credit balances built by their own methods.

    One to three issues of up to 100,000 minor units, then up to two
    charges (``pay-1``, ``pay-2``) of no more than the balance, then up to
    two reversals (``refund-…``) of no more than is left of a charge; at a
    version from 0 to 20.

    Args:
        currency: As for :func:`payments`.
    """
    return _payment_currencies(currency).flatmap(_store_credit_account)


def _credit_entries(account: StoreCreditAccount) -> st.SearchStrategy[StoreCreditEntry]:
    return st.sampled_from(account.entries)


def store_credit_entries(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[StoreCreditEntry]:
    """Draw entries of the ledgers of :func:`store_credit_accounts`.

    Args:
        currency: As for :func:`payments`.
    """
    return store_credit_accounts(currency).flatmap(_credit_entries)


@st.composite
def _transfer_outcome(draw: st.DrawFn, code: str) -> TransferOutcome:
    time = _Timeline(draw)
    due = draw(st.integers(1, 100_000))
    opened = {
        "payment_id": draw(_numbered("pay")),
        "order_id": draw(_numbered("ord")),
        "amount": _in_units(code, due),
        "at": time.now,
    }
    way = draw(st.sampled_from(["invoice", "cash_on_delivery", "prepayment"]))
    outcomes = []
    if way == "prepayment":
        payment = open_prepayment(**opened)  # type: ignore[arg-type]
        quoted = payment.provider_reference
        assert quoted is not None  # noqa: S101 - a prepayment has its reference
        for _ in range(draw(st.integers(1, 3))):
            came_in = _in_units(code, draw(st.integers(1, due)))
            text = draw(
                st.sampled_from([quoted, f"Order {quoted}, thanks", "rent May"])
            )
            outcomes.append(
                record_bank_transfer(payment, came_in, text, at=time.later())
            )
    else:
        opener = (
            open_invoice_payment if way == "invoice" else open_cash_on_delivery_payment
        )
        record = record_incoming_payment if way == "invoice" else record_cash_collected
        payment = opener(**opened)  # type: ignore[arg-type]
        for number in range(1, draw(st.integers(1, 3)) + 1):
            came_in = _in_units(code, draw(st.integers(1, due)))
            outcomes.append(
                record(payment, came_in, at=time.later(), reference=f"bank-{number}")
            )
    return draw(st.sampled_from(outcomes))


def transfer_outcomes(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[TransferOutcome]:
    """Draw what money coming in did to an invoice, cash-on-delivery or prepayment.

    A payment of up to 100,000 minor units, opened by
    :func:`~commercekit.payments.open_invoice_payment`,
    :func:`~commercekit.payments.open_cash_on_delivery_payment` or
    :func:`~commercekit.payments.open_prepayment`, receives one to three
    amounts of up to what is due (a prepayment's transfers quote its
    reference, in words around it, or not at all); one of the outcomes the
    recording functions returned is drawn.

    Args:
        currency: As for :func:`payments`.
    """
    return _payment_currencies(currency).flatmap(_transfer_outcome)
