"""A legday command run as a server in a child process, for the tests that start one."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["free_port", "serving"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(argv: list[str], env: dict[str, str], probe: str) -> Iterator[subprocess.Popen[str]]:
    """``legday ARGV`` in a child process with ``env``, once ``probe`` (a URL) answers; stopped
    with SIGTERM at the end (what it printed is then in ``proc.printed``)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "legday", *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(probe, timeout=10):
                    break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, f"legday {argv} did not answer in 60 s"
                time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
        proc.printed = out + err  # type: ignore[attr-defined]
