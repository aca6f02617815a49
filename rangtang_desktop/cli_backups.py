"""The backup commands of ``rangtang-desktop`` (DESIGN §7): ``backup``, ``backups`` and ``restore``,
thin over ``services.backups`` and ``services.restore``. Errors reach ``cli.main``, which prints
their two-part message."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from .core.dates import LOCAL_ZONE
from .i18n import _
from .i18n.formatting import format_datetime, format_number


def add_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    backup = command("backup", _("back up the database now, and copy the backup to a USB stick or folder"), cmd_backup)
    backup.add_argument("--to", type=Path, metavar="DIR", help=_("the folder (USB stick) to copy the backup to"))
    backup.add_argument("--json", action="store_true", help=_("print the result as JSON"))

    listing = command("backups", _("list the backups kept beside the database"), cmd_backups)
    listing.add_argument("--json", action="store_true", help=_("print the result as JSON"))

    restore = command(
        "restore", _("replace the database with a backup, after checking it (the current database is kept as a backup)"),
        cmd_restore,
    )
    restore.add_argument("snapshot", type=Path, metavar="SNAPSHOT", help=_("the backup file (.sqlite3)"))
    restore.add_argument("--json", action="store_true", help=_("print the result as JSON"))


def _print_json(value) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _when(moment: datetime) -> str:
    return format_datetime(moment.astimezone(LOCAL_ZONE))


def _megabytes(size: int) -> str:
    return format_number(round(size / 1024**2, 1))


def cmd_backup(args) -> int:
    from .services.backups import back_up_to
    from .services.workspace import open_workspace

    with open_workspace(args.db, password=getattr(args, "password", None)) as ws:
        result = back_up_to(ws, args.to)
    if args.json:
        _print_json(result.as_json())
        return 0
    print(_("Backup saved as {path} ({size} MB).").format(path=result.snapshot.path, size=_megabytes(result.snapshot.size)))
    if result.copy is not None:
        print(_("Copied to {path}.").format(path=result.copy))
    return 0


def cmd_backups(args) -> int:
    from .services.backups import list_backups, reason_label, snapshot_json
    from .storage.database import DatabaseMissing

    if not args.db.exists():
        raise DatabaseMissing(path=str(args.db))
    found = list_backups(args.db)
    if args.json:
        _print_json([snapshot_json(s) for s in found])
        return 0
    for snapshot in found:
        print(f"{_when(snapshot.created)}\t{_(reason_label(snapshot.reason))}\t{_megabytes(snapshot.size)} MB\t{snapshot.path}")
    print(_("{count} backups.").format(count=format_number(len(found))))
    return 0


def cmd_restore(args) -> int:
    from .services.restore import record_restore, restore
    from .services.unlock import key_for
    from .services.workspace import open_workspace
    from .storage import keyfile

    password = getattr(args, "password", None)
    key = None
    if args.db.exists() and keyfile.path_for(args.db).exists():  # an encrypted database
        key = key_for(args.db, password)
    elif not args.db.exists() and keyfile.path_for(args.snapshot).exists():  # a replacement computer
        key = key_for(args.snapshot, password)
    result = restore(args.db, args.snapshot, key=key)
    with open_workspace(args.db, key=key) as ws:  # brings an older backup's schema up to date
        record_restore(ws, result)
    if args.json:
        _print_json(result.as_json())
        return 0
    print(_("The backup {file} was restored.").format(file=result.restored_from.name))
    if result.damaged:
        print(_("The damaged database was kept as {path}.").format(path=result.kept))
    elif result.kept is not None:
        print(_("The database as it was before is kept as the backup {path}.").format(path=result.kept))
    return 0
