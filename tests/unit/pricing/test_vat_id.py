"""VAT identification numbers: form and checksum, and their confirmation."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from commercekit.errors import ExternalServiceError, ValidationError
from commercekit.pricing import (
    InvalidVatIdError,
    VatId,
    VatIdConfirmation,
    check_vat_id,
    confirm_vat_id,
    vat_id,
)
from commercekit.testing import FakeVatIdValidator, FixedClock
from commercekit.values import CountryCode, CustomerFacts

MONDAY = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given_id", "value", "country"),
    [
        ("FR40303265045", "FR40303265045", "FR"),
        ("DE136695976", "DE136695976", "DE"),
        ("EL094259216", "EL094259216", "GR"),
        ("ATU57194903", "ATU57194903", "AT"),
        # Belgian ids gained a leading 0; stdnum's compact form has it.
        ("BE697449992", "BE0697449992", "BE"),
    ],
)
def test_valid_ids_keep_their_vat_prefix_and_name_the_member_state(
    given_id: str, value: str, country: str
) -> None:
    checked = vat_id(given_id)
    assert checked == VatId(value, CountryCode(country))
    assert str(checked) == value


@pytest.mark.parametrize(
    ("messy", "value"),
    [
        ("fr 40 303 265 045", "FR40303265045"),
        ("  FR40.303.265.045 ", "FR40303265045"),
        ("de-136-695-976", "DE136695976"),
        ("el 094\t259\n216", "EL094259216"),
        ("atu 571.949-03", "ATU57194903"),
    ],
)
def test_spaces_dots_dashes_and_lower_case_are_normalised(
    messy: str, value: str
) -> None:
    assert vat_id(messy).value == value


def test_a_greek_id_written_with_the_iso_code_gets_its_vat_prefix() -> None:
    assert vat_id("GR094259216") == VatId("EL094259216", CountryCode("GR"))


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("FR40303265046", "the check digits do not match"),
        ("DE136695977", "the check digits do not match"),
        ("FR4030326504", "it has the wrong length for FR"),
        ("DE1366959761", "it has the wrong length for DE"),
        ("DE13669597X", "it has characters or a layout that DE VAT ids do not have"),
        ("IT12345678901", "a part of it is not valid for IT"),
        ("XX123456789", "'XX' is not an EU member state's prefix"),
        ("GB980780684", "'GB' is not an EU member state's prefix"),
        ("EU372000041", "'EU' is not an EU member state's prefix"),
        ("40303265045", "it does not start with a member state's prefix, such as 'DE'"),
        ("", "it is empty"),
        (" . - ", "it is empty"),
    ],
)
def test_malformed_ids_are_refused_with_the_reason(bad: str, reason: str) -> None:
    with pytest.raises(InvalidVatIdError) as caught:
        vat_id(bad)
    error = caught.value
    assert error.reason == reason
    assert error.vat_id == bad
    assert error.field == "vat_id"
    assert error.code == "invalid_vat_id"
    assert str(error) == f"VAT id {bad!r} is not valid: {reason}"


def test_the_error_is_a_validation_error_and_a_value_error() -> None:
    with pytest.raises(InvalidVatIdError) as caught:
        vat_id("FR40303265046")
    assert isinstance(caught.value, ValidationError)
    assert isinstance(caught.value, ValueError)


def test_the_error_wraps_stdnums_exception() -> None:
    with pytest.raises(InvalidVatIdError) as caught:
        vat_id("FR40303265046")
    assert type(caught.value.__cause__).__module__ == "stdnum.exceptions"
    assert type(caught.value.__cause__).__name__ == "InvalidChecksum"


@pytest.mark.parametrize("bad", [None, 40303265045, b"FR40303265045"])
def test_anything_but_text_is_refused(bad: object) -> None:
    with pytest.raises(InvalidVatIdError) as caught:
        vat_id(bad)  # type: ignore[arg-type]
    assert caught.value.vat_id == repr(bad)
    assert caught.value.reason == f"it must be text, not {type(bad).__name__}"


@pytest.mark.parametrize("northern_ireland", ["XI123456782", "xi 980 7806 84"])
def test_northern_ireland_ids_are_refused_as_not_supported(
    northern_ireland: str,
) -> None:
    with pytest.raises(InvalidVatIdError, match="Northern Ireland") as caught:
        vat_id(northern_ireland)
    assert "not supported" in caught.value.reason


@given(st.text(max_size=20))
def test_any_text_gives_an_id_or_the_librarys_error(text: str) -> None:
    """Whatever a customer types, no stdnum or other foreign error escapes."""
    try:
        checked = vat_id(text)
    except InvalidVatIdError as error:
        refused: InvalidVatIdError | None = error
    else:
        refused = None
        assert vat_id(checked.value) == checked
    assert refused is None or (refused.reason and refused.vat_id == text)


def test_errors_survive_pickle_with_their_fields() -> None:
    with pytest.raises(InvalidVatIdError) as caught:
        vat_id("FR 4030326504")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is InvalidVatIdError
    assert copy.vat_id == "FR 4030326504"
    assert copy.reason == "it has the wrong length for FR"
    assert copy.field == "vat_id"
    assert str(copy) == str(caught.value)


def test_a_confirmation_stores_its_instant_in_utc() -> None:
    berlin_winter = timezone(timedelta(hours=1))
    confirmation = VatIdConfirmation(
        vat_id=vat_id("DE136695976"),
        valid=True,
        checked_at=datetime(2026, 1, 5, 10, tzinfo=berlin_winter),
        name="Example GmbH",
        reference="WAPIAAAAXyZ",
    )
    assert confirmation.checked_at == MONDAY
    assert confirmation.checked_at.tzinfo is UTC


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"checked_at": datetime(2026, 1, 5, 9)}, "checked_at"),  # noqa: DTZ001
        ({"valid": 1}, "valid"),
        ({"name": ""}, "name"),
        ({"reference": "  "}, "reference"),
    ],
)
def test_a_confirmation_refuses_bad_fields(
    changes: dict[str, object], field: str
) -> None:
    fields: dict[str, object] = {
        "vat_id": vat_id("DE136695976"),
        "valid": True,
        "checked_at": MONDAY,
    }
    with pytest.raises(ValidationError) as caught:
        VatIdConfirmation(**(fields | changes))  # type: ignore[arg-type]
    assert caught.value.field == field
    assert not isinstance(caught.value, InvalidVatIdError)


def test_facts_without_a_vat_id_pass_through_unasked() -> None:
    vies = FakeVatIdValidator()
    facts = CustomerFacts(business=True)
    assert confirm_vat_id(facts, validator=vies) is facts
    assert vies.calls == []


def test_a_registered_id_is_confirmed_in_compact_form() -> None:
    vies = FakeVatIdValidator()
    facts = CustomerFacts(business=True, vat_id="fr 40 303 265 045", order_count=3)
    confirmed = confirm_vat_id(facts, validator=vies)
    assert confirmed == attrs.evolve(
        facts, vat_id="FR40303265045", vat_id_confirmed=True
    )
    assert vies.calls == [VatId("FR40303265045", CountryCode("FR"))]


def test_an_unregistered_id_is_kept_but_not_confirmed() -> None:
    vies = FakeVatIdValidator(lambda _: False)
    facts = CustomerFacts(business=True, vat_id="DE136695976", vat_id_confirmed=True)
    result = confirm_vat_id(facts, validator=vies)
    assert result.vat_id == "DE136695976"
    assert result.vat_id_confirmed is False


def test_a_malformed_id_never_reaches_the_service() -> None:
    vies = FakeVatIdValidator()
    facts = CustomerFacts(business=True, vat_id="FR40303265046")
    with pytest.raises(InvalidVatIdError, match="check digits"):
        confirm_vat_id(facts, validator=vies)
    with pytest.raises(InvalidVatIdError, match="check digits"):
        check_vat_id("FR40303265046", validator=vies)
    assert vies.calls == []


def test_an_outage_reaches_the_caller_who_may_retry() -> None:
    def down(_: VatId) -> bool:
        msg = "VIES: MS_UNAVAILABLE"
        raise ExternalServiceError(msg, service="vies", retryable=True)

    vies = FakeVatIdValidator(down)
    facts = CustomerFacts(business=True, vat_id="EL094259216")
    with pytest.raises(ExternalServiceError) as caught:
        confirm_vat_id(facts, validator=vies)
    assert caught.value.retryable is True
    assert caught.value.service == "vies"
    assert vies.calls == [VatId("EL094259216", CountryCode("GR"))]


def test_check_vat_id_returns_the_services_proof() -> None:
    vies = FakeVatIdValidator(clock=FixedClock(MONDAY + timedelta(hours=1)))
    proof = check_vat_id("DE 136 695 976", validator=vies)
    assert proof == VatIdConfirmation(
        vat_id=VatId("DE136695976", CountryCode("DE")),
        valid=True,
        checked_at=MONDAY + timedelta(hours=1),
        reference="FAKE-000001",
    )
