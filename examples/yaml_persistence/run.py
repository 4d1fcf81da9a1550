"""Run the user persistence declared in ``config.yml`` inside a container.

    .venv/bin/python examples/yaml_persistence/run.py [PAGE_SIZE]

The container creates the logger, the state store and the persistence, configures
the persistence from YAML (``options.max_page_size``), wires the logger into it, opens
everything in order and closes it all on the way out of the ``with`` block.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from myapp.persistence import User, UserMemoryPersistence  # noqa: E402

from wirework.container import Container  # noqa: E402
from wirework.data import PagingParams  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    parameters = {"PAGE_SIZE": args[0]} if args else None
    with Container.from_file(HERE / "config.yml", parameters) as container:
        references = container.references
        users: UserMemoryPersistence = references.get_one_required(
            "myapp:persistence:memory:default:1.0"
        )
        state = references.get_one_required("*:state-store:*:*:1.0")
        logger = references.get_one_required("*:logger:*:*:1.0")

        print("Sign up")
        for user in (
            User("u1", "Carol", "carol@example.com"),
            User("u2", "Alice", "alice@example.com"),
            User(None, "Bob", "bob@example.com"),
        ):
            created = users.create(None, user)
            state.save(None, "last-signup", created.id)
            print(f"  {created.name:<6} id={created.id}")

        print("Members, one page at a time (options.max_page_size from YAML)")
        skip, number = 0, 1
        while True:
            page = users.get_page_by_role(None, "member", PagingParams(skip, None, True))
            if not page.data:
                break
            names = ", ".join(user.name for user in page.data)
            print(f"  page {number}: {names} (of {page.total})")
            skip, number = skip + len(page.data), number + 1

        print("Promote Alice")
        alice = users.get_one_by_email(None, "alice@example.com")
        if alice is None:
            raise SystemExit("alice@example.com was not found")
        promoted = users.update_partially(None, alice.id, {"role": "admin"})
        print(f"  {promoted}")
        print(f"  members left: {users.get_count_by_filter(None, {'role': 'member'})}")

        last = users.get_one_by_id(None, state.load(None, "last-signup"))
        print(f"State store: last signup was {last.name if last else None}")
        logger.info(None, "%d users, %d admin", users.get_count_by_filter(None, None), 1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
