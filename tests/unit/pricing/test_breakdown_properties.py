"""Properties of the price breakdown that hold for every cart.

Carts are drawn in EUR (2 decimals), JPY (none) and KWD (3), priced gross or
net, with tax rounded per rate total or per line, shipping split by net or
gross values, with shipping or without, for buyers at home, in other member
states and outside the EU, with and without (confirmed) VAT ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from commercekit.money import Money, minor_units, sum_money, zero
from commercekit.pricing import (
    Discount,
    EUTaxProvider,
    LineItem,
    PriceBreakdown,
    PriceMode,
    RoundingPolicy,
    ShippingBasis,
    TaxContext,
    TaxRounding,
    TaxSettings,
    price_lines,
)
from commercekit.testing import strategies as cks

PROVIDER = EUTaxProvider(TaxSettings(merchant_country="DE"))

# The profile's number of examples (tests/conftest.py), at most 100: each
# example prices a cart of up to six lines, some of them twice.
PROPERTY = settings(max_examples=min(settings().max_examples, 100))

# The EU's rate table starts in 2020; its first day in Berlin begins a little
# before midnight UTC, so start a day later.
SUPPLIED_AT = st.datetimes(
    min_value=datetime(2020, 1, 2),  # noqa: DTZ001 - Hypothesis wants naive bounds
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@attrs.frozen
class Cart:
    """A cart and the terms it is priced on."""

    currency: str
    lines: tuple[LineItem, ...]
    shipping: Money | None
    order_discounts: tuple[Discount, ...]
    mode: PriceMode
    basis: ShippingBasis
    policy: RoundingPolicy
    context: TaxContext

    def price(self, lines: list[LineItem] | None = None) -> PriceBreakdown:
        return price_lines(
            self.lines if lines is None else lines,
            currency=self.currency,
            mode=self.mode,
            tax=PROVIDER,
            context=self.context,
            shipping=self.shipping,
            order_discounts=self.order_discounts,
            shipping_basis=self.basis,
            policy=self.policy,
        )


@st.composite
def carts(draw: st.DrawFn, *, min_lines: int = 0, order_discounts: bool = True) -> Cart:
    currency = draw(st.sampled_from(["EUR", "JPY", "KWD"]))
    lines = draw(
        st.lists(
            cks.line_items(currency),
            min_size=min_lines,
            max_size=6,
            unique_by=lambda line: line.key,
        )
    )
    shipping = draw(st.none() | cks.money(currency, min_value=0, max_value=30))
    coupons = st.lists(cks.discounts(currency, max_value=500), max_size=3)
    return Cart(
        currency=currency,
        lines=tuple(lines),
        shipping=shipping if lines else None,
        order_discounts=tuple(draw(coupons)) if order_discounts else (),
        mode=draw(st.sampled_from(PriceMode)),
        basis=draw(st.sampled_from(ShippingBasis)),
        policy=RoundingPolicy(tax=draw(st.sampled_from(TaxRounding))),
        context=draw(cks.tax_contexts(supplied_at=SUPPLIED_AT)),
    )


@PROPERTY
@given(carts())
def test_the_totals_add_up(cart: Cart) -> None:
    """What the customer pays is everything net plus all VAT; and the prices
    given (gross or net) add up, line by line and with shipping, to the
    matching total."""
    breakdown = cart.price()
    currency = cart.currency
    assert breakdown.grand_total == breakdown.net_total + breakdown.tax_total
    goods = sum_money((line.total for line in breakdown.lines), currency)
    if cart.mode is PriceMode.GROSS:
        assert breakdown.grand_total == goods + breakdown.shipping_total
    else:
        assert breakdown.net_total == goods + breakdown.shipping_total
    assert goods == breakdown.subtotal - breakdown.discount_total
    assert goods >= zero(currency)
    assert breakdown.shipping_total == (cart.shipping or zero(currency))
    assert breakdown.amount_due == breakdown.grand_total
    assert breakdown.cash_rounding == zero(currency)


@PROPERTY
@given(carts())
def test_the_taxes_add_up(cart: Cart) -> None:
    """The VAT of the rates adds up to all VAT, and so does the VAT shown on
    the lines and on shipping; every line and every rate is its net plus its
    VAT; and the shipping parts add up to the shipping price."""
    breakdown = cart.price()
    currency = cart.currency
    rates = breakdown.rates
    assert sum_money((rate.tax for rate in rates), currency) == breakdown.tax_total
    assert sum_money((rate.net for rate in rates), currency) == breakdown.net_total
    assert sum_money((rate.gross for rate in rates), currency) == breakdown.grand_total
    shown = [line.tax_amount for line in breakdown.lines]
    if breakdown.shipping is not None:
        shown.append(breakdown.shipping.tax)
    assert sum_money(shown, currency) == breakdown.tax_total
    for line in breakdown.lines:
        assert line.net + line.tax_amount == line.gross
        assert line.total == (line.gross if cart.mode is PriceMode.GROSS else line.net)
    for rate in rates:
        assert rate.net + rate.tax == rate.gross
    shipping = breakdown.shipping
    if shipping is None:
        assert cart.shipping is None
        return
    parts = shipping.parts
    assert len(parts) == len(rates)
    assert sum_money((part.amount for part in parts), currency) == shipping.amount
    assert sum_money((part.net for part in parts), currency) == shipping.net
    assert sum_money((part.tax for part in parts), currency) == shipping.tax
    assert sum_money((part.gross for part in parts), currency) == shipping.gross
    assert shipping.net + shipping.tax == shipping.gross
    for part in parts:
        assert part.net + part.tax == part.gross


def amounts(value: object, path: str = "breakdown") -> Iterator[tuple[str, Money]]:
    """Every amount of money in ``value``, with where it is.

    It walks the fields of attrs classes, and their properties too: the
    breakdown keeps minor units in fields and shows them as Money.
    """
    kind = type(value)
    if isinstance(value, Money):
        yield path, value
    elif attrs.has(kind):
        names = [field.name for field in attrs.fields(kind)]
        names += [
            name
            for name, member in vars(kind).items()
            if isinstance(member, property) and not name.startswith("_")
        ]
        for name in names:
            yield from amounts(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from amounts(item, f"{path}[{index}]")


@PROPERTY
@given(carts())
def test_no_amount_has_more_decimals_than_the_currency(cart: Cart) -> None:
    """Every amount in the breakdown is in whole minor units of the currency
    (cents, yen, fils); only a unit price, as it was given, may have more."""
    breakdown = cart.price()
    places = minor_units(cart.currency)
    found = list(amounts(breakdown))
    paths = {path for path, _ in found}
    # The walk reaches the totals, and every line's figures.
    assert {"breakdown.grand_total", "breakdown.tax_total"} <= paths
    for index in range(len(breakdown.lines)):
        assert f"breakdown.lines[{index}].tax_amount" in paths
    for path, value in found:
        assert value.currency.code == cart.currency, path
        if path.endswith(".unit_price"):
            continue
        exponent = value.amount.as_tuple().exponent
        assert isinstance(exponent, int)
        assert -exponent <= places, (path, value)


@PROPERTY
@given(carts())
def test_no_line_goes_below_zero_and_discounts_add_up(cart: Cart) -> None:
    """No line has negative VAT or a negative net; each line's discount total
    is the sum of its discounts, and the cart's is the sum of all discounts
    given: the lines' own, and the order discounts, in the order given, each
    cut to what the goods still cost (one that finds nothing left is left
    out)."""
    breakdown = cart.price()
    currency = cart.currency
    for line in breakdown.lines:
        assert line.tax_amount >= zero(currency)
        assert line.net >= zero(currency)
        assert line.total >= zero(currency)
        assert line.discount_total == sum_money(
            (given.amount for given in line.discounts), currency
        )
    own = sum_money(
        (given.amount for line in cart.lines for given in line.discounts), currency
    )
    left = breakdown.subtotal - own
    expected = []
    for coupon in cart.order_discounts:
        taken = min(coupon.amount, left)
        left -= taken
        if taken:
            expected.append((coupon.source, coupon.label, taken))
    applied = breakdown.order_discounts
    assert [(given.source, given.label, given.amount) for given in applied] == expected
    assert breakdown.discount_total == own + sum_money(
        (given.amount for given in applied), currency
    )
    for rate in breakdown.rates:
        assert rate.tax >= zero(currency)
        assert rate.net >= zero(currency)


@PROPERTY
@given(carts(min_lines=2), st.data())
def test_the_order_of_the_lines_does_not_change_the_result(
    cart: Cart, data: st.DataObject
) -> None:
    """The same lines in another order give the same breakdown, only with
    the lines in that order: the same rates, shipping and totals, and each
    line (found by its key) the same figures, decision and discounts. Where
    lines tie for the last minor unit of a shared discount or VAT, the line
    with the smaller key takes it, whatever the order of the cart."""
    breakdown = cart.price()
    shuffled = data.draw(st.permutations(cart.lines))
    for order in (list(cart.lines[::-1]), shuffled):
        other = cart.price(order)
        assert other.rates == breakdown.rates
        assert other.shipping == breakdown.shipping
        assert other.order_discounts == breakdown.order_discounts
        assert other.grand_total == breakdown.grand_total
        assert other.net_total == breakdown.net_total
        assert other.tax_total == breakdown.tax_total
        assert [line.key for line in other.lines] == [line.key for line in order]
        for line in breakdown.lines:
            assert other.line(line.key) == line


def rounded(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), ROUND_HALF_UP)


@PROPERTY
@given(carts(min_lines=1).map(lambda cart: attrs.evolve(cart, mode=PriceMode.GROSS)))
def test_in_gross_mode_each_rate_is_rounded_once(cart: Cart) -> None:
    """Gross prices, VAT per rate total: the net of each rate is its gross
    divided by (1 + rate), rounded half up to the minor unit once, and the
    rate's VAT is the rest of its gross."""
    breakdown = cart.price()
    for rate in breakdown.rates:
        with localcontext(prec=60):
            exact = rate.gross.amount / (1 + rate.percent / 100)
        if cart.policy.tax is TaxRounding.PER_RATE_TOTAL:
            assert rate.net.amount == rounded(exact, cart.currency)
        else:
            # Rounded on each line instead: off by at most half a minor unit
            # per line and shipping part.
            members = len(breakdown.lines) + 1
            unit = Decimal(1).scaleb(-minor_units(cart.currency))
            assert abs(rate.net.amount - exact) <= members * unit / 2


@PROPERTY
@given(
    carts(min_lines=1).map(
        lambda cart: attrs.evolve(cart, mode=PriceMode.NET, policy=RoundingPolicy())
    )
)
def test_in_net_mode_each_rate_is_taxed_once(cart: Cart) -> None:
    """Net prices, VAT per rate total: the VAT of each rate is its net times
    the rate, rounded half up to the minor unit once."""
    breakdown = cart.price()
    for rate in breakdown.rates:
        exact = rate.net.amount * rate.percent / 100
        assert rate.tax.amount == rounded(exact, cart.currency)
