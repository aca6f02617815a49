"""Kill -9 trials (issue 7, part 5): a write path is killed with SIGKILL at a random moment, then the
database is opened with the program's own code and checked.

    python tests/faults/crash_trials.py --path visit-save|import|export|backup|migration|all \\
        [--trials 1000] [--seed 1] [--variant plain|encrypted|both] [--json] [--keep DIR]

For each path and variant (a plain database and an encrypted one, opened with its password) a
database is prepared once; each trial copies it into a folder of its own, has the fork server of
``driver.py`` run the write path on the copy in a child process, and kills the child after a random
delay (uniform between 0 and a window measured by one uninterrupted run: about three saves for the
paths that loop, the whole operation for import and migration). Then, with ``open_workspace``:

* every path: ``PRAGMA integrity_check`` says ok (else the trial counts as a *corrupt* database);
* **visit-save** (drafts and signing): every signed visit acknowledged is there and its hash verifies;
* **import** (the township imports a village's bundle, after its backup): the bundle is applied
  completely (all its changes, the bundle recorded) or not at all, and importing it again completes it;
* **export** (the village writes bundles to the stick): every acknowledged bundle is on the stick, each
  ``.rtb`` file there passes ``inspect_bundle`` (a file that does not is a *partial file*); hidden
  temporary files and bundles on the stick the database does not record are counted apart;
* **backup**: the older backups are there and pass their check; every backup file passes it (a file
  that does not is a *partial file*); the newest acknowledged backup is there or a newer one is;
* **migration** (an old-schema fixture, ``tests/fixtures/schema/v1.sqlite3``, opened): the file is at a
  schema version of the migration list (each migration is one transaction), a ``before-migration``
  backup that passes its check exists once anything was migrated, and opening it again finishes the
  migration with every household and person of the fixture.

Prints per path and variant: trials, corrupt databases, acknowledged saves lost, partial files, the
median kill point (ms after the fork) and the median number of acknowledgements before the kill;
``--json`` prints the same as JSON. Exits 1 if any trial failed a check. POSIX only (fork, SIGKILL).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from rangtang_desktop.core import records  # noqa: E402
from rangtang_desktop.core.visits import verify  # noqa: E402
from rangtang_desktop.exchange.bundle import BUNDLE_SUFFIX, BundleRejected, inspect_bundle  # noqa: E402
from rangtang_desktop.services import backups, enrollment, exchange, register, visits  # noqa: E402
from rangtang_desktop.services.workspace import open_workspace  # noqa: E402
from rangtang_desktop.storage import cipher, keyfile, nodes, snapshots  # noqa: E402
from rangtang_desktop.storage.database import connect, write_transaction  # noqa: E402
from rangtang_desktop.storage.reference import Unit, store_units  # noqa: E402

PATHS = ("visit-save", "import", "export", "backup", "migration")
VARIANTS = ("plain", "encrypted")
PASSWORD = "雪山-crash-2025"
TOWNSHIP = "513230101"
VILLAGE = "513230101203"
FIXTURES = ROOT / "tests" / "fixtures" / "schema"
OLD_SCHEMA = "v1"
FAST_KDF = 2**10


@dataclass
class Outcome:
    """What one trial found."""

    killed: bool
    kill_ms: float
    acks: int
    corrupt: bool = False
    lost: int = 0
    partial: int = 0
    temp_files: int = 0
    orphans: int = 0
    keyless: int = 0
    unswept: int = 0
    state: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass
class Figures:
    path: str
    variant: str
    trials: int = 0
    killed: int = 0
    corrupt: int = 0
    lost_acknowledged: int = 0
    partial_files: int = 0
    temp_files_left: int = 0
    unrecorded_bundles: int = 0
    backups_without_keys: int = 0
    temp_files_not_swept: int = 0
    states: dict[str, int] = field(default_factory=dict)
    failed_trials: int = 0
    median_kill_ms: float = 0.0
    median_acks_before_kill: float = 0.0
    window_ms: float = 0.0
    seconds: float = 0.0
    first_problems: list[str] = field(default_factory=list)


# -- preparing the databases ---------------------------------------------------------------------


def _password(variant: str) -> str | None:
    return PASSWORD if variant == "encrypted" else None


def _laptop(path: Path, variant: str, role: str, unit: str, name: str):
    ws = open_workspace(path, create=True, password=_password(variant))
    with write_transaction(ws.db):
        if len(unit) == 12:
            store_units(ws.db, [Unit(unit, "village", unit[:9], f"村{unit[-3:]}", "གྲོང་ཚོ")])
        nodes.set_node_unit(ws.db, role, unit)
        nodes.update_user(ws.db, ws.user_id, name, "child_director")
    return ws


def _family(ws, number: int) -> str:
    home = register.save(ws, records.Household(village_code=VILLAGE, house_name_zh=f"格尔登{number}")).record
    girl = register.save(
        ws, records.Person(household_id=home.id, name_zh=f"卓玛{number}", sex="female", birth_date="2016-03-01")
    ).record
    father = register.save(
        ws, records.Person(household_id=home.id, name_zh=f"多吉{number}", sex="male", birth_date="1985", birth_precision="year")
    ).record
    register.save(ws, records.Relation(child_id=girl.id, adult_id=father.id, kind="father", legal_guardian=True))
    return home.id


def _enrolled_pair(folder: Path, variant: str):
    township = _laptop(folder / "township.sqlite3", variant, "township", TOWNSHIP, "卓玛")
    village = _laptop(folder / "village.sqlite3", variant, "village", VILLAGE, "扎西")
    stick = folder / "stick"
    stick.mkdir()
    request, _card = enrollment.write_request(village, stick, display_name="laptop 1")
    response, _card = enrollment.accept_request(township, request, stick)
    enrollment.complete(village, response)
    for leftover in stick.iterdir():
        leftover.unlink()
    return township, village


def _change_count(ws) -> int:
    return ws.db.execute("SELECT count(*) FROM change").fetchone()[0]


def prepare(path: str, variant: str, folder: Path) -> dict:
    """The template folder a trial copies, and what the checks need to know about it."""
    folder.mkdir(parents=True)
    info: dict = {}
    if path in ("visit-save", "backup"):
        ws = _laptop(folder / "village.sqlite3", variant, "village", VILLAGE, "扎西")
        (folder / "household.txt").write_text(_family(ws, 1))
        if path == "backup":
            now = datetime.now(UTC)
            for days in (1, 2):  # two older daily backups, which the rotation keeps
                old = snapshots.take_snapshot(ws.db.conn, ws.path, "daily", now=now - timedelta(days=days))
                backups._keys_beside(Path(ws.path), old.path)
            info["old_backups"] = sorted(p.name for p in (folder / "backups").glob("*.sqlite3"))
        ws.close()
    elif path in ("export", "import"):
        township, village = _enrolled_pair(folder, variant)
        for number in range(3):
            _family(village, number)
        if path == "import":
            exchange.export_bundle(village, folder / "stick", full=True)
            info["base_changes"] = _change_count(township)
            township.close()
            scratch = folder.parent / f"{folder.name}-reference"
            shutil.copytree(folder, scratch)
            with open_workspace(scratch / "township.sqlite3", password=_password(variant)) as reference:
                bundle = next((scratch / "stick").glob("*.rtb"))
                assert exchange.import_bundle(reference, bundle).status == "applied"
                info["full_changes"] = _change_count(reference)
            shutil.rmtree(scratch)
        else:
            township.close()
        village.close()
    elif path == "migration":
        fixture = FIXTURES / f"{OLD_SCHEMA}.sqlite3"
        info.update(json.loads((FIXTURES / f"{OLD_SCHEMA}.json").read_text(encoding="utf-8")))
        target = folder / "old.sqlite3"
        if variant == "plain":
            shutil.copyfile(fixture, target)
        else:
            key = cipher.DatabaseKey.generate()
            cipher.export_encrypted(fixture, target, key)
            slot = keyfile.wrap_for_password(key, PASSWORD, "crash-trials", "2025-01-01T00:00:00Z", n=FAST_KDF)
            keyfile.write(target, keyfile.KeyFile(key.key_id).with_slot(slot))
        info["migrations"] = _migration_count(target, variant)
    else:
        raise ValueError(path)
    return info


def _migration_count(path: Path, variant: str) -> int:
    key = None
    if variant == "encrypted":
        from rangtang_desktop.services import unlock

        key = unlock.unlock(path, PASSWORD)
    with snapshots.read_only(path, key) as conn:
        return len(snapshots.read_identity(conn).migrations)


# -- checking a killed trial ---------------------------------------------------------------------


def _acks(folder: Path) -> list[list[str]]:
    try:
        text = (folder / "acks.txt").read_text()
    except FileNotFoundError:
        return []
    return [line.split() for line in text.split("\n")[:-1]]  # a line without its newline was not written whole


def _temp_files(folder: Path) -> int:
    """Hidden temporary files (``.<name>.<random>.tmp`` and its journal, ``.import-*.rtb``)."""
    if not folder.is_dir():
        return 0
    return sum(1 for p in folder.iterdir() if p.name.startswith(".") and not p.name.endswith(".check-failed"))


def _age_temp_files(*folders: Path) -> None:
    """Date the hidden temporary files an hour back, as if the laptop had been off since the kill."""
    back = time.time() - 3600
    for folder in folders:
        if folder.is_dir():
            for p in folder.iterdir():
                if p.name.startswith("."):
                    os.utime(p, (back, back))


def _integrity(ws, outcome: Outcome) -> None:
    rows = [r[0] for r in ws.db.execute("PRAGMA integrity_check")]
    if rows != ["ok"]:
        outcome.corrupt = True
        outcome.problems.append(f"integrity_check: {rows[:3]}")


def _reopen(folder: Path, name: str, variant: str, outcome: Outcome):
    try:
        return open_workspace(folder / name, password=_password(variant))
    except Exception as error:  # noqa: BLE001 - a database the program cannot open is a corrupt one
        outcome.corrupt = True
        outcome.problems.append(f"open: {type(error).__name__}: {error}")
        return None


def check_visit_save(folder: Path, variant: str, info: dict, acks: list[list[str]], outcome: Outcome) -> None:
    ws = _reopen(folder, "village.sqlite3", variant, outcome)
    if ws is None:
        return
    with ws:
        _integrity(ws, outcome)
        for _word, visit_id, digest in acks:
            found = visits.get(ws, visit_id)
            if found is None or found.content_hash != digest or not verify(found):
                outcome.lost += 1
                outcome.problems.append(f"signed visit {visit_id} lost")


def check_import(folder: Path, variant: str, info: dict, acks: list[list[str]], outcome: Outcome) -> None:
    ws = _reopen(folder, "township.sqlite3", variant, outcome)
    if ws is None:
        return
    with ws:
        _integrity(ws, outcome)
        count = _change_count(ws)
        recorded = ws.db.execute("SELECT count(*) FROM bundle_received WHERE status = 'applied'").fetchone()[0]
        outcome.state = "applied" if recorded else "not applied"
        whole = (count, recorded) in ((info["base_changes"], 0), (info["full_changes"], 1))
        if not whole:
            outcome.partial += 1
            outcome.problems.append(f"import half applied: {count} changes, {recorded} recorded")
        if acks and recorded != 1:
            outcome.lost += 1
            outcome.problems.append("acknowledged import not recorded")
        temp_folders = (folder / "backups", folder / "township-bundles" / "incoming")
        outcome.temp_files = sum(_temp_files(f) for f in temp_folders)
        _age_temp_files(*temp_folders)
        bundle = next((folder / "stick").glob("*.rtb"))
        again = exchange.import_files(ws, [bundle], write_receipts=False)[0]  # with its backup, as the user would
        if again.status not in ("applied", "already_applied") or _change_count(ws) != info["full_changes"]:
            outcome.problems.append(f"import again: {again.status}, {_change_count(ws)} changes")
            outcome.lost += 1
        outcome.unswept = sum(_temp_files(f) for f in temp_folders)
        unsearchable = ws.db.execute("SELECT count(*) FROM person WHERE name_zh != '' AND name_key = ''").fetchone()[0]
        if unsearchable:
            outcome.problems.append(f"{unsearchable} imported people without search keys")
            outcome.lost += 1


def check_export(folder: Path, variant: str, info: dict, acks: list[list[str]], outcome: Outcome) -> None:
    stick = folder / "stick"
    on_stick = {}
    for file in stick.glob(f"*{BUNDLE_SUFFIX}"):
        if file.name.startswith("."):
            continue
        try:
            on_stick[file.name] = inspect_bundle(file)
        except BundleRejected as refused:
            outcome.partial += 1
            outcome.problems.append(f"{file.name} on the stick refused: {refused.reason}")
    outcome.temp_files = _temp_files(stick)
    for _word, name, _sequence in acks:
        if name not in on_stick:
            outcome.lost += 1
            outcome.problems.append(f"acknowledged bundle {name} missing")
    ws = _reopen(folder, "village.sqlite3", variant, outcome)
    if ws is None:
        return
    with ws:
        _integrity(ws, outcome)
        recorded = {
            json.loads(summary).get("file") for (summary,) in ws.db.execute("SELECT summary FROM bundle_sent")
        }
        for _word, name, _sequence in acks:
            if name not in recorded:
                outcome.lost += 1
                outcome.problems.append(f"acknowledged bundle {name} not recorded")
        outcome.orphans = len(set(on_stick) - recorded)


def check_backup(folder: Path, variant: str, info: dict, acks: list[list[str]], outcome: Outcome) -> None:
    ws = _reopen(folder, "village.sqlite3", variant, outcome)
    if ws is None:
        return
    with ws:
        _integrity(ws, outcome)
        key = ws.key
    found = backups.list_backups(folder / "village.sqlite3")
    names = {s.path.name for s in found}
    for old in info["old_backups"]:
        if old not in names:
            outcome.lost += 1
            outcome.problems.append(f"older backup {old} gone")
    for snapshot in found:
        try:
            ok = snapshots.describe(snapshot.path, key=key).ok
        except Exception as error:  # noqa: BLE001
            ok = False
            outcome.problems.append(f"{snapshot.path.name}: {type(error).__name__}")
        if not ok:
            outcome.partial += 1
            outcome.problems.append(f"backup {snapshot.path.name} fails its check")
        if key is not None and not keyfile.path_for(snapshot.path).exists():
            outcome.keyless += 1
    if acks:
        newest_acked = acks[-1][1]
        if newest_acked not in names and not any(n > newest_acked for n in names):
            outcome.lost += 1
            outcome.problems.append(f"acknowledged backup {newest_acked} gone and no newer one")
    outcome.temp_files = _temp_files(folder / "backups")
    if outcome.temp_files:  # the next backup removes what the killed one left
        _age_temp_files(folder / "backups")
        with open_workspace(folder / "village.sqlite3", password=_password(variant)) as ws:
            backups.take(ws, "manual")
        outcome.unswept = _temp_files(folder / "backups")


def check_migration(folder: Path, variant: str, info: dict, acks: list[list[str]], outcome: Outcome) -> None:
    from rangtang_desktop.storage.migrations import migrations

    path = folder / "old.sqlite3"
    key = None
    if variant == "encrypted":
        from rangtang_desktop.services import unlock

        key = unlock.unlock(path, PASSWORD)
    known = [m.name for m in migrations._migrations]
    try:  # a connection without migrations (a read-only one could not recover the WAL)
        conn = connect(path, key).conn
        try:
            identity = snapshots.read_identity(conn)
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    except Exception as error:  # noqa: BLE001
        outcome.corrupt = True
        outcome.problems.append(f"read: {type(error).__name__}: {error}")
        return
    if rows != ["ok"]:
        outcome.corrupt = True
        outcome.problems.append(f"integrity_check: {rows[:3]}")
    applied = list(identity.migrations)
    outcome.state = f"schema {len(applied)}"
    outcome.temp_files = _temp_files(folder / "backups")
    if applied != known[: len(applied)]:
        outcome.partial += 1
        outcome.problems.append(f"migrations applied out of order: {applied}")
    if acks and len(applied) != len(known):
        outcome.lost += 1
        outcome.problems.append("acknowledged migration not complete")
    if len(applied) > info["migrations"]:
        befores = [s for s in backups.list_backups(path) if s.reason == "before-migration"]
        good = [s for s in befores if snapshots.describe(s.path, key=key).ok]
        if not good:
            outcome.lost += 1
            outcome.problems.append("migrated without a before-migration backup")
        elif snapshots.describe(good[-1].path, key=key).identity.schema_version != info["migrations"]:
            outcome.problems.append("the before-migration backup is not at the old version")
            outcome.lost += 1
    ws = _reopen(folder, "old.sqlite3", variant, outcome)
    if ws is None:
        return
    with ws:
        _integrity(ws, outcome)
        people = {r[0] for r in ws.db.execute("SELECT id FROM person")}
        homes = {r[0] for r in ws.db.execute("SELECT id FROM household")}
        if not set(info["people"]) <= people or not set(info["households"]) <= homes:
            outcome.lost += 1
            outcome.problems.append("records of the old database missing after migration")


CHECKS: dict[str, Callable] = {
    "visit-save": check_visit_save, "import": check_import, "export": check_export, "backup": check_backup,
    "migration": check_migration,
}
LOOPS = {"visit-save", "export", "backup"}


# -- running -------------------------------------------------------------------------------------


class Server:
    """The fork server of ``driver.py``, in a process of its own."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "driver.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )

    def run(self, path: str, folder: Path, variant: str, *, kill_after: float | None, once: bool = False) -> dict:
        command = {"path": path, "dir": str(folder), "password": _password(variant), "once": once, "kill_after": kill_after}
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError("the fork server ended")
        return json.loads(answer)

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait(timeout=30)


