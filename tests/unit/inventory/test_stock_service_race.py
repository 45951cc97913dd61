"""16 carts race for 10 units through the reserve service: 10 win.

The racers are real: a file database, one connection per thread (each thread
opens its own ``SQLiteDatabase``), all started together at a barrier.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from commercekit.adapters.sqlite import (
    SQLiteDatabase,
    SQLiteUnitOfWork,
    event_type_name,
)
from commercekit.inventory import (
    InsufficientStockError,
    InventorySettings,
    StockLocation,
    StockReserved,
    receive_stock,
    reserve_stock,
)
from commercekit.testing import FixedClock, RecordingPublisher, SequentialIds
from commercekit.values import Sku

START = datetime(2026, 6, 1, 9, tzinfo=UTC)
SETTINGS = InventorySettings(
    locations=[StockLocation(location_id="berlin", name="Berlin", priority=1)]
)
RACERS = 16
UNITS = 10


def test_16_carts_racing_for_10_units_get_exactly_10(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    clock = FixedClock(START)
    database = SQLiteDatabase(path)
    receive_stock(
        "SNEAKER-42", "berlin", UNITS, uow=SQLiteUnitOfWork(database), clock=clock
    )
    barrier = threading.Barrier(RACERS)
    publisher = RecordingPublisher()
    # Thread-safe: one factory for all racers, so no two ids repeat.
    reservation_ids = SequentialIds("res-")
    event_ids = SequentialIds("ev-")
    outcomes: dict[int, str] = {}

    def reserve(cart: int) -> None:
        mine = SQLiteDatabase(path)
        try:
            barrier.wait(timeout=10)
            reserve_stock(
                {"SNEAKER-42": 1},
                reference=f"cart-{cart}",
                uow=SQLiteUnitOfWork(
                    mine, publisher=publisher, clock=clock, ids=event_ids
                ),
                settings=SETTINGS,
                clock=clock,
                ids=reservation_ids,
                hold_for=timedelta(minutes=15),
            )
            outcomes[cart] = "won"
        except InsufficientStockError as exc:
            outcomes[cart] = f"{exc.sku} {exc.wanted} {exc.available}"
        except Exception as exc:  # reported by the assertions
            outcomes[cart] = repr(exc)
        finally:
            mine.close()

    threads = [threading.Thread(target=reserve, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    assert sorted(outcomes.values()) == ["SNEAKER-42 1 0"] * 6 + ["won"] * 10
    with SQLiteUnitOfWork(database) as uow:
        level = uow.stock.level(Sku("SNEAKER-42"))
        winners = sorted(
            reservation.reference
            for cart in range(RACERS)
            for reservation in uow.stock.reservations_for(f"cart-{cart}")
        )
    assert (level.on_hand, level.reserved, level.available) == (10, 10, 0)
    assert winners == sorted(
        f"cart-{cart}" for cart, outcome in outcomes.items() if outcome == "won"
    )
    # Each winner's event is in the outbox once; a loser's is not. (Publishers
    # deliver at least once, and racing commits may deliver one twice.)
    with SQLiteUnitOfWork(database) as uow:
        stored = uow.connection.execute(
            "SELECT json_extract(payload, '$.reference') FROM outbox "
            "WHERE event_type = ? ORDER BY 1",
            (event_type_name(StockReserved),),
        ).fetchall()
    assert [reference for (reference,) in stored] == winners
    assert {e.reference for e in publisher.events if isinstance(e, StockReserved)} == (
        set(winners)
    )
    database.close()
