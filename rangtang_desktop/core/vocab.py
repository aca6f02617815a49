"""Vocabularies: the closed lists of codes the register uses, each code with its display label.

Codes are stable English identifiers stored in the database and carried in bundles; labels are
message ids translated when shown. Lists the county may extend (serious illnesses, name variants,
villages) are reference data, not vocabularies.
"""

from __future__ import annotations

from dataclasses import dataclass

from .msg import N_


@dataclass(frozen=True)
class Vocabulary:
    """An ordered list of (code, label id) pairs."""

    name: str
    items: tuple[tuple[str, str], ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.items)

    def label(self, code: str | None) -> str:
        """The label id for ``code``; the code itself when unknown (e.g. from a newer version)."""
        for item_code, label in self.items:
            if item_code == code:
                return label
        return code or ""

    def __contains__(self, code: object) -> bool:
        return code in self.codes


def _vocab(name: str, *items: tuple[str, str]) -> Vocabulary:
    return Vocabulary(name, tuple(items))


SEX = _vocab("sex", ("male", N_("Male")), ("female", N_("Female")), ("unknown", N_("Unknown")))

ETHNICITY = _vocab(
    "ethnicity",
    ("tibetan", N_("Tibetan")),
    ("han", N_("Han")),
    ("qiang", N_("Qiang")),
    ("hui", N_("Hui")),
    ("other", N_("Other")),
)

DATE_PRECISION = _vocab(
    "date_precision",
    ("exact", N_("Exact date")),
    ("month", N_("Month known")),
    ("year", N_("Year known")),
    ("estimated", N_("Estimated")),
)

ID_CHECK = _vocab(
    "id_check",
    ("valid", N_("Valid")),
    ("valid_old", N_("Valid (old 15-digit number)")),
    ("bad_checksum", N_("Check digit wrong")),
    ("bad_date", N_("Birth date in number impossible")),
    ("bad_format", N_("Not an ID number")),
    ("absent", N_("No ID number")),
)

HUKOU_STATUS = _vocab(
    "hukou_status",
    ("registered", N_("Registered")),
    ("not_registered", N_("Not registered (no hukou)")),
    ("pending", N_("Registration pending")),
)

HUKOU_TYPE = _vocab(
    "hukou_type", ("rural", N_("Rural")), ("urban", N_("Urban")), ("unknown", N_("Unknown"))
)

ALIVE_STATUS = _vocab(
    "alive_status",
    ("alive", N_("Alive")),
    ("deceased", N_("Deceased")),
    ("declared_dead", N_("Declared dead")),
    ("declared_missing", N_("Declared missing")),
)

LIVELIHOOD = _vocab(
    "livelihood",
    ("farming", N_("Farming")),
    ("herding", N_("Herding")),
    ("mixed", N_("Farming and herding")),
    ("other", N_("Other")),
)

ECONOMIC_STATUS = _vocab(
    "economic_status",
    ("dibao", N_("Minimum living allowance (dibao)")),
    ("tekun", N_("Extreme-poverty support (tekun)")),
    ("monitoring", N_("Monitored against return to poverty")),
    ("low_income", N_("Low income")),
)

HOUSING = _vocab(
    "housing",
    ("safe", N_("Safe")),
    ("dangerous", N_("Dangerous building")),
    ("temporary", N_("Tent or temporary shelter")),
    ("unknown", N_("Unknown")),
)

HAZARDS = _vocab(
    "hazards",
    ("electricity", N_("Unsafe electricity")),
    ("fire_gas", N_("Fire or gas")),
    ("drowning", N_("Water nearby (drowning)")),
    ("geological", N_("Landslide or other geological hazard")),
    ("animals", N_("Dangerous animals")),
)

LEGAL_BASIS = _vocab(
    "legal_basis",
    ("statutory_duty", N_("Statutory duty")),
    ("guardian_consent", N_("Guardian's consent")),
    ("emergency", N_("Emergency")),
)

SCHOOL_STATUS = _vocab(
    "school_status",
    ("not_school_age", N_("Not yet school age")),
    ("kindergarten", N_("Kindergarten")),
    ("not_in_kindergarten", N_("Not in kindergarten")),
    ("primary", N_("Primary school")),
    ("junior", N_("Junior secondary school")),
    ("senior", N_("Senior secondary school")),
    ("vocational", N_("Vocational school")),
    ("dropped_out", N_("Dropped out")),
    ("not_in_school_14_16", N_("Not in school (aged 14-16)")),
    ("deferred", N_("Approved deferral")),
    ("special_education", N_("Special education school")),
    ("home_teaching", N_("Teaching at home")),
    ("left_school", N_("Finished school")),
)