def _fresh(template: Path, folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(template, folder)


def run_path(server: Server, path: str, variant: str, trials: int, rng: random.Random, work: Path) -> Figures:
    started = time.monotonic()
    template = work / f"{path}-{variant}-template"
    info = prepare(path, variant, template)
    trial_dir = work / f"{path}-{variant}-trial"
    # one uninterrupted run measures the window the kills are spread over
    _fresh(template, trial_dir)
    calibration = server.run(path, trial_dir, variant, kill_after=None, once=True)
    if calibration["status"] != 0:
        raise RuntimeError(f"{path} ({variant}) failed without a kill: {(trial_dir / 'error.txt').read_text()}")
    window = calibration["elapsed"] * (6.0 if path in LOOPS else 1.1)
    figures = Figures(path, variant, window_ms=round(window * 1000, 1))
    kill_points, ack_counts = [], []
    for _ in range(trials):
        _fresh(template, trial_dir)
        delay = rng.uniform(0, window)
        answer = server.run(path, trial_dir, variant, kill_after=delay)
        acks = _acks(trial_dir)
        outcome = Outcome(answer["killed"], answer["elapsed"] * 1000, len(acks))
        if not answer["killed"] and answer["status"] != 0:
            outcome.problems.append("the write path failed: " + (trial_dir / "error.txt").read_text()[-300:])
        CHECKS[path](trial_dir, variant, info, acks, outcome)
        figures.trials += 1
        figures.killed += outcome.killed
        figures.corrupt += outcome.corrupt
        figures.lost_acknowledged += outcome.lost
        figures.partial_files += outcome.partial
        figures.temp_files_left += outcome.temp_files
        figures.unrecorded_bundles += outcome.orphans
        figures.backups_without_keys += outcome.keyless
        figures.temp_files_not_swept += outcome.unswept
        if outcome.state:
            figures.states[outcome.state] = figures.states.get(outcome.state, 0) + 1
        if outcome.problems:
            figures.failed_trials += 1
            if len(figures.first_problems) < 5:
                figures.first_problems.append("; ".join(outcome.problems)[:400])
        if outcome.killed:
            kill_points.append(outcome.kill_ms)
            ack_counts.append(outcome.acks)
    if kill_points:
        figures.median_kill_ms = round(statistics.median(kill_points), 1)
        figures.median_acks_before_kill = statistics.median(ack_counts)
    figures.seconds = round(time.monotonic() - started, 1)
    shutil.rmtree(trial_dir, ignore_errors=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", choices=(*PATHS, "all"), default="all")
    parser.add_argument("--trials", type=int, default=1000, help="trials per path and variant")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--variant", choices=(*VARIANTS, "both"), default="both")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    if not hasattr(os, "fork"):
        print("the kill -9 trials need fork and SIGKILL (Linux, macOS)", file=sys.stderr)
        return 2
    keyfile.wrap_for_password.__kwdefaults__["n"] = FAST_KDF
    rng = random.Random(args.seed)
    work = args.keep or Path(tempfile.mkdtemp(prefix="rangtang-crash-"))
    work.mkdir(parents=True, exist_ok=True)
    paths = PATHS if args.path == "all" else (args.path,)
    variants = VARIANTS if args.variant == "both" else (args.variant,)
    server = Server()
    results = []
    try:
        for path in paths:
            for variant in variants:
                figures = run_path(server, path, variant, args.trials, rng, work)
                results.append(figures)
                if not args.json:
                    print(
                        f"{path:10} {variant:9} trials {figures.trials:5}  killed {figures.killed:5}  "
                        f"corrupt {figures.corrupt}  lost acknowledged {figures.lost_acknowledged}  "
                        f"partial files {figures.partial_files}  temp files left {figures.temp_files_left} "
                        f"(not swept {figures.temp_files_not_swept})  unrecorded bundles {figures.unrecorded_bundles}  backups without keys {figures.backups_without_keys}  median kill {figures.median_kill_ms} ms "
                        f"(acks {figures.median_acks_before_kill})  {figures.seconds} s  {figures.states or ''}",
                        flush=True,
                    )
                    for problem in figures.first_problems:
                        print(f"    {problem}", flush=True)
    finally:
        server.close()
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps({"seed": args.seed, "results": [asdict(f) for f in results]}, ensure_ascii=False, indent=2))
    failed = any(f.corrupt or f.lost_acknowledged or f.partial_files or f.failed_trials for f in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
