"""The gateway keeps its connections to Rasa open for a whole burst of customers, and with
several Rasa servers each conversation always reaches the same one.

A burst is the moment that matters (issue 15): with httpx's default pool only 20 idle
connections are kept, so every round of 50 concurrent customers opened 30 new TCP
connections to Rasa, each a new connection for Rasa's Sanic server to set up. A real
loopback HTTP server counts the connections it accepts; no timing is involved (the server
answers a round only once all of its requests have arrived).
"""

from __future__ import annotations

import asyncio
import json

from bot.rasa_client import RasaClient

CUSTOMERS = 50
BODY = b"[]"


class CountingServer:
    def __init__(self, expected: int = 1) -> None:
        self.expected = expected  # requests per round: answered once all have arrived
        self.senders: list[str] = []
        self.connections = 0
        self.waiting = 0
        self.round = asyncio.Event()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                break  # the client closed this connection
            length = next(
                (int(line.split(b":")[1]) for line in head.split(b"\r\n")
                 if line.lower().startswith(b"content-length:")), 0,
            )  # fmt: skip
            self.senders.append(json.loads(await reader.readexactly(length))["sender"])
            self.waiting += 1
            if self.waiting >= self.expected:
                self.round.set()
            await self.round.wait()
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(BODY), BODY)
            )
            await writer.drain()
        writer.close()


async def burst(client: RasaClient, server: CountingServer) -> None:
    server.waiting, server.round = 0, asyncio.Event()
    await asyncio.gather(*(client.send(f"web:{i}", "hello") for i in range(CUSTOMERS)))


def test_a_second_burst_of_fifty_customers_opens_no_new_connections() -> None:
    async def run() -> int:
        server = CountingServer(CUSTOMERS)
        listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
        port = listener.sockets[0].getsockname()[1]
        client = RasaClient(f"http://127.0.0.1:{port}")
        try:
            await burst(client, server)
            await burst(client, server)
        finally:
            await client.aclose()
            listener.close()
        return server.connections

    assert asyncio.run(run()) == CUSTOMERS


def test_each_conversation_stays_on_one_of_several_rasa_servers() -> None:
    async def run() -> tuple[list[str], list[str]]:
        servers = [CountingServer(), CountingServer()]
        listeners = [await asyncio.start_server(s.handle, "127.0.0.1", 0) for s in servers]
        urls = ",".join(f"http://127.0.0.1:{x.sockets[0].getsockname()[1]}" for x in listeners)
        client = RasaClient(urls)
        try:
            for turn in range(3):
                for customer in range(20):
                    await client.send(f"web:customer-{customer}", f"message {turn}")
        finally:
            await client.aclose()
            for listener in listeners:
                listener.close()
        return servers[0].senders, servers[1].senders

    first, second = asyncio.run(run())
    assert len(first) + len(second) == 60
    assert not set(first) & set(second)  # no conversation was split between the servers
    assert first and second  # and both servers had conversations
    assert all(first.count(sender) == 3 for sender in first)
