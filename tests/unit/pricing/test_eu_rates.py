"""The shipped table of EU VAT rates: its shape, its windows and spot checks."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest

from commercekit.pricing._eu_rates import (
    EU_MEMBER_STATES,
    EU_RATES_AS_OF,
    EU_VAT_RATE_ROWS,
    SOURCE,
)

CATEGORIES = frozenset({"standard", "reduced", "reduced_2", "super_reduced"})
Window = tuple[date, date | None, Decimal]


def windows() -> dict[tuple[str, str], list[Window]]:
    found: dict[tuple[str, str], list[Window]] = defaultdict(list)
    for country, category, percent, valid_from, valid_until in EU_VAT_RATE_ROWS:
        until = None if valid_until is None else date.fromisoformat(valid_until)
        found[country, category].append(
            (date.fromisoformat(valid_from), until, Decimal(percent))
        )
    for found_windows in found.values():
        found_windows.sort(key=lambda window: window[0])
    return dict(found)


def rate_on(country: str, category: str, day: date) -> Decimal | None:
    """The percent in force for a country and category on a day, if any."""
    matching = [
        percent
        for start, until, percent in WINDOWS.get((country, category), [])
        if start <= day and (until is None or day < until)
    ]
    assert len(matching) <= 1, (country, category, day, matching)
    return matching[0] if matching else None


def first_days_of_months(first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        days.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return days


WINDOWS = windows()
MONTHS = first_days_of_months(date(2020, 1, 1), date(2026, 11, 1))


def test_there_are_27_member_states_named_by_iso_codes() -> None:
    assert len(EU_MEMBER_STATES) == 27
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in EU_MEMBER_STATES)
    assert "GR" in EU_MEMBER_STATES
    assert "EL" not in EU_MEMBER_STATES
    assert "GB" not in EU_MEMBER_STATES


def test_every_row_names_a_member_state_and_every_state_has_rows() -> None:
    countries = {row[0] for row in EU_VAT_RATE_ROWS}
    assert countries == EU_MEMBER_STATES


def test_every_category_is_one_of_the_four() -> None:
    assert {row[1] for row in EU_VAT_RATE_ROWS} <= CATEGORIES


def test_percents_are_decimals_between_0_and_30_with_at_most_two_places() -> None:
    for row in EU_VAT_RATE_ROWS:
        percent = Decimal(row[2])
        assert percent.is_finite(), row
        assert Decimal(0) < percent < Decimal(30), row
        assert percent == percent.quantize(Decimal("0.01")), row
        assert str(percent) == row[2], row


def test_dates_are_iso_dates_and_every_window_is_not_empty() -> None:
    for _, _, _, valid_from, valid_until in EU_VAT_RATE_ROWS:
        start = date.fromisoformat(valid_from)
        assert start.isoformat() == valid_from
        if valid_until is not None:
            until = date.fromisoformat(valid_until)
            assert until.isoformat() == valid_until
            assert start < until


def test_windows_of_a_country_and_category_neither_overlap_nor_leave_gaps() -> None:
    for key, found in WINDOWS.items():
        for (_, until, _), (next_start, _, _) in pairwise(found):
            assert until == next_start, key
        assert all(until is not None for _, until, _ in found[:-1]), key


def test_a_window_changes_the_rate_it_follows() -> None:
    for key, found in WINDOWS.items():
        for (_, _, percent), (_, _, next_percent) in pairwise(found):
            assert percent != next_percent, key


def test_every_member_state_has_a_standard_rate_on_every_first_of_a_month() -> None:
    for country in sorted(EU_MEMBER_STATES):
        for day in MONTHS:
            assert rate_on(country, "standard", day) is not None, (country, day)


def test_the_standard_rate_of_every_member_state_is_still_in_force() -> None:
    for country in sorted(EU_MEMBER_STATES):
        assert WINDOWS[country, "standard"][-1][1] is None, country


def test_the_categories_rank_a_countrys_rates_on_every_day() -> None:
    # From 2020 on, the period the table vouches for; earlier it is partial.
    changes = {date.fromisoformat(row[3]) for row in EU_VAT_RATE_ROWS} | {
        date.fromisoformat(row[4]) for row in EU_VAT_RATE_ROWS if row[4]
    }
    days = sorted(set(MONTHS) | {day for day in changes if day >= MONTHS[0]})
    five = Decimal(5)
    for country in sorted(EU_MEMBER_STATES):
        for day in days:
            standard = rate_on(country, "standard", day)
            reduced = rate_on(country, "reduced", day)
            reduced_2 = rate_on(country, "reduced_2", day)
            super_reduced = rate_on(country, "super_reduced", day)
            assert standard is not None, (country, day)
            if reduced_2 is not None:
                assert reduced is not None, (country, day)
                assert reduced < reduced_2, (country, day)
            for rate in (reduced, reduced_2):
                if rate is not None:
                    assert five <= rate < standard, (country, day)
            if super_reduced is not None:
                assert super_reduced < five, (country, day)


def test_the_table_is_current_to_a_date_after_every_change_it_records() -> None:
    as_of = date.fromisoformat(EU_RATES_AS_OF)
    assert as_of.isoformat() == EU_RATES_AS_OF
    assert all(date.fromisoformat(row[3]) <= as_of for row in EU_VAT_RATE_ROWS)


def test_the_source_is_one_line_that_names_the_commission() -> None:
    assert "\n" not in SOURCE
    assert "European Commission" in SOURCE


@pytest.mark.parametrize(
    ("country", "category", "day", "percent"),
    [
        # Germany: the Second COVID-19 Tax Assistance Act, 2020-07-01..2020-12-31.
        ("DE", "standard", date(2020, 6, 30), "19"),
        ("DE", "standard", date(2020, 7, 1), "16"),
        ("DE", "standard", date(2020, 12, 31), "16"),
        ("DE", "standard", date(2021, 1, 1), "19"),
        ("DE", "reduced", date(2020, 6, 30), "7"),
        ("DE", "reduced", date(2020, 9, 1), "5"),
        ("DE", "reduced", date(2021, 1, 1), "7"),
        ("FR", "standard", date(2026, 1, 1), "20"),
        ("FR", "reduced", date(2026, 1, 1), "5.5"),
        ("FR", "reduced_2", date(2026, 1, 1), "10"),
        ("FR", "super_reduced", date(2020, 1, 1), "2.1"),
        # Ireland: 21% from 2020-09-01 to 2021-02-28.
        ("IE", "standard", date(2020, 8, 31), "23"),
        ("IE", "standard", date(2020, 10, 1), "21"),
        ("IE", "standard", date(2021, 2, 28), "21"),
        ("IE", "standard", date(2021, 3, 1), "23"),
        ("IE", "reduced_2", date(2024, 1, 1), "13.5"),
        ("IE", "super_reduced", date(2024, 1, 1), "4.8"),
        ("IT", "reduced", date(2024, 1, 1), "5"),
        ("IT", "reduced_2", date(2024, 1, 1), "10"),
        ("IT", "super_reduced", date(2024, 1, 1), "4"),
        ("ES", "reduced", date(2024, 1, 1), "10"),
        ("ES", "super_reduced", date(2024, 1, 1), "4"),
        ("HU", "standard", date(2022, 1, 1), "27"),
        # Luxembourg: every rate but 3% a point lower in 2023.
        ("LU", "standard", date(2022, 12, 31), "17"),
        ("LU", "standard", date(2023, 6, 1), "16"),
        ("LU", "standard", date(2024, 1, 1), "17"),
        ("LU", "reduced", date(2023, 6, 1), "7"),
        ("LU", "super_reduced", date(2023, 6, 1), "3"),
        # Czechia: 10% and 15% merged into 12% from 2024.
        ("CZ", "reduced", date(2023, 12, 31), "10"),
        ("CZ", "reduced_2", date(2023, 12, 31), "15"),
        ("CZ", "reduced", date(2024, 1, 1), "12"),
        ("CZ", "reduced_2", date(2024, 1, 1), None),
        ("EE", "standard", date(2023, 12, 31), "20"),
        ("EE", "standard", date(2024, 1, 1), "22"),
        ("EE", "standard", date(2025, 7, 1), "24"),
        ("FI", "standard", date(2024, 8, 31), "24"),
        ("FI", "standard", date(2024, 9, 1), "25.5"),
        ("FI", "reduced_2", date(2026, 1, 1), "13.5"),
        ("SK", "standard", date(2024, 12, 31), "20"),
        ("SK", "standard", date(2025, 1, 1), "23"),
        ("SK", "reduced", date(2025, 1, 1), "5"),
        ("SK", "reduced_2", date(2025, 1, 1), "19"),
        ("RO", "standard", date(2025, 7, 31), "19"),
        ("RO", "standard", date(2025, 8, 1), "21"),
        ("RO", "reduced", date(2025, 8, 1), "11"),
        ("RO", "reduced_2", date(2025, 8, 1), None),
        ("LT", "reduced_2", date(2026, 1, 1), "12"),
        ("NL", "reduced", date(2020, 1, 1), "9"),
        ("DK", "standard", date(2026, 11, 1), "25"),
        ("DK", "reduced", date(2026, 11, 1), None),
    ],
)
def test_spot_checks_from_the_law(
    country: str, category: str, day: date, percent: str | None
) -> None:
    expected = None if percent is None else Decimal(percent)
    assert rate_on(country, category, day) == expected
