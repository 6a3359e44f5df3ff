"""Printing: the bundle's receipt (受付控え) and applications as filled paper forms, as PDFs.

PDFs are laid out with reportlab's platypus and embed IPAmj明朝 (``fonts``), so
外字 and IVS variation sequences print as the resident's registered character.
The builders take the dicts the intake's services answer (``receipt``, ``form``);
``counter`` finds the resident's own application that waits at the counter.
"""
