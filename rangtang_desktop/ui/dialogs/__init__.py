"""dialogs of the window."""
