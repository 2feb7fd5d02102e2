"""The log of the whole test run, watched for personal data (issue #21: no demo person's name or e-mail in any log).

Each test process writes every record that reaches the root logger to a file of a folder made for the run
(TEST_LOG_DIR, inherited by pytest-xdist's workers); at the end the controlling process greps them all for the names
and e-mails of portal/content/demo and the demo users' passwords, and fails the run if one is there.
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path

import yaml

ENV = "TEST_LOG_DIR"
DEMO = Path(__file__).resolve().parent.parent / "portal" / "content" / "demo"


def demo_personal_data() -> list[str]:
    """Every e-mail of the demo data set, every registry person's full name (and surname with first name), and
    the demo users' e-mails, names and passwords."""
    found: set[str] = set()
    for path in DEMO.rglob("*"):
        if path.suffix in (".yaml", ".yml", ".md"):
            found.update(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", path.read_text(encoding="utf-8")))
    registry = yaml.safe_load((DEMO / "registry.yaml").read_text(encoding="utf-8"))
    for person in registry["persons"]:
        found.add(person["full_name"])
        found.add(" ".join(person["full_name"].split()[:2]))
    for user in yaml.safe_load((DEMO / "users.yaml").read_text(encoding="utf-8")):
        found.update(str(user[key]) for key in ("email", "password", "name") if user.get(key))
    return sorted(found)


class _Writer(logging.Handler):
    def __init__(self, path: Path) -> None:
        super().__init__(logging.NOTSET)
        self.path = path
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # a record that cannot be formatted is the logging call's own test's business
            return
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(line.replace("\n", "\n    ") + "\n")


def configure(config) -> None:
    worker = getattr(config, "workerinput", {}).get("workerid")
    if worker is None:  # the controlling process (or the only one): a folder for this run
        os.environ[ENV] = tempfile.mkdtemp(prefix="portal-test-logs-")
    folder = Path(os.environ[ENV])
    logging.getLogger().addHandler(_Writer(folder / f"{worker or 'main'}.log"))


def finish(session) -> None:
    if getattr(session.config, "workerinput", None) is not None or ENV not in os.environ:
        return
    secrets = demo_personal_data()
    leaks = []
    for path in sorted(Path(os.environ[ENV]).glob("*.log")):
        for line in path.read_text(encoding="utf-8").splitlines():
            hits = [secret for secret in secrets if secret.lower() in line.lower()]
            if hits:
                leaks.append(f"{path.name}: {line[:300]}  ← {', '.join(hits)}")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if leaks:
        if reporter:
            reporter.write_line(f"Personal data of the demo data set in the log of this run ({len(leaks)} lines):",
                                red=True)
            for leak in leaks[:50]:
                reporter.write_line("  " + leak)
        session.exitstatus = 1
