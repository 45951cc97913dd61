"""Payment methods: what a checkout may offer, split tender, store credit.

A :class:`PaymentMethod` says where and for how much a way of paying is
offered, and whether it may carry a fee; the :class:`PaymentMethods` registry
answers which of them a cart may use (:meth:`PaymentMethods.available`) and why
the others not (:meth:`PaymentMethods.unavailable`). :func:`split_tender`
divides an amount between store credit and one other method, and a
:class:`StoreCreditAccount` (a gift card or store credit balance, with its
ledger) pays the credit part through :func:`pay_with_store_credit`.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import ClassVar, Final

import attrs

from commercekit.errors import (
    BusinessRuleError,
    CurrencyMismatchError,
    NotFoundError,
    ValidationError,
)
from commercekit.money import Money, as_money, get_currency, quantize, zero
from commercekit.payments._errors import IdempotencyKeyReusedError, PaymentError
from commercekit.payments._model import Payment, TransactionKind
from commercekit.values import CountryCode, as_utc, country_code, identifier

__all__ = [
    "PaymentMethod",
    "PaymentMethodKind",
    "PaymentMethodUnavailableError",
    "PaymentMethods",
    "SplitTender",
    "StoreCreditAccount",
    "StoreCreditEntry",
    "StoreCreditEntryKind",
    "StoreCreditError",
    "Unavailable",
    "UnavailableReason",
    "pay_with_store_credit",
    "refund_to_store_credit",
    "split_tender",
]


class PaymentMethodKind(enum.StrEnum):
    """How a payment method is paid, and so which functions run it."""

    GATEWAY = "gateway"
    """Through a provider behind :class:`~commercekit.payments.PaymentGateway`:
    cards, SEPA direct debit, wallets."""
    INVOICE = "invoice"
    """Kauf auf Rechnung: the goods first, the customer pays by bank transfer
    (:func:`~commercekit.payments.open_invoice_payment`)."""
    PREPAYMENT = "prepayment"
    """Vorkasse: the customer pays by bank transfer first, the goods follow
    (:func:`~commercekit.payments.open_prepayment`)."""
    CASH_ON_DELIVERY = "cash_on_delivery"
    """Nachnahme: the carrier collects the money at the door
    (:func:`~commercekit.payments.open_cash_on_delivery_payment`)."""
    STORE_CREDIT = "store_credit"
    """A gift card or store credit balance
    (:class:`~commercekit.payments.StoreCreditAccount`)."""


_NEVER_SURCHARGED: Final = frozenset(
    {
        PaymentMethodKind.INVOICE,
        PaymentMethodKind.PREPAYMENT,
        PaymentMethodKind.STORE_CREDIT,
    }
)
"""Kinds that may never carry a fee: invoice and prepayment are paid by SEPA
credit transfer (§ 270a BGB); store credit is money the customer paid already."""


def _kind(value: object) -> PaymentMethodKind:
    try:
        return PaymentMethodKind(value)  # type: ignore[arg-type]
    except ValueError:
        choices = ", ".join(repr(kind.value) for kind in PaymentMethodKind)
        msg = f"kind must be one of {choices}, not {value!r}"
        raise ValidationError(msg, field="kind") from None


def _code(value: object) -> str:
    return identifier(value, field="code")


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or not value.isprintable():
        msg = f"name must be non-empty printable text, such as 'Invoice', not {value!r}"
        raise ValidationError(msg, field="name")
    return value


def _items(value: object, field: str) -> list[object]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"{field} must be a list, not {value!r}"
        raise ValidationError(msg, field=field)
    return list(value)


def _currencies(value: object) -> tuple[str, ...]:
    codes = sorted({get_currency(item).code for item in _items(value, "currencies")})  # type: ignore[arg-type]
    if not codes:
        msg = "currencies must name at least one currency, such as ['EUR']"
        raise ValidationError(msg, field="currencies")
    return tuple(codes)


def _countries(value: object) -> tuple[CountryCode, ...] | None:
    if value is None:
        return None
    codes = sorted({country_code(item) for item in _items(value, "countries")})  # type: ignore[arg-type]
    if not codes:
        msg = "countries must name at least one country; None offers the method in all"
        raise ValidationError(msg, field="countries")
    return tuple(codes)


def _in_minor_units(amount: Money, field: str) -> Money:
    if quantize(amount) != amount:
        msg = f"{field} {amount} is not in whole minor units: quantize it first"
        raise ValidationError(msg, field=field)
    return amount


def _not_negative(value: object, field: str) -> Money:
    amount = _in_minor_units(as_money(value, field=field), field)
    if amount.amount < 0:
        msg = f"{field} cannot be negative, not {amount}"
        raise ValidationError(msg, field=field)
    return amount


def _limits(value: object, field: str) -> tuple[Money, ...]:
    amounts = [_not_negative(item, field) for item in _items(value, field)]
    by_currency = {amount.currency.code: amount for amount in amounts}
    if len(by_currency) != len(amounts):
        msg = f"{field} may hold one amount per currency, not {amounts}"
        raise ValidationError(msg, field=field)
    return tuple(by_currency[code] for code in sorted(by_currency))


def _min_amounts(value: object) -> tuple[Money, ...]:
    return _limits(value, "min_amounts")


def _max_amounts(value: object) -> tuple[Money, ...]:
    return _limits(value, "max_amounts")


def _fee(value: object) -> Money | None:
    if value is None:
        return None
    fee = _not_negative(value, "fee")
    if not fee.amount:
        msg = "a fee of 0 is no fee: pass None"
        raise ValidationError(msg, field="fee")
    return fee


def _default_surcharge(method: PaymentMethod) -> bool:
    return method.kind is PaymentMethodKind.CASH_ON_DELIVERY


def _flag(_: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{attribute.name} must be True or False, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


class UnavailableReason(enum.StrEnum):
    """Why a payment method is not offered for a cart."""

    COUNTRY = "country_not_served"
    """The method is not offered in the customer's country."""
    CURRENCY = "currency_not_accepted"
    """The method does not take the cart's currency."""
    BELOW_MINIMUM = "below_minimum"
    """The amount is less than the method's least amount in that currency."""
    ABOVE_MAXIMUM = "above_maximum"
    """The amount is more than the method's greatest amount in that currency."""


