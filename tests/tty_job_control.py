#!/usr/bin/env python3
# Interactive busybox sh on Orrery's console terminal, driven through a host pty (the host's
# openpty, test side only): echo and line editing, `sleep 10 &; jobs; kill %1`, ^C interrupts
# a foreground sleep, ^Z stops one and `fg` resumes it, window size reaches stty.
#   tests/tty_job_control.py ORRERY_BINARY SOURCE_DIR [extra orrery run flags...]
import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time

orrery, src, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
workdir = tempfile.mkdtemp()
initramfs = os.path.join(workdir, "initramfs.cpio")
subprocess.run(["bash", os.path.join(src, "scripts/make-initramfs"), initramfs,
                os.path.join(src, "harness/demo-root")], check=True, stdout=subprocess.DEVNULL)
failures = []
transcript = []


def read_until(fd, pattern, timeout=20.0):
    """Reads the pty until `pattern` (a regex) matches the text since the last call."""
    buf = b""
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if not r:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        buf += chunk
        # The line editor asks for the cursor position: answer as a terminal would.
        if b"\x1b[6n" in chunk:
            os.write(fd, b"\x1b[1;1R")
        text = buf.decode("latin-1")
        if re.search(pattern, text):
            transcript.append(text)
            return text
    transcript.append(buf.decode("latin-1"))
    return None


def step(fd, name, send, expect, timeout=20.0):
    if send is not None:
        os.write(fd, send)
    got = read_until(fd, expect, timeout)
    print(("ok   " if got is not None else "FAIL ") + name, flush=True)
    if got is None:
        failures.append(name)
    return got


PROMPT = r"orrery:/\S*# "
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "dumb"
    args = [orrery, "run", "--initramfs", initramfs] + extra + ["--", "/bin/sh", "/etc/shell.sh"]
    os.execv(orrery, args)

fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 101, 0, 0))
step(fd, "prompt", None, PROMPT, 60)
step(fd, "echo", b"echo hel\x7flo $((6*7))\r", r"helo 42\r?\r\n")
step(fd, "controlling tty", b"tty; stty size\r", r"/dev/ttyS0\r?\r\n33 101")
step(fd, "background job", b"sleep 10 &\r", PROMPT)
step(fd, "jobs lists it", b"jobs\r", r"\[1\]\+ +Running +sleep 10")
step(fd, "kill %1", b"kill %1; sleep 0.2; jobs\r", r"Terminated +sleep 10")
# ^C: SIGINT kills the foreground sleep; the interactive shell abandons the command line.
step(fd, "foreground sleep", b"sleep 10; echo not-reached\r", r"not-reached\r?\r\n")
time.sleep(0.5)
step(fd, "^C interrupts it", b"\x03", r"\^C\r?\r\n" + PROMPT)
step(fd, "status 130", b"echo st=$?\r", r"st=130")
step(fd, "second sleep", b"sleep 2\r", r"sleep 2\r?\r\n")
time.sleep(0.5)
step(fd, "^Z stops it", b"\x1a", r"Stopped +sleep 2")
step(fd, "jobs shows it stopped", b"jobs\r", r"\[1\]\+ +Stopped +sleep 2")
step(fd, "fg resumes it to the end", b"fg\r", r"fg\r?\r\nsleep 2\r?\r\n" + PROMPT)
step(fd, "it exited normally", b"echo st=$?; jobs\r", r"st=0\r?\r\n" + PROMPT)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
os.kill(pid, 28)  # What the host terminal sends on a resize.
time.sleep(0.5)
step(fd, "SIGWINCH forwarded", b"stty size\r", r"40 120")
step(fd, "exit", b"exit 3\r", r"exit 3")

status = None
deadline = time.time() + 20
while time.time() < deadline:
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
        break
    try:
        os.read(fd, 4096)
    except OSError:
        pass
    time.sleep(0.05)
if status is None:
    os.kill(pid, 9)
    failures.append("orrery did not exit")
elif not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 3:
    failures.append("exit status %r" % status)
else:
    print("ok   exit status 3")

shutil.rmtree(workdir, ignore_errors=True)
if failures:
    print("FAILED: " + ", ".join(failures))
    print("transcript:\n" + "".join(transcript).replace("\r", "\\r"))
    sys.exit(1)
