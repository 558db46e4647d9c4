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


@pytest.fixture(scope="session")
def examples_db(pipeline, tmp_path_factory) -> str:
    """A store built once per test session from examples/ by the real pipeline; modules that
    change a store copy it (`examples_copy`), the others may open it as it is."""
    from sitrep import batch
    from sitrep.store import Store

    path = str(tmp_path_factory.mktemp("examples") / "examples.db")
    with Store.open(path) as store:
        summary = batch.ingest([str(EXAMPLES)], store, pipeline)
    assert summary.stored == 21 and not summary.failures, summary.as_dict()
    return path


def copy_store(src: str, dst_dir) -> str:
    """A private copy of a built store (its WAL checkpointed into the main file first)."""
    import shutil
    import sqlite3

    with sqlite3.connect(src) as con:
        con.execute("pragma wal_checkpoint(truncate)")
    dst = str(Path(dst_dir) / "copy.db")
    shutil.copy(src, dst)
    return dst


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "test.db")