@attrs.frozen(kw_only=True)
class PaymentMethod:
    """A way of paying that a checkout may offer, and where and for how much.

    A fee is a price for using the method (a cash-on-delivery charge); the
    checkout adds it to the order like shipping, so it is taxed with the order,
    and the method's amount limits read the amount before it. German law forbids
    a fee for paying by SEPA credit transfer, SEPA direct debit or a consumer
    payment card (§ 270a BGB): ``surcharge_allowed`` says whether this method
    may carry one. It is always ``False`` for invoice and prepayment (paid by
    SEPA transfer) and store credit (money the customer paid already), and
    ``True`` by default only for cash on delivery; a gateway method is
    ``False`` unless its operator sets it for a means of payment the law leaves
    open (a wallet such as PayPal: BGH, 25 March 2021, I ZR 203/19). Where a
    fee is allowed, § 312a(4) BGB still caps it at the merchant's own costs and
    asks for a usual free alternative: that is the operator's to judge.

    Args:
        code: What a cart stores as its chosen method, such as ``"invoice"``.
        name: What the customer reads, such as ``"Kauf auf Rechnung"``.
        kind: How it is paid.
        currencies: The currencies it takes (ISO 4217 codes).
        countries: The countries it is offered in (ISO 3166-1 alpha-2), or
            ``None`` for all.
        min_amounts: The least amount per currency, at most one each.
        max_amounts: The greatest amount per currency, at most one each.
        fee: Its fee, or ``None``. A method with a fee takes the fee's
            currency only (declare one method per currency).
        surcharge_allowed: Whether the law allows a fee on it (see above).

    Raises:
        ValidationError: for bad input; a fee on a method that may not carry
            one (§ 270a BGB); ``surcharge_allowed`` on invoice, prepayment or
            store credit; a limit in a currency the method does not take; a
            least amount above the greatest.

    >>> from commercekit.money import money
    >>> invoice = PaymentMethod(
    ...     code="invoice", name="Kauf auf Rechnung", kind="invoice",
    ...     currencies=["EUR"], countries=["DE", "AT"],
    ...     max_amounts=[money("1000.00", "EUR")],
    ... )
    >>> invoice.why_unavailable("DE", money("1200.00", "EUR"))
    <UnavailableReason.ABOVE_MAXIMUM: 'above_maximum'>
    >>> PaymentMethod(
    ...     code="invoice", name="Invoice", kind="invoice", currencies=["EUR"],
    ...     fee=money("1.50", "EUR"),
    ... )
    Traceback (most recent call last):
    ...
    commercekit.errors.ValidationError: payment method 'invoice' may not carry ...
    """

    code: str = attrs.field(converter=_code)
    name: str = attrs.field(converter=_name)
    kind: PaymentMethodKind = attrs.field(converter=_kind)
    currencies: tuple[str, ...] = attrs.field(converter=_currencies)
    countries: tuple[CountryCode, ...] | None = attrs.field(
        default=None, converter=_countries
    )
    min_amounts: tuple[Money, ...] = attrs.field(default=(), converter=_min_amounts)
    max_amounts: tuple[Money, ...] = attrs.field(default=(), converter=_max_amounts)
    fee: Money | None = attrs.field(default=None, converter=_fee)
    surcharge_allowed: bool = attrs.field(
        default=attrs.Factory(_default_surcharge, takes_self=True), validator=_flag
    )

    def __attrs_post_init__(self) -> None:
        if self.surcharge_allowed and self.kind in _NEVER_SURCHARGED:
            msg = (
                f"a {self.kind} method may never carry a fee (its customers pay by "
                "SEPA transfer, § 270a BGB, or with money paid already): "
                "surcharge_allowed must be False"
            )
            raise ValidationError(msg, field="surcharge_allowed")
        if self.fee is not None and not self.surcharge_allowed:
            msg = (
                f"payment method {self.code!r} may not carry a fee: § 270a BGB "
                "forbids surcharges for SEPA transfers, direct debits and consumer "
                "cards; set surcharge_allowed=True only where the law allows a fee"
            )
            raise ValidationError(msg, field="fee")
        if self.fee is not None and self.currencies != (self.fee.currency.code,):
            msg = (
                f"a method with a fee in {self.fee.currency.code} takes that "
                f"currency only, not {list(self.currencies)}: declare one method "
                "per currency"
            )
            raise ValidationError(msg, field="fee")
        for field, limits in (
            ("min_amounts", self.min_amounts),
            ("max_amounts", self.max_amounts),
        ):
            for limit in limits:
                if limit.currency.code not in self.currencies:
                    msg = f"{field} has {limit}, a currency the method does not take"
                    raise ValidationError(msg, field=field)
        for low in self.min_amounts:
            high = self.max_amount(low.currency.code)
            if high is not None and high < low:
                msg = f"the least amount {low} is above the greatest {high}"
                raise ValidationError(msg, field="min_amounts")

    def min_amount(self, currency: str) -> Money | None:
        """The least amount in ``currency``, if the method has one."""
        return next((m for m in self.min_amounts if m.currency.code == currency), None)

    def max_amount(self, currency: str) -> Money | None:
        """The greatest amount in ``currency``, if the method has one."""
        return next((m for m in self.max_amounts if m.currency.code == currency), None)

    def why_unavailable(self, country: str, amount: Money) -> UnavailableReason | None:
        """Why the method is not offered for ``amount`` in ``country``, or ``None``.

        The checks run in this order and the first that fails is the answer:
        country, currency, least amount, greatest amount (both inclusive).

        Raises:
            ValidationError: for an unknown country, or an amount that is not
                Money, is negative or is not in whole minor units.
        """
        where, due = country_code(country), _not_negative(amount, "amount")
        if self.countries is not None and where not in self.countries:
            return UnavailableReason.COUNTRY
        if due.currency.code not in self.currencies:
            return UnavailableReason.CURRENCY
        low, high = (
            self.min_amount(due.currency.code),
            self.max_amount(due.currency.code),
        )
        if low is not None and due < low:
            return UnavailableReason.BELOW_MINIMUM
        if high is not None and due > high:
            return UnavailableReason.ABOVE_MAXIMUM
        return None


