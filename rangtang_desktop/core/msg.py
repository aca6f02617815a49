"""Translatable message ids.

The core never translates: it returns message ids (English source strings marked with ``N_``)
and their named parameters; the UI, CLI and PDFs translate them in the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def N_(message: str) -> str:
    """Mark a string for extraction into the catalogs without translating it now."""
    return message


@dataclass(frozen=True)
class Message:
    """A message id and its named parameters, translated by whoever shows it."""

    text: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, translate) -> str:
        """Translate the id with ``translate`` and fill in the parameters; a parameter that is
        itself a ``Message`` (a vocabulary label, say) is translated too."""
        params = {
            key: value.render(translate) if isinstance(value, Message) else value
            for key, value in self.params.items()
        }
        return translate(self.text).format(**params)
