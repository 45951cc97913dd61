"""How the SQLite adapters write values into columns and read them back."""

from __future__ import annotations

from datetime import datetime

from commercekit.values import as_utc

__all__: list[str] = []


def _text(value: datetime) -> str:
    # Fixed width, so text order is time order (the history is sorted by it).
    return as_utc(value).isoformat(timespec="microseconds")


def _optional_text(value: datetime | None) -> str | None:
    return None if value is None else _text(value)


def _instant(text: str) -> datetime:
    return as_utc(datetime.fromisoformat(text))


def _optional_instant(text: str | None) -> datetime | None:
    return None if text is None else _instant(text)
