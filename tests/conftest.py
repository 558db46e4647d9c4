"""Shared fixtures: one real spaCy pipeline per test session, paths to the bundled examples."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def pipeline():
    from sitrep.pipeline import Pipeline

    return Pipeline()


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "test.db")
