"""The command line and the promises about imports, run as a user would."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import commercekit
from commercekit.cli import main


def run_python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def demo() -> str:
    """The demo's output, run once as a user runs it."""
    result = run_python("-m", "commercekit", "demo")
    assert result.returncode == 0, result.stderr
    return result.stdout.replace("\u00a0", " ")  # babel's no-break space before €


def test_the_demo_opens_the_shop_and_finds_the_sneaker(demo: str) -> None:
    assert f"commercekit {commercekit.__version__}" in demo
    # The shop's own figures, as configured: tiers, the book, voucher, shipping.
    assert (
        "The shop: white sneakers 79,90 € a pair, 74,90 € from 2 pairs; "
        "a book at 24,00 €;\n"
        "a 10,00 € voucher WILLKOMMEN10; stock in Berlin and Hamburg; "
        "DHL Paket 4,90 €, free from 200,00 €." in demo
    )
    # The search shows the price of one pair.
    assert "Weißer Sneaker (Nordlicht): SN-W-42 from 79,90 €" in demo
    assert "1 product(s); colors among them: weiß 1" in demo


def test_the_demo_merges_the_guest_cart_on_login(demo: str) -> None:
    assert (
        "guest cart: 2 x SN-W-42, 1 x BOOK-SNEAKER; voucher code WILLKOMMEN10" in demo
    )
    assert "customer-7 logs in; their cart from last Friday: 1 x SN-B-43" in demo
    assert (
        "merged on login: SN-W-42 added (2), BOOK-SNEAKER added (1); "
        "voucher codes taken over: WILLKOMMEN10" in demo
    )
    assert "saved for later, on the wishlist: SN-B-43" in demo
    assert "the cart now: 2 x SN-W-42, 1 x BOOK-SNEAKER" in demo


def test_the_demo_prices_the_stored_cart_in_one_call(demo: str) -> None:
    # 2 x 74.90 (the tier from 2 pairs) = 149.80 and 24.00 share the 10.00
    # voucher 149.80 : 24.00, so 8.62 and 1.38: 141.18 and 22.62.
    # Shipping 4.90 splits by the goods' net values, 141.18 / 1.19 = 118.64
    # and 22.62 / 1.07 = 21.14: 4.90 x 118.64 / 139.78 = 4.159 -> 4.16, 0.74.
    # VAT per rate: 19% of 141.18 + 4.16 = 145.34 is 145.34 x 19/119 = 23.21,
    # net 122.13; 7% of 22.62 + 0.74 = 23.36 is 23.36 x 7/107 = 1.53, net
    # 21.83. A line shows its share of its rate's tax: 23.21 x 141.18/145.34
    # = 22.546 and 0.664 for shipping, the spare cent to the larger remainder
    # (the line): 22.55; 1.53 x 22.62/23.36 = 1.4815 and 0.0485: 1.48.
    assert (
        "2 x SN-W-42         74,90 €  voucher -8,62 €   141,18 €  "
        "incl. 19% VAT 22,55 €" in demo
    )
    assert (
        "1 x BOOK-SNEAKER    24,00 €  voucher -1,38 €    22,62 €  "
        "incl. 7% VAT 1,48 €" in demo
    )
    assert "shipping DHL Paket 4,90 € = 4,16 € at 19% + 0,74 € at 7%" in demo
    assert "VAT 19%: net 122,13 €, tax 23,21 €, gross 145,34 €" in demo
    assert "VAT 7%: net 21,83 €, tax 1,53 €, gross 23,36 €" in demo
    # 145.34 + 23.36 = 168.70 = 143.96 net + 24.74 VAT.
    assert "total 168,70 € (net 143,96 € + VAT 24,74 €)" in demo
    # Free from 200.00, read after the voucher: 200.00 - 163.80 = 36.20.
    assert "DHL Paket ships free from 200,00 €: add 36,20 € to the cart" in demo
    # 2 x 900 g + 300 g = 2,100 g: express's band up to 5,000 g, 14.90.
    assert (
        "shipping offered for this parcel: DHL Paket 4,90 €, DHL Express 14,90 €"
        in demo
    )
    assert "'Steuerfreie innergemeinschaftliche Lieferung'" in demo


def test_the_demo_checks_out_with_an_alternative_size(demo: str) -> None:
    # 2 pairs of 42 were in Hamburg and sold there; 43: 4 in Berlin + 1 in
    # Hamburg. Size 41 never came in, so 43 is the only alternative.
    assert (
        "problem: SN-W-42 is out_of_stock (2 wanted, 0 available); instead: "
        "Weißer Sneaker [color weiß, size 43]: SN-W-43, 5 available" in demo
    )
    assert (
        "the customer takes size 43: 1 x BOOK-SNEAKER, 2 x SN-W-43; validation ok"
        in demo
    )
    # Size 43 has the tiers of size 42, so the total is 168.70 again; it holds
    # 30 minutes from 09:20.
    assert "the price is frozen: 168,70 € until 09:50 UTC" in demo


