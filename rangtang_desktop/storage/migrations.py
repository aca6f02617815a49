"""The one ordered list of schema migrations.

Append only: a released migration is never edited. Each runs once, in a transaction, and is
recorded in ``_sqlite_migrations``. A database that has migrations this code does not know was
written by a newer version and is refused before anything is changed. An existing database gets a
``before-migration`` snapshot (``storage.snapshots``: backup API, checked, in the ``backups`` folder
beside it, kept by the rotation of ``services.backups``) before it is migrated.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

from ..core.errors import DatabaseTooNew
from .database import APPLICATION_ID
from .meta import set_meta
from .snapshots import SnapshotFile, take_snapshot

migrations = Migrations("rangtang")


def _run(db: sqlite_utils.Database, script: str) -> None:
    """Run statements one by one (``executescript`` would commit the migration's transaction);
    a trigger's body keeps its inner semicolons."""
    statement = ""
    for piece in script.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                db.execute(statement)
            statement = ""


@migrations()
def m001_register(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE admin_unit (
            code TEXT PRIMARY KEY,
            level TEXT NOT NULL,
            parent_code TEXT,
            name_zh TEXT NOT NULL,
            name_bo TEXT NOT NULL DEFAULT '',
            aliases TEXT NOT NULL DEFAULT '[]',
            valid_from TEXT NOT NULL DEFAULT '',
            valid_to TEXT NOT NULL DEFAULT '',
            is_demo INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX admin_unit_parent ON admin_unit(parent_code);

        CREATE TABLE node (
            node_id TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            unit_code TEXT NOT NULL DEFAULT '',
            signing_public BLOB NOT NULL,
            encryption_public BLOB NOT NULL,
            signing_private BLOB,
            encryption_private BLOB,
            is_self INTEGER NOT NULL DEFAULT 0,
            next_seq INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE UNIQUE INDEX node_self ON node(is_self) WHERE is_self = 1;

        CREATE TABLE user (
            user_id TEXT PRIMARY KEY,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL,
            unit_code TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );

        CREATE TABLE origin (
            ref INTEGER PRIMARY KEY,
            node_id TEXT NOT NULL UNIQUE
        );
        CREATE TABLE author (
            ref INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL UNIQUE
        );
        CREATE TABLE change (
            origin INTEGER NOT NULL REFERENCES origin(ref),
            seq INTEGER NOT NULL,
            hlc INTEGER NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            prev_op_ids TEXT NOT NULL DEFAULT '[]',
            author INTEGER NOT NULL REFERENCES author(ref),
            reason TEXT NOT NULL DEFAULT '',
            UNIQUE (origin, seq)
        );
        CREATE INDEX change_field ON change(entity_id, field);
        CREATE TABLE change_superseded (
            origin INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (origin, seq)
        ) WITHOUT ROWID;
        CREATE VIEW change_log AS
            SELECT o.node_id || ':' || c.seq AS op_id, o.node_id AS node_id, c.seq AS seq, c.hlc AS hlc,
                   c.entity AS entity, c.entity_id AS entity_id, c.field AS field, c.value AS value,
                   c.prev_op_ids AS prev_op_ids, a.user_id AS author, c.reason AS reason
            FROM change c JOIN origin o ON o.ref = c.origin JOIN author a ON a.ref = c.author;

        CREATE TABLE household (
            id TEXT PRIMARY KEY,
            village_code TEXT NOT NULL DEFAULT '',
            group_code TEXT NOT NULL DEFAULT '',
            household_number TEXT NOT NULL DEFAULT '',
            house_name_zh TEXT NOT NULL DEFAULT '',
            house_name_bo TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            hukou_type TEXT NOT NULL DEFAULT '',
            livelihood TEXT NOT NULL DEFAULT '',
            seasonal_absence_months TEXT NOT NULL DEFAULT '[]',
            seasonal_absence_note TEXT NOT NULL DEFAULT '',
            economic_status TEXT NOT NULL DEFAULT '[]',
            housing TEXT NOT NULL DEFAULT '',
            hazards TEXT NOT NULL DEFAULT '[]',
            legal_basis TEXT NOT NULL DEFAULT '',
            notice_given_on TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            deleted INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX household_village ON household(village_code, group_code);
        CREATE INDEX household_number ON household(household_number);

        CREATE TABLE person (
            id TEXT PRIMARY KEY,
            household_id TEXT NOT NULL DEFAULT '',
            name_zh TEXT NOT NULL DEFAULT '',
            name_bo TEXT NOT NULL DEFAULT '',
            aliases TEXT NOT NULL DEFAULT '[]',
            sex TEXT NOT NULL DEFAULT '',
            ethnicity TEXT NOT NULL DEFAULT '',
            birth_date TEXT NOT NULL DEFAULT '',
            birth_precision TEXT NOT NULL DEFAULT '',
            id_number TEXT NOT NULL DEFAULT '',
            hukou_status TEXT NOT NULL DEFAULT '',
            hukou_place TEXT NOT NULL DEFAULT '',
            alive_status TEXT NOT NULL DEFAULT '',
            phones TEXT NOT NULL DEFAULT '[]',
            residence_village_code TEXT NOT NULL DEFAULT '',
            school_status TEXT NOT NULL DEFAULT '',
            school_name TEXT NOT NULL DEFAULT '',
            boarding INTEGER NOT NULL DEFAULT 0,
            health TEXT NOT NULL DEFAULT '',
            disability_category TEXT NOT NULL DEFAULT '',
            disability_level TEXT NOT NULL DEFAULT '',
            disability_certificate TEXT NOT NULL DEFAULT '',
            illness TEXT NOT NULL DEFAULT '',
            illness_on_county_list INTEGER NOT NULL DEFAULT 0,
            illness_untreated INTEGER NOT NULL DEFAULT 0,
            nutrition TEXT NOT NULL DEFAULT '',
            mental_health_concern INTEGER NOT NULL DEFAULT 0,
            behaviours TEXT NOT NULL DEFAULT '[]',
            work TEXT NOT NULL DEFAULT '',
            marital_status TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            deleted INTEGER NOT NULL DEFAULT 0,
            merged_into TEXT NOT NULL DEFAULT '',
            id_check TEXT NOT NULL DEFAULT 'absent',
            birth_estimate TEXT NOT NULL DEFAULT '',
            name_key TEXT NOT NULL DEFAULT '',
            name_bo_key TEXT NOT NULL DEFAULT '',
            sort_key TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX person_household ON person(household_id);
        CREATE INDEX person_name_key ON person(name_key);
        CREATE INDEX person_name_bo_key ON person(name_bo_key);
        CREATE INDEX person_id_number ON person(id_number);
        CREATE INDEX person_birth ON person(birth_estimate);

        CREATE TABLE person_search (
            person_id TEXT PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,
            text TEXT NOT NULL
        );

        CREATE TABLE relation (
            id TEXT PRIMARY KEY,
            child_id TEXT NOT NULL DEFAULT '',
            adult_id TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT '',
            legal_guardian INTEGER NOT NULL DEFAULT 0,
            actual_caregiver INTEGER NOT NULL DEFAULT 0,
            lives_with INTEGER NOT NULL DEFAULT 0,
            deleted INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX relation_child ON relation(child_id);
        CREATE INDEX relation_adult ON relation(adult_id);

        CREATE TABLE parent_situation (
            id TEXT PRIMARY KEY,
            person_id TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT '',
            place_province TEXT NOT NULL DEFAULT '',
            place_city TEXT NOT NULL DEFAULT '',
            outside_county INTEGER NOT NULL DEFAULT 0,
            start_date TEXT NOT NULL DEFAULT '',
            expected_end_date TEXT NOT NULL DEFAULT '',
            end_date TEXT NOT NULL DEFAULT '',
            evidence TEXT NOT NULL DEFAULT '',
            evidence_ref TEXT NOT NULL DEFAULT '',
            last_contact_on TEXT NOT NULL DEFAULT '',
            contact_frequency TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            deleted INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX parent_situation_person ON parent_situation(person_id);

        CREATE TABLE care_arrangement (
            id TEXT PRIMARY KEY,
            child_id TEXT NOT NULL DEFAULT '',
            carer_id TEXT NOT NULL DEFAULT '',
            start_date TEXT NOT NULL DEFAULT '',
            end_date TEXT NOT NULL DEFAULT '',
            notice_school_on TEXT NOT NULL DEFAULT '',
            notice_village_on TEXT NOT NULL DEFAULT '',
            confirmation_signed_on TEXT NOT NULL DEFAULT '',
            carer_full_capacity INTEGER NOT NULL DEFAULT 0,
            carer_health TEXT NOT NULL DEFAULT '',
            disqualifiers TEXT NOT NULL DEFAULT '[]',
            child_view_recorded INTEGER NOT NULL DEFAULT 0,
            notes TEXT NOT NULL DEFAULT '',
            deleted INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX care_arrangement_child ON care_arrangement(child_id);
        CREATE INDEX care_arrangement_carer ON care_arrangement(carer_id);

        CREATE TABLE classification (
            id TEXT PRIMARY KEY,
            child_id TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT '',
            recognised_by TEXT NOT NULL DEFAULT '',
            status_date TEXT NOT NULL DEFAULT '',
            document_number TEXT NOT NULL DEFAULT '',
            benefits TEXT NOT NULL DEFAULT '[]',
            notes TEXT NOT NULL DEFAULT '',
            deleted INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX classification_child ON classification(child_id);
        """
    )
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


@migrations()
def m002_visits(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
        ALTER TABLE household ADD COLUMN assigned_worker TEXT NOT NULL DEFAULT '';

        CREATE TABLE family_education_session (
            id TEXT PRIMARY KEY,
            session_date TEXT NOT NULL DEFAULT '',
            topic TEXT NOT NULL DEFAULT '',
            provider TEXT NOT NULL DEFAULT '',
            language TEXT NOT NULL DEFAULT '',
            village_code TEXT NOT NULL DEFAULT '',
            guardian_ids TEXT NOT NULL DEFAULT '[]',
            notes TEXT NOT NULL DEFAULT '',
            deleted INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX family_education_session_date ON family_education_session(session_date);

        CREATE TABLE visit (
            id TEXT PRIMARY KEY,
            household_id TEXT NOT NULL,
            visited_at TEXT NOT NULL,
            local_date TEXT NOT NULL,
            mode TEXT NOT NULL,
            visitor_user_id TEXT NOT NULL DEFAULT '',
            amends TEXT NOT NULL DEFAULT '',
            signed_at TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            content BLOB NOT NULL
        );
        CREATE INDEX visit_household ON visit(household_id, local_date);
        CREATE INDEX visit_day ON visit(local_date);
        CREATE INDEX visit_amends ON visit(amends);
        CREATE TRIGGER visit_is_locked BEFORE UPDATE ON visit
            BEGIN SELECT RAISE(ABORT, 'a signed visit cannot be changed'); END;
        CREATE TRIGGER visit_is_kept BEFORE DELETE ON visit
            BEGIN SELECT RAISE(ABORT, 'a signed visit cannot be deleted'); END;

        CREATE TABLE visit_draft (
            id TEXT PRIMARY KEY,
            household_id TEXT NOT NULL,
            content TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE attachment (
            sha256 TEXT PRIMARY KEY,
            media_type TEXT NOT NULL,
            data BLOB NOT NULL,
            created_at TEXT NOT NULL
        );

        CREATE TABLE county_setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)
        """,
    )


@migrations()
def m003_flags(db: sqlite_utils.Database) -> None:
    _run(
        db,
        """
        CREATE TABLE flag (
            id TEXT PRIMARY KEY,
            rule_id TEXT NOT NULL,
            rule_version INTEGER NOT NULL,
            child_id TEXT NOT NULL,
            severity TEXT NOT NULL,
            mandatory_report INTEGER NOT NULL DEFAULT 0,
            holds INTEGER NOT NULL DEFAULT 1,
            facts TEXT NOT NULL DEFAULT '[]',
            suggests TEXT NOT NULL DEFAULT '',
            first_raised_at TEXT NOT NULL,
            last_changed_at TEXT NOT NULL,
            cleared_at TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX flag_child ON flag(child_id);
        CREATE INDEX flag_holds ON flag(holds, severity);

        CREATE TABLE flag_status (
            flag_id TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            changed_by TEXT NOT NULL DEFAULT ''
        );

        CREATE TABLE flag_event (
            flag_id TEXT NOT NULL,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            rule_version INTEGER NOT NULL,
            severity TEXT NOT NULL,
            mandatory_report INTEGER NOT NULL DEFAULT 0,
            facts TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX flag_event_flag ON flag_event(flag_id, at);

        CREATE TABLE referral (
            id TEXT PRIMARY KEY,
            flag_id TEXT NOT NULL DEFAULT '',
            child_id TEXT NOT NULL DEFAULT '',
            target TEXT NOT NULL DEFAULT '',
            unit_name TEXT NOT NULL DEFAULT '',
            sent_on TEXT NOT NULL DEFAULT '',
            due_on TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT '',
            outcome TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            deleted INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX referral_flag ON referral(flag_id);
        CREATE INDEX referral_child ON referral(child_id);
        CREATE INDEX referral_due ON referral(status, due_on);

        CREATE TABLE mandatory_report (
            id TEXT PRIMARY KEY,
            flag_id TEXT NOT NULL DEFAULT '',
            child_id TEXT NOT NULL DEFAULT '',
            discovered_at TEXT NOT NULL DEFAULT '',
            reported_at TEXT NOT NULL DEFAULT '',
            reported_to TEXT NOT NULL DEFAULT '',
            receiving_unit TEXT NOT NULL DEFAULT '',
            case_number TEXT NOT NULL DEFAULT '',
            reporter TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            deleted INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX mandatory_report_flag ON mandatory_report(flag_id);
        CREATE INDEX mandatory_report_child ON mandatory_report(child_id)
        """,
    )


@migrations()
def m004_exchange(db: sqlite_utils.Database) -> None:
    """USB exchange (DESIGN §4–§5): conflicts waiting for a person, changes held back because they are
    stamped in the future, duplicate candidates and decisions, what peers hold, bundles sent and
    received, and the enrollment fields of nodes."""
    _run(
        db,
        """
        -- A field whose heads hold different values: one row per head set (the id is derived from the
        -- record, field and head set, so every laptop names the same conflict alike). status: open |
        -- resolved (a change named every head, or the heads came to agree) | replaced (other heads
        -- now disagree: see replaced_by).
        CREATE TABLE conflict (
            conflict_id TEXT PRIMARY KEY,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            field TEXT NOT NULL,
            heads TEXT NOT NULL,
            detected_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open',
            settled_at TEXT NOT NULL DEFAULT '',
            settled_by_op TEXT NOT NULL DEFAULT '',
            settled_by TEXT NOT NULL DEFAULT '',
            settled_reason TEXT NOT NULL DEFAULT '',
            replaced_by TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX conflict_field ON conflict(entity_id, field);
        CREATE INDEX conflict_status ON conflict(status, detected_at);

        -- Received changes stamped more than a day after this laptop's clock: kept here, not
        -- applied, until a person releases them. change: the wire change as JSON; visit: a held
        -- visit's content as JSON.
        CREATE TABLE held_change (
            origin_node TEXT NOT NULL,
            seq INTEGER NOT NULL,
            hlc INTEGER NOT NULL,
            change TEXT NOT NULL,
            visit TEXT NOT NULL DEFAULT '',
            held_at TEXT NOT NULL,
            PRIMARY KEY (origin_node, seq)
        );

        -- Possible duplicate people (derived and local, person_id < other_id) and the decisions on
        -- them (synced: entity "duplicate_decision", field "decision", entity id
        -- "<person_id>|<other_id>"; materialised here from the change log).
        CREATE TABLE duplicate_candidate (
            person_id TEXT NOT NULL,
            other_id TEXT NOT NULL,
            score REAL NOT NULL DEFAULT 0,
            reasons TEXT NOT NULL DEFAULT '[]',
            found_at TEXT NOT NULL,
            PRIMARY KEY (person_id, other_id)
        );
        CREATE TABLE duplicate_decision (
            pair_id TEXT PRIMARY KEY,
            person_id TEXT NOT NULL,
            other_id TEXT NOT NULL,
            decision TEXT NOT NULL,
            decided_by TEXT NOT NULL DEFAULT '',
            decided_at TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT ''
        );

        -- What another node is known to hold, per origin node: every seq 1..seq (from its receipts
        -- and the manifests of its bundles).
        CREATE TABLE peer_holding (
            peer_node TEXT NOT NULL,
            origin_node TEXT NOT NULL,
            seq INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (peer_node, origin_node)
        ) WITHOUT ROWID;

        -- Bundles: received (status applied | already_applied | fork | rejected; a fork's file is kept
        -- at held_path) and sent.
        CREATE TABLE bundle_received (
            sender_node TEXT NOT NULL,
            bundle_seq INTEGER NOT NULL,
            bundle_hash TEXT NOT NULL,
            received_at TEXT NOT NULL,
            status TEXT NOT NULL,
            summary TEXT NOT NULL DEFAULT '{}',
            held_path TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (sender_node, bundle_seq, bundle_hash)
        );
        CREATE TABLE bundle_sent (
            recipient_node TEXT NOT NULL,
            bundle_seq INTEGER NOT NULL,
            bundle_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            ranges TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (recipient_node, bundle_seq)
        );

        -- Enrollment: when a node was enrolled, its name as shown, the township node a village is
        -- enrolled at, and the sequence number of this node's next bundle.
        ALTER TABLE node ADD COLUMN enrolled_at TEXT NOT NULL DEFAULT '';
        ALTER TABLE node ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
        ALTER TABLE node ADD COLUMN township_node TEXT NOT NULL DEFAULT '';
        ALTER TABLE node ADD COLUMN next_bundle_seq INTEGER NOT NULL DEFAULT 1;

        -- Users known from other laptops (authors of received changes) name the node they came from;
        -- this laptop's own users have ''.
        ALTER TABLE user ADD COLUMN home_node TEXT NOT NULL DEFAULT ''
        """,
    )



@migrations()
def m005_exchange_records(db: sqlite_utils.Database) -> None:
    """What the bundle services keep beside m004: why a node was revoked; per sender, up to which
    seq of each origin a village holds everything that sender would send it (return bundles carry
    only the records that concern the village, so its plain holdings of other origins have gaps);
    and the kind and summary of each bundle sent; indexes for finding namesakes born near each other."""
    _run(
        db,
        """
        ALTER TABLE node ADD COLUMN revoked_reason TEXT NOT NULL DEFAULT '';

        CREATE TABLE received_coverage (
            sender_node TEXT NOT NULL,
            origin_node TEXT NOT NULL,
            seq INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (sender_node, origin_node)
        ) WITHOUT ROWID;

        ALTER TABLE bundle_sent ADD COLUMN kind TEXT NOT NULL DEFAULT '';
        ALTER TABLE bundle_sent ADD COLUMN summary TEXT NOT NULL DEFAULT '{}';

        -- Possible duplicates among the people a bundle brings: namesakes born near each other
        -- (a common Tibetan name is shared by hundreds of people in a county). They serve lookups by
        -- name key alone too, so the single-column indexes of m001 go.
        CREATE INDEX person_name_birth ON person(name_key, birth_estimate);
        CREATE INDEX person_name_bo_birth ON person(name_bo_key, birth_estimate);
        DROP INDEX person_name_key;
        DROP INDEX person_name_bo_key
        """,
    )


@migrations()
def m006_audit(db: sqlite_utils.Database) -> None:
    """The audit log (``storage.audit``): each node's hash-chained entries of who did what, when, to
    which record; append-only. At a township also what it found wrong in a village's chain and the
    entries that contradicted ones it held; at a village, what the township acknowledges holding."""
    _run(
        db,
        """
        -- node and user stored once, in origin and author (as the change log does), hashes as 32 bytes
        CREATE TABLE audit (
            origin INTEGER NOT NULL REFERENCES origin(ref),
            seq INTEGER NOT NULL,
            at TEXT NOT NULL,
            author INTEGER NOT NULL REFERENCES author(ref),
            action TEXT NOT NULL,
            entity TEXT NOT NULL DEFAULT '',
            entity_id TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT '{}',
            prev_hash BLOB NOT NULL,
            hash BLOB NOT NULL,
            PRIMARY KEY (origin, seq)
        ) WITHOUT ROWID;
        CREATE INDEX audit_at ON audit(at);
        CREATE TRIGGER audit_is_locked BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'an audit entry cannot be changed'); END;
        CREATE TRIGGER audit_is_kept BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'an audit entry cannot be deleted'); END;
        CREATE TRIGGER audit_is_not_replaced BEFORE INSERT ON audit
            WHEN EXISTS (SELECT 1 FROM audit WHERE origin = NEW.origin AND seq = NEW.seq)
            BEGIN SELECT RAISE(ABORT, 'an audit entry cannot be replaced'); END;
        CREATE VIEW audit_log AS
            SELECT o.node_id AS node_id, a.seq AS seq, a.at AS at, u.user_id AS user_id, a.action AS action,
                   a.entity AS entity, a.entity_id AS entity_id, a.detail AS detail,
                   lower(hex(a.prev_hash)) AS prev_hash, lower(hex(a.hash)) AS hash
            FROM audit a JOIN origin o ON o.ref = a.origin JOIN author u ON u.ref = a.author;

        -- kind: hash | link | gap | rewound; seq: the first entry concerned, count: how many
        CREATE TABLE audit_warning (
            node_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            seq INTEGER NOT NULL,
            count INTEGER NOT NULL DEFAULT 1,
            found_at TEXT NOT NULL,
            bundle_sha256 TEXT NOT NULL DEFAULT '',
            bundle_seq INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX audit_warning_node ON audit_warning(node_id, found_at);
        CREATE TRIGGER audit_warning_is_locked BEFORE UPDATE ON audit_warning
            BEGIN SELECT RAISE(ABORT, 'an audit warning cannot be changed'); END;
        CREATE TRIGGER audit_warning_is_kept BEFORE DELETE ON audit_warning
            BEGIN SELECT RAISE(ABORT, 'an audit warning cannot be deleted'); END;

        CREATE TABLE audit_divergent (
            node_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            hash TEXT NOT NULL,
            entry TEXT NOT NULL,
            found_at TEXT NOT NULL,
            PRIMARY KEY (node_id, seq, hash)
        ) WITHOUT ROWID;
        CREATE TRIGGER audit_divergent_is_locked BEFORE UPDATE ON audit_divergent
            BEGIN SELECT RAISE(ABORT, 'a divergent audit entry cannot be changed'); END;
        CREATE TRIGGER audit_divergent_is_kept BEFORE DELETE ON audit_divergent
            BEGIN SELECT RAISE(ABORT, 'a divergent audit entry cannot be deleted'); END;

        CREATE TABLE audit_ack (
            peer_node TEXT NOT NULL,
            node_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (peer_node, node_id)
        ) WITHOUT ROWID
        """,
    )


@migrations()
def m007_users(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- Named users (issue 7 part 2): a user can be switched off (kept as the author of their
        -- changes, never deleted); on a plain database the login password is checked against an
        -- scrypt verifier here (an encrypted database keeps each user's password as a key slot in its
        -- keys file instead, and leaves this empty).
        ALTER TABLE user ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE user ADD COLUMN password_verifier TEXT NOT NULL DEFAULT '';

        -- The village groups (15-digit group codes) a grid worker looks after.
        CREATE TABLE user_group (
            user_id TEXT NOT NULL REFERENCES user(user_id),
            unit_code TEXT NOT NULL,
            PRIMARY KEY (user_id, unit_code)
        ) WITHOUT ROWID;
        """,
    )


SCHEMA_VERSION = len(migrations._migrations)


def schema_version(db: sqlite_utils.Database) -> int:
    return len(migrations.applied(db))


def refuse_newer(db: sqlite_utils.Database) -> None:
    """Raise ``DatabaseTooNew`` when the database has migrations this code does not know
    (read-only: call it before anything, even the journal mode, is changed)."""
    known = {m.name for m in migrations._migrations}
    applied = migrations.applied(db)
    if any(m.name not in known for m in applied):
        raise DatabaseTooNew(found=len(applied), supported=SCHEMA_VERSION)


def migrate(db: sqlite_utils.Database, path: Path | None) -> None:
    """Refuse a database from a newer version; otherwise back it up and apply what is pending."""
    refuse_newer(db)
    applied = migrations.applied(db)
    pending = migrations.pending(db)
    if not pending:
        return
    if applied and path is not None:
        backup_before_migration(db, path, len(applied))
    migrations.apply(db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    with db.atomic():
        set_meta(db, "schema_version", str(SCHEMA_VERSION))


def backup_before_migration(db: sqlite_utils.Database, path: Path, version: int) -> SnapshotFile:
    """Snapshot the database (at schema ``version``) before its schema changes; a snapshot that
    cannot be written stops the migration and leaves the database as it was."""
    return take_snapshot(db.conn, path, "before-migration")
