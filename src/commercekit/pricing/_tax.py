"""Which VAT applies to a sale: treatments, decisions, and the EU rules."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Final, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import moneyed

from commercekit.errors import ValidationError
from commercekit.money import Money, money
from commercekit.pricing._checks import _check_enum, _is_flag, _is_text
from commercekit.pricing._tax_rates import (
    EU_MEMBER_STATES,
    EU_VAT_RATES,
    TaxRateTable,
    _category,
    _percent,
)
from commercekit.pricing._vat_id import vat_id
from commercekit.values import (
    CountryCode,
    CustomerFacts,
    TaxCategory,
    as_utc,
    country_code,
)

__all__ = [
    "DISTANCE_SALES_THRESHOLD",
    "EUTaxProvider",
    "SupplyKind",
    "TaxContext",
    "TaxDecision",
    "TaxProvider",
    "TaxSettings",
    "TaxTreatment",
]

_REMEMBERED: Final = 512

# Territories outside a member state's borders that belong to its VAT area
# (VAT Directive Art. 7): Monaco is taxed as France.
_VAT_TERRITORY: Final = {"MC": "FR"}

DISTANCE_SALES_THRESHOLD: Final = money("10000.00", "EUR")
"""EU-wide distance sales (net) above which destination-country VAT applies."""


class SupplyKind(enum.StrEnum):
    """What is sold: goods that ship, or services (digital ones included)."""

    GOODS = "goods"
    SERVICES = "services"


class TaxTreatment(enum.StrEnum):
    """How VAT applies to a supply: the legal ground of a rate, for the invoice."""

    DOMESTIC = "domestic"
    """Sold within the merchant's country, at its rates."""
    ORIGIN = "origin"
    """A sale to a consumer in another member state, taxed at the merchant's
    rates: the merchant is below the distance-sales threshold."""
    DESTINATION = "destination"
    """A sale to a consumer in another member state, taxed at that state's
    rates (declared through the One-Stop Shop)."""
    INTRA_COMMUNITY_SUPPLY = "intra_community_supply"
    """Goods to a business in another member state, exempt (VAT Directive
    Art. 138); the buyer accounts for the VAT."""
    REVERSE_CHARGE = "reverse_charge"
    """Services to a business in another member state, whose buyer owes the
    VAT (VAT Directive Art. 196)."""
    EXPORT = "export"
    """Goods shipped out of the EU, exempt (VAT Directive Art. 146)."""
    OUTSIDE_SCOPE = "outside_scope"
    """Services to a business outside the EU, supplied where the buyer is, so
    no EU VAT is charged."""
    EXEMPT = "exempt"
    """An item exempt from VAT by its nature (tax category ``exempt``)."""


_NOTES: Final[dict[TaxTreatment, dict[str, str]]] = {
    TaxTreatment.INTRA_COMMUNITY_SUPPLY: {
        "de": "Steuerfreie innergemeinschaftliche Lieferung",
        "en": "Exempt intra-Community supply",
    },
    TaxTreatment.REVERSE_CHARGE: {
        "de": "Steuerschuldnerschaft des Leistungsempfängers",
        "en": "Reverse charge",
    },
    TaxTreatment.EXPORT: {
        "de": "Steuerfreie Ausfuhrlieferung",
        "en": "Exempt export supply",
    },
    TaxTreatment.OUTSIDE_SCOPE: {
        "de": "Nicht im Inland steuerbare Leistung",
        "en": "Not subject to VAT in the EU (place of supply outside the EU)",
    },
    TaxTreatment.EXEMPT: {
        "de": "Steuerfreie Leistung",
        "en": "Exempt from VAT",
    },
}


def _country(value: object) -> CountryCode:
    return country_code(value)  # type: ignore[arg-type]


def _treatment(value: object) -> TaxTreatment:
    return _check_enum(TaxTreatment, value, "treatment")