def test_the_demo_lists_what_this_version_offers(demo: str) -> None:
    assert (
        "commercekit.payments   authorize, capture and refund through a gateway" in demo
    )
    assert (
        "commercekit.orders     checkout with the order button, idempotent by a "
        "checkout token; the order as a snapshot, its lifecycle, shipment and "
        "cancellation" in demo
    )


def test_the_demo_lists_the_payment_methods_for_the_frozen_total(demo: str) -> None:
    # The frozen total is 168.70 (step 4), shipped to DE. Card, PayPal and
    # prepayment have no limits; the invoice takes DE orders from 10.00 to
    # 150.00, and 168.70 > 150.00.
    assert (
        "5. Order: the methods this cart may pay with; then the customer presses\n"
        '   "Zahlungspflichtig bestellen" with PayPal, and the cart becomes an order.'
        in demo
    )
    assert (
        "offered for 168,70 € to DE: Kreditkarte (via the provider), "
        "PayPal (via the provider), Vorkasse (bank transfer first)" in demo
    )
    assert (
        "not offered: Kauf auf Rechnung (DE only, 10,00 € to 150,00 €): "
        "168,70 € is above 150,00 €" in demo
    )


def test_the_demo_places_the_order_at_the_frozen_price(demo: str) -> None:
    # The order keeps the button's words, when it was pressed and the texts.
    assert (
        "'Zahlungspflichtig bestellen' pressed at 09:25 UTC; accepted: "
        "terms 2026-01, withdrawal 2026-01, privacy 2025-11" in demo
    )
    # The first order of the shop's number sequence, six digits; one id
    # factory made the order's id first, then its two reservations' and its
    # payment's. PayPal approved, so it is confirmed and nothing shipped.
    assert (
        "order 000001 (id-1): confirmed; payment authorized; fulfillment unfulfilled"
        in demo
    )
    # The payment is the order's now, not the cart's.
    assert (
        "PayPal: payment id-4 of 168,70 € for order id-1; "
        "the provider holds 168,70 € (fake-pay-1)" in demo
    )
    assert "cart-of-customer-7" not in demo
    # The snapshot is step 3's price for size 43 (same tiers): 2 x 74.90 =
    # 149.80 - 8.62 voucher = 141.18; 24.00 - 1.38 = 22.62; shipping 4.90.
    assert (
        "the frozen price, kept line by line: 1 x BOOK-SNEAKER 22,62 €, "
        "2 x SN-W-43 141,18 €, shipping 4,90 €" in demo
    )
    # 141.18 + 22.62 + 4.90 = 168.70 = 143.96 net + 24.74 VAT, and the VAT
    # by rate 23.21 + 1.53 = 24.74; the voucher 8.62 + 1.38 = 10.00.
    assert (
        "total 168,70 € (net 143,96 € + VAT 24,74 €: 19% 23,21 €, 7% 1,53 €); "
        "voucher WILLKOMMEN10 -10,00 €" in demo
    )
    # Confirmed orders take their cart with them.
    assert "the cart is gone with the order: customer-7 has no cart now" in demo


def test_the_demo_holds_the_orders_stock(demo: str) -> None:
    # Berlin, the preferred location, has both lines: one shipment. Held for
    # the order, the reservations do not expire with the frozen price.
    assert (
        "held for order id-1 until it ships or is canceled:\n"
        "     id-2: 1 x BOOK-SNEAKER in Lager Berlin\n"
        "     id-3: 2 x SN-W-43 in Lager Berlin\n" in demo
    )
    # Book: 10 - 1 = 9 in Berlin; SN-W-43: 4 - 2 = 2 in Berlin, Hamburg's 1.
    assert (
        "available now: BOOK-SNEAKER (Lager Berlin 9, Laden Hamburg 0); "
        "SN-W-43 (Lager Berlin 2, Laden Hamburg 1)" in demo
    )
    assert "white sneakers for sale: SN-W-43; sold out: SN-W-41, SN-W-42" in demo
    # 5 available before, 3 after: at the threshold of 3, so it ran low.
    assert (
        "stock events: 2 StockReserved, and StockRanLow: SN-W-43 is down to 3" in demo
    )
    # The order is placed first, then its stock held; the payment's approval
    # confirms it.
    assert (
        "events: OrderPlaced, 2 StockReserved, StockRanLow, PaymentAuthorized, "
        "OrderStatusChanged, OrderConfirmed\n" in demo
    )