@attrs.frozen(kw_only=True)
class Unavailable:
    """A payment method the checkout does not offer, and why.

    Args:
        method: The method.
        reason: Why it is not offered.
        limit: For a reason of amount: the least or greatest amount.
    """

    method: PaymentMethod
    reason: UnavailableReason
    limit: Money | None = None

    @property
    def message(self) -> str:
        """The reason in words, for the operator or the storefront."""
        name = self.method.name
        if self.reason is UnavailableReason.COUNTRY:
            return f"{name} is not offered in this country"
        if self.reason is UnavailableReason.CURRENCY:
            return f"{name} does not take this currency"
        if self.reason is UnavailableReason.BELOW_MINIMUM:
            return f"{name} is offered from {self.limit}"
        return f"{name} is offered up to {self.limit}"


@attrs.define(slots=False)
class PaymentMethodUnavailableError(BusinessRuleError):
    """The chosen payment method cannot pay this cart; ``rule`` says why.

    ``rule`` is ``"unknown_payment_method"`` (no method has the code) or an
    :class:`UnavailableReason` value. Choosing another method helps.

    Args:
        method: The method's code, as asked for.
        rule: Which rule refused it.
    """

    code: ClassVar[str] = "payment_method_unavailable"

    method: str = attrs.field(default="", kw_only=True)

    def _default_message(self) -> str:
        return (
            f"payment method {self.method!r} cannot pay this order ({self.rule}): "
            "choose another method"
        )