@attrs.frozen(kw_only=True)
class TaxDecision:
    """The VAT that applies to one kind of item in one sale, and why.

    Args:
        percent: The rate in percent (``Decimal("19")``); 0 for exempt and
            reverse-charge supplies.
        country: The country whose rate applies (for a zero-rated supply to
            another country: the merchant's).
        category: The item's tax category.
        treatment: The legal ground, which decides the note on the invoice.
        reason: Why this treatment applied, in words (kept for the invoice and
            for questions later).
    """

    percent: Decimal = attrs.field(converter=_percent)
    country: CountryCode = attrs.field(converter=_country)
    category: str = attrs.field(converter=_category)
    treatment: TaxTreatment = attrs.field(converter=_treatment)
    reason: str = attrs.field(validator=_is_text)

    def note(self, language: str = "en") -> str | None:
        """The note an invoice must print for this treatment, if it needs one.

        Args:
            language: ``"en"`` or ``"de"``; other languages fall back to English.

        >>> decision = TaxDecision(
        ...     percent=Decimal(0),
        ...     country=CountryCode("DE"),
        ...     category="standard",
        ...     treatment=TaxTreatment.INTRA_COMMUNITY_SUPPLY,
        ...     reason="a business buyer in FR",
        ... )
        >>> decision.note("de")
        'Steuerfreie innergemeinschaftliche Lieferung'
        """
        notes = _NOTES.get(self.treatment)
        if notes is None:
            return None
        base = language.replace("-", "_").split("_", maxsplit=1)[0].lower()
        return notes.get(base, notes["en"])


def _buyer(value: object) -> CustomerFacts:
    if not isinstance(value, CustomerFacts):
        msg = f"buyer must be CustomerFacts, not {value!r}"
        raise ValidationError(msg, field="buyer")
    return value


def _supplied_at(value: object) -> datetime:
    return as_utc(value, field="supplied_at")  # type: ignore[arg-type]


@attrs.frozen(kw_only=True)
class TaxContext:
    """The facts of a sale that decide its VAT.

    Args:
        ship_to: The country the goods go to (for services: where the
            customer is).
        supplied_at: The instant of supply (the tax point). Its calendar day in
            the merchant's time zone chooses the rate.
        buyer: Who buys: consumer or business, VAT id and its confirmation.
    """

    ship_to: CountryCode = attrs.field(converter=country_code)
    supplied_at: datetime = attrs.field(converter=_supplied_at)
    buyer: CustomerFacts = attrs.field(factory=CustomerFacts, converter=_buyer)


class TaxProvider(Protocol):
    """Decides the VAT of an item in a sale.

    :class:`EUTaxProvider` is the built-in one; an application can plug in an
    external tax service instead. Contract: :meth:`decide` returns a
    :class:`TaxDecision` whose ``percent`` is between 0 and 100, and raises
    :class:`~commercekit.errors.ValidationError` for bad input (a malformed
    VAT id), :class:`~commercekit.pricing.TaxRateNotFoundError` when no rate
    is known, or :class:`~commercekit.errors.ExternalServiceError` when an
    outside service cannot answer. The same input gives the same decision,
    so a caller may cache it for the length of one pricing.
    """

    def decide(
        self, category: str, supply: SupplyKind, context: TaxContext
    ) -> TaxDecision:
        """The VAT of an item of ``category`` and ``supply`` kind in ``context``."""
        ...


def _merchant_country(value: object) -> CountryCode:
    code = country_code(value)  # type: ignore[arg-type]
    if code not in EU_MEMBER_STATES:
        msg = (
            f"EUTaxProvider applies the EU's VAT rules, so the merchant's country "
            f"must be a member state, not {code}: plug in your own TaxProvider"
        )
        raise ValidationError(msg, field="merchant_country")
    return code


def _time_zone(value: object) -> str:
    if not isinstance(value, str):
        msg = f"time_zone must be a name such as 'Europe/Berlin', not {value!r}"
        raise ValidationError(msg, field="time_zone")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        msg = f"{value!r} is not a known time zone, such as 'Europe/Berlin'"
        raise ValidationError(msg, field="time_zone") from exc
    return value


def _optional_eur(value: object) -> Money | None:
    if value is None:
        return None
    if not isinstance(value, moneyed.Money) or value.currency.code != "EUR":
        msg = f"eu_distance_sales must be an amount in EUR, not {value!r}"
        raise ValidationError(msg, field="eu_distance_sales")
    return Money(value.amount, value.currency)