def test_the_demo_places_one_order_on_a_double_click(demo: str) -> None:
    # The second press finds the order by its token and asks the provider
    # nothing: one authorization of 168.70 on its books.
    assert (
        "pressed twice: the checkout token checkout-7f3a gives the same order, "
        "000001 (id-1); the provider's ledger has 1 entry "
        "(authorization 168,70 €)" in demo
    )
    # 5 StockReceived; 1 CartLineAdded (Friday); 1 CouponApplied, 2
    # CartLineAdded (guest); 1 CartsMerged, 1 LineSavedForLater; 1
    # StockAdjusted; 1 CartLineRemoved, 1 CartLineAdded; 1 CheckoutStarted:
    # 15; the order's 7 (OrderPlaced, 2 StockReserved, StockRanLow,
    # PaymentAuthorized, OrderStatusChanged, OrderConfirmed): 22, and the
    # second press added none.
    assert (
        "the outbox published 22 events on this walk, 1 CartsMerged, "
        "1 CheckoutStarted and 1 OrderPlaced among them" in demo
    )


def test_the_demo_ships_the_order_and_commits_its_stock(demo: str) -> None:
    assert (
        "shipped at 14:00 UTC: 1 x BOOK-SNEAKER, 2 x SN-W-43; "
        "order 000001: shipped, fulfillment shipped" in demo
    )
    # Committed: on hand 10 - 1 = 9 and 4 - 2 = 2, nothing reserved any more,
    # so what is available is what it was while the order held it.
    assert (
        "2 StockCommitted: in Lager Berlin BOOK-SNEAKER 9 on hand, 0 reserved; "
        "SN-W-43 2 on hand, 0 reserved; held for order id-1: nothing" in demo
    )


def test_the_demo_captures_once_despite_a_lost_reply(demo: str) -> None:
    # The capture takes what is held, 168.70 - 0.00 captured = 168.70; the
    # provider's books show it although the reply was lost.
    assert (
        "capture of payment id-4: the provider took 168,70 €, "
        "but its reply was lost on the way" in demo
    )
    # The retry with the key got the first answer: 1 authorization + 1
    # capture = 2 entries, not 3; the capture is 168.70 once, not 337.40.
    assert (
        "retried with the same key, the money moved once: the provider's ledger "
        "has 2 entries (authorization 168,70 €, capture 168,70 €)" in demo
    )
    assert (
        "the provider's 'captured' webhook: already_known (the retry's reply "
        "told it first); delivered again: duplicate" in demo
    )
    # Captured 168.70 of the order's 168.70: captured in full, once.
    assert (
        "payment id-4: captured, 168,70 € captured of 168,70 € due for order id-1"
        in demo
    )
    assert (
        "order 000001: shipped; payment captured; fulfillment shipped; events: "
        "OrderStatusChanged, OrderLinesShipped, 2 StockCommitted, PaymentCaptured"
        in demo
    )
    assert (
        "what may happen next: deliver (a shipped order is not canceled: "
        "what comes back is a return)" in demo
    )


def test_main_answers_version_and_refuses_unknown_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"commercekit {commercekit.__version__}"
    with pytest.raises(SystemExit) as info:
        main(["fly"])
    assert info.value.code == 2
    assert main(["demo"]) == 0


def test_the_kernel_modules_import() -> None:
    result = run_python(
        "-c",
        "import commercekit, commercekit.money, commercekit.errors, "
        "commercekit.ports, commercekit.testing.strategies",
    )
    assert result.returncode == 0, result.stderr


BLOCKER = textwrap.dedent(
    """
    import sys

    class Block:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {BLOCKED}:
                raise ImportError(f"{name} is blocked for this test")
            return None

    sys.meta_path.insert(0, Block())
    """
)


def test_commercekit_testing_imports_without_hypothesis_or_pytest() -> None:
    code = BLOCKER.replace("{BLOCKED}", "{'hypothesis', 'pytest'}") + textwrap.dedent(
        """
        import commercekit.testing
        from commercekit.testing import FixedClock, RecordingPublisher, SequentialIds
        import commercekit.adapters.memory, commercekit.adapters.sqlite
        print(SequentialIds().new_id())
        """
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "id-1"


def test_importing_commercekit_stays_light() -> None:
    code = textwrap.dedent(
        """
        import sys
        import commercekit
        heavy = {"sqlite3", "hypothesis", "pytest", "statemachine", "cattrs",
                 "commercekit.adapters", "commercekit.testing"}
        print(sorted(heavy & set(sys.modules)))
        """
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
