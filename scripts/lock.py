"""Resolve requirements/in.txt into a hash-pinned requirements/lock.txt.

Usage: python3.10 scripts/lock.py requirements/in.txt requirements/lock.txt

Everything is resolved in one pip run (Rasa 3.6 pins many packages; resolving in pieces breaks its
pins), in a throw-away venv, using pip's installation report to get each file's sha256.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

HEADER = """\
# Fully pinned, hash-checked environment for rasa-ethics on Python 3.10.
#
# Installed by `make venv` with `pip install --require-hashes --no-deps -r requirements/lock.txt`,
# then the package itself with `--no-deps`.  Rasa 3.6.21 pins many of its dependencies tightly
# (pydantic 1.10, numpy<1.25, packaging<21, protobuf 4.23.3), so everything, dev tools included, is
# resolved together in one go.  Regenerate with `make lock` after changing requirements/in.txt.
"""


def main(source: str, target: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        venv.create(tmp, with_pip=True)
        pip = [str(Path(tmp) / "bin" / "python"), "-m", "pip"]
        subprocess.run([*pip, "install", "--quiet", "pip==24.2"], check=True)
        report = Path(tmp) / "report.json"
        subprocess.run(
            [
                *pip,
                "install",
                "--dry-run",
                "--ignore-installed",
                "--quiet",
                "--report",
                str(report),
                "-r",
                source,
            ],
            check=True,
        )
        installs = json.loads(report.read_text())["install"]
    lines = []
    for item in sorted(installs, key=lambda i: i["metadata"]["name"].lower()):
        meta, sha = item["metadata"], item["download_info"]["archive_info"]["hashes"]["sha256"]
        lines.append(f"{meta['name']}=={meta['version']} \\\n    --hash=sha256:{sha}")
    Path(target).write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} pinned packages to {target}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
