"""The VAT rates of the EU member states, dated: the data behind EU_VAT_RATES.

The rates and their categories follow the European Commission's list "VAT rates
applied in the Member States of the European Union" (DG TAXUD) and its Taxes in
Europe Database (TEDB); the table is known correct to the date in
``EU_RATES_AS_OF``. Changes since 2020 are dated by the national laws that made
them, among them: Germany's Second COVID-19 Tax Assistance Act (Zweites
Corona-Steuerhilfegesetz: 16% and 5% from 2020-07-01 to 2020-12-31); Ireland's
temporary 21% standard rate (2020-09-01 to 2021-02-28); Luxembourg's law of
26 October 2022 (every rate but the super-reduced one lowered by a point for
2023); Slovakia's amendments of its VAT Act 222/2004 (a second reduced rate of
5% from 2023; 23%, 19% and 5% from 2025); Czechia's consolidation package of
2023 (one reduced rate of 12% from 2024); Estonia's VAT Act amendments and
Security Tax Act (22% from 2024, 24% from 2025-07-01; 5% for press
publications from 2022-08-01 to 2024-12-31; 13% for accommodation from 2025);
Cyprus's law of July 2023 (a super-reduced rate of 3%); Finland's amendments
(25.5% from 2024-09-01; the 14% rate lowered to 13.5% from 2026); Romania's
Law 141/2025 (21% and a single reduced rate of 11% from 2025-08-01);
Lithuania's Law XV-287 (the 9% rate replaced by 12% from 2026); Slovenia's
amendment of its VAT Act ZDDV-1 (a second reduced rate of 5% from 2020); and
Austria's amendment of its VAT Act UStG 1994 (a super-reduced rate of 4.9%
from 2026-07-01).
"""

from typing import Final

# EU_VAT_RATE_ROWS and SOURCE are read by name (the rate table, the docs); the
# package exports only these two, and tests/test_public_api.py wants a private
# module's __all__ to be part of its package's.
__all__ = ["EU_MEMBER_STATES", "EU_RATES_AS_OF"]

EU_MEMBER_STATES: Final = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES",
        "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
        "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip
"""The 27 member states, as ISO 3166-1 alpha-2 codes (Greece is "GR", not "EL")."""

EU_RATES_AS_OF: Final = "2026-07-01"
"""The date up to which the table is known correct (ISO 8601)."""

SOURCE: Final = (
    'European Commission (DG TAXUD), "VAT rates applied in the Member States of '
    'the European Union", and the Taxes in Europe Database (TEDB), as of 2026-07-01'
)
"""One line naming the source of the table, for the documentation."""

# A window that starts here was in force before 2020-01-01, on a date the table
# does not record: this is not the historic start of the rate. The table vouches
# for rates from 2020-01-01 on; where the real start is certain, the row uses it.
_TABLE_START: Final = "2020-01-01"

