"""The PySide6 window: pages, table models, dialogs, the background runner and the one
exception-to-dialog mapping. No business rules and no SQL live here."""
