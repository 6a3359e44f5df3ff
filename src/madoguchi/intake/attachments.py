"""Attachments: a photo or PDF the resident hands over as an application's evidence.

A file is taken only if it is what it says it is — its first bytes must be
those of a PDF, JPEG or PNG, whatever name or type the browser gave — and no
larger than ``MAX_BYTES``. Its SHA-256 is part of the content the resident
signs, so the department sees exactly the file that was signed. A digital
certificate is kept the same way, verified (``intake.certificates``); a photo
is never ``verified``, and does not replace a certificate that is.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, defer

from madoguchi import clock
from madoguchi.actor import Actor
from madoguchi.intake.application_models import Attachment, Draft
from madoguchi.intake.drafts import open_draft
from madoguchi.intake.intake_errors import AttachmentRefused

MAX_BYTES = 5 * 1024 * 1024
MAX_PER_DRAFT = 20
MAGIC = {"application/pdf": (b"%PDF-",), "image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",)}


@dataclass(frozen=True)
class AttachmentInfo:
    attachment_id: uuid.UUID
    procedure: str
    subject: str
    evidence: str
    filename: str
    media_type: str
    size: int
    sha256: str
    verified: dict[str, Any] | None
    """For a digital certificate: who issued it and when the city verified it; None for a photo or PDF."""

    def to_json(self) -> dict[str, object]:
        return {"attachment_id": str(self.attachment_id), "procedure": self.procedure, "subject": self.subject,
                "evidence": self.evidence, "filename": self.filename, "media_type": self.media_type,
                "size": self.size, "sha256": self.sha256, "verified": self.verified}


def add_attachment(session: Session, *, actor: Actor, draft_id: uuid.UUID, procedure: str, subject: str,
                   evidence: str, filename: str, media_type: str, content: bytes) -> AttachmentInfo:
    """Attach a file to one form of the draft, for one of the evidence it calls for.

    A second file for the same evidence replaces the first. Raises
    AttachmentRefused, and as ``open_draft``.
    """
    draft = open_draft(session, actor=actor, draft_id=draft_id, for_update=True)
    form = next((f for f in draft.filled["forms"] if (f["procedure"], f["subject"]) == (procedure, subject)), None)
    if form is None:
        raise AttachmentRefused(f"the bundle has no {procedure} for {subject}")
    if evidence not in {need["key"] for need in form["evidence"]}:
        wanted = ", ".join(need["key"] for need in form["evidence"]) or "none"
        raise AttachmentRefused(f"{form['name']} asks for no {evidence!r}; it asks for: {wanted}")
    _check_file(media_type, content)
    return keep_attachment(session, draft, procedure=procedure, subject=subject, evidence=evidence,
                           filename=filename, media_type=media_type, content=content, verified=None)


def keep_attachment(session: Session, draft: Draft, *, procedure: str, subject: str, evidence: str, filename: str,
                    media_type: str, content: bytes, verified: dict[str, Any] | None) -> AttachmentInfo:
    """Keep a file as one form's evidence, in place of an earlier one for the same evidence.

    Raises AttachmentRefused for a photo in place of a verified certificate, or one file too many.
    """
    earlier = attachments_of(session, draft)
    same = [a for a in earlier if (a.procedure, a.subject, a.evidence) == (procedure, subject, evidence)]
    if verified is None and any(a.verified is not None for a in same):
        raise AttachmentRefused("the digital certificate for this is already verified and attached: "
                                "a photo or PDF of it is not needed")
    if len(earlier) - len(same) >= MAX_PER_DRAFT:
        raise AttachmentRefused(f"a bundle takes at most {MAX_PER_DRAFT} files")
    for old in same:
        session.delete(old)
    row = Attachment(attachment_id=uuid.uuid4(), draft_pk=draft.id, procedure=procedure, subject=subject,
                     evidence=evidence, filename=filename[-200:] or "file", media_type=media_type,
                     size=len(content), sha256=hashlib.sha256(content).hexdigest(), content=content,
                     verified=verified)
    session.add(row)
    draft.updated_at = clock.now()
    session.flush()
    return info(row)


_OF_DRAFT = (select(Attachment).where(Attachment.draft_pk == bindparam("draft_pk"))
             .options(defer(Attachment.content)).order_by(Attachment.id))
"""Built once, as the intake's other statements: building one costs more than sending it."""


def attachments_of(session: Session, draft: Draft) -> list[Attachment]:
    """The draft's attachments, their files left unread (loaded only if ``content`` is touched)."""
    return list(session.scalars(_OF_DRAFT, {"draft_pk": draft.id}))


def signed_attachments(attachments: Sequence[Attachment]) -> list[dict[str, str]]:
    """What the signature covers of each attachment: whose evidence it is and its digest."""
    return [{"evidence": f"{a.procedure}/{a.subject}/{a.evidence}", "sha256": a.sha256} for a in attachments]


def info(row: Attachment) -> AttachmentInfo:
    return AttachmentInfo(row.attachment_id, row.procedure, row.subject, row.evidence, row.filename,
                          row.media_type, row.size, row.sha256, row.verified)


def _check_file(media_type: str, content: bytes) -> None:
    if media_type not in MAGIC:
        raise AttachmentRefused(f"a {media_type or 'file of unknown type'} cannot be attached: use a PDF, "
                                "JPEG or PNG")
    if not content:
        raise AttachmentRefused("the file is empty")
    if len(content) > MAX_BYTES:
        raise AttachmentRefused(f"the file is {len(content) // 1024} KiB; at most {MAX_BYTES // 1024 // 1024} "
                                "MiB can be attached (a photo at a lower resolution will do)")
    if not content.startswith(MAGIC[media_type]):
        raise AttachmentRefused(f"the file is not a {media_type.split('/')[1].upper()}: its content does not "
                                "match its type")