def _methods(value: object) -> tuple[PaymentMethod, ...]:
    methods = _items(value, "methods")
    for method in methods:
        if not isinstance(method, PaymentMethod):
            msg = f"methods must hold PaymentMethod objects, not {method!r}"
            raise ValidationError(msg, field="methods")
    codes = [method.code for method in methods]  # type: ignore[attr-defined]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        msg = f"each payment method's code must be unique; twice: {twice}"
        raise ValidationError(msg, field="methods")
    return tuple(methods)  # type: ignore[arg-type]


@attrs.frozen
class PaymentMethods:
    """The payment methods a shop offers, in the order the checkout lists them.

    Args:
        methods: The methods; each code once.

    Raises:
        ValidationError: for anything but payment methods, or a code twice.

    >>> from commercekit.money import money
    >>> methods = PaymentMethods([
    ...     PaymentMethod(code="card", name="Card", kind="gateway", currencies=["EUR"]),
    ...     PaymentMethod(
    ...         code="invoice", name="Invoice", kind="invoice", currencies=["EUR"],
    ...         countries=["DE"], min_amounts=[money("10.00", "EUR")],
    ...     ),
    ... ])
    >>> [m.code for m in methods.available("DE", money("25.00", "EUR"))]
    ['card', 'invoice']
    >>> [u.message for u in methods.unavailable("FR", money("25.00", "EUR"))]
    ['Invoice is not offered in this country']
    """

    methods: tuple[PaymentMethod, ...] = attrs.field(converter=_methods)

    def __iter__(self) -> Iterator[PaymentMethod]:
        return iter(self.methods)

    def __len__(self) -> int:
        return len(self.methods)

    def __contains__(self, code: object) -> bool:
        return any(method.code == code for method in self.methods)

    def get(self, code: str) -> PaymentMethod:
        """The method with ``code``.

        Raises:
            NotFoundError: if no method has it.
        """
        for method in self.methods:
            if method.code == code:
                return method
        raise NotFoundError(kind="payment method", key=str(code))

    def available(self, country: str, amount: Money) -> list[PaymentMethod]:
        """The methods offered for ``amount`` in ``country``, in registry order.

        ``amount`` is what the method would be asked to pay, before its own
        fee: after a split tender, the part left for the other method. A store
        credit method is listed like any other: whether the customer holds a
        balance is the account's to say.

        Raises:
            ValidationError: for an unknown country, or an amount that is not
                Money or is negative.
        """
        return [m for m in self.methods if m.why_unavailable(country, amount) is None]

    def unavailable(self, country: str, amount: Money) -> list[Unavailable]:
        """The methods not offered for ``amount`` in ``country``, each with why."""
        result = []
        for method in self.methods:
            reason = method.why_unavailable(country, amount)
            if reason is not None:
                result.append(_unavailable(method, reason, amount.currency.code))
        return result

    def require(self, code: str, country: str, amount: Money) -> PaymentMethod:
        """The method the customer chose, checked for this cart.

        Raises:
            PaymentMethodUnavailableError: if no method has the code
                (``"unknown_payment_method"``) or it is not offered for the
                cart (the :class:`UnavailableReason`).
        """
        if code not in self:
            raise PaymentMethodUnavailableError(
                method=str(code), rule="unknown_payment_method"
            )
        method = self.get(code)
        reason = method.why_unavailable(country, amount)
        if reason is not None:
            message = _unavailable(method, reason, amount.currency.code).message
            raise PaymentMethodUnavailableError(
                f"{message}: choose another payment method",
                method=method.code,
                rule=str(reason),
            )
        return method


