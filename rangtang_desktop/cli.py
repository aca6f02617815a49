"""The ``rangtang-desktop`` command: the GUI by default, and the headless commands of DESIGN §7.

Thin over ``services``: each command parses its arguments, calls services, and prints. Errors are
turned into two-part messages in the chosen language (``--lang zh|bo``) at one boundary, ``main``;
unexpected ones are logged with their traceback to the log file and reported without it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

from . import __version__
from .core.errors import FileExists, InvalidArgument, RangtangError
from .core.flags import FLAG_STATUS
from .i18n import LANGUAGES, N_, _, render, set_language
from .logs import log_file, setup_logging
from .reports.linebreak import break_lines

log = logging.getLogger(__name__)

# argparse's own sentences, translated through our catalogs (argparse looks ``_`` up at call time).
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("expected one argument"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("%(prog)s: error: %(message)s\n"),
)


def _columns(ch: str) -> int:
    """How many terminal columns a character takes: two for ideographs and full-width forms, none
    for combining marks (Tibetan subjoined letters and vowel signs), one for the rest."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help, wrapped where Chinese and Tibetan may break (``reports.linebreak``: after a
    tsheg or shad, between ideographs) instead of argparse's spaces-only wrapping, which cut Tibetan
    syllables in two and left a tsheg at the start of the next line."""

    def _split_lines(self, text: str, width: int) -> list[str]:  # noqa: D102 - argparse override
        text = " ".join(text.split())
        lines = break_lines(text, [_columns(ch) for ch in text], max(width, 10))
        return [text[line.start:line.visible_end] for line in lines]

    def _fill_text(self, text: str, width: int, indent: str) -> str:  # noqa: D102 - argparse override
        return "\n".join(indent + line for line in self._split_lines(text, width))


class Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # noqa: D102 - argparse override
        sys.stderr.write(
            _("The command is not complete or not right: {detail}").format(detail=message) + "\n"
            + _("Run the command with --help to see the values it accepts.") + "\n"
        )
        raise SystemExit(2)


def _chosen_language(argv: list[str]) -> str:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang", choices=sorted(LANGUAGES), default=None)
    known, _rest = pre.parse_known_args(argv)
    if known.lang:
        return known.lang
    from .settings import load_language

    return load_language()


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="rangtang-desktop", description=_("Rangtang Desktop: the register of households with minors."))
    parser.add_argument("--version", action="version", version=__version__, help=_("show program's version number and exit"))
    parser.add_argument("--lang", choices=sorted(LANGUAGES), help=_("language of messages: zh or bo"))
    parser.add_argument("--db", type=Path, help=_("the database file"))
    parser.add_argument(
        "--selftest", action="store_true",
        help=_("check that this installation works (a temporary database, the window drawn offscreen, a visit sheet) and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def command(name: str, help_text: str, handler: Callable, *, db_required: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--lang", choices=sorted(LANGUAGES), help=_("language of messages: zh or bo"))
        p.add_argument("--db", type=Path, required=db_required, help=_("the database file"))
        p.add_argument(
            "--password-file", type=Path, metavar="FILE",
            help=_("a file whose first line is the database's password (or set RANGTANG_PASSWORD)"),
        )
        p.set_defaults(handler=handler)
        return p

    demo = command("demo", _("build a realistic demonstration database"), cmd_demo)
    demo.add_argument("--scale", choices=("village", "township", "county"), default="village", help=_("how much data"))
    demo.add_argument("--seed", type=int, default=1, help=_("the same seed gives the same data"))
    demo.add_argument("--role", choices=("village", "township"), default=None, help=_("the role of this computer"))
    demo.add_argument(
        "--enroll-at", type=Path, metavar="TOWNSHIP_DB",
        help=_("make a village of that township's demo database and enroll it there (to try the USB exchange)"),
    )
    demo.add_argument(
        "--unencrypted", action="store_true",
        help=_("do not encrypt the demo database (by default it is encrypted with the password demo)"),
    )
    demo.add_argument("--json", action="store_true", help=_("print the result as JSON"))

    compliance = command("compliance", _("visits of households with minors in a month: met, at risk, missed, due"), cmd_compliance)
    compliance.add_argument("--month", required=True, metavar="YYYY-MM", help=_("the month, as YYYY-MM"))
    compliance.add_argument("--village", default="", metavar="CODE", help=_("a village or township code"))
    compliance.add_argument("--json", action="store_true", help=_("print the result as JSON"))

    flags = command("flags", _("list guardianship flags by severity and age, with their explanations"), cmd_flags)
    flags.add_argument("--status", choices=FLAG_STATUS.codes, default=None, help=_("only flags with this status"))
    flags.add_argument("--evaluate", action="store_true", help=_("evaluate every rule for every child first"))
    flags.add_argument("--include-cleared", action="store_true", help=_("also list flags whose condition no longer holds"))
    flags.add_argument("--json", action="store_true", help=_("print the result as JSON"))

    sheet = command("sheet", _("print the visit sheet of a visit (or of an unsigned draft) to a PDF file"), cmd_sheet)
    sheet.add_argument("--visit", required=True, metavar="ID", help=_("the visit's ID"))
    sheet.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help=_("the PDF file to write"))
    _doc_lang(sheet)

    visit_log = command("visit-log", _("print the monthly visit log of a village, a village group or a visitor to a PDF file"), cmd_visit_log)
    visit_log.add_argument("--month", required=True, metavar="YYYY-MM", help=_("the month, as YYYY-MM"))
    visit_log.add_argument("--village", default="", metavar="CODE", help=_("a village or township code"))
    visit_log.add_argument("--group", default="", metavar="CODE", help=_("a village group code"))
    visit_log.add_argument("--worker", default="", metavar="ID", help=_("only the households this visitor visits (their user ID)"))
    visit_log.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help=_("the PDF file to write"))
    _doc_lang(visit_log)

    upload = command(
        "upload-package",
        _("write the upload package of a month: the registers as spreadsheets and the signed visit sheets, with a signed manifest"),
        cmd_upload_package,
    )
    upload.add_argument("--month", required=True, metavar="YYYY-MM", help=_("the month, as YYYY-MM"))
    upload.add_argument("--village", default="", metavar="CODE", help=_("a village or township code"))
    upload.add_argument("--out", required=True, type=Path, metavar="FILE.zip", help=_("the .zip file to write"))
    _doc_lang(upload)
    upload.add_argument("--json", action="store_true", help=_("print the result as JSON"))

    node = command("node", _("show this computer's node: id, role, unit and key fingerprints"), cmd_node)
    node.add_argument("--json", action="store_true", help=_("print the result as JSON"))

    _exchange_commands(command)
    _encryption_commands(command)
    from . import cli_backups  # backup, backups, restore

    cli_backups.add_commands(command)
    from . import cli_audit  # audit

    cli_audit.add_commands(command)

    quality = command("quality", _("list data problems: bad ID numbers, possible duplicates, children without a guardian"), cmd_quality)
    quality.add_argument("--json", action="store_true", help=_("print the result as JSON"))

    units = command("units", _("list townships and villages, or load the county's village list"), cmd_units)
    units.add_argument("--load", type=Path, help=_("a CSV file of units to load"))
    units.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    return parser


def _exchange_commands(command: Callable) -> None:
    """enroll, export, import and verify (DESIGN §7; ``cli_exchange``)."""
    from . import cli_exchange

    enroll = command("enroll", _("enroll a village computer at its township by USB stick, both ways"), cli_exchange.cmd_enroll)
    step = enroll.add_mutually_exclusive_group(required=True)
    step.add_argument("--request", action="store_true", help=_("village: write an enrollment request"))
    step.add_argument("--accept", type=Path, metavar="REQUEST", help=_("township: enroll the village that wrote this request and write the response"))
    step.add_argument("--complete", type=Path, metavar="RESPONSE", help=_("village: store the township's keys from its response"))
    step.add_argument("--show", type=Path, metavar="FILE", help=_("show the computer named in an enrollment request or response, to compare fingerprints"))
    step.add_argument("--list", action="store_true", help=_("township: list the enrolled village computers"))
    step.add_argument("--revoke", metavar="NODE", help=_("township: revoke the enrollment of a computer (needs --reason)"))
    enroll.add_argument("--to", type=Path, metavar="DIR", help=_("the folder (USB stick) to write to"))
    enroll.add_argument("--name", default="", help=_("village: the name this computer is shown with"))
    enroll.add_argument("--reason", default="", help=_("why the enrollment is revoked"))
    enroll.add_argument("--json", action="store_true", help=_("print the result as JSON"))

    export = command("export", _("write a bundle to a USB stick: a village's changes, or the township's return bundles"), cli_exchange.cmd_export)
    export.add_argument("--to", type=Path, required=True, metavar="DIR", help=_("the folder (USB stick) to write to"))
    export.add_argument("--full", action="store_true", help=_("send everything, not only what the recipient has not confirmed"))
    target = export.add_mutually_exclusive_group()
    target.add_argument("--to-node", metavar="ID", help=_("township: the village computer the return bundle is for"))
    target.add_argument("--all-villages", action="store_true", help=_("township: one return bundle for every enrolled village"))
    export.add_argument("--json", action="store_true", help=_("print the result as JSON"))

    imports = command("import", _("import bundles from a USB stick (after checking each completely)"), cli_exchange.cmd_import)
    imports.add_argument("bundles", nargs="+", type=Path, metavar="BUNDLE", help=_("bundle files (.rtb)"))
    imports.add_argument("--dry-run", action="store_true", help=_("only say what importing would do; change nothing"))
    imports.add_argument("--no-receipt", action="store_true", help=_("township: do not write receipts beside the bundles"))
    imports.add_argument("--json", action="store_true", help=_("print the result as JSON"))

    verify = command(
        "verify", _("check a bundle file: structure, signature and hashes (with --db also enrollment and recipient)"),
        cli_exchange.cmd_verify, db_required=False,
    )
    verify.add_argument("bundle", type=Path, metavar="BUNDLE", help=_("the bundle file (.rtb)"))
    verify.add_argument("--json", action="store_true", help=_("print the result as JSON"))


def _encryption_commands(command: Callable) -> None:
    """encrypt and recover (``services.encryption``)."""
    encrypt = command(
        "encrypt",
        _("encrypt a database that is not encrypted yet; its password comes from --password-file or RANGTANG_PASSWORD"),
        cmd_encrypt,
    )
    encrypt.add_argument(
        "--keep-plain-copy", action="store_true",
        help=_("keep an unencrypted copy of the database beside it (it is removed otherwise)"),
    )
    encrypt.add_argument("--json", action="store_true", help=_("print the result as JSON"))

    recover = command(
        "recover",
        _("township: give a village database whose password is forgotten a new password; --password-file opens the township database"),
        cmd_recover,
    )
    recover.add_argument(
        "--township-db", type=Path, required=True, metavar="TOWNSHIP_DB",
        help=_("the database of the township the village computer is enrolled at"),
    )
    recover.add_argument(
        "--new-password-file", type=Path, required=True, metavar="FILE",
        help=_("a file whose first line is the village database's new password"),
    )
    recover.add_argument("--user", default=None, metavar="ID", help=_("whose password to set (their user ID); the main user by default"))
    recover.add_argument("--json", action="store_true", help=_("print the result as JSON"))


def _doc_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--doc-lang", choices=("zh", "bo", "both"), default=None,
        help=_("language of the document: zh, bo or both (Chinese and Tibetan labels); the message language by default"),
    )


def _print_json(value) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def cmd_demo(args) -> int:
    from .services.demo import DEMO_PASSWORD, build_demo

    if args.db.exists():
        raise FileExists(path=str(args.db))
    password = None if args.unencrypted else (args.password or DEMO_PASSWORD)
    if args.enroll_at is not None:
        from .services.demo_exchange import build_enrolled_village

        result = build_enrolled_village(args.db, args.enroll_at, seed=args.seed, password=password)
    else:
        result = build_demo(args.db, scale=args.scale, seed=args.seed, role=args.role, password=password)
    if args.json:
        _print_json(result.as_json())
    else:
        print(
            _("Demo database written to {path}: {households} households, {persons} people, {children} children, {visits} visits.").format(
                path=args.db, **result.as_json()
            )
        )
    return 0


def cmd_encrypt(args) -> int:
    from .services.encryption import NewPasswordNeeded, encrypt_database

    if not args.password:
        raise NewPasswordNeeded()
    result = encrypt_database(args.db, args.password, keep_plain=args.keep_plain_copy)
    if args.json:
        _print_json(result.as_json())
        return 0
    print(_("The database {path} is encrypted now.").format(path=result.path))
    print(_("Its key file is {keys}: keep it beside the database, and copy both together.").format(keys=result.keys_path))
    if result.plain_copy is not None:
        print(_("An unencrypted copy was kept, as asked: {path}. Delete it once it is no longer needed.").format(path=result.plain_copy))
    if not result.escrowed:
        print(_("This computer is not enrolled at a township yet: until it is, a forgotten password cannot be recovered."))
    if result.plain_backups:
        print(_("{count} older backups in the backups folder are not encrypted.").format(count=result.plain_backups))
    return 0


def cmd_recover(args) -> int:
    from .services.encryption import recover_database
    from .services.unlock import read_password_file
    from .services.workspace import open_workspace

    new_password = read_password_file(args.new_password_file)
    with open_workspace(args.township_db, password=args.password) as township:
        result = recover_database(args.db, township, new_password, user_id=args.user)
    if args.json:
        _print_json(result.as_json())
        return 0
    print(_("The database {path} has a new password; it opens with it now.").format(path=result.path))
    return 0


def cmd_compliance(args) -> int:
    from .core.compliance import STATE_LABELS, month_text, parse_month
    from .services.compliance import compliance
    from .services.workspace import open_workspace

    try:
        year, month = parse_month(args.month)
    except ValueError:
        raise InvalidArgument(option="--month", value=args.month) from None
    with open_workspace(args.db, password=args.password) as ws:
        report = compliance(ws, year, month, village_code=args.village)
    if args.json:
        _print_json(report.as_json())
        return 0
    print(
        _("{month}: {met} of {in_scope} households with minors visited enough ({percent}%).").format(
            month=month_text(year, month), met=report.households_met, in_scope=report.households_in_scope,
            percent=round(report.coverage * 100),
        )
    )
    print("\t".join(_(h) for h in (N_("Household number"), N_("Village group"), N_("Status"), N_("Visits"), N_("Visit days"))))
    for row in report.rows:
        result = row.result
        days = " ".join(d.isoformat() for d in result.visit_days)
        print(f"{row.household_number}\t{row.group_code}\t{_(STATE_LABELS[result.state])}\t{result.counted}/{result.needed}\t{days}")
    return 0


def cmd_flags(args) -> int:
    from datetime import datetime

    from .core.dates import local_day
    from .core.flags import SEVERITY_SHORT
    from .i18n import translator
    from .i18n.formatting import display_name
    from .services import flags
    from .services.workspace import open_workspace

    with open_workspace(args.db, password=args.password) as ws:
        result = flags.evaluate_all(ws) if args.evaluate else None
        rows = flags.list_flags(ws, status=args.status, include_cleared=args.include_cleared)
    translate = translator()
    if args.json:
        _print_json([row.as_json(translate) for row in rows])
        return 0
    if result is not None:
        print(
            _("Evaluated {children} children: {raised} flags raised, {cleared} cleared, {holding} holding.").format(
                children=result.children, raised=result.raised + result.raised_again, cleared=result.cleared,
                holding=sum(result.by_severity.values()),
            )
        )
    headers = (N_("Severity"), N_("Status"), N_("Rule"), N_("Household number"), N_("Child"), N_("Raised on"), N_("Why"))
    print("\t".join(_(h) for h in headers))
    for row in rows:
        status = _(FLAG_STATUS.label(row.status))
        if row.report_pending:
            status = _("{status}, report pending").format(status=status)
        elif not row.holds:
            status = _("{status}, no longer holds").format(status=status)
        why = "; ".join(m.render(translate) for m in row.facts)
        name = display_name(row.child_name_zh, row.child_name_bo)
        raised = local_day(datetime.fromisoformat(row.first_raised_at)).isoformat()
        print(f"{_(SEVERITY_SHORT[row.severity])}\t{status}\t{row.rule_id}\t{row.household_number}\t{name}\t{raised}\t{why}")
    print(_("{count} flags.").format(count=len(rows)))
    return 0


def cmd_sheet(args) -> int:
    from .i18n import current_language
    from .services import printing
    from .services.workspace import open_workspace

    with open_workspace(args.db, password=args.password) as ws:
        path = printing.visit_sheet(ws, args.visit, args.out, args.doc_lang or current_language())
    print(_("The visit sheet was saved as {path}.").format(path=path))
    return 0


def cmd_visit_log(args) -> int:
    from .core.compliance import parse_month
    from .i18n import current_language
    from .services import printing
    from .services.workspace import open_workspace

    try:
        year, month = parse_month(args.month)
    except ValueError:
        raise InvalidArgument(option="--month", value=args.month) from None
    with open_workspace(args.db, password=args.password) as ws:
        path = printing.visit_log(
            ws, year, month, args.out, args.doc_lang or current_language(), village_code=args.village,
            group_code=args.group, worker=args.worker,
        )
    print(_("The visit log was saved as {path}.").format(path=path))
    return 0


def cmd_upload_package(args) -> int:
    from .core.compliance import parse_month
    from .i18n import current_language
    from .services.upload_package import build_upload_package
    from .services.workspace import open_workspace

    try:
        year, month = parse_month(args.month)
    except ValueError:
        raise InvalidArgument(option="--month", value=args.month) from None
    progress = _progress_on_terminal() if not args.json else None
    with open_workspace(args.db, password=args.password) as ws:
        result = build_upload_package(
            ws, year, month, args.out, args.doc_lang or current_language(), village_code=args.village, progress=progress,
        )
    if progress is not None:
        sys.stderr.write("\n")
    if args.json:
        _print_json(result.as_json())
        return 0
    print(
        _("The upload package was saved as {path}: {children} children, {households} households, {sheets} visit sheets.").format(
            path=result.path, children=result.children, households=result.households, sheets=result.visit_sheets,
        )
    )
    print(_("Fingerprint (SHA-256) of its manifest: {sha256}").format(sha256=result.manifest_sha256))
    return 0


def _progress_on_terminal() -> Callable[[int, int], None] | None:
    """A progress line on stderr when a person watches it; nothing when stderr is a file or a pipe."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        sys.stderr.write("\r" + _("{done} of {total} done").format(done=done, total=total))
        sys.stderr.flush()

    return show


