"""Coupons: their codes, their terms, and the record of a redemption."""

from __future__ import annotations

import random
import secrets
import sys
from collections.abc import Collection
from datetime import datetime
from typing import Any, Final

import attrs

from commercekit.errors import ValidationError
from commercekit.ports import EventRecorder
from commercekit.promotions._errors import CouponUnavailableError
from commercekit.values import as_utc, positive_int

__all__ = [
    "SAFE_ALPHABET",
    "Coupon",
    "CouponRedemption",
    "generate_codes",
    "normalize_code",
]

SAFE_ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Capital letters and digits without the confusable ``0``, ``O``, ``1``, ``I``, ``L``.

Codes drawn from it read back the same from a receipt, a screen or a phone
call: 31 characters, so ten of them make about 8 * 10**14 codes.
"""

_CONFUSABLES: Final = str.maketrans({"O": "0", "I": "1", "L": "1"})


def normalize_code(code: str, *, confusables: bool = False) -> str:
    """A coupon code as stored and compared: no surrounding space, in capitals.

    Case folds first (``"straße"`` becomes ``"STRASSE"``), so every spelling
    a customer may type finds the same code. With ``confusables=True`` the
    letters that look like digits become those digits (``O`` → ``0``; ``I``
    and ``L`` → ``1``), so a code typed from a receipt finds its coupon
    whichever of the two was typed. Store codes in that form too, then, and
    normalize the customer's input the same way before looking it up; codes
    from :func:`generate_codes` with :data:`SAFE_ALPHABET` have no such
    letters in their random part.

    Raises:
        ValidationError: for anything but text, for an empty code, and for a
            code with whitespace, NUL or other control characters inside.

    >>> normalize_code("  summer-2026 ")
    'SUMMER-2026'
    >>> normalize_code("Summer-2O26", confusables=True)
    'SUMMER-2026'
    >>> normalize_code("summer 2026")
    Traceback (most recent call last):
    ...
    commercekit.errors.ValidationError: coupon code 'summer 2026' has whitespace ...
    """
    checked: object = code  # checked at run time too, for untyped callers
    if not isinstance(checked, str):
        msg = f"a coupon code must be text, not {checked!r}"
        raise ValidationError(msg, field="code")
    text = checked.strip()
    if not text:
        msg = f"a coupon code must not be empty, not {checked!r}"
        raise ValidationError(msg, field="code")
    for char in text:
        if char.isspace():
            msg = (
                f"coupon code {checked!r} has whitespace inside: write it without, "
                "or with '-' between its parts"
            )
            raise ValidationError(msg, field="code")
        if not char.isprintable():
            msg = f"coupon code {checked!r} holds the control character {char!r}"
            raise ValidationError(msg, field="code")
    normal = text.casefold().upper()
    return normal.translate(_CONFUSABLES) if confusables else normal


def _alphabet(value: object) -> str:
    if not isinstance(value, str) or len(value) < 2:  # noqa: PLR2004
        msg = f"alphabet must be text of at least two characters, not {value!r}"
        raise ValidationError(msg, field="alphabet")
    if len(set(value)) != len(value):
        msg = f"alphabet {value!r} has a character twice"
        raise ValidationError(msg, field="alphabet")
    for char in value:
        if char.isspace() or not char.isprintable() or char.casefold().upper() != char:
            msg = (
                f"alphabet {value!r} holds {char!r}, which a normalized code "
                "cannot hold: use capitals, digits and printable signs"
            )
            raise ValidationError(msg, field="alphabet")
    return value


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"count must be an int of 0 or more, not {value!r}"
        raise ValidationError(msg, field="count")
    return value


def _spell(index: int, alphabet: str, length: int) -> str:
    """The code numbered ``index`` among all codes of ``length`` over ``alphabet``."""
    base = len(alphabet)
    chars = []
    for _ in range(length):
        index, digit = divmod(index, base)
        chars.append(alphabet[digit])
    return "".join(reversed(chars))


def generate_codes(
    count: int,
    *,
    length: int = 10,
    prefix: str = "",
    alphabet: str = SAFE_ALPHABET,
    existing: Collection[str] = (),
    rng: random.Random | None = None,
) -> list[str]:
    """Draw ``count`` new, different coupon codes at random.

    Each code is ``prefix`` (normalized) followed by ``length`` characters of
    ``alphabet``, all equally likely. No code repeats, and none is one of
    ``existing`` (compared normalized), so a second batch for the same
    promotion can be drawn beside the first. The codes come from
    ``secrets.SystemRandom``, which nobody can predict from the codes
    already handed out; pass ``rng`` (a seeded ``random.Random``) for
    repeatable codes in tests only.

    Args:
        count: How many codes to draw; ``0`` gives none.
        length: How many random characters each code has.
        prefix: Text before the random part (``"SUMMER-"``), normalized.
        alphabet: The characters to draw from: capitals, digits and
            printable signs, each once. :data:`SAFE_ALPHABET` by default.
        existing: Codes already taken.
        rng: The source of randomness; ``secrets.SystemRandom()`` by default.

    Raises:
        ValidationError: for a bad argument, and when fewer than ``count``
            codes of this form are left (``len(alphabet) ** length`` minus
            the existing codes of the same form).

    >>> generate_codes(3, length=6, prefix="summer-", rng=random.Random(7))
    ['SUMMER-E6HRXD', 'SUMMER-7PDZDR', 'SUMMER-GU3F4G']
    >>> generate_codes(5, length=2, alphabet="AB")
    Traceback (most recent call last):
    ...
    commercekit.errors.ValidationError: cannot draw 5 codes: 2 characters of ...
    """
    wanted = _count(count)
    size = positive_int(length, field="length")
    letters = _alphabet(alphabet)
    start = normalize_code(prefix) if prefix else ""
    checked: object = existing
    if isinstance(checked, str) or not isinstance(checked, Collection):
        msg = f"existing must be a collection of codes, not {checked!r}"
        raise ValidationError(msg, field="existing")
    taken = {normalize_code(code) for code in existing}
    alike = {
        code
        for code in taken
        if len(code) == len(start) + size
        and code.startswith(start)
        and all(char in letters for char in code[len(start) :])
    }
    total = len(letters) ** size
    if wanted > total - len(alike):
        msg = (
            f"cannot draw {wanted} codes: {size} characters of {letters!r} make "
            f"{total} codes, {len(alike)} of them taken"
        )
        raise ValidationError(msg, field="count")
    source = rng if rng is not None else secrets.SystemRandom()
    drawn: list[str] = []
    if 2 * (wanted + len(alike)) > total and total <= sys.maxsize:
        # Few codes are left: draw numbers without repeats instead of
        # drawing codes until enough different ones came up.
        for index in source.sample(range(total), wanted + len(alike)):
            code = start + _spell(index, letters, size)
            if code not in alike:
                drawn.append(code)
        return drawn[:wanted]
    seen = set(alike)
    while len(drawn) < wanted:
        code = start + _spell(source.randrange(total), letters, size)
        if code not in seen:
            seen.add(code)
            drawn.append(code)
    return drawn


def _code(value: object) -> str:
    return normalize_code(value)  # type: ignore[arg-type]


def _text(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        msg = f"{attribute.name} must be non-empty text, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _limit(_: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{attribute.name} must be an int of 0 or more, or None, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _valid_from(value: object) -> datetime | None:
    return None if value is None else as_utc(value, field="valid_from")  # type: ignore[arg-type]


def _valid_until(value: object) -> datetime | None:
    return None if value is None else as_utc(value, field="valid_until")  # type: ignore[arg-type]


def _check_until(instance: Coupon, _: object, value: datetime | None) -> None:
    start = getattr(instance, "valid_from", None)
    if value is not None and start is not None and value <= start:
        msg = f"valid_until {value.isoformat()} must come after valid_from"
        raise ValidationError(msg, field="valid_until")


def _set_from(instance: Coupon, _: object, value: object) -> datetime | None:
    """Check a new ``valid_from`` against ``valid_until`` when it is set."""
    start = _valid_from(value)
    end = instance.valid_until
    if start is not None and end is not None and end <= start:
        msg = f"valid_from {start.isoformat()} must come before valid_until"
        raise ValidationError(msg, field="valid_from")
    return start


def _unchangeable(instance: Coupon, attribute: attrs.Attribute[Any], _: object) -> None:
    msg = (
        f"the {attribute.name} of coupon {instance.code!r} cannot change: "
        "make another coupon"
    )
    raise ValidationError(msg, field=attribute.name)


@attrs.define(kw_only=True)
class Coupon(EventRecorder):
    """A code that unlocks a promotion, with when and how often it may be used.

    The code is normalized (:func:`normalize_code`) and cannot change; setting
    another field checks it as the constructor does. How often a coupon was
    used is not a field: its :class:`~commercekit.promotions.CouponUsage`
    store counts the redemptions, atomically.

    Args:
        code: The code a customer enters.
        promotion_id: The promotion the code unlocks.
        valid_from: When it can first be used (inclusive); ``None`` for now.
        valid_until: When it can no longer be used (exclusive); ``None`` for
            never.
        usage_limit: How often it may be used in all; ``None`` for no limit,
            ``0`` to stop further uses.
        per_customer_limit: How often one customer may use it; ``None`` for
            no limit.
        version: The stored version, for optimistic concurrency.

    Raises:
        ValidationError: for bad fields.

    >>> from datetime import UTC, datetime
    >>> coupon = Coupon(
    ...     code=" summer-2026 ",
    ...     promotion_id="summer-sale",
    ...     valid_until=datetime(2026, 9, 1, tzinfo=UTC),
    ...     usage_limit=500,
    ... )
    >>> coupon.code
    'SUMMER-2026'
    >>> try:
    ...     coupon.check_usable(datetime(2026, 9, 1, tzinfo=UTC))
    ... except CouponUnavailableError as error:
    ...     print(error.rule)
    coupon_expired
    """

    code: str = attrs.field(converter=_code, on_setattr=_unchangeable)
    promotion_id: str = attrs.field(validator=_text)
    valid_from: datetime | None = attrs.field(
        default=None, converter=_valid_from, on_setattr=_set_from
    )
    valid_until: datetime | None = attrs.field(
        default=None, converter=_valid_until, validator=_check_until
    )
    usage_limit: int | None = attrs.field(default=None, validator=_limit)
    per_customer_limit: int | None = attrs.field(default=None, validator=_limit)
    version: int = 0

    def check_usable(self, at: datetime) -> None:
        """Check that the coupon's validity window holds ``at``.

        The limits are not checked here: the store that counts the uses
        checks them when it redeems the coupon.

        Raises:
            CouponUnavailableError: with the rule ``"coupon_not_yet_valid"``
                before ``valid_from``, ``"coupon_expired"`` from
                ``valid_until`` on.
            ValidationError: for a naive or non-datetime ``at``.
        """
        instant = as_utc(at, field="at")
        if self.valid_from is not None and instant < self.valid_from:
            raise CouponUnavailableError(coupon=self.code, rule="coupon_not_yet_valid")
        if self.valid_until is not None and instant >= self.valid_until:
            raise CouponUnavailableError(coupon=self.code, rule="coupon_expired")


def _redeemed_at(value: object) -> datetime:
    return as_utc(value, field="redeemed_at")  # type: ignore[arg-type]


@attrs.frozen(kw_only=True)
class CouponRedemption:
    """One use of a coupon, by one order.

    Args:
        code: The coupon's code (normalized).
        order_id: The order that used it; one order uses a coupon once.
        customer: Who used it: a customer id, or a guest's e-mail address.
            This is personal data. The limit per customer counts exact
            values, so pass one form per customer (an e-mail address in
            lower case, say).
        redeemed_at: When it was used, in UTC.
    """

    code: str = attrs.field(converter=_code)
    order_id: str = attrs.field(validator=_text)
    customer: str = attrs.field(validator=_text)
    redeemed_at: datetime = attrs.field(converter=_redeemed_at)
