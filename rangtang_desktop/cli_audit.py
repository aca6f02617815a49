"""The ``audit`` command of ``rangtang-desktop``: the audit log newest first, or (``--verify``) the
check of each computer's record sequence, thin over ``services.audit``. A broken sequence exits with
status 2 and a two-part message (``cli.main`` prints it); ``--json`` prints the result first."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime

from .core.dates import LOCAL_ZONE
from .i18n import _, render
from .i18n.formatting import format_datetime


def add_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    audit = command(
        "audit",
        _("show the audit log (who viewed, changed, printed, exported or imported what, and when), or check its record sequence"),
        cmd_audit,
    )
    audit.add_argument("--verify", action="store_true", help=_("check the record sequence of every computer's audit log"))
    audit.add_argument("--node", default=None, metavar="ID", help=_("only this computer's entries (its node ID)"))
    audit.add_argument("--limit", type=int, default=100, metavar="N", help=_("show at most N entries, newest first (0: all)"))
    audit.add_argument("--json", action="store_true", help=_("print the result as JSON"))


def _when(text: str) -> str:
    """A stored UTC instant as the local date and time (the text itself if it is not one)."""
    try:
        return format_datetime(datetime.fromisoformat(text).astimezone(LOCAL_ZONE))
    except ValueError:
        return text


def _print_json(value) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def cmd_audit(args) -> int:
    from .services import audit
    from .services.workspace import open_workspace

    with open_workspace(args.db, password=getattr(args, "password", None)) as ws:
        if args.verify:
            results = audit.verify(ws, args.node)
            failure = audit.broken(results)
            if args.json:
                _print_json({"ok": failure is None, "nodes": [r.as_json() for r in results]})
            else:
                for result in results:
                    print(render(result.message()))
                    for warning in result.warnings:
                        print(f"  {_when(warning.found_at)}  {render(audit.warning_message(result, warning))}")
            if failure is not None:
                raise failure
            return 0
        rows = audit.entries(ws, node_id=args.node, limit=args.limit if args.limit > 0 else None)
    if args.json:
        _print_json([audit.entry_json(row) for row in rows])
        return 0
    for row in rows:
        action = _(row["action_label"]) if row["action_label"] else row["action"]
        record = " ".join(p for p in (_(row["record_label"]) if row["record_label"] else "", row["household_number"]) if p)
        print("\t".join((
            _when(row["at"]), row["user"] or row["user_id"][:8], action, record, row["entity_id"], row["computer"],
        )))
    return 0
