"""Backup and restore of a whole instance: every row of every table, the schema version and the uploads.

The archive is a zip file described in portal/backup/archive.py. The tables come from ``db.metadata``, so a table a later model adds is saved without touching this module.
A restore checks the whole archive before it changes anything, then loads every row in one transaction.
"""
from __future__ import annotations

from portal.backup.archive import FORMAT, MANIFEST, BackupError, NotEmpty
from portal.backup.dump import create_backup
from portal.backup.instance import DERIVED_TABLES, Summary, upload_dir
from portal.backup.restore import restore_backup

__all__ = ["BackupError", "DERIVED_TABLES", "FORMAT", "MANIFEST", "NotEmpty", "Summary", "create_backup", "restore_backup",
           "upload_dir"]
