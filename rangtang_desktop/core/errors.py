"""Typed errors that users can act on.

Each error carries a headline (what happened) and advice (what to do) as message ids with named
parameters. They are turned into translated two-part messages in exactly one place per boundary
(``ui/errors.py`` for the window, ``cli.py`` for the command line). Parameters never hold names or
ID numbers of people, so an error can be logged safely.
"""

from __future__ import annotations

from typing import Any

from .msg import N_, Message


class RangtangError(Exception):
    """Base class for problems the user can understand and fix."""

    headline = N_("Something went wrong.")
    advice = N_("Try again. If it keeps happening, copy the details and show them to the township.")

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.headline.format(**params))

    def headline_message(self) -> Message:
        return Message(self.headline, self.params)

    def advice_message(self) -> Message:
        return Message(self.advice, self.params)


class NotOurDatabase(RangtangError):
    headline = N_("This file is not a Rangtang Desktop database: {path}")
    advice = N_(
        "Choose the database file made by this program, or create a new one. "
        "The file you chose has not been changed."
    )


class DatabaseTooNew(RangtangError):
    headline = N_(
        "This database was written by a newer version of Rangtang Desktop "
        "(data version {found}; this program reads up to version {supported})."
    )
    advice = N_(
        "Install the newest version of the program, then open the database again. "
        "The database has not been changed."
    )


class DatabaseReadOnly(RangtangError):
    headline = N_("The database cannot be written: the file or its folder is read-only.")
    advice = N_(
        "Copy the database to a folder on this computer that you can write to (not a USB stick), "
        "or ask for write permission. What you entered has not been saved, and nothing saved "
        "earlier is lost."
    )


class DiskFull(RangtangError):
    headline = N_("The disk is full, so the last change was not saved.")
    advice = N_(
        "Free some space on the disk (delete or move large files you no longer need), then save "
        "again. What you entered is still in the form; nothing saved earlier is lost."
    )


class DatabaseDamaged(RangtangError):
    headline = N_("The database file is damaged and cannot be read: {path}")
    advice = N_(
        "Do not delete the file. Restore the newest backup, or take the file to the township "
        "for repair."
    )


class DatabaseBusy(RangtangError):
    headline = N_("The database is busy: another program is writing to it.")
    advice = N_("Close other copies of Rangtang Desktop that use this database, then try again.")


class RecordNotFound(RangtangError):
    headline = N_("The record no longer exists.")
    advice = N_("It may have been merged or deleted in the meantime. Refresh the list and try again.")


class ValidationFailed(RangtangError):
    """A record was refused; ``problems`` says which fields and why."""

    headline = N_("Some entries need correcting before they can be saved.")
    advice = N_("Fix the fields marked in red, then save again. Nothing has been saved yet.")

    def __init__(self, problems: list[Any]) -> None:
        super().__init__()
        self.problems = problems


class UnknownUnit(RangtangError):
    headline = N_("There is no township or village with the code {code}.")
    advice = N_("Check the code against the county's list of townships and villages.")


class InvalidArgument(RangtangError):
    """A command-line value that cannot be used."""

    headline = N_("Invalid value for {option}: {value}")
    advice = N_("Run the command with --help to see the values it accepts.")


class FileExists(RangtangError):
    headline = N_("The file {path} already exists.")
    advice = N_("Choose another file name, or move the existing file away first. It has not been changed.")
