"""Named users (issue 7 part 2): the permission table, users and their groups, passwords and login
on plain and encrypted databases, audit entries, and every change keeping its real author across
an exchange."""

from __future__ import annotations

import pytest

from rangtang_desktop.core import records
from rangtang_desktop.services import audit, history, permissions, register, unlock, users
from rangtang_desktop.services.workspace import open_workspace
from rangtang_desktop.storage import keyfile, nodes
from rangtang_desktop.storage.keyfile import WrongPassword

from .exchange_support import VILLAGE_A, make_county
from .test_exchange import to_township

GROUP_1 = VILLAGE_A + "001"
GROUP_2 = VILLAGE_A + "002"


def actions(ws) -> list[str]:
    return [e["action"] for e in audit.entries(ws)]


@pytest.fixture
def plain(tmp_path):
    """A plain database with a named director (password set) and a grid worker of group 1."""
    ws = open_workspace(tmp_path / "village.sqlite3", create=True)
    users.setup_first_user(ws, "卓玛", "director-1")
    worker = users.create_user(ws, "扎西", "grid_worker", groups=[GROUP_1], password="worker-1")
    yield ws, worker
    ws.close()


def test_the_rule_table():
    """Directors and supervisors manage; grid workers record; restricted records and revocation are kept back."""
    table = {
        action: {role for role in permissions.ALL_ROLES if permissions.role_allows(role, action)}
        for action in permissions.RULES
    }
    assert table["manage_users"] == {"child_director", "township_supervisor"}
    assert table["restricted_records"] == {"child_director", "township_supervisor"}
    assert table["revocation"] == {"township_supervisor"}
    assert table["record_visit"] == set(permissions.ALL_ROLES)
    assert not permissions.role_allows("someone_new", "households")


def test_users_are_listed_with_role_groups_and_password(plain):
    """The director and the grid worker, each with what the settings page shows."""
    ws, worker = plain
    listed = {u.user_id: u for u in users.list_users(ws)}
    assert listed[ws.user_id].role == "child_director" and listed[ws.user_id].has_password
    assert listed[worker.user_id].groups == (GROUP_1,) and listed[worker.user_id].has_password


def test_a_plain_database_with_passwords_asks_who_is_there(plain):
    """Login choices list the users with a password; the right password passes, a wrong one does not."""
    ws, worker = plain
    assert users.needs_login(ws.path)
    assert {uid for uid, _name in users.login_choices(ws.path)} == {ws.user_id, worker.user_id}
    checked = users.authenticate(ws.path, worker.user_id, "worker-1")
    assert checked.key is None and checked.user.role == "grid_worker"
    with pytest.raises(WrongPassword):
        users.authenticate(ws.path, worker.user_id, "director-1")


def test_a_plain_database_without_passwords_opens_as_before(tmp_path):
    """No user with a password: no login."""
    ws = open_workspace(tmp_path / "v.sqlite3", create=True)
    ws.close()
    assert not users.needs_login(tmp_path / "v.sqlite3")


def test_the_verifier_is_salted_and_never_the_password():
    """Two verifiers of one password differ, and neither holds it."""
    one, two = users.make_verifier("雪山-2025"), users.make_verifier("雪山-2025")
    assert one != two and "雪山" not in one
    assert users.check_verifier(one, "雪山-2025") and not users.check_verifier(one, "雪山-2026")
    assert not users.check_verifier("garbage", "x")


def test_a_grid_worker_cannot_manage_users(plain):
    """Refused with a two-part message, and nothing is added."""
    ws, worker = plain
    users.switch_user(ws, worker.user_id, "worker-1")
    with pytest.raises(permissions.NotAllowed) as caught:
        users.create_user(ws, "多吉", "grid_worker")
    assert caught.value.advice_message().text
    with pytest.raises(permissions.NotAllowed):
        users.set_password(ws, nodes.users(ws.db, local_only=True)[0].user_id, "taken-over")
    users.set_password(ws, worker.user_id, "worker-2")  # their own: allowed
    assert len(users.list_users(ws)) == 2


def test_the_last_manager_stays(plain):
    """Switching off or demoting the only director is refused; a switched-off user cannot log in."""
    ws, worker = plain
    with pytest.raises(users.LastManager):
        users.switch_off(ws, ws.user_id)
    with pytest.raises(users.LastManager):
        users.rename_user(ws, ws.user_id, "卓玛", "grid_worker")
    users.switch_off(ws, worker.user_id)
    assert worker.user_id not in {u.user_id for u in users.list_users(ws)}
    with pytest.raises(users.UserSwitchedOff):
        users.authenticate(ws.path, worker.user_id, "worker-1")


