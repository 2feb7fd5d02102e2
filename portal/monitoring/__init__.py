"""Monitoring of the mentoring programme (issue #10): questionnaires and their results, pairing journals,
indicators for monitoring reports, network pairings, recognition of mentors and letters of thanks.

Plain modules, no HTTP: the admin views (portal/admin/questionnaires.py, journals.py, indicators.py,
recognition.py) and the public questionnaire form (portal/respond/) call them. The public site gets data only
through public.py: `public_questionnaire_results`, `public_indicators`, `best_mentors`.
"""