EU_VAT_RATE_ROWS: Final[tuple[tuple[str, str, str, str, str | None], ...]] = (
    # Each row is (country, category, percent, valid_from, valid_until): the
    # percent is a decimal string as the law states it; valid_from is inclusive,
    # valid_until exclusive, None while the rate is in force. The categories rank
    # the rates a country applies on a date, as the Commission's list does:
    # "standard" is the standard rate; "reduced" the lower of the reduced rates of
    # at least 5% and "reduced_2" the higher one, where there are two; and
    # "super_reduced" a rate above 0% and below 5%. The ranking is by size, not by
    # the goods a rate covers, so a category can change its goods when a country
    # adds or drops a rate (Estonia's 5% for press publications made its 9% the
    # "reduced_2" from 2022-08-01 to 2024-12-31), and a category a country
    # abolishes ends without a successor (Czechia's 15% from 2024, Romania's 9%
    # from 2025-08-01). Not in the table: zero rates and exemptions (the tax
    # engine handles them as categories of their own); parking rates that are not
    # also reduced rates (Luxembourg's 14%, 13% in 2023); regional rates (Greek
    # islands, Azores and Madeira, Corsica); Malta's third reduced rate of 12% for
    # a few services; and temporary rates for particular goods while the
    # country's rates stayed in force (Austria's 5% for hospitality, culture and
    # publications from 2020-07-01 to 2021-12-31; Cyprus's 5% for hospitality and
    # passenger transport from 2020-07-01 to 2021-01-10; Spain's 5% and 2% for
    # energy and some foods in 2021-2024): these move goods between rates.
    ("AT", "standard", "20", "1984-01-01", None),
    ("AT", "reduced", "10", _TABLE_START, None),
    ("AT", "reduced_2", "13", "2016-01-01", None),
    ("AT", "super_reduced", "4.9", "2026-07-01", None),
    ("BE", "standard", "21", "1996-01-01", None),
    ("BE", "reduced", "6", _TABLE_START, None),
    ("BE", "reduced_2", "12", _TABLE_START, None),
    ("BG", "standard", "20", _TABLE_START, None),
    ("BG", "reduced", "9", _TABLE_START, None),
    ("CY", "standard", "19", "2014-01-13", None),
    ("CY", "reduced", "5", _TABLE_START, None),
    ("CY", "reduced_2", "9", _TABLE_START, None),
    ("CY", "super_reduced", "3", "2023-07-21", None),
    ("CZ", "standard", "21", "2013-01-01", None),
    ("CZ", "reduced", "10", "2015-01-01", "2024-01-01"),
    ("CZ", "reduced", "12", "2024-01-01", None),
    ("CZ", "reduced_2", "15", "2015-01-01", "2024-01-01"),
    ("DE", "standard", "19", "2007-01-01", "2020-07-01"),
    ("DE", "standard", "16", "2020-07-01", "2021-01-01"),
    ("DE", "standard", "19", "2021-01-01", None),
    ("DE", "reduced", "7", "1983-07-01", "2020-07-01"),
    ("DE", "reduced", "5", "2020-07-01", "2021-01-01"),
    ("DE", "reduced", "7", "2021-01-01", None),
    ("DK", "standard", "25", "1992-01-01", None),
    ("EE", "standard", "20", "2009-07-01", "2024-01-01"),
    ("EE", "standard", "22", "2024-01-01", "2025-07-01"),
    ("EE", "standard", "24", "2025-07-01", None),
    ("EE", "reduced", "9", "2009-01-01", "2022-08-01"),
    ("EE", "reduced", "5", "2022-08-01", "2025-01-01"),
    ("EE", "reduced", "9", "2025-01-01", None),
    ("EE", "reduced_2", "9", "2022-08-01", "2025-01-01"),
    ("EE", "reduced_2", "13", "2025-01-01", None),
    ("ES", "standard", "21", "2012-09-01", None),
    ("ES", "reduced", "10", "2012-09-01", None),
    ("ES", "super_reduced", "4", _TABLE_START, None),
    ("FI", "standard", "24", "2013-01-01", "2024-09-01"),
    ("FI", "standard", "25.5", "2024-09-01", None),
    ("FI", "reduced", "10", "2013-01-01", None),
    ("FI", "reduced_2", "14", "2013-01-01", "2026-01-01"),
    ("FI", "reduced_2", "13.5", "2026-01-01", None),
    ("FR", "standard", "20", "2014-01-01", None),
    ("FR", "reduced", "5.5", _TABLE_START, None),
    ("FR", "reduced_2", "10", "2014-01-01", None),
    ("FR", "super_reduced", "2.1", _TABLE_START, None),
    ("GR", "standard", "24", "2016-06-01", None),
    ("GR", "reduced", "6", _TABLE_START, None),
    ("GR", "reduced_2", "13", _TABLE_START, None),
    ("HR", "standard", "25", "2012-03-01", None),
    ("HR", "reduced", "5", _TABLE_START, None),
    ("HR", "reduced_2", "13", _TABLE_START, None),
    ("HU", "standard", "27", "2012-01-01", None),
    ("HU", "reduced", "5", _TABLE_START, None),
    ("HU", "reduced_2", "18", _TABLE_START, None),
    ("IE", "standard", "23", "2012-01-01", "2020-09-01"),
    ("IE", "standard", "21", "2020-09-01", "2021-03-01"),
    ("IE", "standard", "23", "2021-03-01", None),
    ("IE", "reduced", "9", "2011-07-01", None),
    ("IE", "reduced_2", "13.5", _TABLE_START, None),
    ("IE", "super_reduced", "4.8", _TABLE_START, None),
    ("IT", "standard", "22", "2013-10-01", None),
    ("IT", "reduced", "5", _TABLE_START, None),
    ("IT", "reduced_2", "10", _TABLE_START, None),
    ("IT", "super_reduced", "4", _TABLE_START, None),
    ("LT", "standard", "21", "2009-09-01", None),
    ("LT", "reduced", "5", _TABLE_START, None),
    ("LT", "reduced_2", "9", _TABLE_START, "2026-01-01"),
    ("LT", "reduced_2", "12", "2026-01-01", None),
    ("LU", "standard", "17", "2015-01-01", "2023-01-01"),
    ("LU", "standard", "16", "2023-01-01", "2024-01-01"),
    ("LU", "standard", "17", "2024-01-01", None),
    ("LU", "reduced", "8", "2015-01-01", "2023-01-01"),
    ("LU", "reduced", "7", "2023-01-01", "2024-01-01"),
    ("LU", "reduced", "8", "2024-01-01", None),
    ("LU", "super_reduced", "3", _TABLE_START, None),
    ("LV", "standard", "21", "2012-07-01", None),
    ("LV", "reduced", "5", _TABLE_START, None),
    ("LV", "reduced_2", "12", _TABLE_START, None),
    ("MT", "standard", "18", "2004-01-01", None),
    ("MT", "reduced", "5", _TABLE_START, None),
    ("MT", "reduced_2", "7", _TABLE_START, None),
    ("NL", "standard", "21", "2012-10-01", None),
    ("NL", "reduced", "9", "2019-01-01", None),
    ("PL", "standard", "23", "2011-01-01", None),
    ("PL", "reduced", "5", "2011-01-01", None),
    ("PL", "reduced_2", "8", "2011-01-01", None),
    ("PT", "standard", "23", "2011-01-01", None),
    ("PT", "reduced", "6", _TABLE_START, None),
    ("PT", "reduced_2", "13", _TABLE_START, None),
    ("RO", "standard", "19", "2017-01-01", "2025-08-01"),
    ("RO", "standard", "21", "2025-08-01", None),
    ("RO", "reduced", "5", _TABLE_START, "2025-08-01"),
    ("RO", "reduced", "11", "2025-08-01", None),
    ("RO", "reduced_2", "9", _TABLE_START, "2025-08-01"),
    ("SE", "standard", "25", _TABLE_START, None),
    ("SE", "reduced", "6", _TABLE_START, None),
    ("SE", "reduced_2", "12", _TABLE_START, None),
    ("SI", "standard", "22", "2013-07-01", None),
    ("SI", "reduced", "9.5", "2013-07-01", "2020-01-01"),
    ("SI", "reduced", "5", "2020-01-01", None),
    ("SI", "reduced_2", "9.5", "2020-01-01", None),
    ("SK", "standard", "20", "2011-01-01", "2025-01-01"),
    ("SK", "standard", "23", "2025-01-01", None),
    ("SK", "reduced", "10", _TABLE_START, "2023-01-01"),
    ("SK", "reduced", "5", "2023-01-01", None),
    ("SK", "reduced_2", "10", "2023-01-01", "2025-01-01"),
    ("SK", "reduced_2", "19", "2025-01-01", None),
)
"""The dated rates: (country, category, percent, valid_from, valid_until)."""