def test_bad_names_and_roles_are_refused(plain):
    ws, _worker = plain
    with pytest.raises(users.NameMissing):
        users.create_user(ws, "  ", "grid_worker")
    with pytest.raises(users.UnknownRole):
        users.create_user(ws, "多吉", "boss")


def test_login_switch_and_lock_are_audited_without_names(plain):
    """login, switch_user, lock, unlock and logout entries, by the user then acting; no name in the details."""
    ws, worker = plain
    director = ws.user_id
    ws.close()
    ws = users.log_in(ws.path, director, "director-1")
    users.switch_user(ws, worker.user_id, "worker-1")
    users.lock(ws)
    with pytest.raises(WrongPassword):
        users.unlock_session(ws, "director-1")  # the locked window belongs to the grid worker now
    users.unlock_session(ws, "worker-1")
    users.log_out(ws)
    entries = audit.entries(ws)
    newest_first = [(e["action"], e["user_id"]) for e in entries if e["action"] != "change"]
    tail = newest_first[:5][::-1]
    assert tail == [
        ("login", director), ("switch_user", worker.user_id), ("lock", worker.user_id),
        ("unlock", worker.user_id), ("logout", worker.user_id),
    ]
    stored = repr([e["detail"] for e in entries])
    assert "扎西" not in stored and "worker-1" not in stored
    ws.close()


def test_an_encrypted_database_logs_in_through_key_slots(tmp_path):
    """Each user's password is their key slot; names come from the keys file; switching off removes the slot."""
    path = tmp_path / "enc.sqlite3"
    ws = open_workspace(path, create=True, password="director-1")
    users.setup_first_user(ws, "卓玛", "director-1")
    worker = users.create_user(ws, "扎西", "grid_worker", groups=[GROUP_1], password="worker-1")
    assert {u.user_id for u in users.list_users(ws) if u.has_password} == {ws.user_id, worker.user_id}
    assert nodes.user_row(ws.db, worker.user_id)["password_verifier"] == ""  # the slot is the password
    ws.close()

    assert dict(users.login_choices(path)) == {ws.user_id: "卓玛", worker.user_id: "扎西"}
    checked = users.authenticate(path, worker.user_id, "worker-1")
    assert checked.key is not None and checked.user.user_id == worker.user_id
    with pytest.raises(WrongPassword):
        users.authenticate(path, worker.user_id, "director-1")  # another user's password is not theirs

    ws = users.log_in(path, ws.user_id, "director-1")
    users.switch_off(ws, worker.user_id)
    ws.close()
    assert keyfile.read(path).slot(worker.user_id) is None
    with pytest.raises(WrongPassword):
        unlock.unlock(path, "worker-1")


def test_grid_workers_see_their_groups_only(plain):
    """The household scope follows the acting user's role and groups."""
    ws, worker = plain
    mine = records.Household(village_code=VILLAGE_A, group_code=GROUP_1)
    other = records.Household(village_code=VILLAGE_A, group_code=GROUP_2)
    assert permissions.group_scope(ws) is None
    users.switch_user(ws, worker.user_id, "worker-1")
    assert permissions.group_scope(ws) == {GROUP_1}
    assert permissions.household_visible(ws, mine) and not permissions.household_visible(ws, other)
    assert not permissions.may_see_entity(ws, "mandatory_report")
    assert permissions.may_see_entity(ws, "household")


def test_changes_keep_their_real_author_across_an_exchange(tmp_path):
    """A grid worker's change on a shared laptop reaches the township stamped with the grid worker, not the director."""
    county = make_county(tmp_path)
    try:
        village = county.village_a
        director = village.user_id
        users.setup_first_user(village, "扎西", "director-1")
        worker = users.create_user(village, "拉姆", "grid_worker", groups=[GROUP_1], password="worker-1")
        first = register.save(village, records.Household(village_code=VILLAGE_A, house_name_zh="格尔登")).record
        users.switch_user(village, worker.user_id, "worker-1")
        second = register.save(village, records.Household(village_code=VILLAGE_A, group_code=GROUP_1, house_name_zh="多吉仓")).record
        users.switch_user(village, director, "director-1")

        to_township(county, village)
        township = county.township
        authors = {
            h.id: {(e.author_id, e.author_name) for e in history.history(township, "household", h.id)}
            for h in (first, second)
        }
        assert authors[first.id] == {(director, "扎西")}
        assert authors[second.id] == {(worker.user_id, "拉姆")}
        # the township's own user is still the township's, and the verifier never travelled
        assert nodes.user_row(township.db, worker.user_id)["password_verifier"] == ""
        assert nodes.user_row(township.db, worker.user_id)["home_node"] == village.node_id
    finally:
        county.close()
