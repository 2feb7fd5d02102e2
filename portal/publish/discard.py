"""Folders a build no longer needs, deleted in a background process while the build goes on.

Deleting is mostly waiting for the disk: the spare's search bundles (some 9 000 files at regional scale) took
1.5–3.5 s of a full build's wall time with a third of a second of CPU. Renamed aside first (one rename), they are
deleted by `rm -rf` beside the build's own work; the build waits for it only at its end, so that no process
outlives it. A build killed meanwhile leaves the folder to `sweep` (work_folder.recover calls it).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

PREFIX = ".discard-"  # beside the site folder: `.build.discard-<pid>-<ns>`


class Discarder:
    def __init__(self, site: Path) -> None:
        self.site = site
        self.running: list[subprocess.Popen] = []

    def discard(self, folder: Path) -> None:
        """Rename `folder` aside (so the build may make a new one at once) and delete it in the background."""
        if not folder.is_dir():
            return
        aside = self.site.parent / f".{self.site.name}{PREFIX}{os.getpid()}-{time.time_ns()}"
        os.replace(folder, aside)
        remover = shutil.which("rm")
        if remover is None:  # no rm (not a POSIX system): deleted here and now
            shutil.rmtree(aside, ignore_errors=True)
            return
        self.running.append(subprocess.Popen([remover, "-rf", "--", str(aside)], stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def wait(self) -> None:
        for process in self.running:
            process.wait()
        self.running.clear()


def sweep(site: Path) -> None:
    """What a build killed before its deletions finished left beside the site."""
    for stale in site.parent.glob(f".{site.name}{PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
