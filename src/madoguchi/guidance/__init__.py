"""The life-event navigator (漏れない): every procedure a life event leads to for one household.

``service.plan_event`` validates the event, its date and the answers, reads
the applicant's household once through the data API (purpose
``guidance:<event id>``), runs each entry's rule per subject and returns the
``schemas.Plan``: what to file, by when and why, what needs no procedure, and
what still needs an answer. docs/guidance.md explains how it decides.
"""
