#!/usr/bin/env python3
"""Control calls on an SCTP socket inherited by fork, for the shim-tests.

    fork_queries.py server PORT      accept one association, fork; the child queries the
                                     accepted socket and echoes one message
    fork_queries.py client PORT      send "ping", expect the echo

Linux shares the socket between parent and child. Under the shim the parent's engine serves
it; the child answers read-only queries from its snapshot of that engine (what stood at
fork) and refuses changes with EOPNOTSUPP. The child checks that getsockname, getpeername,
SO_TYPE/SO_DOMAIN/SO_PROTOCOL, SCTP_STATUS (state, streams, association id),
SCTP_GET_PEER_ADDRS and SCTP_GET_LOCAL_ADDRS (libsctp's sctp_getpaddrs/getladdrs) give what
the parent saw just before fork, that setsockopt, bind, connect and listen fail with
EOPNOTSUPP, and that data still flows. Prints "ok" (child and parent) on success.
"""
import errno
import os
import socket
import struct
import sys

IPPROTO_SCTP = 132
SOL_SCTP = 132
SCTP_NODELAY = 3
SCTP_STATUS = 14
SCTP_GET_PEER_ADDRS = 108
SCTP_GET_LOCAL_ADDRS = 109
SCTP_ESTABLISHED = 4


def fail(text):
    print("FAIL:", text, flush=True)
    os._exit(1)


def status(s):
    """(assoc_id, state, instrms, outstrms) of SCTP_STATUS for the socket's association."""
    raw = s.getsockopt(SOL_SCTP, SCTP_STATUS, 176)
    assoc_id, state, _rwnd, _unack, _pend, instrms, outstrms = struct.unpack_from("iiIHHHH", raw)
    return assoc_id, state, instrms, outstrms


def addrs(s, opt):
    """The (ip, port) list of SCTP_GET_PEER_ADDRS / SCTP_GET_LOCAL_ADDRS (IPv4)."""
    raw = s.getsockopt(SOL_SCTP, opt, 8 + 16 * 8)
    _assoc, n = struct.unpack_from("ii", raw)
    out = []
    for i in range(n):
        fam, port, ip = struct.unpack_from("!HH4s", raw, 8 + 16 * i)
        out.append((socket.inet_ntoa(ip), port))
    return out


def snapshot(s):
    return {
        "sockname": s.getsockname(),
        "peername": s.getpeername(),
        "identity": (
            s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE),
            s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN),
            s.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL),
        ),
        "status": status(s),
        "paddrs": addrs(s, SCTP_GET_PEER_ADDRS),
        "laddrs": addrs(s, SCTP_GET_LOCAL_ADDRS),
    }


def refused(what, call):
    try:
        call()
    except OSError as e:
        if e.errno != errno.EOPNOTSUPP:
            fail("%s in the child: errno %d, expected EOPNOTSUPP" % (what, e.errno))
        return
    fail("%s in the child succeeded" % what)


def server(port):
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_SCTP)
    lst.bind(("127.0.0.1", port))
    lst.listen(4)
    print("listening", flush=True)
    conn, peer = lst.accept()
    before = snapshot(conn)
    print("parent", before, flush=True)
    if before["status"][1] != SCTP_ESTABLISHED or before["identity"] != (1, 2, 132):
        fail("parent's view is wrong: %s" % before)
    if before["peername"] != peer:
        fail("getpeername %s, accept said %s" % (before["peername"], peer))
    pid = os.fork()
    if pid == 0:
        try:
            lst.close()
            after = snapshot(conn)
            print("child", after, flush=True)
            if after != before:
                fail("child sees %s, parent saw %s" % (after, before))
            refused("setsockopt", lambda: conn.setsockopt(SOL_SCTP, SCTP_NODELAY, 1))
            refused("bind", lambda: conn.bind(("127.0.0.1", 0)))
            refused("connect", lambda: conn.connect(("127.0.0.1", port)))
            refused("listen", lambda: conn.listen(1))
            data = conn.recv(100)
            if data != b"ping":
                fail("child read %r" % data)
            conn.sendall(b"pong")
            conn.close()
            print("ok child", flush=True)
            os._exit(0)
        except Exception as e:  # noqa: BLE001 - report anything in the child
            fail("child: %r" % e)
    conn.close()
    _, st = os.waitpid(pid, 0)
    if st != 0:
        fail("child exited with %d" % st)
    print("ok", flush=True)


def client(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_SCTP)
    s.connect(("127.0.0.1", port))
    s.sendall(b"ping")
    data = s.recv(100)
    if data != b"pong":
        fail("client read %r" % data)
    s.close()
    print("ok", flush=True)


if __name__ == "__main__":
    {"server": server, "client": client}[sys.argv[1]](int(sys.argv[2]))
