#!/usr/bin/python3
"""The caller's side of --pidfd-socket: listens on the AF_UNIX stream socket
SOCKET (then creates SOCKET.ready), accepts one connection, receives one
message with exactly one fd in SCM_RIGHTS, and writes to OUT the pid that
fd refers to (from /proc/self/fdinfo, which shows "Pid:" for a pidfd only).
Then it waits up to TIMEOUT seconds for the pidfd to become readable (the
process exited) and appends "exited" or "timeout".

usage: pidfd_recv.py SOCKET OUT [TIMEOUT]
"""
import array
import os
import select
import socket
import sys


def main():
    path, out = sys.argv[1], sys.argv[2]
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 30
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    open(path + ".ready", "w").close()
    conn, _ = srv.accept()
    fds = array.array("i")
    msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    if len(fds) != 1:
        open(out, "w").write("fds: %d\n" % len(fds))
        return 1
    fd = fds[0]
    pid = None
    for line in open("/proc/self/fdinfo/%d" % fd):
        if line.startswith("Pid:"):
            pid = line.split()[1]
    with open(out, "w") as f:
        f.write("pid %s\n" % pid)
        f.flush()
        ready, _, _ = select.select([fd], [], [], timeout)
        f.write("exited\n" if ready else "timeout\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
