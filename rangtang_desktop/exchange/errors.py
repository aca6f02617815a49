"""The two ways moving a bundle can fail for a user: a bundle refused on reading (``BundleRejected``,
with a short reason code for logs, tests and ``import --json``) and a bundle that could not be
written to a stick (``BundleWriteFailed``). Both carry a two-part message (what happened, what to
do); their parameters are file and folder paths only, never anything about a person."""

from __future__ import annotations

from ..core.errors import RangtangError
from ..core.msg import N_

_DAMAGED = (
    N_("{file} has been changed or damaged since it was made, so it cannot be trusted."),
    N_(
        "Do not use this file. Export a new bundle on the computer that made it and bring that one. "
        "Nothing has been imported."
    ),
)
_INCOMPLETE = (
    N_("{file} is incomplete: it was probably copied while the USB stick was being removed."),
    N_(
        "Copy the bundle again from the computer that made it, or export it again there, and wait until "
        "copying has finished before removing the stick. Nothing has been imported."
    ),
)
_NEWER = (
    N_("{file} was made by a different version of Rangtang Desktop and cannot be read here."),
    N_(
        "Install the same version of the program on both computers, then export the bundle again. Nothing has been imported."
    ),
)

# reason code -> (headline, advice). Codes are stable: they appear in ``import --json``.
REJECTION_MESSAGES: dict[str, tuple[str, str]] = {
    "not_a_bundle": (
        N_("{file} is not a Rangtang Desktop bundle."),
        N_("Choose a bundle file made by Rangtang Desktop (its name ends in .rtb). Nothing has been imported."),
    ),
    "empty": _INCOMPLETE,
    "truncated": _INCOMPLETE,
    "unreadable": (
        N_("{file} could not be read from the disk or USB stick."),
        N_(
            "Check that the stick is still plugged in, then try again. If it keeps failing, copy the file to "
            "this computer first. Nothing has been imported."
        ),
    ),
    "too_large": (
        N_("{file} is too large to be a bundle."),
        N_("Check that you chose the right file. Nothing has been imported."),
    ),
    "damaged": _DAMAGED,
    "unsafe_path": _DAMAGED,
    "symlink": _DAMAGED,
    "encrypted_member": _DAMAGED,
    "duplicate_member": _DAMAGED,
    "unexpected_member": _DAMAGED,
    "unsupported_compression": _DAMAGED,
    "bad_json": _DAMAGED,
    "bad_manifest": _DAMAGED,
    "bad_signature": _DAMAGED,
    "hash_mismatch": _DAMAGED,
    "unsupported_version": _NEWER,
    "unsupported_algorithm": _NEWER,
    "unknown_sender": (
        N_("{file} comes from a computer that is not enrolled here."),
        N_("Enroll the computer that made it first, then import the bundle again. Nothing has been imported."),
    ),
    "revoked_sender": (
        N_("{file} comes from a computer whose enrollment has been revoked."),
        N_(
            "Bundles from a revoked computer are never imported. If that computer should be trusted again, "
            "enroll it anew. Nothing has been imported."
        ),
    ),
    "sender_mismatch": (
        N_("{file} was signed by a different computer than the one it claims to come from."),
        N_("Do not use this file, and show it to the township supervisor. Nothing has been imported."),
    ),
    "wrong_recipient": (
        N_("{file} is addressed to another computer, not to this one."),
        N_("Take the bundle to the township or village it was made for. Nothing has been imported."),
    ),
    "decrypt_failed": (
        N_("{file} could not be decrypted with this computer's key."),
        N_(
            "The bundle was probably made for an earlier enrollment of this computer. Export it again on the "
            "computer that made it. Nothing has been imported."
        ),
    ),
}


class BundleRejected(RangtangError):
    """A bundle refused on reading. ``reason`` is a code from ``REJECTION_MESSAGES``; ``detail`` is
    an untranslated English note for logs and ``verify`` (never shown as the message itself)."""

    headline = REJECTION_MESSAGES["damaged"][0]
    advice = REJECTION_MESSAGES["damaged"][1]

    def __init__(self, reason: str, *, file: str = "", detail: str = "") -> None:
        if reason not in REJECTION_MESSAGES:
            raise ValueError(f"unknown rejection reason {reason!r}")
        self.reason = reason
        self.detail = detail
        self.headline, self.advice = REJECTION_MESSAGES[reason]
        super().__init__(file=file or "the bundle")

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


WRITE_FAILURE_MESSAGES: dict[str, tuple[str, str]] = {
    "disk_full": (
        N_("The USB stick or disk is full, so the bundle was not written to {folder}."),
        N_(
            "Free some space on the stick (move files you no longer need to a computer) or use another stick, "
            "then export again. No partial file was left behind, and nothing on this computer is lost."
        ),
    ),
    "read_only": (
        N_("The USB stick or folder {folder} is write-protected, so the bundle was not written."),
        N_(
            "Slide the lock switch on the stick to unlocked, or choose a folder you are allowed to write to, "
            "then export again. Nothing on this computer is lost."
        ),
    ),
    "removed": (
        N_("The USB stick was removed, or stopped answering, while the bundle was being written to {folder}."),
        N_(
            "Plug the stick in again and export again; wait until the program says the export has finished "
            "before removing the stick. Nothing on this computer is lost."
        ),
    ),
    "verify_failed": (
        N_("The bundle written to {folder} did not read back the same as it was written, so it was deleted."),
        N_("The USB stick may be failing. Use another stick, then export again. Nothing on this computer is lost."),
    ),
    "too_large": (
        N_("The bundle is too large to be written in one file."),
        N_(
            "Export more often, so that each bundle stays smaller, or ask the township for help. Nothing has been written."
        ),
    ),
    "failed": (
        N_("The bundle could not be written to {folder}."),
        N_(
            "Check that the stick is plugged in and has free space, or choose another folder, then export again. "
            "No partial file was left behind, and nothing on this computer is lost."
        ),
    ),
}


class BundleWriteFailed(RangtangError):
    """A bundle that could not be written (stick full, write-protected, removed, failing). No partial
    file is left behind. ``reason`` is a code from ``WRITE_FAILURE_MESSAGES``."""

    headline = WRITE_FAILURE_MESSAGES["failed"][0]
    advice = WRITE_FAILURE_MESSAGES["failed"][1]

    def __init__(self, reason: str, *, folder: str = "", detail: str = "") -> None:
        if reason not in WRITE_FAILURE_MESSAGES:
            raise ValueError(f"unknown write failure reason {reason!r}")
        self.reason = reason
        self.detail = detail
        self.headline, self.advice = WRITE_FAILURE_MESSAGES[reason]
        super().__init__(folder=folder)

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


class Refused(Exception):
    """Raised inside the exchange package when a bundle fails a check; ``bundle.py`` turns it into a
    ``BundleRejected`` that names the file."""

    def __init__(self, reason: str, detail: str = "") -> None:
        if reason not in REJECTION_MESSAGES:
            raise ValueError(f"unknown rejection reason {reason!r}")
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
