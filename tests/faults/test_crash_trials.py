"""The kill -9 trials in CI: ``crash_trials.py`` with a few trials per write path, plain and encrypted
(the full run of a thousand per path is documented in ``tests/faults/README.md``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rangtang_desktop.services.workspace import open_workspace

HERE = Path(__file__).resolve().parent
TRIALS = 4

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "SIGKILL") or not hasattr(os, "fork"), reason="kill -9 needs SIGKILL and fork (not on Windows)"
)


@pytest.fixture(scope="module")
def figures(tmp_path_factory) -> dict[tuple[str, str], dict]:
    """One run of the script over every path and both variants, its JSON by (path, variant)."""
    work = tmp_path_factory.mktemp("crash")
    done = subprocess.run(
        [sys.executable, str(HERE / "crash_trials.py"), "--path", "all", "--trials", str(TRIALS), "--seed", "7", "--json",
         "--keep", str(work)],
        capture_output=True, text=True, timeout=300, env={**os.environ, "RANGTANG_HOME": str(work / "home")},
    )
    assert done.stdout, done.stderr[-2000:]
    report = json.loads(done.stdout)
    return {(r["path"], r["variant"]): r for r in report["results"]} | {("exit", ""): {"code": done.returncode}}


@pytest.mark.parametrize("path", ["visit-save", "import", "export", "backup", "migration"])
@pytest.mark.parametrize("variant", ["plain", "encrypted"])
def test_killed_write_path_loses_nothing_acknowledged(figures, path, variant):
    """After SIGKILL at random moments: no corrupt database, no acknowledged save lost, no partial file under a final name."""
    found = figures[(path, variant)]
    assert found["trials"] == TRIALS
    assert found["corrupt"] == 0 and found["lost_acknowledged"] == 0 and found["partial_files"] == 0, found["first_problems"]
    assert found["failed_trials"] == 0
    # not asserted, reported (README): hidden temporary files, bundles on the stick the database does
    # not record, and encrypted backups whose keys file copy the kill prevented


def test_script_exits_zero_when_every_trial_passes(figures):
    """The script's exit code is what a CI job or a person running it by hand goes by."""
    assert figures[("exit", "")]["code"] == 0


def test_an_acknowledged_signed_visit_survives_a_kill(tmp_path):
    """The smallest trial, without the script: a visit signed and acknowledged by a killed child is there and verifies."""
    sys.path.insert(0, str(HERE))
    import crash_trials

    template = tmp_path / "template"
    crash_trials.prepare("visit-save", "plain", template)
    server = crash_trials.Server()
    try:
        trial = tmp_path / "trial"
        crash_trials._fresh(template, trial)
        answer = server.run("visit-save", trial, "plain", kill_after=2.0)
    finally:
        server.close()
    acks = crash_trials._acks(trial)
    assert answer["killed"] and acks
    with open_workspace(trial / "village.sqlite3") as ws:
        assert ws.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        from rangtang_desktop.services import visits

        assert all(visits.get(ws, visit_id).content_hash == digest for _word, visit_id, digest in acks)
