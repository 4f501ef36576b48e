"""The writer lock of a results folder: one sweep at a time, across hosts and containers.

``DIR/.lock`` is created atomically (``O_CREAT | O_EXCL``, which holds on local file systems and
NFSv3+) and holds JSON: the holder's host, pid, start time, a random token and when it last renewed
its lease. A thread of the holder renews the lease every `RENEW_SECONDS`; a lock whose lease was not
renewed for `LEASE_SECONDS` is stale (its holder died, whatever host or container it ran in), and
so is one whose holder ran on this host and whose process is gone. A stale lock is taken over
(one taker at a time, through ``DIR/.lock.break``); a live one is refused with who holds it.
A holder that finds its lock taken over stops writing (`FolderLock.lost`).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

LEASE_SECONDS = 120.0
"""A lock not renewed for this long (s) is stale. Generous, so that a loaded machine or a shared
volume's clock skew does not break a live sweep's lock."""
RENEW_SECONDS = 15.0
"""How often (s) the holder renews its lease."""


class LockHeld(OSError):
    """Another live sweep holds the folder (or the lock could not be taken)."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read(path: Path) -> dict[str, Any] | None:
    """The lock's content; a bare pid (the format before leases) reads as {"pid": pid}."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if text.isdigit():
        return {"pid": int(text), "host": None, "renewed": None}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class FolderLock:
    """The lock of one folder, for one writer.

    Args:
        folder: The results folder (must exist when `acquire` is called).
        lease: Seconds without renewal after which a lock is stale.
        renew: Seconds between renewals.
    """

    def __init__(self, folder: Path, lease: float = LEASE_SECONDS,
                 renew: float = RENEW_SECONDS) -> None:
        self.path = Path(folder) / ".lock"
        self.lease, self.renew = lease, renew
        self.me = {"host": socket.gethostname(), "pid": os.getpid(),
                   "started": datetime.now(UTC).isoformat(timespec="seconds"),
                   "token": uuid.uuid4().hex, "renewed": time.time(), "lease_seconds": lease}
        self.lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _mine(self, holder: dict[str, Any] | None) -> bool:
        if not holder:
            return False
        if holder.get("token") == self.me["token"]:
            return True  # this process's (also a bare pid, the format before leases)
        return holder.get("host") in (None, self.me["host"]) and holder.get("pid") == os.getpid()

    def stale(self, holder: dict[str, Any] | None) -> str | None:
        """Why the holder's lock is stale, or None while it is live."""
        age = time.time() - self._mtime()
        if not holder:  # empty or unreadable: being written, or its writer died mid-write
            return f"unreadable for {age:.0f} s" if age > self.lease else None
        host, pid = holder.get("host"), holder.get("pid")
        if host in (None, self.me["host"]) and isinstance(pid, int) and not _alive(pid):
            return f"its process {pid} is gone"
        renewed = holder.get("renewed")
        if isinstance(renewed, int | float) and time.time() - renewed > self.lease:
            return f"not renewed for {time.time() - renewed:.0f} s"
        return None

    def _mtime(self) -> float:
        try:
            return self.path.stat().st_mtime
        except OSError:
            return time.time()

    def describe(self, holder: dict[str, Any] | None) -> str:
        """Who holds the lock, in words."""
        if not holder:
            return "a sweep whose lock file is unreadable"
        renewed = holder.get("renewed")
        age = f", lease renewed {time.time() - renewed:.0f} s ago" \
            if isinstance(renewed, int | float) else ""
        return (f"pid {holder.get('pid')} on host {holder.get('host') or 'this one'}"
                f"{', started ' + holder['started'] if holder.get('started') else ''}{age}")

    def acquire(self) -> None:
        """Take the lock (or keep it, when ours); start renewing it.

        Raises:
            LockHeld: a live sweep holds it.
        """
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = _read(self.path)
                if holder is None and not self.path.exists():
                    continue  # released between our create and our read: try again
                if self._mine(holder):
                    self._write()
                    break
                if self.stale(holder) is None:
                    raise LockHeld(
                        f"{self.path.parent}: another sweep ({self.describe(holder)}) is writing "
                        f"here; wait for it or choose another --out (if it is dead, its lock "
                        f"expires {self.lease:.0f} s after its last renewal, or delete "
                        f"{self.path})") from None
                self._break(holder)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(self.me))
            break
        else:
            raise LockHeld(f"{self.path.parent}: could not take the lock {self.path} "
                           "(another sweep is taking it over); try again")
        if self._thread is None:
            self._thread = threading.Thread(target=self._renew_loop, daemon=True,
                                            name="jiebang-lock-lease")
            self._thread.start()

    def _break(self, holder: dict[str, Any] | None) -> None:
        """Remove a stale lock, one taker at a time (``.lock.break`` is their own lock)."""
        guard = self.path.with_name(".lock.break")
        try:
            fd = os.open(guard, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            if time.time() - guard.stat().st_mtime > self.lease:
                guard.unlink(missing_ok=True)  # a taker that died
            return
        os.close(fd)
        try:
            if _read(self.path) == holder:
                self.path.unlink(missing_ok=True)
        finally:
            guard.unlink(missing_ok=True)

    def _write(self) -> None:
        self.me["renewed"] = time.time()
        tmp = self.path.with_name(f".lock.{self.me['token']}.tmp")
        tmp.write_text(json.dumps(self.me), encoding="utf-8")
        os.replace(tmp, self.path)

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.renew):
            if not self._mine(_read(self.path)):
                self.lost = True
                return
            try:
                self._write()
            except OSError:
                pass  # the next renewal tries again; the lease is generous

    def release(self) -> None:
        """Stop renewing and remove the lock if it is still ours."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._mine(_read(self.path)):
            self.path.unlink(missing_ok=True)
