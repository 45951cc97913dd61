"""Strategies for promotions: actions, conditions, promotions, coupons and results."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final, TypeAlias, TypeVar

from hypothesis import strategies as st

from commercekit.errors import ValidationError
from commercekit.money import Money, minor_units
from commercekit.promotions import (
    SAFE_ALPHABET,
    AmountOff,
    AmountOffPerUnit,
    BundlePrice,
    BuyXGetY,
    Coupon,
    CouponRedemption,
    FreeGift,
    FreeShipping,
    ItemFacts,
    MinQuantity,
    MinSubtotal,
    PercentOff,
    PercentOffCheapest,
    Promotion,
    PromotionContext,
    PromotionResult,
    Scope,
    SpendTier,
    SpendTiers,
    StoredPromotion,
    apply_promotions,
)
from commercekit.testing.strategies._common import (
    _AROUND,
    _CHANNELS,
    _HOURS_AROUND,
    _NOW_AND_THEN,
)
from commercekit.testing.strategies._money import customer_facts, money
from commercekit.testing.strategies._pricing import line_items
from commercekit.values import Sku

__all__ = [
    "coupon_redemptions",
    "coupons",
    "item_facts",
    "min_quantities",
    "min_subtotals",
    "promotion_actions",
    "promotion_contexts",
    "promotion_results",
    "promotions",
    "scopes",
    "spend_tiers",
    "stored_promotions",
]

_Action: TypeAlias = (
    PercentOff
    | PercentOffCheapest
    | AmountOff
    | AmountOffPerUnit
    | BuyXGetY
    | SpendTiers
    | FreeShipping
    | BundlePrice
    | FreeGift
)
# What a Promotion gives: one of nine actions.

_T = TypeVar("_T")
_ACTION_KINDS: Final[tuple[type[_Action], ...]] = (
    PercentOff,
    PercentOffCheapest,
    AmountOff,
    AmountOffPerUnit,
    BuyXGetY,
    SpendTiers,
    FreeShipping,
    BundlePrice,
    FreeGift,
)
_PROMOTION_SKUS: Final = ("SN-W-42", "SOCK-3", "BAG-1", "TOTE")
_PRODUCTS: Final = ("p-sneaker", "p-sock", "p-bag")
_CATEGORIES: Final = ("shoes", "socks", "bags", "sale")
_PROMOTION_IDS: Final = (
    "summer",
    "welcome",
    "ship-free",
    "vip",
    "gift",
    "p-1",
    "p-2",
    "p-3",
    "p-4",
    "p-5",
)
_PROMOTION_NAMES: Final = st.sampled_from(
    ["10% off", "Sommer-Sale", "Gratisversand", "3 für 2", "Willkommen"]
)
_COUPON_CODES: Final = ("SPRING", "SUMMER10", "WELCOME", "VIP-2026")
_SHIPPING_METHODS: Final = ("standard", "express")
_PROMOTION_PERCENTS: Final = st.sampled_from(
    ["10", "5", "7.5", "12.5", "33.33", "50", "100"]
).map(Decimal) | st.integers(1, 100).map(Decimal)


def _named_skus(skus: st.SearchStrategy[Sku] | None) -> st.SearchStrategy[Sku]:
    return st.sampled_from(_PROMOTION_SKUS).map(Sku) if skus is None else skus


def _small_amounts(currency: str, max_value: int = 100) -> st.SearchStrategy[Money]:
    """Amounts from one minor unit of ``currency`` up to ``max_value``."""
    smallest = Decimal(1).scaleb(-minor_units(currency))
    return money(currency, min_value=smallest, max_value=max_value)


def item_facts() -> st.SearchStrategy[ItemFacts]:
    """Draw what promotions know of a SKU: its product and categories.

    The product is none or one of ``p-sneaker``, ``p-sock`` and ``p-bag``; the
    categories are up to two of ``shoes``, ``socks``, ``bags`` and ``sale``,
    the names :func:`scopes` uses.
    """
    return st.builds(
        ItemFacts,
        product_id=st.none() | st.sampled_from(_PRODUCTS),
        categories=st.frozensets(st.sampled_from(_CATEGORIES), max_size=2),
    )


def scopes(skus: st.SearchStrategy[Sku] | None = None) -> st.SearchStrategy[Scope]:
    """Draw the lines an action or condition looks at.

    A scope is the whole cart, or includes and excludes a few SKUs, products
    and categories: those of :func:`item_facts`, and SKUs of ``skus``.

    Args:
        skus: The SKUs a scope may name; by default a few fixed ones
            (``SN-W-42``, ``SOCK-3``, ``BAG-1``, ``TOTE``). Pass the SKUs of
            a cart so that scopes match some of its lines.
    """
    codes = _named_skus(skus)
    products = st.sampled_from(_PRODUCTS)
    categories = st.sampled_from(_CATEGORIES)
    return st.just(Scope()) | st.builds(
        Scope,
        skus=st.frozensets(codes, max_size=2),
        products=st.frozensets(products, max_size=1),
        categories=st.frozensets(categories, max_size=2),
        exclude_skus=st.frozensets(codes, max_size=1),
        exclude_products=st.frozensets(products, max_size=1),
        exclude_categories=st.frozensets(categories, max_size=1),
    )


def min_subtotals(
    currency: str = "EUR", skus: st.SearchStrategy[Sku] | None = None
) -> st.SearchStrategy[MinSubtotal]:
    """Draw minimum subtotals from one minor unit up to 200 in ``currency``.

    Args:
        currency: The currency code of the amount.
        skus: The SKUs their scopes may name, as in :func:`scopes`.
    """
    return st.builds(
        MinSubtotal,
        amount=_small_amounts(currency.strip().upper(), 200),
        scope=scopes(skus),
    )


def min_quantities(
    skus: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[MinQuantity]:
    """Draw minimum quantities from 1 to 10 units, over a scope of :func:`scopes`.

    Args:
        skus: The SKUs their scopes may name, as in :func:`scopes`.
    """
    return st.builds(MinQuantity, quantity=st.integers(1, 10), scope=scopes(skus))


def spend_tiers(currency: str = "EUR") -> st.SearchStrategy[SpendTier]:
    """Draw spend tiers: from a threshold up to 200, an amount up to 50 off.

    Both amounts are in whole minor units of ``currency``, at least one.

    Args:
        currency: The currency code of both amounts.
    """
    code = currency.strip().upper()
    return st.builds(SpendTier, _small_amounts(code, 200), _small_amounts(code, 50))


def _action_strategies(
    currency: str, skus: st.SearchStrategy[Sku]
) -> dict[type[_Action], st.SearchStrategy[_Action]]:
    amounts = _small_amounts(currency)
    scope = scopes(skus)
    percent = _PROMOTION_PERCENTS
    return {
        PercentOff: st.builds(PercentOff, percent=percent, scope=st.none() | scope),
        PercentOffCheapest: st.builds(
            PercentOffCheapest, percent=percent, count=st.integers(1, 3), scope=scope
        ),
        AmountOff: st.builds(AmountOff, amount=amounts),
        AmountOffPerUnit: st.builds(AmountOffPerUnit, amount=amounts, scope=scope),
        BuyXGetY: st.builds(
            BuyXGetY,
            buy=st.integers(1, 3),
            get=st.integers(1, 2),
            percent=percent,
            scope=scope,
        ),
        SpendTiers: st.builds(
            SpendTiers,
            tiers=st.lists(
                spend_tiers(currency),
                min_size=1,
                max_size=3,
                unique_by=lambda tier: tier.threshold.amount,
            ),
            scope=scope,
        ),
        FreeShipping: st.builds(
            FreeShipping,
            methods=st.frozensets(st.sampled_from(_SHIPPING_METHODS), max_size=1),
        ),
        BundlePrice: st.builds(
            BundlePrice,
            items=st.dictionaries(skus, st.integers(1, 3), min_size=1, max_size=2),
            price=amounts,
        ),
        FreeGift: st.builds(FreeGift, sku=skus, quantity=st.integers(1, 2)),
    }


def promotion_actions(
    currency: str = "EUR",
    *,
    kinds: Iterable[type[_Action]] | None = None,
    skus: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[_Action]:
    """Draw what a promotion gives: any of the nine actions, or of ``kinds``.

    Amounts lie between one minor unit of ``currency`` and 100 (spend tiers:
    thresholds up to 200, amounts up to 50); percentages are common ones
    (``10``, ``12.5``, ``33.33``, ``100``) or whole numbers from 1 to 100;
    counts are small (buy 1 to 3, get 1 or 2; the 1 to 3 cheapest; bundles
    of one or two SKUs, 1 to 3 of each; gifts of 1 or 2). Scopes are those
    of :func:`scopes`; free shipping is by any method, or by ``standard`` or
    ``express`` only.

    Args:
        currency: The currency code of every amount.
        kinds: The action classes to draw from, such as ``[AmountOff]``; all
            nine by default.
        skus: The SKUs scopes, bundles and gifts may name, as in
            :func:`scopes`.

    Raises:
        ValidationError: for ``kinds`` that are empty or hold anything but
            action classes.
    """
    chosen = _ACTION_KINDS if kinds is None else tuple(kinds)
    unknown = [kind for kind in chosen if kind not in _ACTION_KINDS]
    if not chosen or unknown:
        names = ", ".join(kind.__name__ for kind in _ACTION_KINDS)
        msg = f"kinds must be some of {names}, not {chosen!r}"
        raise ValidationError(msg, field="kinds")
    found = _action_strategies(currency.strip().upper(), _named_skus(skus))
    return st.one_of([found[kind] for kind in chosen])


def _promotion_window(
    start: int | None, length: int | None
) -> tuple[datetime | None, datetime | None]:
    """A window of whole hours around :data:`_AROUND`; either end may be open."""
    valid_from = None if start is None else _AROUND + timedelta(hours=start)
    if length is None:
        return valid_from, None
    if valid_from is None:
        return None, _AROUND + timedelta(hours=length - _HOURS_AROUND)
    return valid_from, valid_from + timedelta(hours=length)


_PROMOTION_WINDOWS: Final = st.builds(
    _promotion_window,
    st.none() | st.integers(-_HOURS_AROUND, _HOURS_AROUND),
    st.none() | st.integers(1, 2 * _HOURS_AROUND),
)


def _one(text: str) -> frozenset[str]:
    return frozenset({text})


_PRIORITIES: Final = st.integers(0, 5)
_PROMOTION_COUPONS: Final = st.frozensets(
    st.sampled_from(_COUPON_CODES), min_size=1, max_size=2
)
_PROMOTION_CHANNELS: Final = st.sampled_from(["web", "app"]).map(_one)
_PROMOTION_GROUPS: Final = st.sampled_from(["b2b", "staff"]).map(_one)
_NO_TEXTS: Final[frozenset[str]] = frozenset()


@st.composite
def _promotion(
    draw: st.DrawFn,
    *,
    ids: st.SearchStrategy[str],
    actions: st.SearchStrategy[_Action],
    conditions: st.SearchStrategy[list[MinSubtotal | MinQuantity]],
    combinable: st.SearchStrategy[frozenset[str]],
    budgets: st.SearchStrategy[Money],
) -> Promotion:
    def now_and_then(strategy: st.SearchStrategy[_T], default: _T) -> _T:
        return draw(strategy) if draw(_NOW_AND_THEN) else default

    valid_from, valid_until = now_and_then(_PROMOTION_WINDOWS, (None, None))
    return Promotion(
        promotion_id=draw(ids),
        name=draw(_PROMOTION_NAMES),
        action=draw(actions),
        conditions=draw(conditions),
        priority=draw(_PRIORITIES),
        exclusive=draw(_NOW_AND_THEN),
        stop_further=draw(_NOW_AND_THEN),
        combinable_with=now_and_then(combinable, None),
        coupon_codes=now_and_then(_PROMOTION_COUPONS, _NO_TEXTS),
        valid_from=valid_from,
        valid_until=valid_until,
        channels=now_and_then(_PROMOTION_CHANNELS, _NO_TEXTS),
        customer_groups=now_and_then(_PROMOTION_GROUPS, _NO_TEXTS),
        first_order_only=draw(_NOW_AND_THEN),
        budget=now_and_then(budgets, None),
    )


def promotions(
    currency: str = "EUR",
    *,
    ids: st.SearchStrategy[str] | None = None,
    skus: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[Promotion]:
    """Draw valid promotions in ``currency``.

    A promotion has an action of :func:`promotion_actions`, up to two
    conditions (:func:`min_subtotals`, :func:`min_quantities`) and a priority
    from 0 to 5. Now and then (one time in four each) it is exclusive, stops
    further promotions, combines only with a few ids, needs one of the coupon
    codes ``SPRING``, ``SUMMER10``, ``WELCOME`` and ``VIP-2026``, has a
    validity window of whole hours (either end may be open) around
    2026-01-05 09:00 UTC, is for the ``web`` or ``app`` channel only, for
    the ``b2b`` or ``staff`` group only, for first orders only, or has a
    budget of up to 200. Draw a set with
    ``st.lists(promotions(), unique_by=lambda p: p.promotion_id)``.

    Args:
        currency: The currency code of every amount.
        ids: The promotion ids, also those ``combinable_with`` names; by
            default ten fixed ones (``summer``, ``welcome``, ``p-1``, ...).
        skus: The SKUs scopes, bundles and gifts may name, as in
            :func:`scopes`.
    """
    code = currency.strip().upper()
    codes = _named_skus(skus)
    ids = st.sampled_from(_PROMOTION_IDS) if ids is None else ids
    return _promotion(
        ids=ids,
        actions=promotion_actions(code, skus=codes),
        conditions=st.lists(
            min_subtotals(code, codes) | min_quantities(codes), max_size=2
        ),
        combinable=st.frozensets(ids, max_size=3),
        budgets=_small_amounts(code, 200),
    )


def _entered(code: str) -> st.SearchStrategy[str]:
    return st.sampled_from([code, code.lower(), f" {code} "])


def promotion_contexts(
    currency: str = "EUR", *, ids: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[PromotionContext]:
    """Draw the facts of a sale that decide which promotions apply.

    The sale happens within three days of 2026-01-05 09:00 UTC (shrinking
    toward it), around the windows of :func:`promotions`, in no channel or
    in ``web`` or ``app``, for a customer of :func:`customer_facts`. The
    customer entered up to three of the coupon codes of :func:`promotions`,
    as typed (``"spring"``, ``" SPRING "``); an order may use one to three.
    A shipping method (``standard`` or ``express``) and a shipping price up
    to 30 are given or not, and up to three promotions have given up to 200
    of their budgets so far.

    Args:
        currency: The currency code of the sale and every amount.
        ids: The promotion ids whose budgets were spent, as in
            :func:`promotions`.
    """
    code = currency.strip().upper()
    minutes = _HOURS_AROUND * 60
    return st.builds(
        PromotionContext,
        currency=st.just(code),
        at=st.integers(-minutes, minutes).map(
            lambda offset: _AROUND + timedelta(minutes=offset)
        ),
        channel=_CHANNELS,
        customer=customer_facts(),
        coupon_codes=st.lists(
            st.sampled_from(_COUPON_CODES).flatmap(_entered), max_size=3
        ),
        shipping_method=st.none() | st.sampled_from(_SHIPPING_METHODS),
        shipping_price=st.none() | money(code, min_value=0, max_value=30),
        max_coupons=st.integers(1, 3),
        spent=st.dictionaries(
            st.sampled_from(_PROMOTION_IDS) if ids is None else ids,
            money(code, min_value=0, max_value=200),
            max_size=3,
        ),
    )


def coupons() -> st.SearchStrategy[Coupon]:
    """Draw coupons with codes of the safe alphabet.

    A code of :data:`~commercekit.promotions.SAFE_ALPHABET` (sometimes with a
    prefix), a promotion id, an optional window of whole hours around
    2026-01-05 09:00 UTC, and optional limits in total (0 to 5) and per
    customer (0 to 2).
    """

    @st.composite
    def build(draw: st.DrawFn) -> Coupon:
        prefix = draw(st.sampled_from(["", "XMAS-", "VIP-"]))
        body = draw(st.text(SAFE_ALPHABET, min_size=4, max_size=10))
        start = draw(st.none() | st.integers(-_HOURS_AROUND, 0))
        length = draw(st.none() | st.integers(1, 2 * _HOURS_AROUND))
        valid_from = None if start is None else _AROUND + timedelta(hours=start)
        valid_until = None
        if length is not None:
            base = valid_from if valid_from is not None else _AROUND
            valid_until = base + timedelta(hours=length)
        return Coupon(
            code=prefix + body,
            promotion_id=draw(st.sampled_from(_PROMOTION_IDS)),
            valid_from=valid_from,
            valid_until=valid_until,
            usage_limit=draw(st.none() | st.integers(0, 5)),
            per_customer_limit=draw(st.none() | st.integers(0, 2)),
        )

    return build()


def coupon_redemptions() -> st.SearchStrategy[CouponRedemption]:
    """Draw records of a coupon of :func:`coupons` redeemed for an order."""
    return st.builds(
        CouponRedemption,
        code=coupons().map(lambda coupon: coupon.code),
        order_id=st.from_regex(r"ord-[0-9]{1,6}", fullmatch=True),
        customer=st.sampled_from(["c-1", "c-2", "guest@example.com"]),
        redeemed_at=st.integers(0, _HOURS_AROUND).map(
            lambda hours: _AROUND + timedelta(hours=hours)
        ),
    )


def stored_promotions(currency: str = "EUR") -> st.SearchStrategy[StoredPromotion]:
    """Draw a promotion of :func:`promotions` with the version a store gave it."""
    return st.builds(
        StoredPromotion,
        promotion=promotions(currency),
        version=st.integers(1, 50),
    )


def promotion_results(currency: str = "EUR") -> st.SearchStrategy[PromotionResult]:
    """Draw results of :func:`~commercekit.promotions.apply_promotions`.

    Up to five cart lines of :func:`line_items` (each its own key) meet up
    to four promotions of :func:`promotions` in a sale of
    :func:`promotion_contexts`; the result is what the library computes.
    """

    @st.composite
    def build(draw: st.DrawFn) -> PromotionResult:
        lines = draw(
            st.lists(line_items(currency), max_size=5, unique_by=lambda line: line.key)
        )
        offers = draw(
            st.lists(
                promotions(currency),
                max_size=4,
                unique_by=lambda promotion: promotion.promotion_id,
            )
        )
        context = draw(promotion_contexts(currency))
        return apply_promotions(lines, offers, context=context)

    return build()
