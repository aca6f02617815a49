"""The child side of the kill -9 trials (``crash_trials.py``): a fork server that imports the program
once, then for each trial forks a child that runs one write path on a prepared copy of a database
and appends an acknowledgement line to ``acks.txt`` after each save the program has acknowledged
(the service call returned). The parent kills the child with SIGKILL at a random moment.

Protocol on stdin/stdout, one JSON object a line: the parent sends
``{"path": ..., "dir": ..., "password": ..., "once": false, "kill_after": seconds or null}``; the
server forks, and kills the child with SIGKILL when ``kill_after`` seconds have passed since the fork
and it is still running (the server kills, not the parent: the child is not reaped yet then, so its
process id cannot have been reused). It answers ``{"killed": bool, "status": N, "elapsed": s}``.

Why a fork server: importing the program takes about 0.7 s, which would make a thousand trials per
path take most of that time in imports; a forked child starts in a few milliseconds with everything
imported. The server holds no database connection and runs no thread, so forking it is safe.
"""

from __future__ import annotations

import dataclasses
import json
import os
import select
import signal
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from rangtang_desktop.services import backups, exchange, visits  # noqa: E402
from rangtang_desktop.services.workspace import open_workspace  # noqa: E402
from rangtang_desktop.storage import keyfile  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n" + b"signature for the crash trials"
FAST_KDF = 2**10  # the keys files of the trials use a cheap scrypt cost, as the encrypted test run does


class Acks:
    """Acknowledgement lines, written straight to the file (``os.write``: nothing waits in a buffer
    of this process, so a line written is a line the parent reads after the kill)."""

    def __init__(self, folder: Path) -> None:
        self.fd = os.open(folder / "acks.txt", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def ack(self, *words: str) -> None:
        os.write(self.fd, (" ".join(words) + "\n").encode())


def _open(folder: Path, name: str, password: str | None):
    return open_workspace(folder / name, password=password)


def visit_save(folder: Path, password: str | None, acks: Acks, once: bool) -> None:
    """Start a visit, save its draft twice as if typed, sign it: ack the signed visit's id."""
    ws = _open(folder, "village.sqlite3", password)
    household = (folder / "household.txt").read_text().strip()
    while True:
        draft = visits.start_visit(ws, household)
        visits.save_draft(ws, dataclasses.replace(draft, notes="家里有人"))
        signature = visits.store_signature(ws, PNG)
        ready = dataclasses.replace(
            draft, notes="家里有人，孩子在上学", visitor_name="扎西", rating="good", visitor_signature=signature,
            guardian_signature=signature, guardian_signer_name="多吉",
        )
        visits.save_draft(ws, ready)
        signed = visits.sign(ws, ready)
        acks.ack("signed", signed.id, signed.content_hash)
        if once:
            return


def do_import(folder: Path, password: str | None, acks: Acks, once: bool) -> None:
    """The township imports the village's bundle (with the backup before the batch): ack once applied."""
    ws = _open(folder, "township.sqlite3", password)
    bundle = next((folder / "stick").glob("*.rtb"))
    results = exchange.import_files(ws, [bundle], write_receipts=False)
    acks.ack("import", results[0].status)


def do_export(folder: Path, password: str | None, acks: Acks, once: bool) -> None:
    """The village exports bundles to the stick, one after another: ack each file written and recorded."""
    ws = _open(folder, "village.sqlite3", password)
    while True:
        result = exchange.export_bundle(ws, folder / "stick", full=True)
        acks.ack("exported", result.path.name, str(result.sequence))
        if once:
            return


def do_backup(folder: Path, password: str | None, acks: Acks, once: bool) -> None:
    """Backups by hand, one after another (with the rotation): ack each new backup's file name."""
    ws = _open(folder, "village.sqlite3", password)
    while True:
        snapshot = backups.take(ws, "manual")
        acks.ack("backup", snapshot.path.name)
        if once:
            return


def do_migration(folder: Path, password: str | None, acks: Acks, once: bool) -> None:
    """Open an old-schema database (which backs it up and migrates it): ack once it is open."""
    ws = _open(folder, "old.sqlite3", password)
    acks.ack("migrated", str(ws.db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]))


PATHS = {"visit-save": visit_save, "import": do_import, "export": do_export, "backup": do_backup, "migration": do_migration}


def run_child(command: dict) -> None:
    """In the forked child: run the write path, then leave without Python's clean-up."""
    status = 0
    try:
        keyfile.wrap_for_password.__kwdefaults__["n"] = FAST_KDF
        folder = Path(command["dir"])
        PATHS[command["path"]](folder, command.get("password"), Acks(folder), bool(command.get("once")))
    except BaseException:  # noqa: BLE001 - the parent reads the traceback in error.txt
        (Path(command["dir"]) / "error.txt").write_text(traceback.format_exc())
        status = 3
    os._exit(status)


def _wait(pid: int, timeout: float | None) -> bool:
    """Wait until the child ends or ``timeout`` passes; True when it ended (it is not reaped)."""
    if timeout is None:
        return True
    if hasattr(os, "pidfd_open"):
        fd = os.pidfd_open(pid)
        try:
            return bool(select.select([fd], [], [], max(timeout, 0))[0])
        finally:
            os.close(fd)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:  # pragma: no cover - systems without pidfd
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
            return True
        time.sleep(0.0005)
    return False


def serve() -> None:
    for line in sys.stdin:
        command = json.loads(line)
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:
            sys.stdin.close()
            run_child(command)
        ended = _wait(pid, command.get("kill_after"))
        killed = False
        if not ended:
            os.kill(pid, signal.SIGKILL)
            killed = True
        _, status = os.waitpid(pid, 0)
        elapsed = time.monotonic() - started
        print(json.dumps({"killed": killed, "status": status, "elapsed": elapsed}), flush=True)


if __name__ == "__main__":
    serve()
