"""Fixtures for bundle tests: a village, a township that has enrolled it, and a stick folder."""

from __future__ import annotations

import pytest

from .support import Node, Registry


@pytest.fixture(scope="session")
def village() -> Node:
    """A village node with its keys."""
    return Node.make()


@pytest.fixture(scope="session")
def township() -> Node:
    """A township node with its keys."""
    return Node.make()


@pytest.fixture
def registry(village) -> Registry:
    """The township's registry, with the village enrolled."""
    return Registry().enroll(village)


@pytest.fixture
def stick(tmp_path):
    """An empty folder standing for a USB stick."""
    folder = tmp_path / "stick"
    folder.mkdir()
    return folder
