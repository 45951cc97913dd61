"""Payment methods, the registry, split tender and store credit accounts.

The shop of these tests, in registry order:

============  ================  =========  ========  ===================  =====
code          kind              countries  currency  limits               fee
============  ================  =========  ========  ===================  =====
``card``      gateway           all        EUR, CHF  none                 none
``invoice``   invoice           DE, AT     EUR       10.00 to 1000.00     none
``vorkasse``  prepayment        all        EUR       none                 none
``cod``       cash on delivery  DE         EUR       up to 3500.00        6.00
============  ================  =========  ========  ===================  =====
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commercekit.errors import (
    CurrencyMismatchError,
    NotFoundError,
    ValidationError,
)
from commercekit.money import Money, from_minor_units, money
from commercekit.payments import (
    IdempotencyKeyReusedError,
    PaymentAmountError,
    PaymentMethod,
    PaymentMethodKind,
    PaymentMethods,
    PaymentMethodUnavailableError,
    PaymentStatus,
    SplitTender,
    StoreCreditAccount,
    StoreCreditEntry,
    StoreCreditEntryKind,
    StoreCreditError,
    UnavailableReason,
    pay_with_store_credit,
    refund_to_store_credit,
    split_tender,
)

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)


def eur(amount: str) -> Money:
    return money(amount, "EUR")


CARD = PaymentMethod(
    code="card", name="Card", kind="gateway", currencies=["EUR", "CHF"]
)
INVOICE = PaymentMethod(
    code="invoice",
    name="Kauf auf Rechnung",
    kind="invoice",
    currencies=["EUR"],
    countries=["DE", "AT"],
    min_amounts=[eur("10.00")],
    max_amounts=[eur("1000.00")],
)
VORKASSE = PaymentMethod(
    code="vorkasse", name="Vorkasse", kind="prepayment", currencies=["EUR"]
)
COD = PaymentMethod(
    code="cod",
    name="Nachnahme",
    kind="cash_on_delivery",
    currencies=["EUR"],
    countries=["DE"],
    max_amounts=[eur("3500.00")],
    fee=eur("6.00"),
)
SHOP = PaymentMethods([CARD, INVOICE, VORKASSE, COD])


def _codes(methods: list[PaymentMethod]) -> list[str]:
    return [method.code for method in methods]


# -- the registry ----------------------------------------------------------------


def test_a_german_cart_may_use_every_method_in_registry_order() -> None:
    assert _codes(SHOP.available("DE", eur("25.00"))) == [
        "card",
        "invoice",
        "vorkasse",
        "cod",
    ]
    assert SHOP.unavailable("DE", eur("25.00")) == []


def test_a_french_cart_misses_the_methods_offered_in_germany_only() -> None:
    assert _codes(SHOP.available("fr", eur("25.00"))) == ["card", "vorkasse"]
    missing = SHOP.unavailable("FR", eur("25.00"))
    assert [(u.method.code, u.reason) for u in missing] == [
        ("invoice", UnavailableReason.COUNTRY),
        ("cod", UnavailableReason.COUNTRY),
    ]
    assert missing[0].message == "Kauf auf Rechnung is not offered in this country"
    assert missing[0].limit is None


def test_invoice_limits_are_inclusive_and_say_the_limit() -> None:
    assert "invoice" in _codes(SHOP.available("DE", eur("10.00")))
    assert "invoice" in _codes(SHOP.available("DE", eur("1000.00")))
    (low,) = SHOP.unavailable("DE", eur("9.99"))
    assert (low.method, low.reason, low.limit) == (
        INVOICE,
        UnavailableReason.BELOW_MINIMUM,
        eur("10.00"),
    )
    assert low.message == "Kauf auf Rechnung is offered from 10.00 EUR"
    (high,) = SHOP.unavailable("DE", eur("1000.01"))
    assert (high.reason, high.limit) == (
        UnavailableReason.ABOVE_MAXIMUM,
        eur("1000.00"),
    )
    assert high.message == "Kauf auf Rechnung is offered up to 1000.00 EUR"


def test_a_swiss_franc_cart_may_pay_by_card_only() -> None:
    assert _codes(SHOP.available("CH", money("25.00", "CHF"))) == ["card"]
    reasons = {
        u.method.code: u.reason for u in SHOP.unavailable("CH", money("25.00", "CHF"))
    }
    # The country is checked before the currency.
    assert reasons == {
        "invoice": UnavailableReason.COUNTRY,
        "vorkasse": UnavailableReason.CURRENCY,
        "cod": UnavailableReason.COUNTRY,
    }
    assert (
        SHOP.unavailable("DE", money("25.00", "CHF"))[0].message
        == "Kauf auf Rechnung does not take this currency"
    )


def test_nothing_left_to_pay_after_a_split_tender_meets_the_minimums() -> None:
    # An other part of 0 needs no method; asked anyway, the minimum refuses.
    assert _codes(SHOP.available("DE", eur("0.00"))) == ["card", "vorkasse", "cod"]


def test_require_returns_the_chosen_method_or_says_why_not() -> None:
    assert SHOP.require("invoice", "DE", eur("25.00")) is INVOICE
    with pytest.raises(PaymentMethodUnavailableError) as error:
        SHOP.require("invoice", "DE", eur("5.00"))
    assert (error.value.code, error.value.rule, error.value.method) == (
        "payment_method_unavailable",
        "below_minimum",
        "invoice",
    )
    assert str(error.value) == (
        "Kauf auf Rechnung is offered from 10.00 EUR: choose another payment method"
    )
    with pytest.raises(PaymentMethodUnavailableError) as unknown:
        SHOP.require("bitcoin", "DE", eur("5.00"))
    assert unknown.value.rule == "unknown_payment_method"
    assert "'bitcoin' cannot pay this order" in str(unknown.value)


def test_the_registry_looks_methods_up_by_code() -> None:
    assert SHOP.get("cod") is COD
    assert ("cod" in SHOP, "paypal" in SHOP, len(SHOP)) == (True, False, 4)
    assert list(SHOP) == [CARD, INVOICE, VORKASSE, COD]
    with pytest.raises(NotFoundError, match="payment method 'paypal'"):
        SHOP.get("paypal")


def test_the_registry_refuses_a_code_twice_and_anything_but_methods() -> None:
    with pytest.raises(ValidationError, match=r"unique; twice: \['card'\]"):
        PaymentMethods([CARD, VORKASSE, CARD])
    with pytest.raises(ValidationError, match="PaymentMethod objects"):
        PaymentMethods([CARD, "invoice"])
    with pytest.raises(ValidationError, match="must be a list"):
        PaymentMethods("card")


def test_availability_refuses_bad_input() -> None:
    with pytest.raises(ValidationError, match="country code"):
        SHOP.available("Germany", eur("1.00"))
    with pytest.raises(ValidationError, match="cannot be negative"):
        SHOP.available("DE", eur("-1.00"))
    with pytest.raises(ValidationError, match="must be Money"):
        SHOP.available("DE", "10.00")  # type: ignore[arg-type]


# -- a method and its fee (§ 270a BGB) --------------------------------------------


def test_a_method_normalizes_its_countries_and_currencies() -> None:
    method = PaymentMethod(
        code="sepa",
        name="SEPA",
        kind="gateway",
        currencies=["eur", "EUR"],
        countries=[" de", "at"],
    )
    assert (method.kind, method.currencies, method.countries) == (
        PaymentMethodKind.GATEWAY,
        ("EUR",),
        ("AT", "DE"),
    )
    assert (method.min_amount("EUR"), method.max_amount("EUR")) == (None, None)


@pytest.mark.parametrize("kind", ["invoice", "prepayment", "store_credit", "gateway"])
def test_a_fee_is_refused_where_surcharges_are_forbidden(kind: str) -> None:
    with pytest.raises(ValidationError, match="270a BGB") as error:
        PaymentMethod(
            code="m", name="M", kind=kind, currencies=["EUR"], fee=eur("1.00")
        )
    assert error.value.field == "fee"


@pytest.mark.parametrize("kind", ["invoice", "prepayment", "store_credit"])
def test_bank_transfer_and_credit_kinds_may_never_allow_a_surcharge(kind: str) -> None:
    with pytest.raises(ValidationError, match="never carry a fee") as error:
        PaymentMethod(
            code="m", name="M", kind=kind, currencies=["EUR"], surcharge_allowed=True
        )
    assert error.value.field == "surcharge_allowed"


def test_cash_on_delivery_may_carry_a_fee_and_a_gateway_only_when_told() -> None:
    assert (COD.surcharge_allowed, COD.fee) == (True, eur("6.00"))
    assert (CARD.surcharge_allowed, INVOICE.surcharge_allowed) == (False, False)
    wallet = PaymentMethod(
        code="wallet",
        name="Wallet",
        kind="gateway",
        currencies=["EUR"],
        fee=eur("0.35"),
        surcharge_allowed=True,
    )
    assert wallet.fee == eur("0.35")
    free_cod = PaymentMethod(
        code="cod",
        name="COD",
        kind="cash_on_delivery",
        currencies=["EUR"],
        surcharge_allowed=False,
    )
    assert free_cod.fee is None


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"fee": eur("0.00")}, "fee", "a fee of 0 is no fee"),
        ({"fee": eur("1.005")}, "fee", "whole minor units"),
        ({"fee": money("6.00", "CHF")}, "fee", "takes that currency only"),
        ({"currencies": ["EUR", "CHF"]}, "fee", "takes that currency only"),
        ({"surcharge_allowed": 1}, "surcharge_allowed", "True or False"),
        ({"max_amounts": [money("10.00", "USD")]}, "max_amounts", "does not take"),
        ({"min_amounts": [eur("5000.00")]}, "min_amounts", "above the greatest"),
        ({"min_amounts": [eur("-1.00")]}, "min_amounts", "cannot be negative"),
        ({"min_amounts": [eur("1"), eur("2")]}, "min_amounts", "one amount per"),
        ({"min_amounts": eur("1.00")}, "min_amounts", "must be a list"),
        ({"currencies": []}, "currencies", "at least one currency"),
        ({"currencies": ["EURO"]}, "currency", "unknown currency"),
        ({"countries": []}, "countries", "at least one country"),
        ({"countries": ["XX"]}, "country", "country code"),
        ({"kind": "bitcoin"}, "kind", "kind must be one of"),
        ({"code": " cod"}, "code", "surrounding"),
        ({"name": ""}, "name", "non-empty printable"),
    ],
)
def test_a_method_refuses_bad_input(
    fields: dict[str, Any], field: str, words: str
) -> None:
    base: dict[str, Any] = {
        "code": "cod",
        "name": "Nachnahme",
        "kind": "cash_on_delivery",
        "currencies": ["EUR"],
        "max_amounts": [eur("3500.00")],
        "fee": eur("6.00"),
    }
    with pytest.raises(ValidationError, match=words) as error:
        PaymentMethod(**(base | fields))
    assert error.value.field == field


# -- split tender ------------------------------------------------------------------


def test_the_credit_pays_what_it_can_and_one_other_method_the_rest() -> None:
    # 79.90 due, 25.00 on the gift card: 25.00 + 54.90.
    split = split_tender(eur("79.90"), eur("25.00"))
    assert (split.credit_part, split.other_part) == (eur("25.00"), eur("54.90"))
    assert (split.uses_credit, split.needs_other_method) == (True, True)
    assert split.total == eur("79.90")


def test_a_credit_that_covers_everything_needs_no_other_method() -> None:
    for credit in ("79.90", "100.00"):
        split = split_tender(eur("79.90"), eur(credit))
        assert (split.credit_part, split.other_part) == (eur("79.90"), eur("0.00"))
        assert split.needs_other_method is False


def test_no_credit_leaves_everything_to_the_other_method() -> None:
    split = split_tender(eur("79.90"), eur("0.00"))
    assert (split.credit_part, split.other_part) == (eur("0.00"), eur("79.90"))
    assert split.uses_credit is False


def test_a_split_in_yen_has_no_cents() -> None:
    split = split_tender(money("1000", "JPY"), money("300", "JPY"))
    assert (split.credit_part, split.other_part) == (
        money("300", "JPY"),
        money("700", "JPY"),
    )


def test_split_tender_refuses_bad_input() -> None:
    with pytest.raises(ValidationError, match="nothing to pay needs no tender"):
        split_tender(eur("0.00"), eur("5.00"))
    with pytest.raises(ValidationError, match="total cannot be negative"):
        split_tender(eur("-1.00"), eur("5.00"))
    with pytest.raises(ValidationError, match="credit_available cannot be negative"):
        split_tender(eur("10.00"), eur("-5.00"))
    with pytest.raises(ValidationError, match="whole minor units"):
        split_tender(eur("10.005"), eur("5.00"))
    with pytest.raises(CurrencyMismatchError) as error:
        split_tender(eur("10.00"), money("5.00", "CHF"))
    assert error.value.field == "credit_available"


def test_a_split_tender_of_nothing_or_of_two_currencies_is_refused() -> None:
    with pytest.raises(ValidationError, match="both parts are 0"):
        SplitTender(credit_part=eur("0"), other_part=eur("0.00"))
    with pytest.raises(CurrencyMismatchError):
        SplitTender(credit_part=eur("1.00"), other_part=money("1.00", "CHF"))


cents = st.integers(min_value=0, max_value=10**9)


@given(total=cents.filter(bool), credit=cents)
def test_the_parts_of_a_split_tender_add_up_to_the_total(
    total: int, credit: int
) -> None:
    # The credit pays min(total, credit); nothing is negative; another method
    # is needed exactly when the credit falls short.
    split = split_tender(
        from_minor_units(total, "EUR"), from_minor_units(credit, "EUR")
    )
    assert split.credit_part + split.other_part == from_minor_units(total, "EUR")
    assert split.credit_part == from_minor_units(min(total, credit), "EUR")
    assert split.other_part.amount >= 0
    assert split.needs_other_method is (credit < total)


# -- store credit ------------------------------------------------------------------


def _card(amount: str = "50.00") -> StoreCreditAccount:
    account = StoreCreditAccount(account_id="gc-1", currency="eur")
    account.issue(eur(amount), at=AT, reference="gift-order-7")
    return account


def test_a_charge_spends_the_balance_and_never_more() -> None:
    account = _card()
    account.charge(eur("30.00"), at=AT, reference="pay-1")
    assert account.balance == eur("20.00")
    before = copy.deepcopy(account)
    with pytest.raises(StoreCreditError) as error:
        account.charge(eur("20.01"), at=AT, reference="pay-2")
    assert (error.value.code, error.value.rule) == (
        "store_credit",
        "insufficient_store_credit",
    )
    assert (error.value.requested, error.value.available) == ("20.01 EUR", "20.00 EUR")
    assert str(error.value) == (
        "store credit gc-1: 20.01 EUR is more than the 20.00 EUR available "
        "(insufficient_store_credit)"
    )
    assert account == before
    account.charge(eur("20.00"), at=AT, reference="pay-2")
    assert account.balance == eur("0.00")


def test_a_reversal_gives_a_charge_back_in_parts_and_no_more() -> None:
    account = _card()
    account.charge(eur("30.00"), at=AT, reference="pay-1")
    account.reverse("pay-1", eur("10.00"), at=AT, reference="refund-1")
    # 50.00 - 30.00 + 10.00 = 30.00; 20.00 of the charge is left to give back.
    assert (account.balance, account.reversible("pay-1")) == (
        eur("30.00"),
        eur("20.00"),
    )
    with pytest.raises(StoreCreditError) as error:
        account.reverse("pay-1", eur("20.01"), at=AT, reference="refund-2")
    assert error.value.rule == "reversal_exceeds_charge"
    rest = account.reverse("pay-1", at=AT, reference="refund-2")
    assert (rest.amount, rest.charge_reference) == (eur("20.00"), "pay-1")
    assert account.balance == eur("50.00")
    with pytest.raises(StoreCreditError, match=r"the rest is more than the 0\.00 EUR"):
        account.reverse("pay-1", at=AT, reference="refund-3")
    with pytest.raises(NotFoundError, match="store credit charge 'pay-9'"):
        account.reverse("pay-9", at=AT, reference="refund-4")
    assert [entry.kind for entry in account.entries] == [
        StoreCreditEntryKind.ISSUE,
        StoreCreditEntryKind.CHARGE,
        StoreCreditEntryKind.REVERSAL,
        StoreCreditEntryKind.REVERSAL,
    ]


def test_an_operation_repeated_with_its_reference_happens_once() -> None:
    account = _card()
    first = account.charge(eur("30.00"), at=AT, reference="pay-1")
    assert account.charge(eur("30.00"), at=AT, reference="pay-1") is first
    account.reverse("pay-1", at=AT, reference="refund-1")
    account.reverse("pay-1", at=AT, reference="refund-1")  # the retry
    assert (account.balance, len(account.entries)) == (eur("50.00"), 3)
    with pytest.raises(IdempotencyKeyReusedError) as error:
        account.charge(eur("31.00"), at=AT, reference="pay-1")
    assert (error.value.first, error.value.now) == (
        "a charge of 30.00 EUR",
        "a charge of 31.00 EUR",
    )


def test_store_credit_refuses_bad_amounts() -> None:
    account = _card()
    with pytest.raises(CurrencyMismatchError):
        account.charge(money("1.00", "CHF"), at=AT, reference="pay-1")
    for amount in ("0.00", "-1.00", "0.001"):
        with pytest.raises(ValidationError, match="more than 0, in whole minor"):
            account.charge(eur(amount), at=AT, reference="pay-1")
    with pytest.raises(ValidationError, match="unknown currency"):
        StoreCreditAccount(account_id="gc-2", currency="EURO")
    assert account.balance == eur("50.00")


def test_a_stored_ledger_is_checked_when_loaded() -> None:
    account = _card()
    account.charge(eur("30.00"), at=AT, reference="pay-1")
    loaded = StoreCreditAccount(
        account_id="gc-1", currency="EUR", entries=list(account.entries), version=3
    )
    assert (loaded.balance, loaded.version) == (eur("20.00"), 3)
    issue, charge = account.entries
    with pytest.raises(ValidationError, match="ledger of store credit gc-1 is broken"):
        StoreCreditAccount(account_id="gc-1", currency="EUR", entries=[charge, issue])
    with pytest.raises(ValidationError, match="in the ledger twice"):
        StoreCreditAccount(account_id="gc-1", currency="EUR", entries=[issue, issue])
    with pytest.raises(ValidationError, match="StoreCreditEntry objects"):
        StoreCreditAccount(account_id="gc-1", currency="EUR", entries=["issue"])
    with pytest.raises(CurrencyMismatchError):
        StoreCreditAccount(account_id="gc-1", currency="CHF", entries=[issue])


def test_only_a_reversal_names_a_charge() -> None:
    with pytest.raises(ValidationError, match="kind must be one of") as error:
        StoreCreditEntry(kind="gift", amount=eur("1.00"), at=AT, reference="g-1")
    assert error.value.field == "kind"
    with pytest.raises(ValidationError, match="only a reversal, names the charge"):
        StoreCreditEntry(kind="reversal", amount=eur("1.00"), at=AT, reference="r-1")
    with pytest.raises(ValidationError, match="only a reversal, names the charge"):
        StoreCreditEntry(
            kind="charge",
            amount=eur("1.00"),
            at=AT,
            reference="p-1",
            charge_reference="p-0",
        )


operations = st.lists(
    st.tuples(
        st.sampled_from(["issue", "charge", "reverse"]),
        st.integers(min_value=1, max_value=5000),
        st.integers(min_value=0, max_value=5),
    ),
    max_size=30,
)


@given(operations)
def test_the_balance_never_goes_below_zero_and_a_refusal_changes_nothing(
    steps: list[tuple[str, int, int]],
) -> None:
    # Whatever is asked, the balance is issued - charged + reversed and never
    # below zero; no charge is given back more than it took; a refused
    # operation leaves the account as it was.
    account = StoreCreditAccount(account_id="gc-1", currency="EUR")
    for number, (operation, units, pick) in enumerate(steps):
        amount, before = from_minor_units(units, "EUR"), copy.deepcopy(account)
        try:
            if operation == "issue":
                account.issue(amount, at=AT, reference=f"i-{number}")
            elif operation == "charge":
                account.charge(amount, at=AT, reference=f"c-{number}")
            else:
                account.reverse(f"c-{pick}", amount, at=AT, reference=f"r-{number}")
        except (StoreCreditError, NotFoundError):
            assert account == before
        assert account.balance.amount >= 0
    signed = {"issue": 1, "charge": -1, "reversal": 1}
    total = sum(signed[e.kind] * e.amount.amount for e in account.entries)
    assert account.balance.amount == total
    for entry in account.entries:
        if entry.kind is StoreCreditEntryKind.CHARGE:
            assert account.reversible(entry.reference).amount >= 0


def test_paying_with_store_credit_charges_the_account_and_captures_at_once() -> None:
    account = _card()
    payment = pay_with_store_credit(
        account, payment_id="pay-1", order_id="order-1", amount=eur("30.00"), at=AT
    )
    assert (payment.method, payment.status, payment.captured) == (
        "store_credit",
        PaymentStatus.CAPTURED,
        eur("30.00"),
    )
    assert account.balance == eur("20.00")
    pay_with_store_credit(  # a repeat charges once
        account, payment_id="pay-1", order_id="order-1", amount=eur("30.00"), at=AT
    )
    assert account.balance == eur("20.00")
    before = copy.deepcopy(account)
    with pytest.raises(StoreCreditError):
        pay_with_store_credit(
            account, payment_id="pay-2", order_id="order-2", amount=eur("20.01"), at=AT
        )
    with pytest.raises(CurrencyMismatchError):
        pay_with_store_credit(
            account,
            payment_id="pay-3",
            order_id="order-3",
            amount=money("5", "CHF"),
            at=AT,
        )
    assert account == before


def test_a_refund_goes_back_onto_the_account_both_sides_or_neither() -> None:
    account = _card()
    payment = pay_with_store_credit(
        account, payment_id="pay-1", order_id="order-1", amount=eur("30.00"), at=AT
    )
    entry = refund_to_store_credit(
        account, payment, eur("12.50"), at=AT, reference="refund-1"
    )
    assert (entry.kind, entry.amount) == (StoreCreditEntryKind.REVERSAL, eur("12.50"))
    # 50.00 - 30.00 + 12.50 = 32.50 on the card; 17.50 still paid.
    assert (account.balance, payment.refundable) == (eur("32.50"), eur("17.50"))
    refund_to_store_credit(account, payment, eur("12.50"), at=AT, reference="refund-1")
    assert (account.balance, payment.refundable) == (eur("32.50"), eur("17.50"))
    account_before, payment_before = copy.deepcopy(account), copy.deepcopy(payment)
    with pytest.raises(StoreCreditError):
        refund_to_store_credit(
            account, payment, eur("17.51"), at=AT, reference="refund-2"
        )
    other = _card()
    with pytest.raises(NotFoundError):
        refund_to_store_credit(other, payment, eur("1.00"), at=AT, reference="refund-3")
    assert (account, payment) == (account_before, payment_before)


def test_a_refund_the_payment_refuses_leaves_the_account_as_it_was() -> None:
    account = _card()
    payment = pay_with_store_credit(
        account, payment_id="pay-1", order_id="order-1", amount=eur("30.00"), at=AT
    )
    # The payment has 30.00 to refund; a lost chargeback of 10.00 takes part.
    payment.open_dispute("dp-1", eur("10.00"), at=AT)
    payment.lose_dispute("dp-1", at=AT)
    before = copy.deepcopy(account)
    with pytest.raises(PaymentAmountError):
        refund_to_store_credit(
            account, payment, eur("25.00"), at=AT, reference="refund-1"
        )
    assert account == before
