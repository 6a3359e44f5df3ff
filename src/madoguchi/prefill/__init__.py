"""Prefill (書かない): every field of a procedure's form, filled from where the city already knows it.

``service.prefill_form`` fills one form of a life event for one subject;
``service.prefill_bundle`` every form of the event's plan, asking a value
shared by several forms (``shared:`` in the catalog) once. Values come from
the data API (purpose ``procedure:<id>``), the answers, the event date, or —
once digital certificates arrive — a certificate; whatever no source holds is
marked for the resident to type, with why. ``paper.paper_characters`` is the
paper baseline. docs/guidance.md explains the sources.
"""
