#!/usr/bin/python3
"""pty_run.py ROWS COLS CMD [ARG...]: run CMD as a session leader on a new
pseudo-terminal of ROWS x COLS (its stdin, stdout, stderr and controlling
tty), copy what it writes to our stdout, and exit with its status (128+N when
killed by signal N). Nothing is typed into it; the master stays open until
the command ends, so clients never see an early EOF or hang-up. Used to give
podman and ctr a real terminal for their -t cases."""

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios


def main():
    if len(sys.argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    rows, cols = int(sys.argv[1]), int(sys.argv[2])
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        if slave > 2:
            os.close(slave)
        try:
            os.execvp(sys.argv[3], sys.argv[3:])
        except OSError as e:
            os.write(2, f"pty_run: {sys.argv[3]}: {e}\n".encode())
            os._exit(127)
    os.close(slave)

    # The command leads a session of its own, so a signal to our process group
    # (timeout(1) on a step) would miss it: pass the end on to its group.
    def stop(signum, _frame):
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    out = sys.stdout.buffer
    status = None
    while True:
        if status is None:
            wpid, st = os.waitpid(pid, os.WNOHANG)
            if wpid == pid:
                status = st
        try:
            r, _, _ = select.select([master], [], [], 0.05)
        except InterruptedError:
            continue
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every slave fd is closed
                data = b""
            if data:
                out.write(data)
                out.flush()
                continue
            if status is None:
                _, status = os.waitpid(pid, 0)
            break
        if status is not None:
            # the child is gone and nothing is pending: a grandchild may still
            # hold the slave open; stop reading after a short drain
            r, _, _ = select.select([master], [], [], 0.2)
            if not r:
                break
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return 128 + os.WTERMSIG(status)


if __name__ == "__main__":
    sys.exit(main())