def _unavailable(
    method: PaymentMethod, reason: UnavailableReason, currency: str
) -> Unavailable:
    limit = None
    if reason is UnavailableReason.BELOW_MINIMUM:
        limit = method.min_amount(currency)
    elif reason is UnavailableReason.ABOVE_MAXIMUM:
        limit = method.max_amount(currency)
    return Unavailable(method=method, reason=reason, limit=limit)


# -- split tender --------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SplitTender:
    """An amount due, divided between store credit and one other method.

    Store credit and gift cards are a means of payment (a multi-purpose
    voucher): they settle part of the amount due and leave the price and its
    VAT as they are. The order and its invoice show the full total with its
    tax; the credit part appears as a payment received, never as a discount.

    Either part may be 0, never both: a credit part of 0 (the customer has no
    credit) means one payment by the other method, an other part of 0 (the
    credit covers everything) means no second method is needed. An order with
    nothing to pay needs no tender at all.

    Args:
        credit_part: What the store credit or gift card pays.
        other_part: What the one other method pays.

    Raises:
        ValidationError: for a negative part, a part not in whole minor units,
            or two parts of 0.
        CurrencyMismatchError: for parts in two currencies.
    """

    credit_part: Money = attrs.field()
    other_part: Money = attrs.field()

    def __attrs_post_init__(self) -> None:
        credit = _not_negative(self.credit_part, "credit_part")
        other = _not_negative(self.other_part, "other_part")
        if credit.currency != other.currency:
            raise CurrencyMismatchError(
                expected=credit.currency.code,
                got=other.currency.code,
                field="other_part",
            )
        if not credit.amount and not other.amount:
            msg = "a split tender needs something to pay: both parts are 0"
            raise ValidationError(msg, field="credit_part")

    @property
    def total(self) -> Money:
        """The amount due: the two parts together."""
        return self.credit_part + self.other_part

    @property
    def uses_credit(self) -> bool:
        """Whether the store credit pays anything (charge it, then)."""
        return bool(self.credit_part.amount)

    @property
    def needs_other_method(self) -> bool:
        """Whether another method must pay the rest (offer the methods, then)."""
        return bool(self.other_part.amount)


def split_tender(total: Money, credit_available: Money) -> SplitTender:
    """Divide ``total`` between store credit and one other method.

    The credit pays as much as it can: all of ``total`` if the balance covers
    it, else the whole balance, and the rest goes to one other method. The tax
    is untouched: ``total`` is the gross amount due (VAT included), and the
    credit pays part of it (see :class:`SplitTender`).

    Args:
        total: The amount due, more than 0, in whole minor units.
        credit_available: The store credit or gift card balance, 0 or more.

    Raises:
        ValidationError: for a total of 0 or less, a negative balance, or an
            amount not in whole minor units.
        CurrencyMismatchError: for a balance in another currency.

    >>> from commercekit.money import money
    >>> split_tender(money("79.90", "EUR"), money("25.00", "EUR"))
    SplitTender(credit_part=Money('25.00', 'EUR'), other_part=Money('54.90', 'EUR'))
    >>> split_tender(money("79.90", "EUR"), money("100.00", "EUR")).needs_other_method
    False
    """
    due = _not_negative(total, "total")
    credit = _not_negative(credit_available, "credit_available")
    if due.currency != credit.currency:
        raise CurrencyMismatchError(
            expected=due.currency.code,
            got=credit.currency.code,
            field="credit_available",
        )
    if not due.amount:
        msg = "total must be more than 0: an order with nothing to pay needs no tender"
        raise ValidationError(msg, field="total")
    credit_part = min(due, credit)
    return SplitTender(credit_part=credit_part, other_part=due - credit_part)


