#!/usr/bin/env python3
"""One-to-one SCTP echo client for the usrsctp interop tests (run under the shim).

    usrsctp_echo_client.py ADDR PORT SOURCE_PORT COUNT

Binds SOURCE_PORT (0: ephemeral), connects to an echo server at ADDR:PORT, sends COUNT messages
one at a time (sizes up to 8000 bytes: usrsctp's echo_server echoes only messages that fit its
10240-byte buffer) and checks each echo byte for byte, then closes (a graceful SHUTDOWN).
Prints "ok N messages" and exits 0 on success.
"""
import socket
import sys

IPPROTO_SCTP = 132
SIZES = [1, 7, 100, 1000, 1452, 1453, 4000, 8000]


def message(i):
    size = SIZES[i % len(SIZES)]
    return bytes((i * 7 + j * 13) % 251 for j in range(size))


def main():
    addr, port, source_port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM, IPPROTO_SCTP)
    s.settimeout(20)
    if source_port:
        s.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", source_port))
    s.connect((addr, port))
    for i in range(count):
        sent = message(i)
        s.sendall(sent)
        got = b""
        while len(got) < len(sent):
            part = s.recv(65536)
            if not part:
                print("FAIL: EOF after %d of %d bytes of message %d" % (len(got), len(sent), i))
                return 1
            got += part
        if got != sent:
            print("FAIL: echo of message %d (%d bytes) differs" % (i, len(sent)))
            return 1
    s.close()
    print("ok %d messages" % count, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
