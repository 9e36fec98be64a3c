"""The caller's end of sd_notify: a datagram socket at argv[1] whose every
message goes to argv[2] (one line per message, newlines as "|"), and whose
BARRIER=1 fds are closed at once, as systemd does. Stops after argv[3]
messages."""
import array
import os
import socket
import sys

path, log, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
open(path + ".ready", "w").close()
for _ in range(count):
    data, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(16))
    for level, kind, payload in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
            for fd in fds:
                os.close(fd)
    with open(log, "a") as f:
        f.write(data.decode(errors="replace").replace("\n", "|") + "\n")