# -- store credit and gift cards --------------------------------------------------


class StoreCreditEntryKind(enum.StrEnum):
    """What one entry of a store credit account records."""

    ISSUE = "issue"
    """Credit added: a gift card sold, a refund or a goodwill credit."""
    CHARGE = "charge"
    """Credit spent on an order."""
    REVERSAL = "reversal"
    """A charge given back, all or part (the order was refunded)."""


@attrs.define(slots=False)
class StoreCreditError(PaymentError, BusinessRuleError):
    """A store credit account cannot do it: the account is left as it was.

    ``rule`` is ``"insufficient_store_credit"`` (a charge above the balance)
    or ``"reversal_exceeds_charge"`` (a reversal above what is left of the
    charge).

    Args:
        account_id: The account.
        requested: The amount asked for.
        available: The most that was possible.
    """

    code: ClassVar[str] = "store_credit"

    account_id: str = attrs.field(default="", kw_only=True)
    requested: str = attrs.field(default="", kw_only=True)
    available: str = attrs.field(default="", kw_only=True)

    def _default_message(self) -> str:
        return (
            f"store credit {self.account_id}: {self.requested} is more than the "
            f"{self.available} available ({self.rule})"
        )


def _entry_kind(value: object) -> StoreCreditEntryKind:
    try:
        return StoreCreditEntryKind(value)  # type: ignore[arg-type]
    except ValueError:
        choices = ", ".join(repr(kind.value) for kind in StoreCreditEntryKind)
        msg = f"kind must be one of {choices}, not {value!r}"
        raise ValidationError(msg, field="kind") from None


def _credit_amount(value: object) -> Money:
    amount = as_money(value, field="amount")
    if amount.amount <= 0 or quantize(amount) != amount:
        msg = f"amount must be more than 0, in whole minor units, not {amount}"
        raise ValidationError(msg, field="amount")
    return amount


def _at(value: object) -> datetime:
    return as_utc(value, field="at")  # type: ignore[arg-type]


def _reference(value: object) -> str:
    return identifier(value, field="reference")


def _charge_reference(value: object) -> str | None:
    return None if value is None else identifier(value, field="charge_reference")


def _reverses(
    entry: StoreCreditEntry, attribute: attrs.Attribute[str | None], value: object
) -> None:
    if (value is None) is (entry.kind is StoreCreditEntryKind.REVERSAL):
        msg = "a reversal, and only a reversal, names the charge it gives back"
        raise ValidationError(msg, field=attribute.name)


@attrs.frozen(kw_only=True)
class StoreCreditEntry:
    """One entry of a store credit account's ledger.

    Args:
        kind: Issue, charge or reversal.
        amount: The amount, more than 0 in whole minor units; its kind gives
            the direction.
        at: When (UTC).
        reference: What it belongs to (a gift card order, a payment's id, a
            refund); unique per kind in an account.
        charge_reference: For a reversal, the charge it gives back.
    """

    kind: StoreCreditEntryKind = attrs.field(converter=_entry_kind)
    amount: Money = attrs.field(converter=_credit_amount)
    at: datetime = attrs.field(converter=_at)
    reference: str = attrs.field(converter=_reference)
    charge_reference: str | None = attrs.field(
        default=None, converter=_charge_reference, validator=_reverses
    )


def _account_id(value: object) -> str:
    return identifier(value, field="account_id")


def _currency(value: object) -> str:
    return get_currency(value).code  # type: ignore[arg-type]


def _entries(value: object) -> tuple[StoreCreditEntry, ...]:
    entries = _items(value, "entries")
    for entry in entries:
        if not isinstance(entry, StoreCreditEntry):
            msg = f"entries must hold StoreCreditEntry objects, not {entry!r}"
            raise ValidationError(msg, field="entries")
    return tuple(entries)  # type: ignore[arg-type]


