"""Values that several contexts share.

This module grows with the contexts: each shared value (a SKU, a customer id,
an address, the personal-data mark) is declared here once, the first time two
contexts need it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from commercekit.errors import ValidationError

__all__ = ["as_utc"]


def as_utc(value: datetime, *, field: str = "instant") -> datetime:
    """Check that ``value`` is a time-zone-aware instant and express it in UTC.

    commercekit stores and compares instants in UTC only. A naive datetime
    (one without ``tzinfo``) names no instant at all, so it is refused rather
    than guessed at.

    Args:
        value: An aware :class:`~datetime.datetime`.
        field: The argument's name, for the error message.

    Raises:
        ValidationError: if ``value`` is not a datetime or is naive.

    >>> from datetime import datetime, timezone, timedelta
    >>> as_utc(datetime(2020, 7, 1, tzinfo=timezone(timedelta(hours=2))))
    datetime.datetime(2020, 6, 30, 22, 0, tzinfo=datetime.timezone.utc)
    """
    checked: object = value  # checked at run time too, for untyped callers
    if not isinstance(checked, datetime):
        msg = f"{field} must be a datetime, not {type(checked).__name__}"
        raise ValidationError(msg, field=field)
    if checked.tzinfo is None or checked.utcoffset() is None:
        msg = (
            f"{field} {checked.isoformat()} has no time zone: pass an aware "
            "datetime, such as datetime.now(UTC)"
        )
        raise ValidationError(msg, field=field)
    return checked.astimezone(UTC)
