"""A webhook receiver for the engine benchmarks: an asyncio server in a process of its own.

    python bench/_receiver.py PORT

Answers every POST with 200 and records (Idempotency-Key, arrival time.time()) when the whole request
has arrived. `GET /count` answers how many were recorded, `GET /dump` all of them as JSON
([[key, at], ...]). Two paths fail on purpose (bench/soak.py): a POST to `/flaky` answers 503 the first time
its key comes and 200 (recorded) after that; a POST to `/down` always answers 500. `GET /failures` answers
how many 5xx answers went out. A bare asyncio protocol with a small HTTP/1.1 parser (keep-alive, Content-Length
bodies only): much cheaper per request than ThreadingHTTPServer, so that the receiver is not what
the benchmark measures.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
UNAVAILABLE = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
BROKEN = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"
records: list[tuple[str, float]] = []
flaky_seen: set[str] = set()
failures = 0


class Hook(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            length, key = 0, ""
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "idempotency-key":
                    key = value.strip()
            total = end + 4 + length
            if len(self.buffer) < total:
                return
            del self.buffer[:total]
            method, path = lines[0].split(" ", 2)[:2]
            if method == "GET":
                self.answer(path)
            else:
                self.transport.write(self.receive(path, key))

    def answer(self, path: str) -> None:
        counts = {"/count": len(records), "/failures": failures}
        body = str(counts[path]).encode() if path in counts else json.dumps(records).encode()
        self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))

    @staticmethod
    def receive(path: str, key: str) -> bytes:
        global failures
        if path == "/down" or (path == "/flaky" and key not in flaky_seen):
            flaky_seen.add(key)
            failures += 1
            return BROKEN if path == "/down" else UNAVAILABLE
        records.append((key, time.time()))
        return OK


async def main(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(Hook, "127.0.0.1", port, backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
