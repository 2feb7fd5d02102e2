"""The methodology's documents made from the registry (docxtpl templates): orders fixing pairings, the program's
order, development plans, mentors' journals, consent forms, the curator's report, letters of thanks.

- kinds.py: the kinds, what each is made for and the placeholders its template may use;
- builders.py, report.py: the contexts from the registry, or MissingData with what to fill in;
- defaults.py: the default templates, written in code with python-docx;
- engine.py: the only module that imports docxtpl (sandboxed Jinja, zip guard, the letters' old placeholders);
- store.py: the template in use (organisation → municipality → default) and checked uploads;
- make.py: making documents, the program's package, the audit log; cli.py: `portal documents`.

Nothing here reaches the public site: the documents are made on request in the admin or from the command line.
"""