@attrs.define(kw_only=True)
class StoreCreditAccount:
    """A store credit or gift card balance, with its ledger.

    The balance is what was issued, less what was charged, plus what was
    reversed; it never goes below zero. Store credit is a means of payment: a
    charge pays part of an order's amount due and leaves its price and VAT as
    they are (see :class:`~commercekit.payments.SplitTender`).

    Each operation carries a reference that makes it safe to repeat: the same
    operation with the same reference and amount returns the first entry and
    changes nothing; the same reference with another amount raises
    :class:`~commercekit.payments.IdempotencyKeyReusedError`.

    Args:
        account_id: Its id. Not the gift card's code: that is a secret that
            spends the balance, and ids appear in logs.
        currency: The account's currency.
        entries: The ledger, oldest first; checked when loaded.
        version: The stored version, for optimistic concurrency.

    Raises:
        ValidationError: for a ledger that breaks the rules (a reference twice,
            a balance below zero, a reversal above its charge).

    >>> from datetime import UTC, datetime
    >>> from commercekit.money import money
    >>> at = datetime(2026, 6, 1, 9, tzinfo=UTC)
    >>> card = StoreCreditAccount(account_id="gc-1", currency="EUR")
    >>> _ = card.issue(money("50.00", "EUR"), at=at, reference="gift-order-7")
    >>> _ = card.charge(money("30.00", "EUR"), at=at, reference="pay-1")
    >>> _ = card.reverse("pay-1", money("10.00", "EUR"), at=at, reference="refund-1")
    >>> card.balance
    Money('30.00', 'EUR')
    """

    account_id: str = attrs.field(converter=_account_id)
    currency: str = attrs.field(converter=_currency)
    entries: tuple[StoreCreditEntry, ...] = attrs.field(default=(), converter=_entries)
    version: int = attrs.field(default=0)

    def __attrs_post_init__(self) -> None:
        entries, self.entries = self.entries, ()
        for entry in entries:
            if self._find(entry.kind, entry.reference) is not None:
                msg = f"the {entry.kind} {entry.reference!r} is in the ledger twice"
                raise ValidationError(msg, field="entries")
            try:
                self._check(entry)
            except (StoreCreditError, NotFoundError) as exc:
                msg = f"the ledger of store credit {self.account_id} is broken: {exc}"
                raise ValidationError(msg, field="entries") from exc
            self.entries = (*self.entries, entry)

    @property
    def balance(self) -> Money:
        """What the account can still pay: issued - charged + reversed."""
        total = zero(self.currency)
        for entry in self.entries:
            if entry.kind is StoreCreditEntryKind.CHARGE:
                total -= entry.amount
            else:
                total += entry.amount
        return total

    def reversible(self, charge_reference: str) -> Money:
        """What is left of a charge to give back.

        Raises:
            NotFoundError: if the account has no such charge.
        """
        charge = self._find(StoreCreditEntryKind.CHARGE, charge_reference)
        if charge is None:
            raise NotFoundError(kind="store credit charge", key=str(charge_reference))
        left = charge.amount
        for entry in self.entries:
            if entry.charge_reference == charge.reference:
                left -= entry.amount
        return left

    def _find(
        self, kind: StoreCreditEntryKind, reference: str
    ) -> StoreCreditEntry | None:
        for entry in self.entries:
            if entry.kind is kind and entry.reference == reference:
                return entry
        return None

    def _check(self, entry: StoreCreditEntry) -> None:
        if entry.amount.currency.code != self.currency:
            raise CurrencyMismatchError(
                expected=self.currency, got=entry.amount.currency.code, field="amount"
            )
        if entry.kind is StoreCreditEntryKind.CHARGE:
            rule, allowed = "insufficient_store_credit", self.balance
        elif entry.kind is StoreCreditEntryKind.REVERSAL:
            assert entry.charge_reference is not None  # noqa: S101 - its validator
            rule, allowed = (
                "reversal_exceeds_charge",
                self.reversible(entry.charge_reference),
            )
        else:
            return
        if entry.amount > allowed:
            raise StoreCreditError(
                account_id=self.account_id,
                rule=rule,
                requested=str(entry.amount),
                available=str(allowed),
            )

    def _add(self, entry: StoreCreditEntry) -> StoreCreditEntry:
        first = self._find(entry.kind, entry.reference)
        if first is not None:
            if (first.amount, first.charge_reference) == (
                entry.amount,
                entry.charge_reference,
            ):
                return first
            raise IdempotencyKeyReusedError(
                key=entry.reference,
                first=f"a {first.kind} of {first.amount}",
                now=f"a {entry.kind} of {entry.amount}",
            )
        self._check(entry)
        self.entries = (*self.entries, entry)
        return entry

    def issue(self, amount: Money, *, at: datetime, reference: str) -> StoreCreditEntry:
        """Add ``amount`` to the balance (a gift card sold, a credit granted)."""
        kind = StoreCreditEntryKind.ISSUE
        return self._add(
            StoreCreditEntry(kind=kind, amount=amount, at=at, reference=reference)
        )

    def charge(
        self, amount: Money, *, at: datetime, reference: str
    ) -> StoreCreditEntry:
        """Spend ``amount`` of the balance, for the payment ``reference``.

        Raises:
            StoreCreditError: for more than the balance
                (``insufficient_store_credit``).
            CurrencyMismatchError: for another currency than the account's.
        """
        kind = StoreCreditEntryKind.CHARGE
        return self._add(
            StoreCreditEntry(kind=kind, amount=amount, at=at, reference=reference)
        )

    def reverse(
        self,
        charge_reference: str,
        amount: Money | None = None,
        *,
        at: datetime,
        reference: str,
    ) -> StoreCreditEntry:
        """Give back ``amount`` of a charge (all that is left of it if ``None``).

        Raises:
            NotFoundError: if the account has no such charge.
            StoreCreditError: for more than is left of the charge
                (``reversal_exceeds_charge``).
        """
        kind = StoreCreditEntryKind.REVERSAL
        first = self._find(kind, reference)
        if amount is None and first is not None:
            amount = first.amount  # a repeat: the same reversal again
        if amount is None:
            amount = self.reversible(charge_reference)
            if not amount.amount:
                raise StoreCreditError(
                    account_id=self.account_id,
                    rule="reversal_exceeds_charge",
                    requested="the rest",
                    available=str(amount),
                )
        return self._add(
            StoreCreditEntry(
                kind=kind,
                amount=amount,
                at=at,
                reference=reference,
                charge_reference=charge_reference,
            )
        )


