"""The EU VAT rules: which rate and treatment apply, and why."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from commercekit.errors import NotFoundError, ValidationError
from commercekit.money import money
from commercekit.pricing import (
    EU_VAT_RATES,
    EUTaxProvider,
    InvalidVatIdError,
    SupplyKind,
    TaxContext,
    TaxDecision,
    TaxRate,
    TaxRateNotFoundError,
    TaxRateTable,
    TaxSettings,
    TaxTreatment,
)
from commercekit.values import CustomerFacts

VALID_FR = "FR40303265045"
VALID_DE = "DE136695976"
BAD_FR = "FR40303265046"

GERMANY = EUTaxProvider(TaxSettings(merchant_country="DE"))
JANUARY = datetime(2026, 1, 5, 9, tzinfo=UTC)


def decide(
    ship_to: str,
    *,
    provider: EUTaxProvider = GERMANY,
    category: str = "standard",
    supply: SupplyKind = SupplyKind.GOODS,
    at: datetime = JANUARY,
    buyer: CustomerFacts | None = None,
) -> TaxDecision:
    context = TaxContext(
        ship_to=ship_to, supplied_at=at, buyer=buyer or CustomerFacts()
    )
    return provider.decide(category, supply, context)


def business(vat_id: str, *, confirmed: bool = True) -> CustomerFacts:
    return CustomerFacts(business=True, vat_id=vat_id, vat_id_confirmed=confirmed)


def test_a_sale_within_germany_takes_19_percent() -> None:
    decision = decide("DE")

    assert decision.percent == Decimal(19)
    assert decision.treatment is TaxTreatment.DOMESTIC
    assert decision.country == "DE"
    assert decision.note() is None


def test_a_supply_on_2020_09_01_in_germany_takes_16_percent() -> None:
    at = datetime(2020, 9, 1, 12, tzinfo=UTC)

    assert decide("DE", at=at).percent == Decimal(16)
    assert decide("DE", at=at, category="reduced").percent == Decimal(5)


def test_the_date_of_supply_is_the_day_in_berlin() -> None:
    # 16% began at 2020-07-01 00:00 in Berlin: 2020-06-30 22:00 UTC.
    before = datetime(2020, 6, 30, 21, 59, tzinfo=UTC)
    at_start = datetime(2020, 6, 30, 22, 0, tzinfo=UTC)

    assert decide("DE", at=before).percent == Decimal(19)
    assert decide("DE", at=at_start).percent == Decimal(16)
    utc_merchant = EUTaxProvider(TaxSettings(merchant_country="DE", time_zone="UTC"))
    assert decide("DE", at=at_start, provider=utc_merchant).percent == Decimal(19)


def test_consumer_sales_to_france_below_the_threshold_take_german_rates() -> None:
    decision = decide("FR")

    assert decision.percent == Decimal(19)
    assert decision.country == "DE"
    assert decision.treatment is TaxTreatment.ORIGIN
    assert "below the EU distance-sales threshold" in decision.reason


def test_the_destination_principle_takes_the_destinations_rates() -> None:
    opted_in = EUTaxProvider(
        TaxSettings(merchant_country="DE", destination_principle=True)
    )

    decision = decide("FR", provider=opted_in)

    assert decision.percent == Decimal(20)
    assert decision.country == "FR"
    assert decision.treatment is TaxTreatment.DESTINATION


@pytest.mark.parametrize(
    ("sales", "destination"),
    [("10000.00", False), ("10000.01", True)],
)
def test_the_threshold_is_10000_euros_of_distance_sales(
    sales: str, destination: bool
) -> None:
    settings = TaxSettings(merchant_country="DE", eu_distance_sales=money(sales, "EUR"))

    assert settings.uses_destination_rates is destination
    decision = decide("FR", provider=EUTaxProvider(settings))
    assert (decision.country == "FR") is destination


def test_goods_to_a_french_business_with_a_confirmed_id_are_an_exempt_supply() -> None:
    decision = decide("FR", buyer=business(VALID_FR))

    assert decision.percent == Decimal(0)
    assert decision.treatment is TaxTreatment.INTRA_COMMUNITY_SUPPLY
    assert decision.note("de") == "Steuerfreie innergemeinschaftliche Lieferung"
    assert decision.note("en") == "Exempt intra-Community supply"
    assert decision.note("fr_FR") == "Exempt intra-Community supply"
    assert VALID_FR in decision.reason


def test_an_id_of_a_third_member_state_also_qualifies() -> None:
    # Goods from DE to AT for a buyer registered in FR: any member state
    # other than the one the goods ship from.
    decision = decide("AT", buyer=business(VALID_FR))

    assert decision.treatment is TaxTreatment.INTRA_COMMUNITY_SUPPLY


def test_a_french_id_that_fails_its_checksum_is_refused() -> None:
    with pytest.raises(InvalidVatIdError) as caught:
        decide("FR", buyer=business(BAD_FR))

    assert isinstance(caught.value, ValidationError)
    assert caught.value.vat_id == BAD_FR


def test_an_unconfirmed_id_is_taxed_normally_and_says_why() -> None:
    decision = decide("FR", buyer=business(VALID_FR, confirmed=False))

    assert decision.percent == Decimal(19)
    assert decision.treatment is TaxTreatment.ORIGIN
    assert "not confirmed" in decision.reason


@pytest.mark.parametrize("supply", [SupplyKind.GOODS, SupplyKind.SERVICES])
def test_a_business_registered_in_germany_is_taxed_at_german_rates(
    supply: SupplyKind,
) -> None:
    # No distance sale (those are sales to consumers) and no exemption: the
    # destination principle does not apply to it.
    opted_in = EUTaxProvider(
        TaxSettings(merchant_country="DE", destination_principle=True)
    )

    decision = decide("FR", provider=opted_in, supply=supply, buyer=business(VALID_DE))

    assert decision.treatment is TaxTreatment.DOMESTIC
    assert (decision.percent, decision.country) == (Decimal(19), "DE")
    assert "registered in DE" in decision.reason


def test_monaco_is_taxed_as_france() -> None:
    assert decide("MC").treatment is TaxTreatment.ORIGIN
    assert decide("MC", buyer=business(VALID_FR)).treatment is (
        TaxTreatment.INTRA_COMMUNITY_SUPPLY
    )


def test_goods_that_stay_in_germany_are_taxed_even_for_a_french_business() -> None:
    decision = decide("DE", buyer=business(VALID_FR))

    assert decision.treatment is TaxTreatment.DOMESTIC
    assert decision.percent == Decimal(19)


def test_services_to_a_business_in_another_member_state_are_reverse_charged() -> None:
    decision = decide("FR", supply=SupplyKind.SERVICES, buyer=business(VALID_FR))

    assert decision.percent == Decimal(0)
    assert decision.treatment is TaxTreatment.REVERSE_CHARGE
    assert decision.note("de") == "Steuerschuldnerschaft des Leistungsempfängers"
    assert decision.note() == "Reverse charge"


def test_goods_shipped_out_of_the_eu_are_an_exempt_export() -> None:
    decision = decide("CH")

    assert decision.percent == Decimal(0)
    assert decision.treatment is TaxTreatment.EXPORT
    assert decision.note("de") == "Steuerfreie Ausfuhrlieferung"


def test_services_outside_the_eu_depend_on_the_buyer() -> None:
    consumer = decide("US", supply=SupplyKind.SERVICES)
    company = decide(
        "US", supply=SupplyKind.SERVICES, buyer=CustomerFacts(business=True)
    )

    assert (consumer.percent, consumer.treatment) == (
        Decimal(19),
        TaxTreatment.DOMESTIC,
    )
    assert (company.percent, company.treatment) == (
        Decimal(0),
        TaxTreatment.OUTSIDE_SCOPE,
    )


def test_exempt_and_zero_categories_take_no_tax() -> None:
    exempt = decide("DE", category="exempt")
    zero = decide("DE", category="zero")

    assert (exempt.percent, exempt.treatment) == (Decimal(0), TaxTreatment.EXEMPT)
    assert (zero.percent, zero.treatment) == (Decimal(0), TaxTreatment.DOMESTIC)
    assert exempt.note() == "Exempt from VAT"


def test_a_category_the_country_lacks_is_a_clear_error() -> None:
    with pytest.raises(TaxRateNotFoundError) as caught:
        decide("DE", category="super_reduced")

    error = caught.value
    assert isinstance(error, NotFoundError)
    assert (error.country, error.category, error.on) == (
        "DE",
        "super_reduced",
        date(2026, 1, 5),
    )
    assert "super_reduced" in str(error)
    assert pickle.loads(pickle.dumps(error)).key == "DE/super_reduced"


def test_a_custom_category_comes_from_an_extended_table() -> None:
    table = EU_VAT_RATES.with_rates([TaxRate("DE", "books", "7", "2021-01-01")])
    provider = EUTaxProvider(TaxSettings(merchant_country="DE"), rates=table)

    assert decide("DE", provider=provider, category="books").percent == Decimal(7)


def test_rate_windows_must_not_overlap() -> None:
    with pytest.raises(ValidationError, match="overlap"):
        EU_VAT_RATES.with_rates([TaxRate("DE", "standard", "20", "2025-01-01")])
    with pytest.raises(ValidationError, match="overlap"):
        TaxRateTable(
            [
                TaxRate("AT", "standard", "20", "2020-01-01", "2021-01-01"),
                TaxRate("AT", "standard", "21", "2020-06-01"),
            ]
        )


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("XX", "standard", "19", "2020-01-01"), "country"),
        (("DE", "", "19", "2020-01-01"), "category"),
        (("DE", "standard", "101", "2020-01-01"), "percent"),
        (("DE", "standard", "-1", "2020-01-01"), "percent"),
        (("DE", "standard", "19", "2020-13-01"), "valid_from"),
        (("DE", "standard", "19", "2021-01-01", "2020-01-01"), "valid_until"),
    ],
)
def test_tax_rates_check_their_fields(args: tuple[str, ...], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TaxRate(*args)
    assert caught.value.field == field


def test_settings_check_their_fields() -> None:
    with pytest.raises(ValidationError, match="member state"):
        TaxSettings(merchant_country="CH")
    with pytest.raises(ValidationError, match="time zone"):
        TaxSettings(merchant_country="DE", time_zone="Mars/Olympus")
    with pytest.raises(ValidationError, match="EUR"):
        TaxSettings(merchant_country="DE", eu_distance_sales=money("1", "USD"))
    with pytest.raises(ValidationError, match="True or False"):
        TaxSettings(merchant_country="DE", destination_principle=1)  # type: ignore[arg-type]


def test_tax_contexts_check_their_fields() -> None:
    with pytest.raises(ValidationError):
        TaxContext(ship_to="Germany", supplied_at=JANUARY)
    with pytest.raises(ValidationError, match="time zone"):
        TaxContext(ship_to="DE", supplied_at=datetime(2026, 1, 5))  # noqa: DTZ001
    with pytest.raises(ValidationError, match="buyer"):
        TaxContext(ship_to="DE", supplied_at=JANUARY, buyer="me")


def test_the_table_knows_every_member_state() -> None:
    assert len(EU_VAT_RATES.countries()) == 27
    assert len(EU_VAT_RATES) == len(list(EU_VAT_RATES))
