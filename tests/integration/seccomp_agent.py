#!/usr/bin/python3
"""A minimal seccomp agent for the seccomp.bats notify tests.

Usage: seccomp_agent.py SOCKET OUTDIR

Listens on the AF_UNIX stream socket SOCKET. For each connection (the
runtime makes one per process whose filter has SCMP_ACT_NOTIFY), it reads
until the runtime closes it, collecting every SCM_RIGHTS fd, and writes
OUTDIR/conn.N.json (N from 1) with what it got:

  {"data": "<the bytes, as text>", "fds": <number of fds received>,
   "fd_msgs": <number of recvmsg calls that carried fds>,
   "fd_links": ["<readlink of each fd>", ...], "eof": true|false}

then closes the fds: with no listener left, the kernel answers the
notified syscalls with ENOSYS. OUTDIR/ready appears once it listens.
It runs until killed.
"""
import array
import json
import os
import socket
import sys

sock_path, outdir = sys.argv[1], sys.argv[2]

srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sock_path)
srv.listen(8)
open(os.path.join(outdir, "ready"), "w").close()

n = 0
while True:
    conn, _ = srv.accept()
    n += 1
    conn.settimeout(10)
    data = b""
    fds = []
    fd_msgs = 0
    eof = False
    try:
        while True:
            fdsize = array.array("i").itemsize
            msg, anc, _flags, _addr = conn.recvmsg(65536, socket.CMSG_SPACE(16 * fdsize))
            got = []
            for level, kind, payload in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    a = array.array("i")
                    a.frombytes(payload[: len(payload) - len(payload) % fdsize])
                    got.extend(a)
            if got:
                fd_msgs += 1
                fds.extend(got)
            if not msg and not got:
                eof = True
                break
            data += msg
    except socket.timeout:
        pass
    links = []
    for fd in fds:
        try:
            links.append(os.readlink("/proc/self/fd/%d" % fd))
        except OSError as e:
            links.append("error: %s" % e)
    result = {"data": data.decode("utf-8", "replace"), "fds": len(fds), "fd_msgs": fd_msgs,
              "fd_links": links, "eof": eof}
    tmp = os.path.join(outdir, ".conn.%d.json" % n)
    with open(tmp, "w") as f:
        json.dump(result, f)
    # the fds go before the result is visible: a test that sees conn.N.json
    # knows the listener is closed here
    for fd in fds:
        os.close(fd)
    conn.close()
    os.rename(tmp, os.path.join(outdir, "conn.%d.json" % n))
