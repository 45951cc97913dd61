"""Products, their variants, and the texts they carry."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import NewType

import attrs
import moneyed
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumValidationError

from commercekit.errors import DuplicateError, NotFoundError, ValidationError
from commercekit.money import Money
from commercekit.ports import EventRecorder
from commercekit.values import FrozenMap, Sku, TaxCategory, as_utc, sku

__all__ = [
    "LocalizedText",
    "NonReturnableReason",
    "Product",
    "ProductId",
    "Variant",
    "gtin",
]

ProductId = NewType("ProductId", str)
"""The identifier of a :class:`Product`."""


def _frozen_mapping(value: Mapping[str, str] | None) -> Mapping[str, str]:
    given: object = value or {}  # checked at run time too, for untyped callers
    if not isinstance(given, Mapping):
        msg = f"expected a mapping of names to texts, not {given!r}"
        raise ValidationError(msg)
    for key, text in given.items():
        if not isinstance(key, str) or not isinstance(text, str):
            msg = f"keys and values must be text, not {key!r}: {text!r}"
            raise ValidationError(msg)
        if "\x00" in key or "\x00" in text:
            msg = f"text must not contain NUL characters: {key!r}: {text!r}"
            raise ValidationError(msg)
    return FrozenMap(dict(value or {}))


@attrs.frozen
class LocalizedText:
    """A text with translations: ``text`` in the shop's language, plus more.

    Args:
        text: The text in the shop's default language.
        translations: Locale identifiers (``"en"``, ``"de_AT"``) to texts.

    >>> name = LocalizedText("Weißer Sneaker", {"en": "White sneaker"})
    >>> name.get("en_GB"), name.get("fr"), str(name)
    ('White sneaker', 'Weißer Sneaker', 'Weißer Sneaker')
    """

    text: str
    translations: Mapping[str, str] = attrs.field(
        factory=dict, converter=_frozen_mapping
    )

    def get(self, locale: str | None = None) -> str:
        """The text for ``locale``: exact match, then its language, then default."""
        if locale:
            for key in (locale, locale.replace("-", "_").split("_")[0]):
                if key in self.translations:
                    return self.translations[key]
        return self.text

    def all_texts(self) -> tuple[str, ...]:
        """The default text and every translation, for search."""
        return (self.text, *self.translations.values())

    def __str__(self) -> str:
        return self.text


def _localized(value: LocalizedText | str) -> LocalizedText:
    return value if isinstance(value, LocalizedText) else LocalizedText(value)


class NonReturnableReason(enum.StrEnum):
    """Why a variant is excluded from the right of withdrawal (§ 312g BGB)."""

    PERSONALIZED = "personalized"
    """Made to the customer's specification (engraving, custom print)."""
    PERISHABLE = "perishable"
    """Goods that spoil quickly or whose expiry date would soon pass."""
    SEALED_HYGIENE = "sealed_hygiene"
    """Sealed goods not fit for return for health or hygiene reasons, once unsealed."""
    SEALED_MEDIA = "sealed_media"
    """Sealed audio, video or software, once unsealed."""


def gtin(value: str) -> str:
    """Check a GTIN (EAN-8, UPC-A, EAN-13 or GTIN-14) and return its digits.

    Raises:
        ValidationError: if the number has the wrong length or check digit.

    >>> gtin("4006381333931")
    '4006381333931'
    """
    try:
        return str(ean.validate(value))
    except StdnumValidationError as exc:
        msg = f"GTIN {value!r} is not valid: {exc}"
        raise ValidationError(msg, field="gtin") from exc


def _money_key(value: Money | None) -> tuple[object, str] | None:
    # Compare amounts in different currencies as unequal instead of raising,
    # so two variants can always be compared.
    return None if value is None else (value.amount, value.currency.code)


def _optional_gtin(value: str | None) -> str | None:
    return None if value is None or value == "" else gtin(value)


def _non_negative(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{attribute.name} must be a whole number of grams, at least 0"
        raise ValidationError(msg, field=attribute.name)


def _optional_money(value: object) -> Money | None:
    if value is None or isinstance(value, Money):
        return value
    if isinstance(value, moneyed.Money):
        return Money(value.amount, value.currency)
    msg = f"cost_price must be Money, such as money('31.50', 'EUR'), not {value!r}"
    raise ValidationError(msg, field="cost_price")


@attrs.frozen(kw_only=True)
class Variant:
    """One sellable version of a product, such as the white sneaker in size 42.

    Args:
        sku: The variant's stock keeping unit, unique across the catalog.
        options: What sets it apart from its siblings (``{"color": "white",
            "size": "42"}``).
        gtin: Its GTIN/EAN barcode number, if it has one; checked.
        weight_grams: Shipping weight in grams.
        tax_category: Which VAT rate applies.
        cost_price: What the merchant pays for it, for margin reports.
        not_returnable: Why it is excluded from withdrawal; ``None`` if it may
            be returned.
    """

    sku: Sku = attrs.field(converter=sku)
    options: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_mapping)
    gtin: str | None = attrs.field(default=None, converter=_optional_gtin)
    weight_grams: int = attrs.field(default=0, validator=_non_negative)
    tax_category: TaxCategory = attrs.field(
        default=TaxCategory.STANDARD, converter=TaxCategory
    )
    cost_price: Money | None = attrs.field(
        default=None, converter=_optional_money, eq=_money_key
    )
    not_returnable: NonReturnableReason | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(NonReturnableReason),
    )

    @property
    def returnable(self) -> bool:
        """Whether the customer may withdraw from buying it."""
        return self.not_returnable is None