@attrs.frozen(kw_only=True)
class TaxSettings:
    """The merchant's VAT facts that the EU rules need.

    Args:
        merchant_country: Where the goods ship from and the merchant is
            registered (an EU member state).
        time_zone: The merchant's time zone; the date of supply is the
            calendar day there (Germany's 16% began at 2020-07-01 00:00 in
            Berlin, 22:00 UTC the day before).
        destination_principle: Tax consumer sales to other member states at
            the destination's rates, whatever the sales figure (an opt-in).
        eu_distance_sales: The merchant's EU-wide distance sales (net, EUR) in
            this or the last calendar year, whichever is higher; above
            :data:`~commercekit.pricing.DISTANCE_SALES_THRESHOLD` the
            destination's rates apply.

    >>> TaxSettings(merchant_country="DE").uses_destination_rates
    False
    """

    merchant_country: CountryCode = attrs.field(converter=_merchant_country)
    time_zone: str = attrs.field(
        default="Europe/Berlin", validator=lambda _, __, v: _time_zone(v)
    )
    destination_principle: bool = attrs.field(default=False, validator=_is_flag)
    eu_distance_sales: Money | None = attrs.field(default=None, converter=_optional_eur)

    @property
    def uses_destination_rates(self) -> bool:
        """Whether consumer sales to other member states take their rates."""
        return self.destination_principle or (
            self.eu_distance_sales is not None
            and self.eu_distance_sales > DISTANCE_SALES_THRESHOLD
        )

    def supply_date(self, instant: datetime) -> date:
        """The calendar day of ``instant`` in the merchant's time zone."""
        return (
            as_utc(instant, field="supplied_at")
            .astimezone(ZoneInfo(self.time_zone))
            .date()
        )


