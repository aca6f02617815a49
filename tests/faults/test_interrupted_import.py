"""An import interrupted right after its changes were stored (the kill -9 trials found it): the bundle
must not count as applied while the people it brought have no search keys, since importing it again
is then "already_applied" and would never add them."""

from __future__ import annotations

import pytest

from rangtang_desktop.services import conflicts, exchange
from rangtang_desktop.storage import search
from tests.services.exchange_support import VILLAGE_A, household_with_child, make_county


class PowerCut(BaseException):
    """Stands for the process ending between two statements."""


def test_import_cut_before_search_keys_is_not_applied_and_import_again_completes_it(tmp_path, monkeypatch):
    """A failure while refreshing search keys and flags rolls the whole import back; importing again applies it and the child is found by name."""
    county = make_county(tmp_path)
    try:
        _home, girl = household_with_child(county.village_a, VILLAGE_A, "次仁拉姆")
        exported = exchange.export_bundle(county.village_a, county.stick)
        township = county.township
        base = township.db.execute("SELECT count(*) FROM change").fetchone()[0]

        def cut(*_args, **_kwargs):
            raise PowerCut

        monkeypatch.setattr(conflicts, "after_merge", cut)
        with pytest.raises(PowerCut):
            exchange.import_bundle(township, exported.path)
        monkeypatch.undo()
        assert township.db.execute("SELECT count(*) FROM change").fetchone()[0] == base
        assert township.db.execute("SELECT count(*) FROM bundle_received").fetchone()[0] == 0
        assert exchange.import_bundle(township, exported.path).status == "applied"
        assert girl.id in search.search_people(township.db, "次仁拉姆", township.variants)
    finally:
        county.close()
