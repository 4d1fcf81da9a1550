"""Using the state stores standalone: open, save and load, optimistic concurrency.

In a service the container creates, configures, opens and closes these from YAML
(``pip-services:state-store:memory:default:1.0`` with ``options.timeout``); here the
same steps are done by hand.
"""

from __future__ import annotations

from wirework.config import ConfigParams
from wirework.errors import ConcurrencyError
from wirework.state import ManualClock, MemoryStateStore
from wirework.state.entity import MemoryEntityStore


def key_value_demo() -> None:
    clock = ManualClock()  # drop this argument to use real time
    store = MemoryStateStore(clock=clock)
    store.configure(ConfigParams({"options.timeout": 60_000}))  # entries live 60 s
    store.open("demo")
    try:
        store.save("demo", "cart:42", {"items": ["book"], "total": 12.5})
        cart = store.load("demo", "cart:42")
        cart["items"].append("pen")  # a copy: the stored cart is unchanged
        print("stored cart:", store.load("demo", "cart:42"))

        # Optimistic concurrency: read a version, write only if nobody else did.
        value, version = store.load_versioned("demo", "cart:42")
        store.save("demo", "cart:42", {**value, "total": 15.0}, expected_version=version)
        try:
            store.save("demo", "cart:42", value, expected_version=version)  # stale now
        except ConcurrencyError as exc:
            print("refused:", exc)

        print("bulk:", store.load_bulk("demo", ["cart:42", "cart:404"]))
        clock.advance(61)  # a minute later, nobody saved the cart again
        print("after the timeout:", store.load("demo", "cart:42"))
    finally:
        store.close("demo")


def entity_demo() -> None:
    with MemoryEntityStore() as orders:  # connect() ... disconnect(), like SQL stores
        version = orders.set_state_versioned(
            "order-1", "pending", expected_version=0, metadata={"context": {"qty": 2}}
        )
        orders.set_state_versioned("order-1", "paid", expected_version=version)
        print("order-1:", orders.get_state_versioned("order-1"), orders.get_context("order-1"))
        print("by state:", orders.count_by_state())


def main() -> None:
    key_value_demo()
    entity_demo()


if __name__ == "__main__":
    main()
