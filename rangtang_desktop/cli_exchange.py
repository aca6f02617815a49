"""The exchange commands of ``rangtang-desktop`` (DESIGN §7): ``enroll``, ``export``, ``import`` and
``verify``. Thin over ``services.enrollment`` and ``services.exchange``, like the rest of ``cli.py``;
errors reach ``cli.main``, which prints them as two-part messages."""

from __future__ import annotations

import sys
from pathlib import Path

from .core.errors import InvalidArgument
from .i18n import N_, _, render

CARD_LABELS = (
    ("node_id", N_("Node")),
    ("role", N_("Role")),
    ("unit_code", N_("Unit code")),
    ("display_name", N_("Name")),
    ("signing_fingerprint", N_("Signing key fingerprint")),
    ("encryption_fingerprint", N_("Encryption key fingerprint")),
)
STATUS_LABELS = {
    "new": N_("new, not imported yet"),
    "applied": N_("imported"),
    "already_applied": N_("already imported before: nothing to do"),
    "fork": N_("held back: another bundle with the same number was imported before"),
    "rejected": N_("refused"),
}


def _print_json(value) -> None:
    from .cli import _print_json as print_json

    print_json(value)


def _print_card(card) -> None:
    values = card.as_json()
    for key, label in CARD_LABELS:
        print(f"  {_(label)}: {values[key]}")


def _folder(args) -> Path:
    if args.to is None:
        raise InvalidArgument(option="--to", value="")
    return args.to


def cmd_enroll(args) -> int:
    from .services import enrollment
    from .services.workspace import open_workspace

    with open_workspace(args.db, password=args.password) as ws:
        if args.request:
            path, card = enrollment.write_request(ws, _folder(args), display_name=args.name)
            value, headline = {"file": str(path), "node": card.as_json()}, _("Enrollment request written to {path}.")
        elif args.accept is not None:
            path, card = enrollment.accept_request(ws, args.accept, _folder(args))
            value = {"file": str(path), "node": card.as_json(), "township": enrollment.my_card(ws).as_json()}
            headline = _("The village computer below is enrolled; the response was written to {path}.")
        elif args.complete is not None:
            enrollment.complete(ws, args.complete)
            card, path = enrollment.township(ws), args.complete
            value = {"file": str(path), "township": card.as_json() if card else None}
            headline = _("Enrollment completed: this computer now exchanges bundles with the township below ({path}).")
        elif args.show is not None:
            path = args.show
            try:
                card, kind = enrollment.read_request(ws, path), "enrollment-request"
            except enrollment.ResponseNotRequest:
                card, kind = enrollment.read_response(ws, path), "enrollment-response"
            value, headline = {"file": str(path), "kind": kind, "node": card.as_json()}, _("The computer named in {path}:")
        elif args.list:
            found = enrollment.enrolled_nodes(ws)
            if args.json:
                _print_json([n.as_json() for n in found])
                return 0
            for node in found:
                state = _("revoked on {day}").format(day=node.revoked_at[:10]) if node.revoked_at else _("enrolled")
                print(f"{node.card.unit_code}\t{node.card.display_name}\t{node.card.node_id}\t{state}\t{node.last_received_at[:16]}")
            print(_("{count} enrolled computers.").format(count=len(found)))
            return 0
        else:
            enrollment.revoke(ws, args.revoke, args.reason)
            value, headline = {"node_id": args.revoke, "revoked": True}, _("The enrollment of {node} is revoked.")
            path = args.revoke
    if args.json:
        _print_json(value)
        return 0
    print(headline.format(path=path, node=path))
    if "node" in value and isinstance(value["node"], dict):
        _print_card(card)
    elif value.get("township"):
        _print_card(card)
    if args.request or args.accept is not None or args.show is not None:
        print(_("Compare these fingerprints with the ones shown on the other computer before going on."))
    return 0


def cmd_export(args) -> int:
    from .services import exchange
    from .services.workspace import open_workspace

    with open_workspace(args.db, password=args.password) as ws:
        if args.all_villages:
            results = exchange.export_returns(ws, args.to, full=args.full)
        else:
            results = [exchange.export_bundle(ws, args.to, full=args.full, recipient=args.to_node)]
    if args.json:
        _print_json(results[0].as_json() if not args.all_villages else {"bundles": [r.as_json() for r in results]})
        return 0
    for result in results:
        print(
            _("Bundle {sequence} written to {path}: {changes} changes, {visits} visits, {bytes} bytes.").format(
                sequence=result.sequence, path=result.path, changes=result.changes, visits=result.visits, bytes=result.bytes
            )
        )
    return 0


def cmd_import(args) -> int:
    from .services import exchange
    from .services.workspace import open_workspace

    with open_workspace(args.db, password=args.password) as ws:
        if args.dry_run:
            results = exchange.preview_files(ws, args.bundles)
        else:
            results = exchange.import_files(ws, args.bundles, write_receipts=not args.no_receipt)
    refused = [r for r in results if r.status == "rejected"]
    if args.json:
        _print_json({"bundles": [r.as_json() for r in results]})
    else:
        for result in results:
            print(f"{result.path}: {_(STATUS_LABELS.get(result.status, result.status))}")
            if result.status in ("new", "applied") and result.kind != "receipt":
                print(
                    "  " + _(
                        "{new} new records, {changed} changed, {conflicts} conflicts, {duplicates} possible duplicates, "
                        "{visits} visits, {held} changes held back (stamped in the future)"
                    ).format(
                        new=result.new, changed=result.changed, conflicts=result.conflicts,
                        duplicates=result.possible_duplicates, visits=result.visits, held=result.held_future,
                    )
                )
            if result.gaps:
                print("  " + _("Bundles never received from that computer: {numbers}").format(
                    numbers=", ".join(str(g) for g in result.gaps)
                ))
            if getattr(result, "receipt_path", None):
                print("  " + _("Receipt written to {path}.").format(path=result.receipt_path))
            for warning in getattr(result, "audit_warnings", None) or ():  # the data was imported all the same
                print("  " + _(
                    "Warning: that computer's audit log is broken or was rewound from entry {seq} on; check it with "
                    "the audit command (--verify)."
                ).format(seq=warning.seq))
    for result in refused:
        if getattr(result, "error", None) is not None:
            sys.stderr.write(render(result.error.headline_message()) + "\n" + render(result.error.advice_message()) + "\n")
    return 2 if refused else 0


def cmd_verify(args) -> int:
    from .exchange.bundle import BundleRejected
    from .services.exchange import verify_bundle

    ws = None
    if args.db is not None:
        from .services.workspace import open_workspace

        ws = open_workspace(args.db, password=args.password)
    try:
        try:
            report = verify_bundle(args.bundle, ws)
        except BundleRejected as refused:
            if args.json:
                _print_json({"file": str(args.bundle), "ok": False, "reason": refused.reason, "detail": refused.detail})
            raise
    finally:
        if ws is not None:
            ws.close()
    if args.json:
        _print_json(report)
        return 0
    print(_("{path} is intact and correctly signed.").format(path=args.bundle))
    print("  " + _("Kind: {kind}; number {sequence}; made {created}").format(
        kind=report["kind"], sequence=report["sequence"], created=report["created"]
    ))
    for key, label in CARD_LABELS:
        if report["sender"].get(key):
            print(f"  {_(label)}: {report['sender'][key]}")
    if report.get("enrolled") is not None:
        print("  " + _("The sender is enrolled here and the bundle is addressed to this computer."))
    return 0
