"""A real, small file system that a test can fill up: a tmpfs mounted for the test.

Mounting needs root (or CAP_SYS_ADMIN).  Where that is not allowed, :func:`small_filesystem`
yields a plain directory with ``mounted = False`` and the reason, so a test can skip with it.
Nothing in the package under test is changed or faked: the disk really is full.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SmallFilesystem", "small_filesystem"]


@dataclass(frozen=True)
class SmallFilesystem:
    """A directory that is its own small tmpfs (``mounted``), or a plain one (``reason``)."""

    path: Path
    mounted: bool
    reason: str = ""

    @contextlib.contextmanager
    def filled(self) -> Iterator[int]:
        """Fill the file system until writes fail with ENOSPC; yield the bytes taken; free them."""
        assert self.mounted, "only a mounted test file system may be filled"
        filler = self.path / "filler.bin"
        taken = 0
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for block in (65536, 4096, 1):
                taken += _write_until_full(fd, block)
            yield taken
        finally:
            os.close(fd)
            filler.unlink()


def _write_until_full(fd: int, block: int) -> int:
    data = b"\0" * block
    written = 0
    while True:
        try:
            written += os.write(fd, data)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            return written


@contextlib.contextmanager
def small_filesystem(path: Path, size: str = "1m") -> Iterator[SmallFilesystem]:
    """Mount a tmpfs of ``size`` at ``path`` for the block (a plain directory if not allowed)."""
    path.mkdir(parents=True, exist_ok=True)
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mount.returncode != 0:
        reason = (mount.stderr or mount.stdout).strip() or f"mount exited {mount.returncode}"
        yield SmallFilesystem(path, mounted=False, reason=f"mount -t tmpfs failed: {reason}")
        return
    try:
        yield SmallFilesystem(path, mounted=True)
    finally:
        # lazy: a process that still has a file open there (a server being killed) cannot block it
        subprocess.run(["umount", "--lazy", str(path)], capture_output=True, check=False)
