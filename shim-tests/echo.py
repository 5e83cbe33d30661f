#!/usr/bin/env python3
"""Echo over Python's socket module, for the shim-tests.

    echo.py server|client stream|seqpacket tcp|sctp 4|6 PORT COUNT

stream:    a one-to-one SOCK_STREAM connection; the client sends COUNT messages one at a time
           and reads each echo back in full (the byte stream is checked exactly).
seqpacket: one-to-many; the server echoes COUNT messages with recvfrom/sendto to whoever sent
           them, the client sends with sendto to the server's address (implicit association
           set-up with SCTP) and checks each echo is the whole message in one recvfrom.
With tcp, "seqpacket" runs on SOCK_DGRAM/UDP: the kernel's own message-oriented, one-to-many
socket, so the script itself can be checked on a kernel without SCTP.
The server prints "ready" once it listens; both print "ok N messages" and exit 0 on success.
"""
import socket
import sys

IPPROTO_SCTP = 132
SIZES = [1, 7, 100, 1000, 1452, 1453, 4000, 8192, 9000, 20000, 65000]


def message(i):
    size = SIZES[i % len(SIZES)]
    return bytes((i * 7 + j * 13) % 251 for j in range(size))


def fail(text):
    print("FAIL:", text, flush=True)
    sys.exit(1)


def recv_exact(sock, n):
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            fail("connection closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return bytes(data)


def open_socket(kind, proto, family):
    fam = socket.AF_INET if family == "4" else socket.AF_INET6
    if kind == "stream":
        return socket.socket(fam, socket.SOCK_STREAM, IPPROTO_SCTP if proto == "sctp" else socket.IPPROTO_TCP)
    if proto == "sctp":
        return socket.socket(fam, socket.SOCK_SEQPACKET, IPPROTO_SCTP)
    return socket.socket(fam, socket.SOCK_DGRAM, socket.IPPROTO_UDP)


def server(kind, proto, family, port, count):
    sock = open_socket(kind, proto, family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1" if family == "4" else "::1", port))
    if not (kind == "seqpacket" and proto == "tcp"):
        sock.listen(5)
    print("ready", flush=True)
    if kind == "stream":
        conn, _ = sock.accept()
        for i in range(count):
            want = message(i)
            got = recv_exact(conn, len(want))
            if got != want:
                fail("message %d differs" % i)
            conn.sendall(got)
        if conn.recv(1) != b"":
            fail("expected EOF after %d messages" % count)
        conn.close()
    else:
        for i in range(count):
            got, peer = sock.recvfrom(1 << 17)
            if got != message(i):
                fail("message %d: got %d bytes, want %d" % (i, len(got), len(message(i))))
            sock.sendto(got, peer)
    sock.close()
    print("ok %d messages" % count, flush=True)


def client(kind, proto, family, port, count):
    sock = open_socket(kind, proto, family)
    addr = ("127.0.0.1" if family == "4" else "::1", port)
    if kind == "stream":
        sock.connect(addr)
        for i in range(count):
            want = message(i)
            sock.sendall(want)
            if recv_exact(sock, len(want)) != want:
                fail("echo %d differs" % i)
    else:
        sock.settimeout(30)
        for i in range(count):
            want = message(i)
            if sock.sendto(want, addr) != len(want):
                fail("short sendto of message %d" % i)
            got, _ = sock.recvfrom(1 << 17)
            if got != want:
                fail("echo %d: got %d bytes, want %d" % (i, len(got), len(want)))
    sock.close()
    print("ok %d messages" % count, flush=True)


def main():
    if len(sys.argv) != 7:
        fail(__doc__)
    role, kind, proto, family, port, count = sys.argv[1:]
    if role not in ("server", "client") or kind not in ("stream", "seqpacket") \
            or proto not in ("tcp", "sctp") or family not in ("4", "6"):
        fail(__doc__)
    (server if role == "server" else client)(kind, proto, family, int(port), int(count))


if __name__ == "__main__":
    main()
