"""Create the benchmark's own venv (``bench/.presidio-venv``) for Presidio and Faker.

Presidio needs pydantic 2 and Rasa pins pydantic 1.10, so Presidio can never live in the project's
venv.  The venv is built once from ``presidio-requirements.txt`` (exact pins) with Python 3.10,
found the way the Makefile finds it: ``$PYTHON310``, ``python3.10`` on PATH, or a pyenv build.

The public corpus generator (``public-corpus-requirements.txt``, presidio-evaluator) is downloaded
by hash from PyPI and unzipped into ``bench/out/presidio-evaluator/``, never installed: pip would
then want its plotting and machine-learning dependencies, which nothing here imports.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

__all__ = [
    "BENCH_DIR", "EVALUATOR_DIR", "VENV_DIR", "ensure_evaluator", "ensure_venv", "find_python310",
    "venv_python",
]

BENCH_DIR = Path(__file__).resolve().parent
VENV_DIR = BENCH_DIR.parent / ".presidio-venv"
REQUIREMENTS = BENCH_DIR / "presidio-requirements.txt"
STAMP = VENV_DIR / ".installed"
EVALUATOR_REQUIREMENTS = BENCH_DIR / "public-corpus-requirements.txt"
EVALUATOR_DIR = BENCH_DIR.parent / "out" / "presidio-evaluator"


def _candidates() -> list[str]:
    found = [os.environ.get("PYTHON310", ""), shutil.which("python3.10") or ""]
    found += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python3.10")))
    return [c for c in found + ["/usr/local/bin/python3.10", "/usr/bin/python3.10"] if c]


def find_python310() -> str | None:
    """A Python 3.10 interpreter, or None."""
    check = "import sys; assert sys.version_info[:2] == (3, 10)"
    for candidate in _candidates():
        if not Path(candidate).exists():
            continue
        done = subprocess.run([candidate, "-c", check], capture_output=True)
        if done.returncode == 0:
            return candidate
    return None


def venv_python() -> Path:
    """The benchmark venv's interpreter."""
    return VENV_DIR / "bin" / "python"


def ensure_venv() -> Path:
    """Build the venv if it is missing or older than the requirements; return its python."""
    if STAMP.exists() and STAMP.stat().st_mtime >= REQUIREMENTS.stat().st_mtime:
        return venv_python()
    python = find_python310()
    if python is None:
        sys.exit("error: Python 3.10 not found; pass PYTHON310=/path/to/python3.10")
    print(f">> building {VENV_DIR} with {python} (Presidio, Faker; about a minute)", flush=True)
    if not venv_python().exists():
        subprocess.run([python, "-m", "venv", str(VENV_DIR)], check=True)
    pip = [str(venv_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--no-deps", "-r", str(REQUIREMENTS)], check=True)
    subprocess.run([str(venv_python()), "-m", "pip", "check"], check=True)
    STAMP.touch()
    return venv_python()


def ensure_evaluator(python: Path) -> Path:
    """Download (by hash) and unzip the pinned presidio-evaluator wheel; return the folder."""
    stamp = EVALUATOR_DIR / ".extracted"
    if stamp.exists() and stamp.stat().st_mtime >= EVALUATOR_REQUIREMENTS.stat().st_mtime:
        return EVALUATOR_DIR
    wheels = EVALUATOR_DIR.parent / "wheels"
    print(f">> fetching the public corpus generator into {EVALUATOR_DIR}", flush=True)
    pip = [str(python), "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
    pip += ["--no-deps", "--require-hashes", "-d", str(wheels), "-r", str(EVALUATOR_REQUIREMENTS)]
    subprocess.run(pip, check=True)
    shutil.rmtree(EVALUATOR_DIR, ignore_errors=True)
    for wheel in sorted(wheels.glob("presidio_evaluator-*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(EVALUATOR_DIR)
    stamp.touch()
    return EVALUATOR_DIR


if __name__ == "__main__":
    print(ensure_evaluator(ensure_venv()))
