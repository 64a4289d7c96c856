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


def boot():
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "dumb"
        args = [orrery, "run", "--initramfs", initramfs] + extra + ["--", "/bin/sh",
                                                                    "/etc/shell.sh"]
        os.execv(orrery, args)
    return pid, fd


def wait_exit(pid, fd, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            return st
        try:
            os.read(fd, 4096)
        except OSError:
            pass
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return None


def check_terminal(fd, name, raw):
    """TCGETS on the pty master reports the slave's (orrery's stdin) settings."""
    lflag = termios.tcgetattr(fd)[3]
    is_raw = not (lflag & (termios.ICANON | termios.ECHO | termios.ISIG))
    ok = is_raw == raw and (raw or (lflag & termios.ICANON and lflag & termios.ECHO))
    print(("ok   " if ok else "FAIL ") + name, flush=True)
    if not ok:
        failures.append(name)


pid, fd = boot()

fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 101, 0, 0))
step(fd, "prompt", None, PROMPT, 60)
check_terminal(fd, "host terminal in raw mode while running", True)
step(fd, "echo", b"echo hel\x7flo $((6*7))\r", r"helo 42\r?\r\n")
step(fd, "controlling tty", b"tty; stty size\r", r"/dev/ttyS0\r?\r\n33 101")
step(fd, "background job", b"sleep 10 &\r", PROMPT)
step(fd, "jobs lists it", b"jobs\r", r"\[1\]\+ +Running +sleep 10")
step(fd, "kill %1", b"kill %1; sleep 0.2; jobs\r", r"Terminated +sleep 10")
# ^C: SIGINT kills the foreground sleep; the interactive shell abandons the command line.
step(fd, "foreground sleep", b"sleep 10; echo not-reached\r", r"not-reached\r?\r\n")
time.sleep(1.5)  # Let the shell fork sleep and hand it the terminal (slow sanitizer builds).
step(fd, "^C interrupts it", b"\x03", r"\^C\r?\r\n" + PROMPT)
step(fd, "status 130", b"echo st=$?\r", r"st=130")
step(fd, "second sleep", b"sleep 4\r", r"sleep 4\r?\r\n")
time.sleep(1.5)
step(fd, "^Z stops it", b"\x1a", r"Stopped +sleep 4")
step(fd, "jobs shows it stopped", b"jobs\r", r"\[1\]\+ +Stopped +sleep 4")
step(fd, "fg resumes it to the end", b"fg\r", r"fg\r?\r\nsleep 4\r?\r\n" + PROMPT)
step(fd, "it exited normally", b"echo st=$?; jobs\r", r"st=0\r?\r\n" + PROMPT)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
os.kill(pid, 28)  # What the host terminal sends on a resize.
time.sleep(0.5)
step(fd, "SIGWINCH forwarded", b"stty size\r", r"40 120")
step(fd, "exit", b"exit 3\r", r"exit 3")

status = wait_exit(pid, fd)
if status is None:
    failures.append("orrery did not exit")
elif not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 3:
    failures.append("exit status %r" % status)
else:
    print("ok   exit status 3")
check_terminal(fd, "host terminal restored after exit", False)
os.close(fd)

# Killed from outside: the terminal is restored on the way out too.
pid, fd = boot()
step(fd, "prompt again", None, PROMPT, 60)
os.kill(pid, 15)
status = wait_exit(pid, fd)
if status is None or not os.WIFSIGNALED(status) or os.WTERMSIG(status) != 15:
    failures.append("SIGTERM status %r" % status)
check_terminal(fd, "host terminal restored after SIGTERM", False)
os.close(fd)

shutil.rmtree(workdir, ignore_errors=True)
if failures:
    print("FAILED: " + ", ".join(failures))
    print("transcript:\n" + "".join(transcript).replace("\r", "\\r"))
    sys.exit(1)
