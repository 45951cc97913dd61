"""Strategies for VAT: rates, ids, sale facts, settings, decisions and rate tables."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final

from hypothesis import strategies as st

from commercekit.money import Money
from commercekit.pricing import (
    EU_MEMBER_STATES,
    EUTaxProvider,
    TaxContext,
    TaxDecision,
    TaxRate,
    TaxRateTable,
    TaxSettings,
    TaxTreatment,
    VatId,
    VatIdConfirmation,
    vat_id,
)
from commercekit.testing.strategies._money import (
    _VALID_VAT_IDS,
    _instants,
    customer_facts,
    money,
)
from commercekit.values import CustomerFacts, TaxCategory

__all__ = [
    "eu_tax_providers",
    "tax_contexts",
    "tax_decisions",
    "tax_rate_tables",
    "tax_rates",
    "tax_settings",
    "vat_id_confirmations",
    "vat_ids",
]

_RATE_COUNTRIES: Final = ("DE", "AT", "FR", "NL", "IT", "PL", "GR", "DK", "CH", "GB")
_PERCENTS: Final = st.sampled_from(
    ["0", "2.1", "4.9", "5", "5.5", "7", "10", "13.5", "19", "21", "25.5", "27"]
).map(Decimal) | st.integers(0, 100).map(Decimal)


@st.composite
def _tax_rate(draw: st.DrawFn) -> TaxRate:
    valid_from = draw(st.dates(date(2019, 1, 1), date(2027, 12, 31)))
    days = draw(st.none() | st.integers(1, 3650))
    return TaxRate(
        draw(st.sampled_from(_RATE_COUNTRIES)),
        draw(st.sampled_from(["standard", "reduced", "reduced_2", "super_reduced"])),
        draw(_PERCENTS),
        valid_from,
        None if days is None else valid_from + timedelta(days=days),
    )


def tax_rates() -> st.SearchStrategy[TaxRate]:
    """Draw VAT rates: a country, a category, a percentage and a span of dates.

    Percentages are real ones (``19``, ``5.5``, ``25.5``) or whole numbers
    from 0 to 100; spans start between 2019 and 2027 and are open or last up
    to ten years. Rates drawn separately may overlap, so build a
    :class:`~commercekit.pricing.TaxRateTable` from them with care.
    """
    return _tax_rate()


def vat_ids() -> st.SearchStrategy[VatId]:
    """Draw VAT ids valid in form and checksum.

    They are the few ids of :func:`customer_facts` (of Germany, France,
    Austria, Greece, Belgium, the Netherlands and Italy), made by
    :func:`~commercekit.pricing.vat_id` as a shop makes them from its input.
    """
    return st.sampled_from(_VALID_VAT_IDS).map(vat_id)


def vat_id_confirmations() -> st.SearchStrategy[VatIdConfirmation]:
    """Draw what a VAT id service answered about an id of :func:`vat_ids`.

    The answer is a confirmation or a refusal, checked between 2019 and 2027,
    with a consultation reference or none; only a confirmation may carry the
    registered name of the business.
    """
    return st.builds(
        lambda number, valid, checked_at, name, reference: VatIdConfirmation(
            vat_id=number,
            valid=valid,
            checked_at=checked_at,
            name=name if valid else None,
            reference=reference,
        ),
        vat_ids(),
        st.booleans(),
        _instants(),
        st.none() | st.sampled_from(["Nordlicht GmbH", "Südwind SARL", "Öko AG"]),
        st.none() | st.sampled_from(["WAPIAAAAZ2xvY2Fs", "FAKE-000001", "4711"]),
    )


_SHIP_TO: Final = ("DE", "AT", "FR", "NL", "IT", "PL", "GR", "CH", "US", "GB", "NO")


def tax_contexts(
    *,
    ship_to: st.SearchStrategy[str] | None = None,
    supplied_at: st.SearchStrategy[datetime] | None = None,
    buyer: st.SearchStrategy[CustomerFacts] | None = None,
) -> st.SearchStrategy[TaxContext]:
    """Draw the facts of a sale that decide its VAT.

    By default the goods go to a few member states (``DE``, ``AT``, ``FR``,
    ``NL``, ``IT``, ``PL``, ``GR``) or out of the EU (``CH``, ``US``, ``GB``,
    ``NO``), are supplied between 2019 and 2027, to a buyer from
    :func:`customer_facts`. The EU's own rate table starts in 2020, so pass
    ``supplied_at`` to stay inside it when pricing with
    :class:`~commercekit.pricing.EUTaxProvider`.

    Args:
        ship_to: Country codes to ship to.
        supplied_at: Aware instants of supply.
        buyer: Facts about the buyer.
    """
    return st.builds(
        TaxContext,
        ship_to=st.sampled_from(_SHIP_TO) if ship_to is None else ship_to,
        supplied_at=_instants() if supplied_at is None else supplied_at,
        buyer=customer_facts() if buyer is None else buyer,
    )


# Germany first, so that merchants shrink toward it.
_MEMBER_STATES: Final = tuple(
    sorted(EU_MEMBER_STATES, key=lambda code: (code != "DE", code))
)
_TIME_ZONES: Final = (
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Vienna",
    "Europe/Athens",
    "Europe/Lisbon",
    "Europe/Helsinki",
    "UTC",
)
_DISTANCE_SALES: Final = (
    st.none()
    | money("EUR", min_value=0, max_value=50_000)
    | st.sampled_from(["10000.00", "10000.01"]).map(
        lambda amount: Money(Decimal(amount), "EUR")
    )
)


def tax_settings() -> st.SearchStrategy[TaxSettings]:
    """Draw the VAT facts of a merchant in an EU member state.

    The merchant is in any of the 27 member states (shrinking toward
    Germany), in one of a few time zones (``Europe/Berlin``, ``Europe/Paris``,
    ``Europe/Vienna``, ``Europe/Athens``, ``Europe/Lisbon``,
    ``Europe/Helsinki``, ``UTC``), chooses the destination principle or not,
    and has EU distance sales of up to 50,000 EUR (at times exactly at or
    just above :data:`~commercekit.pricing.DISTANCE_SALES_THRESHOLD`), or
    none given.
    """
    return st.builds(
        TaxSettings,
        merchant_country=st.sampled_from(_MEMBER_STATES),
        time_zone=st.sampled_from(_TIME_ZONES),
        destination_principle=st.booleans(),
        eu_distance_sales=_DISTANCE_SALES,
    )


def _tenths(tenths: int) -> Decimal:
    whole, rest = divmod(tenths, 10)
    return Decimal(whole) if not rest else Decimal(tenths).scaleb(-1)


_DECISION_PERCENTS: Final = st.integers(0, 270).map(_tenths)
_DECISION_CATEGORIES: Final = (
    "standard",
    "reduced",
    "reduced_2",
    "super_reduced",
    "zero",
    "exempt",
)
# Treatments that charge no VAT, whatever the category.
_UNTAXED: Final = frozenset(
    {
        TaxTreatment.INTRA_COMMUNITY_SUPPLY,
        TaxTreatment.REVERSE_CHARGE,
        TaxTreatment.EXPORT,
        TaxTreatment.OUTSIDE_SCOPE,
        TaxTreatment.EXEMPT,
    }
)
_REASONS: Final = st.sampled_from(
    [
        "a sale within DE",
        "the item is exempt from VAT",
        "goods shipped from DE to FR for a business with a confirmed VAT id",
        "Lieferung an einen Verbraucher in Österreich",
    ]
)


@st.composite
def _tax_decision(draw: st.DrawFn) -> TaxDecision:
    category = draw(st.sampled_from(_DECISION_CATEGORIES))
    if category == TaxCategory.EXEMPT:
        treatment = TaxTreatment.EXEMPT
    else:
        treatment = draw(
            st.sampled_from([t for t in TaxTreatment if t is not TaxTreatment.EXEMPT])
        )
    untaxed = category == TaxCategory.ZERO or treatment in _UNTAXED
    return TaxDecision(
        percent=Decimal(0) if untaxed else draw(_DECISION_PERCENTS),
        country=draw(st.sampled_from(_MEMBER_STATES)),
        category=category,
        treatment=treatment,
        reason=draw(_REASONS),
    )


def tax_decisions() -> st.SearchStrategy[TaxDecision]:
    """Draw VAT decisions as the EU rules make them.

    A decision has a member state, a category (``standard``, ``reduced``,
    ``reduced_2``, ``super_reduced``, ``zero`` or ``exempt``), a treatment
    and a reason in words. The percentage lies between 0 and 27 with at most
    one decimal (``Decimal("19")``, ``Decimal("5.5")``), and is 0 where the
    EU rules charge no VAT: for category ``zero``, and under the exempt,
    intra-Community, reverse-charge, export and outside-scope treatments.
    Category ``exempt`` always has the treatment ``exempt``.
    """
    return _tax_decision()


def _overlap(one: TaxRate, other: TaxRate) -> bool:
    """Whether two rates of one country and category share a day."""
    if (one.country, one.category) != (other.country, other.category):
        return False
    return (other.valid_until is None or one.valid_from < other.valid_until) and (
        one.valid_until is None or other.valid_from < one.valid_until
    )


def _table(rates: list[TaxRate]) -> TaxRateTable:
    kept: list[TaxRate] = []
    for rate in rates:
        if not any(_overlap(rate, other) for other in kept):
            kept.append(rate)
    return TaxRateTable(kept)


def tax_rate_tables() -> st.SearchStrategy[TaxRateTable]:
    """Draw VAT rate tables of up to eight rates of :func:`tax_rates`.

    A drawn rate that shares a day with one drawn before it, for the same
    country and category, is left out, so the table never has two rates
    for one supply. Shrinks toward the empty table.
    """
    return st.lists(tax_rates(), max_size=8).map(_table)


def eu_tax_providers() -> st.SearchStrategy[EUTaxProvider]:
    """Draw the EU's VAT rules for a merchant of :func:`tax_settings`.

    The rates are the EU's own (:data:`~commercekit.pricing.EU_VAT_RATES`).
    """
    return st.builds(EUTaxProvider, tax_settings())
