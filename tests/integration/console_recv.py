#!/usr/bin/python3
"""The caller's side of the console-socket protocol (docs/terminals.md),
as go-runc implements it, for the terminal tests.

usage: console_recv.py SOCKET OUT [--input TEXT] [--timeout SECONDS]

Listens on the AF_UNIX stream socket SOCKET (then creates SOCKET.ready),
accepts one connection and receives one message. It must carry a short
non-empty name and exactly one SCM_RIGHTS control message with exactly one
fd (the control length equal to CMSG_SPACE(sizeof(int))), and nothing may
follow it on the connection. The verdict goes to OUT.proto ("ok" or the
problem). Then TEXT (with \\n escapes) is written to the pty master and all
that the master yields until the peer side closes (EIO) or the timeout is
appended to OUT.
"""
import argparse
import array
import os
import select
import socket
import sys
import termios
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("out")
    ap.add_argument("--input", default="")
    ap.add_argument("--timeout", type=float, default=20.0)
    a = ap.parse_args()

    proto = open(a.out + ".proto", "w")
    out = open(a.out, "wb", buffering=0)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(a.socket)
    srv.listen(1)
    open(a.socket + ".ready", "w").close()
    srv.settimeout(a.timeout)
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        proto.write("no connection\n")
        return 1
    conn.settimeout(a.timeout)
    int_size = array.array("i").itemsize
    # room for more than one fd, so that extra ones would be seen
    data, anc, flags, _ = conn.recvmsg(4096, socket.CMSG_SPACE(8 * int_size))
    problems = []
    if not data:
        problems.append("no name in the message")
    if len(data) >= 4096:
        problems.append("name too long")
    if flags & socket.MSG_CTRUNC:
        problems.append("control data truncated")
    if len(anc) != 1:
        problems.append("%d control messages" % len(anc))
    fds = array.array("i")
    for level, kind, cdata in anc:
        if level != socket.SOL_SOCKET or kind != socket.SCM_RIGHTS:
            problems.append("control message %d/%d is not SCM_RIGHTS" % (level, kind))
            continue
        # the control length is CMSG_LEN(len(cdata)): one int means CMSG_SPACE(sizeof(int)) in all
        if socket.CMSG_SPACE(len(cdata)) != socket.CMSG_SPACE(int_size):
            problems.append("control length for %d bytes, not one fd" % len(cdata))
        fds.frombytes(cdata[: len(cdata) - (len(cdata) % int_size)])
    if len(fds) != 1:
        problems.append("%d fds" % len(fds))
    # exactly one message: the runtime closes its end after it
    conn.settimeout(10)
    try:
        more = conn.recv(4096)
        if more:
            problems.append("more data after the message: %r" % more)
    except socket.timeout:
        problems.append("the runtime kept the connection open")
    master = fds[0] if fds else -1
    for extra in fds[1:]:
        os.close(extra)
    if master >= 0:
        try:
            termios.tcgetattr(master)
        except termios.error as e:
            problems.append("the fd is not a terminal: %s" % e)
    proto.write("ok\n" if not problems else "\n".join(problems) + "\n")
    proto.write("name=%s\n" % data.decode(errors="replace"))
    proto.flush()
    if master < 0:
        return 1

    if a.input:
        os.write(master, a.input.encode().decode("unicode_escape").encode())
    deadline = time.time() + a.timeout
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if not r:
            continue
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: every peer fd is closed
            break
        if not chunk:
            break
        out.write(chunk)
    os.close(master)
    return 0


if __name__ == "__main__":
    sys.exit(main())
