"""The double of VIES: scripted answers, recorded calls, numbered proofs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commercekit.errors import ExternalServiceError, UsageError
from commercekit.pricing import VatId, VatIdConfirmation, vat_id
from commercekit.testing import FakeVatIdValidator, FixedClock

FRENCH = vat_id("FR40303265045")
GERMAN = vat_id("DE136695976")
GREEK = vat_id("EL094259216")


def test_without_a_handler_every_id_is_confirmed() -> None:
    vies = FakeVatIdValidator()
    answers = [vies.confirm(number) for number in (FRENCH, GERMAN, GREEK)]
    assert [answer.valid for answer in answers] == [True, True, True]
    assert [answer.vat_id for answer in answers] == [FRENCH, GERMAN, GREEK]
    assert [answer.name for answer in answers] == [None, None, None]


def test_it_records_every_call_in_order() -> None:
    vies = FakeVatIdValidator()
    vies.confirm(GERMAN)
    vies.confirm(FRENCH)
    vies.confirm(GERMAN)
    assert vies.calls == [GERMAN, FRENCH, GERMAN]


def test_references_count_up_for_both_answers() -> None:
    vies = FakeVatIdValidator(lambda number: number.country == "FR")
    answers = [vies.confirm(number) for number in (FRENCH, GERMAN, FRENCH)]
    assert [(a.valid, a.reference) for a in answers] == [
        (True, "FAKE-000001"),
        (False, "FAKE-000002"),
        (True, "FAKE-000003"),
    ]


def test_checked_at_comes_from_its_clock() -> None:
    clock = FixedClock(datetime(2026, 3, 2, 8, 30, tzinfo=UTC))
    vies = FakeVatIdValidator(clock=clock)
    assert vies.confirm(FRENCH).checked_at == datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    clock.advance(timedelta(minutes=5))
    assert vies.confirm(FRENCH).checked_at == datetime(2026, 3, 2, 8, 35, tzinfo=UTC)


def test_the_default_clock_is_fixed_clocks_default() -> None:
    assert FakeVatIdValidator().confirm(GERMAN).checked_at == FixedClock().now()


def test_a_confirmation_from_the_handler_is_passed_through() -> None:
    proof = VatIdConfirmation(
        vat_id=GERMAN,
        valid=True,
        checked_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
        name="Example GmbH",
        reference="BZST-4711",
    )
    answers: list[bool | VatIdConfirmation] = [proof, True]
    vies = FakeVatIdValidator(lambda _: answers.pop(0))
    assert vies.confirm(GERMAN) is proof
    # It built no confirmation of its own then, so its numbering starts now.
    assert vies.confirm(GERMAN).reference == "FAKE-000001"


def test_an_outage_raised_by_the_handler_propagates_and_is_recorded() -> None:
    def down(_: VatId) -> bool:
        raise ExternalServiceError(service="vies", retryable=True)

    vies = FakeVatIdValidator(down)
    with pytest.raises(ExternalServiceError) as caught:
        vies.confirm(FRENCH)
    assert caught.value.retryable is True
    assert str(caught.value) == "vies failed"
    assert vies.calls == [FRENCH]


def test_a_handler_that_returns_nothing_is_a_usage_error() -> None:
    vies = FakeVatIdValidator(lambda _: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(UsageError, match="return True, False or a VatIdConfirmation"):
        vies.confirm(FRENCH)