def _listed(values: object, field: str) -> list[object]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        msg = f"{field} must be a list, not {values!r}"
        raise ValidationError(msg, field=field)
    return list(values)


def _text_items(values: object, field: str) -> tuple[str, ...]:
    items = _listed(values, field)
    for item in items:
        if not isinstance(item, str) or not item or "\x00" in item:
            msg = f"each of {field} must be non-empty text, not {item!r}"
            raise ValidationError(msg, field=field)
    return tuple(str(item) for item in items)


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return _text_items(values, "categories")


def _variants(values: Iterable[Variant]) -> tuple[Variant, ...]:
    return tuple(_listed(values, "variants"))  # type: ignore[arg-type]


def _product_ids(values: Iterable[str]) -> tuple[ProductId, ...]:
    return tuple(ProductId(value) for value in _text_items(values, "related"))


def _is_text(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or "\x00" in value:
        msg = f"{attribute.name} must be text, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _is_flag(_: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{attribute.name} must be True or False, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _check_variants(variants: Iterable[object], attributes: Mapping[str, str]) -> None:
    seen: set[str] = set()
    for variant in variants:
        if not isinstance(variant, Variant):
            msg = f"variants must be Variant objects, not {type(variant).__name__}"
            raise ValidationError(msg, field="variants")
        if variant.sku in seen:
            raise DuplicateError(kind="SKU", key=variant.sku)
        seen.add(variant.sku)
        shared = sorted(set(variant.options) & set(attributes))
        if shared:
            msg = (
                f"variant {variant.sku} has the option {shared[0]!r}, which is "
                "also an attribute of the product: name it in one place only"
            )
            raise ValidationError(msg, field="variants")


@attrs.define(kw_only=True)
class Product(EventRecorder):
    """A product the shop sells, with its variants: the catalog's aggregate.

    Args:
        product_id: Its identifier.
        name: Its name, with translations.
        description: Its description, with translations.
        brand: The brand, such as ``"Nordlicht"``.
        categories: Category paths or codes it belongs to.
        attributes: Properties shared by all variants (``{"material": "leather"}``).
        variants: Its variants; their SKUs differ.
        related: Products to suggest beside it (cross-selling).
        active: Whether it is for sale and found by search.
        created_at: When it entered the catalog (for "newest first").
        version: The stored version, for optimistic concurrency.

    Raises:
        ValidationError: for bad fields.
        DuplicateError: if two of its variants share a SKU.
    """

    product_id: ProductId
    name: LocalizedText = attrs.field(converter=_localized)
    description: LocalizedText = attrs.field(
        factory=lambda: LocalizedText(""), converter=_localized
    )
    brand: str = attrs.field(default="", validator=_is_text)
    categories: tuple[str, ...] = attrs.field(factory=tuple, converter=_texts)
    attributes: Mapping[str, str] = attrs.field(
        factory=dict,
        converter=_frozen_mapping,
        validator=lambda product, _, attributes: _check_variants(
            getattr(product, "variants", ()), attributes
        ),
    )
    variants: tuple[Variant, ...] = attrs.field(
        factory=tuple,
        converter=_variants,
        validator=lambda product, _, variants: _check_variants(
            variants, product.attributes
        ),
    )
    related: tuple[ProductId, ...] = attrs.field(factory=tuple, converter=_product_ids)
    active: bool = attrs.field(default=True, validator=_is_flag)
    created_at: datetime = attrs.field(converter=as_utc)
    version: int = 0

    @property
    def skus(self) -> tuple[Sku, ...]:
        """The SKUs of its variants, in order."""
        return tuple(variant.sku for variant in self.variants)

    def variant(self, code: str) -> Variant:
        """Return the variant with SKU ``code``.

        Raises:
            NotFoundError: if the product has no such variant.
        """
        for variant in self.variants:
            if variant.sku == code:
                return variant
        raise NotFoundError(kind="variant", key=code)

    def put_variant(self, variant: Variant) -> None:
        """Add ``variant``, or replace the one with the same SKU."""
        kept = [v for v in self.variants if v.sku != variant.sku]
        position = next(
            (i for i, v in enumerate(self.variants) if v.sku == variant.sku),
            len(kept),
        )
        kept.insert(position, variant)
        self.variants = tuple(kept)

    def remove_variant(self, code: str) -> None:
        """Remove the variant with SKU ``code``.

        Raises:
            NotFoundError: if the product has no such variant.
        """
        self.variant(code)
        self.variants = tuple(v for v in self.variants if v.sku != code)