HEALTH = _vocab(
    "health",
    ("healthy", N_("Healthy")),
    ("disabled", N_("Disabled")),
    ("seriously_ill", N_("Seriously ill")),
)

DISABILITY_CATEGORY = _vocab(
    "disability_category",
    ("visual", N_("Visual")),
    ("hearing", N_("Hearing")),
    ("speech", N_("Speech")),
    ("physical", N_("Physical")),
    ("intellectual", N_("Intellectual")),
    ("mental", N_("Mental")),
    ("multiple", N_("Multiple")),
)

DISABILITY_LEVEL = _vocab(
    "disability_level",
    ("1", N_("Level 1 (most severe)")),
    ("2", N_("Level 2")),
    ("3", N_("Level 3")),
    ("4", N_("Level 4")),
)

NUTRITION = _vocab(
    "nutrition", ("none", N_("No concern")), ("mild", N_("Mild concern")), ("severe", N_("Severe concern"))
)

BEHAVIOURS = _vocab(
    "behaviours",
    ("truancy", N_("Truancy")),
    ("runs_away", N_("Runs away or stays out at night")),
    ("internet", N_("Internet addiction")),
    ("smoking_drinking", N_("Smoking or drinking")),
    ("bullied", N_("Bullied")),
    ("bullying", N_("Bullies others")),
    ("delinquency", N_("Delinquency")),
)

WORK = _vocab(
    "work",
    ("none", N_("None")),
    ("chores", N_("Household chores")),
    ("family_herding", N_("Family herding")),
    ("employed", N_("Employed by others")),
    ("hazardous", N_("Hazardous work")),
)

MARITAL_STATUS = _vocab(
    "marital_status",
    ("none", N_("None")),
    ("betrothed", N_("Betrothed")),
    ("married", N_("Married or cohabiting")),
    ("pregnant", N_("Pregnant")),
)

RELATION_KIND = _vocab(
    "relation_kind",
    ("father", N_("Father")),
    ("mother", N_("Mother")),
    ("stepfather", N_("Stepfather")),
    ("stepmother", N_("Stepmother")),
    ("adoptive_parent", N_("Adoptive parent")),
    ("paternal_grandparent", N_("Paternal grandparent")),
    ("maternal_grandparent", N_("Maternal grandparent")),
    ("elder_sibling", N_("Elder sibling")),
    ("other_relative", N_("Other relative")),
    ("non_relative", N_("Not a relative")),
    ("institution", N_("Institution")),
)

PARENT_KINDS = frozenset({"father", "mother", "stepfather", "stepmother", "adoptive_parent"})

SITUATION_KIND = _vocab(
    "situation_kind",
    ("at_home", N_("At home")),
    ("migrant_work", N_("Away for work")),
    ("deceased", N_("Deceased")),
    ("declared_dead", N_("Declared dead")),
    ("declared_missing", N_("Declared missing")),
    ("lost_contact", N_("Lost contact")),
    ("imprisoned", N_("Imprisoned")),
    ("compulsory_detox", N_("Compulsory drug rehabilitation")),
    ("other_detention", N_("Other detention")),
    ("severe_disability", N_("Severe disability")),
    ("serious_illness", N_("Serious illness")),
    ("guardianship_revoked", N_("Guardianship revoked")),
    ("deported", N_("Deported")),
    ("divorced_not_raising", N_("Divorced, not raising the child")),
    ("incapable", N_("Otherwise unable to care")),
)

EVIDENCE = _vocab(
    "evidence",
    ("none", N_("None")),
    ("death_certificate", N_("Death certificate")),
    ("hukou_cancellation", N_("Hukou cancellation")),
    ("court_judgment", N_("Court judgment")),
    ("police_missing_report", N_("Police acceptance of missing-person report")),
    ("disability_certificate", N_("Disability certificate")),
    ("hospital_diagnosis", N_("Hospital diagnosis")),
    ("prison_document", N_("Prison or detention document")),
    ("village_certificate", N_("Village committee certificate")),
)

CONTACT_FREQUENCY = _vocab(
    "contact_frequency",
    ("weekly", N_("Weekly or more")),
    ("monthly", N_("Monthly")),
    ("rarely", N_("Rarely")),
    ("never", N_("Never")),
)

CARER_HEALTH = _vocab(
    "carer_health",
    ("ok", N_("Good")),
    ("ill", N_("Ill")),
    ("disabled", N_("Disabled")),
    ("infectious", N_("Infectious disease")),
)

