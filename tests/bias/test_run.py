"""A bias run that cannot start says why, before any model is loaded."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from rasa_ethics.bias.errors import BiasError
from rasa_ethics.bias.run import newest_model, run_bias
from rasa_ethics.policy.schema_bias import BiasConfig


def test_newest_archive_of_a_folder(tmp_path: Path) -> None:
    old, new = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    for index, path in enumerate((new, old)):
        path.write_bytes(b"x")
        os.utime(path, (1000 + index, 1000 + index))  # "a" is written last: the newest
    assert newest_model(tmp_path) == old and newest_model(new) == new


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda root: root / "missing.tar.gz", "no model archive at"),
        (lambda root: root, "no model archive (*.tar.gz) in"),
    ],
    ids=["no-file", "empty-folder"],
)
def test_no_model(tmp_path: Path, make, message: str) -> None:
    with pytest.raises(BiasError, match=re.escape(message)):
        run_bias(make(tmp_path), tmp_path, BiasConfig())


def test_no_data_or_no_examples(tmp_path: Path) -> None:
    model = tmp_path / "m.tar.gz"
    model.write_bytes(b"x")
    with pytest.raises(BiasError, match="no training data at"):
        run_bias(model, tmp_path / "data", BiasConfig())
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "stories.yml").write_text('version: "3.1"\nstories: []\n')
    with pytest.raises(BiasError, match="no intent examples in"):
        run_bias(model, tmp_path / "data", BiasConfig())
