"""Registries of mentors and mentees: what may be published (consent.py), import and export (io.py)."""
