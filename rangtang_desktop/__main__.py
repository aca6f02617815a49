"""``python -m rangtang_desktop`` is the same as the ``rangtang-desktop`` command."""

from .cli import main

raise SystemExit(main())
