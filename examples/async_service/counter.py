"""An asyncio service for wirework: a line-protocol counter on a TCP port.

Each connection sends a name per line and gets back how many times that name was
seen, counted in whatever state store the config declares. The server is an
``async def open``/``close`` component: wirework runs it on the event loop, opens it
after the store it needs, reports it unhealthy when its port stops accepting, and
closes it before the store.
"""

from __future__ import annotations

import asyncio

from wirework import ConfigParams, IReferences, IStateStore


class CounterServer:
    """Counts names sent over TCP, one per line; ``options.port`` 0 picks a free port."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.store: IStateStore | None = None
        self.server: asyncio.Server | None = None
        self._lock: asyncio.Lock | None = None

    def configure(self, config: ConfigParams) -> None:
        self.host = config.get_as_string_with_default("options.host", self.host)
        self.port = config.get_as_integer_with_default("options.port", self.port)

    def set_references(self, references: IReferences) -> None:
        self.store = references.get_one_required("*:state-store:*:*:1.0", as_=IStateStore)

    def is_open(self) -> bool:
        return self.server is not None and self.server.is_serving()

    async def open(self, correlation_id: str | None) -> None:
        self._lock = asyncio.Lock()
        self.server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self.server.sockets[0].getsockname()[1]
        print(f"counter: listening on {self.host}:{self.port}", flush=True)

    async def close(self, correlation_id: str | None) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None

    async def check_health(self, correlation_id: str | None) -> None:
        _, writer = await asyncio.open_connection(self.host, self.port)
        writer.close()
        await writer.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self.store is not None
        assert self._lock is not None
        try:
            while line := await reader.readline():
                name = line.decode("utf-8", "replace").strip()[:100] or "anonymous"
                async with self._lock:  # read and write the count as one step
                    # The stores are plain (sync): off the loop, so a slow backend
                    # (SQLite, Redis) never stalls the other connections.
                    count = (await asyncio.to_thread(self.store.load, None, name) or 0) + 1
                    await asyncio.to_thread(self.store.save, None, name, count)
                writer.write(f"{name} {count}\n".encode())
                await writer.drain()
        finally:
            writer.close()