class EUTaxProvider(TaxProvider):
    """The EU's VAT rules for a merchant established in a member state.

    The treatment, in this order (see the pricing page of the docs):

    1. tax category ``exempt``: exempt, 0%;
    2. a buyer with a VAT id of another member state than the merchant's, and
       the id confirmed by a VAT id service: goods shipped to another member
       state are an exempt intra-Community supply; services are reverse
       charged. An id that is well-formed but not confirmed is taxed as a
       consumer sale, and the decision's reason says so;
    3. goods shipped out of the EU: exempt export; services to a business
       outside the EU: outside the scope of EU VAT;
    4. otherwise the merchant's rates (domestic, or a consumer sale in another
       member state below the threshold), or the destination's rates when
       :attr:`TaxSettings.uses_destination_rates`.

    Tax category ``zero`` is 0% under the treatment that applies; every
    other category is looked up in the rate table for the country and the
    date of supply.

    Args:
        settings: The merchant's VAT facts.
        rates: The rate table; the EU's own by default.

    Raises:
        InvalidVatIdError: from :meth:`decide`, for a malformed VAT id.
        TaxRateNotFoundError: from :meth:`decide`, when the table has no rate.
    """

    def __init__(
        self, settings: TaxSettings, *, rates: TaxRateTable = EU_VAT_RATES
    ) -> None:
        given: object = settings  # checked at run time too, for untyped callers
        if not isinstance(given, TaxSettings):
            msg = f"settings must be TaxSettings, not {settings!r}"
            raise ValidationError(msg, field="settings")
        self.settings: Final = settings
        self.rates: Final = rates
        self._decided: dict[tuple[str, SupplyKind, TaxContext], TaxDecision] = {}

    def decide(
        self, category: str, supply: SupplyKind, context: TaxContext
    ) -> TaxDecision:
        """The VAT of an item of ``category`` and ``supply`` kind in ``context``.

        Decisions are remembered (the last few hundred), as the same cart is
        priced again and again while a customer shops.
        """
        given: object = category  # checked at run time too, for untyped callers
        if not isinstance(given, str):
            msg = f"category must be text such as 'standard', not {given!r}"
            raise ValidationError(msg, field="category")
        sale: object = context
        if not isinstance(sale, TaxContext):
            msg = f"context must be a TaxContext, not {sale!r}"
            raise ValidationError(msg, field="context")
        kind = _check_enum(SupplyKind, supply, "supply")
        key = (category, kind, context)
        known = self._decided.get(key)
        if known is not None:
            return known
        if context.ship_to in _VAT_TERRITORY:
            context = attrs.evolve(context, ship_to=_VAT_TERRITORY[context.ship_to])
        decision = self._decide(category, kind, context)
        if len(self._decided) >= _REMEMBERED:
            self._decided.clear()
        self._decided[key] = decision
        return decision

    def _decide(
        self, category: str, supply: SupplyKind, context: TaxContext
    ) -> TaxDecision:
        day = self.settings.supply_date(context.supplied_at)
        if category == TaxCategory.EXEMPT:
            return self._zero(
                category, TaxTreatment.EXEMPT, "the item is exempt from VAT"
            )
        business = self._business_treatment(category, supply, context)
        if business is not None:
            return business
        if context.ship_to not in EU_MEMBER_STATES:
            return self._outside_eu(category, supply, context, day)
        return self._consumer_sale(category, context, day, why="")

    def _outside_eu(
        self, category: str, supply: SupplyKind, context: TaxContext, day: date
    ) -> TaxDecision:
        merchant = self.settings.merchant_country
        if supply is SupplyKind.GOODS:
            return self._zero(
                category,
                TaxTreatment.EXPORT,
                f"the goods are shipped to {context.ship_to}, outside the EU",
            )
        if context.buyer.business:
            return self._zero(
                category,
                TaxTreatment.OUTSIDE_SCOPE,
                f"a service to a business in {context.ship_to}, outside the EU",
            )
        return self._taxed(
            category,
            merchant,
            day,
            TaxTreatment.DOMESTIC,
            f"a service to a consumer outside the EU is taxed in {merchant}, "
            "where the merchant is established",
        )

    def _consumer_sale(
        self, category: str, context: TaxContext, day: date, *, why: str
    ) -> TaxDecision:
        merchant = self.settings.merchant_country
        destination = context.ship_to
        if destination == merchant:
            return self._taxed(
                category,
                merchant,
                day,
                TaxTreatment.DOMESTIC,
                f"{why}a sale within {merchant}",
            )
        if self.settings.uses_destination_rates:
            return self._taxed(
                category,
                destination,
                day,
                TaxTreatment.DESTINATION,
                f"{why}a sale to a consumer in {destination}, and the merchant "
                "taxes such sales at the destination's rates",
            )
        return self._taxed(
            category,
            merchant,
            day,
            TaxTreatment.ORIGIN,
            f"{why}a sale to a consumer in {destination}, below the EU "
            "distance-sales threshold: taxed at the merchant's rates",
        )

    def _business_treatment(
        self, category: str, supply: SupplyKind, context: TaxContext
    ) -> TaxDecision | None:
        """The treatment of a buyer with a VAT id; ``None`` if that changes nothing."""
        buyer = context.buyer
        if buyer.vat_id is None:
            return None
        checked = vat_id(buyer.vat_id)
        merchant = self.settings.merchant_country
        goods = supply is SupplyKind.GOODS
        if goods and (
            context.ship_to not in EU_MEMBER_STATES or context.ship_to == merchant
        ):
            return None
        if checked.country == merchant:
            # A business registered where the merchant is: no distance sale
            # and no exemption; the supply is taxed at the merchant's rates.
            return self._taxed(
                category,
                merchant,
                self.settings.supply_date(context.supplied_at),
                TaxTreatment.DOMESTIC,
                f"a sale to a business registered in {merchant} (VAT id {checked})",
            )
        if buyer.vat_id_confirmed:
            if goods:
                treatment = TaxTreatment.INTRA_COMMUNITY_SUPPLY
                reason = (
                    f"goods shipped from {merchant} to {context.ship_to} for a "
                    f"business with the confirmed VAT id {checked}"
                )
            else:
                treatment = TaxTreatment.REVERSE_CHARGE
                reason = f"a service to a business with the confirmed VAT id {checked}"
            return self._zero(category, treatment, reason)
        if context.ship_to not in EU_MEMBER_STATES:
            return None
        return self._consumer_sale(
            category,
            context,
            self.settings.supply_date(context.supplied_at),
            why=f"the VAT id {checked} is not confirmed by a VAT id service, so ",
        )

    def _zero(self, category: str, treatment: TaxTreatment, reason: str) -> TaxDecision:
        return TaxDecision(
            percent=Decimal(0),
            country=self.settings.merchant_country,
            category=category,
            treatment=treatment,
            reason=reason,
        )

    def _taxed(
        self,
        category: str,
        country: CountryCode,
        day: date,
        treatment: TaxTreatment,
        reason: str,
    ) -> TaxDecision:
        if category == TaxCategory.ZERO:
            percent = Decimal(0)
        else:
            percent = self.rates.rate(country, category, day).percent
        return TaxDecision(
            percent=percent,
            country=country,
            category=category,
            treatment=treatment,
            reason=f"{reason} ({country} {category} rate on {day.isoformat()})",
        )