def pay_with_store_credit(
    account: StoreCreditAccount,
    *,
    payment_id: str,
    order_id: str,
    amount: Money,
    at: datetime,
    method: str = "store_credit",
) -> Payment:
    """Pay ``amount`` from a store credit account: a payment captured at once.

    The account is charged with the payment's id as the reference, so a
    repeat charges once. Pair it with one other method through
    :func:`~commercekit.payments.split_tender`.

    Raises:
        StoreCreditError: for more than the balance; nothing is charged.
        CurrencyMismatchError: for an amount in another currency.
        ValidationError: for bad input.
    """
    payment = Payment(
        payment_id=payment_id,
        order_id=order_id,
        method=method,
        amount=amount,
        created_at=at,
    )
    account.charge(payment.amount, at=at, reference=payment.payment_id)
    payment.authorize(payment.amount, at=at, reference=payment.payment_id)
    payment.capture(payment.amount, at=at, reference=payment.payment_id)
    return payment


def refund_to_store_credit(
    account: StoreCreditAccount,
    payment: Payment,
    amount: Money,
    *,
    at: datetime,
    reference: str,
) -> StoreCreditEntry:
    """Refund ``amount`` of a store credit payment back onto its account.

    The payment records the refund and the account reverses that much of the
    charge made by :func:`pay_with_store_credit`; either both change or
    neither. Repeating it with the same ``reference`` changes nothing.

    Raises:
        PaymentAmountError: for more than the payment's refundable amount.
        StoreCreditError: for more than is left of the charge.
        NotFoundError: if the account holds no charge for the payment.
    """
    key = identifier(reference, field="reference")
    done = any(
        entry.kind is TransactionKind.REFUND and entry.reference == key
        for entry in payment.transactions
    )
    # A trial on a copy checks the account's side before anything changes.
    copy.deepcopy(account).reverse(payment.payment_id, amount, at=at, reference=key)
    if not done:
        payment.refund(amount, at=at, reference=key)
    return account.reverse(payment.payment_id, amount, at=at, reference=key)