CARER_DISQUALIFIERS = _vocab(
    "carer_disqualifiers",
    ("abuse_record", N_("Record of abuse or violence")),
    ("addiction", N_("Drug, alcohol or gambling habit")),
    ("neglect", N_("Long neglect of care duties")),
)

CLASSIFICATION_KIND = _vocab(
    "classification_kind",
    ("left_behind_both", N_("Left-behind (both parents away)")),
    ("left_behind_one", N_("Left-behind (one parent away)")),
    ("difficulty_poverty", N_("In difficulty: family poverty")),
    ("difficulty_disability", N_("In difficulty: own disability")),
    ("difficulty_illness", N_("In difficulty: serious illness")),
    ("difficulty_guardianship", N_("In difficulty: missing or improper guardianship")),
    ("orphan_scattered", N_("Orphan (living in the community)")),
    ("orphan_institution", N_("Orphan (in an institution)")),
    ("de_facto_unsupported", N_("De facto unsupported")),
    ("child_of_prisoner", N_("Child of a prisoner")),
    ("temporary_difficulty", N_("Temporary difficulty")),
    ("other", N_("Other")),
)

CLASSIFICATION_STATUS = _vocab(
    "classification_status",
    ("suggested", N_("Suggested by the system")),
    ("pending", N_("Pending verification")),
    ("recognised", N_("Officially recognised")),
    ("ended", N_("Ended")),
)

BENEFITS = _vocab(
    "benefits",
    ("orphan_allowance", N_("Orphan allowance")),
    ("unsupported_allowance", N_("De facto unsupported child allowance")),
    ("dibao", N_("Minimum living allowance (dibao)")),
    ("medical_aid", N_("Medical aid")),
    ("education_aid", N_("Education aid")),
    ("disability_subsidy", N_("Disability subsidy")),
    ("temporary_aid", N_("Temporary aid")),
)

USER_ROLE = _vocab(
    "user_role",
    ("child_director", N_("Child director")),
    ("grid_worker", N_("Grid worker")),
    ("township_supervisor", N_("Township supervisor")),
)

NODE_ROLE = _vocab("node_role", ("village", N_("Village")), ("township", N_("Township")))

UNIT_LEVEL = _vocab(
    "unit_level",
    ("county", N_("County")),
    ("township", N_("Township")),
    ("village", N_("Village")),
    ("group", N_("Village group")),
)

VISIT_MODE = _vocab(
    "visit_mode",
    ("home", N_("Home visit")),
    ("school", N_("At school")),
    ("phone", N_("Phone call")),
    ("video", N_("Video call")),
    ("other", N_("Elsewhere")),
)

VISIT_LANGUAGE = _vocab(
    "visit_language",
    ("amdo", N_("Amdo Tibetan")),
    ("chinese", N_("Chinese")),
    ("khalong", N_("Khalong")),
    ("zbu", N_("Zbu (日部话)")),
    ("khroskyabs", N_("Khroskyabs (拉坞戎语)")),
    ("horpa", N_("Horpa")),
    ("other", N_("Another language")),
)

RATING = _vocab(
    "guardianship_rating",
    ("good", N_("Good (较好)")),
    ("fair", N_("Fair: basic care, but latent risk (一般)")),
    ("poor", N_("Poor: nobody caring, carer unable, needs unmet (差)")),
)

ANSWER = _vocab(
    "checklist_answer",
    ("not_observed", N_("Not observed")),
    ("observed", N_("Observed")),
    ("suspected", N_("Suspected")),
)

SEEN = _vocab("child_seen", ("in_person", N_("Seen in person")), ("not_seen", N_("Not seen")))

NO_SIGNATURE_REASON = _vocab(
    "no_signature_reason",
    ("unable", N_("Cannot sign (illiterate, ill or disabled)")),
    ("refused", N_("Refused to sign")),
    ("absent", N_("No guardian present")),
    ("remote", N_("Visit by phone or video")),
    ("other", N_("Other reason")),
)

VISITOR_ROLE = _vocab(
    "visitor_role",
    ("grid_worker", N_("Grid worker")),
    ("group_leader", N_("Village group leader")),
    ("child_director", N_("Child director")),
    ("township_supervisor", N_("Township supervisor")),
    ("other", N_("Other")),
)

DUPLICATE_DECISION = _vocab(
    "duplicate_decision",
    ("merged", N_("Same person: merged into one record")),
    ("linked", N_("Same person: both records kept and linked")),
    ("separate", N_("Different people")),
)

MONTHS = _vocab(
    "months",
    *((str(m), label) for m, label in enumerate(
        (
            N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
            N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
            N_("December"),
        ),
        start=1,
    )),
)