def cmd_node(args) -> int:
    from .services.node import node_info
    from .services.workspace import open_workspace

    with open_workspace(args.db, password=args.password) as ws:
        info = node_info(ws)
    if args.json:
        _print_json(info.as_json())
    else:
        for label, value in info.lines():
            print(f"{_(label)}: {value}")
    return 0


def cmd_quality(args) -> int:
    from .services.quality import quality_report
    from .services.workspace import open_workspace

    with open_workspace(args.db, password=args.password) as ws:
        items = quality_report(ws)
    if args.json:
        _print_json([{"kind": i.kind, "record_id": i.record_id, "detail": render(i.detail)} for i in items])
    else:
        from .services.quality import KIND_LABELS

        for item in items:
            print(f"{_(KIND_LABELS[item.kind])}\t{item.record_id}\t{render(item.detail)}")
        print(_("{count} problems found.").format(count=len(items)))
    return 0


def cmd_units(args) -> int:
    from .services.units import list_units, load_units
    from .services.workspace import open_workspace

    with open_workspace(args.db, password=args.password) as ws:
        if args.load:
            count = load_units(ws, args.load)
            print(_("{count} units loaded.").format(count=count))
            return 0
        found = list_units(ws)
    if args.json:
        _print_json([{"code": u.code, "level": u.level, "parent_code": u.parent_code, "name_zh": u.name_zh, "name_bo": u.name_bo} for u in found])
    else:
        for u in found:
            print(f"{u.code}\t{u.name_zh}\t{u.name_bo}")
    return 0


def _password(args) -> str | None:
    """The database password of a headless command: ``--password-file``, else ``RANGTANG_PASSWORD``."""
    from .services.unlock import ENV_PASSWORD, read_password_file

    if getattr(args, "password_file", None) is not None:
        return read_password_file(args.password_file)
    return os.environ.get(ENV_PASSWORD) or None


def report_error(error: RangtangError) -> None:
    sys.stderr.write(render(error.headline_message()) + "\n" + render(error.advice_message()) + "\n")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    setup_logging()
    set_language(_chosen_language(argv))
    argparse._ = _  # type: ignore[attr-defined]  # argparse's own sentences, translated
    args = build_parser().parse_args(argv)
    handler = getattr(args, "handler", None)
    try:
        if getattr(args, "selftest", False):
            from .selftest import run_selftest

            return run_selftest()
        if handler is None:
            from .ui.app import run_gui

            return run_gui(args.db)
        args.password = _password(args)
        return handler(args)
    except RangtangError as error:
        log.info("user error: %s", type(error).__name__)
        report_error(error)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (``… | head``): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception:
        log.exception("unexpected error")
        sys.stderr.write(
            _("An unexpected error stopped the command.") + "\n"
            + _("Nothing was sent anywhere. The details are in {path}; show them to the township.").format(path=log_file())
            + "\n"
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
