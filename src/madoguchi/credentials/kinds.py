"""The kinds of digital certificate, in a small typed registry.

A kind is registered with ``@kinds(<catalog id>, vct=…, subject_name=…)`` on
the model of its claims. Its id is the certificate kind of
``catalog/certificates.yaml`` and its claim names are that file's claim ids, so
a form field's ``prefill: birth_certificate.birth_time`` reads the claim of
the same name. Values are JSON: dates ``YYYY-MM-DD``, times ``HH:MM``, codes as
the forms use them (``child_sex`` "1"/"2" as on the 出生届, ``grade`` "e1"…"j3").
Every claim is selectively disclosable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from madoguchi.credentials.errors import (
    CredentialClaimsInvalid,
    CredentialKindUnknown,
    PresentationMalformed,
)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
"""``HH:MM``, as the 出生届 and 死亡届 ask for it."""


class CredentialClaims(BaseModel):
    """The claims of one kind; ``None`` means the certificate does not carry that claim."""

    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True)
class CredentialKind:
    id: str
    """The certificate kind of catalog/certificates.yaml (``birth-certificate``)."""
    vct: str
    """The SD-JWT VC type the credential carries."""
    claims: type[CredentialClaims]
    subject_name: str
    """The claim naming the person the certificate is about (``check_names_subject``)."""
    subject_birth_date: str | None
    """The claim with that person's birth date, where the certificate has one."""
    _fields: Mapping[str, TypeAdapter[Any]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        adapters: dict[str, TypeAdapter[Any]] = {
            name: TypeAdapter(Annotated[info.annotation, info])  # type: ignore[arg-type]  # a runtime-built type
            for name, info in self.claims.model_fields.items()}
        object.__setattr__(self, "_fields", adapters)

    def claims_to_issue(self, claims: Mapping[str, object]) -> dict[str, Any]:
        """The claims as JSON values, checked against the kind; absent optional claims left out.

        Raises CredentialClaimsInvalid naming every claim that does not fit.
        """
        try:
            model = self.claims.model_validate(claims)
        except ValidationError as error:
            wrong = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'claims'}: {e['msg']}"
                              for e in error.errors(include_url=False, include_input=False))
            raise CredentialClaimsInvalid(f"the claims of a {self.id} do not fit: {wrong}") from None
        return model.model_dump(mode="json", exclude_none=True)

    def disclosed_value(self, name: str, value: object) -> Any:
        """One disclosed claim checked against the kind, as JSON. Raises PresentationMalformed."""
        adapter = self._fields.get(name)
        if adapter is None:
            raise PresentationMalformed(f"a {self.id} has no claim {name!r}")
        try:
            return adapter.dump_python(adapter.validate_python(value), mode="json")
        except ValidationError:
            raise PresentationMalformed(f"the claim {name!r} does not fit a {self.id}") from None


M = TypeVar("M", bound=type[CredentialClaims])


class KindRegistry:
    """Credential kinds by catalog id (and by ``vct``)."""

    def __init__(self) -> None:
        self._kinds: dict[str, CredentialKind] = {}

    def __call__(self, kind_id: str, *, vct: str, subject_name: str,
                 subject_birth_date: str | None = None) -> Callable[[M], M]:
        """Register the decorated claims model as the kind ``kind_id``."""

        def register(claims: M) -> M:
            self.add(CredentialKind(kind_id, vct, claims, subject_name, subject_birth_date))
            return claims

        return register

    def add(self, kind: CredentialKind) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9-]*", kind.id):
            raise ValueError(f"a kind id is kebab-case like the catalog's: {kind.id!r}")
        if kind.id in self._kinds or self.by_vct(kind.vct) is not None:
            raise ValueError(f"a kind {kind.id!r} or vct {kind.vct!r} is already registered")
        for claim in (kind.subject_name, kind.subject_birth_date):
            if claim is not None and claim not in kind.claims.model_fields:
                raise ValueError(f"{kind.id}: the subject claim {claim!r} is not one of its claims")
        self._kinds[kind.id] = kind

    def __getitem__(self, kind_id: str) -> CredentialKind:
        """Raises CredentialKindUnknown."""
        try:
            return self._kinds[kind_id]
        except KeyError:
            raise CredentialKindUnknown(
                f"no certificate kind {kind_id!r}; known: {', '.join(self._kinds)}") from None

    def by_vct(self, vct: str) -> CredentialKind | None:
        return next((k for k in self._kinds.values() if k.vct == vct), None)

    def __iter__(self) -> Iterator[CredentialKind]:
        return iter(self._kinds.values())


kinds = KindRegistry()
"""The kinds issuing and verification use unless told otherwise."""

VCT_BASE = "https://madoguchi.example/credentials"


@kinds("birth-certificate", vct=f"{VCT_BASE}/birth-certificate/v1", subject_name="mother_name")
class BirthCertificate(CredentialClaims):
    """出生証明書. The child has no name yet: the certificate is matched to the mother."""

    child_sex: Literal["1", "2"]
    """1 男, 2 女 — the 出生届's codes."""
    birth_date: date
    birth_time: ClockTime
    birth_place: Place
    place_kind: Literal["hospital", "clinic", "midwifery_home", "home", "other"]
    """出生したところの種別: 病院, 診療所, 助産所, 自宅, その他."""
    facility_name: Name | None = None
    """None for a birth at home."""
    weight_g: Annotated[int, Field(ge=200, le=7000)]
    height_cm: Annotated[float, Field(ge=15, le=70)]
    gestational_weeks: Annotated[int, Field(ge=12, le=45)]
    """妊娠週数, completed weeks (満週)."""
    babies: Annotated[int, Field(ge=1, le=8)]
    """1 for a single birth (単胎), else the number born together (多胎)."""
    mother_name: Name
    attendant_name: Name
    attendant_kind: Literal["doctor", "midwife", "other"]
    """証明者: 医師, 助産師, その他の立会者."""


@kinds("death-certificate", vct=f"{VCT_BASE}/death-certificate/v1",
       subject_name="deceased_name", subject_birth_date="deceased_birth_date")
class DeathCertificate(CredentialClaims):
    """死亡診断書 (or 死体検案書)."""

    deceased_name: Name
    deceased_birth_date: date
    death_date: date
    death_time: ClockTime
    death_place: Place
    place_kind: Literal["hospital", "clinic", "care_facility", "midwifery_home", "nursing_home",
                        "home", "other"]
    """死亡したところの種別: 病院, 診療所, 介護医療院・介護老人保健施設, 助産所, 老人ホーム, 自宅, その他."""
    cause_category: Literal["natural", "traffic", "fall", "drowning", "fire", "suffocation",
                            "poisoning", "other_accident", "suicide", "homicide",
                            "other_external", "unknown"]
    """死因の種類 (1–12 on the form): 病死及び自然死, the 不慮の外因死 kinds, 自殺, 他殺, その他及び不詳の外因, 不詳の死."""
    infectious_disease: bool
    """Death from a class-1 infectious disease (感染症法): the cremation permit asks."""
    certifier_name: Name


@kinds("enrollment-certificate", vct=f"{VCT_BASE}/enrollment-certificate/v1",
       subject_name="pupil_name", subject_birth_date="pupil_birth_date")
class EnrollmentCertificate(CredentialClaims):
    """在学証明書."""

    pupil_name: Name
    pupil_birth_date: date
    school_name: Name
    grade: Literal["e1", "e2", "e3", "e4", "e5", "e6", "j1", "j2", "j3"]
    """小学1–6年, 中学1–3年 — the school forms' codes."""
    enrolled_since: date


@kinds("employment-certificate", vct=f"{VCT_BASE}/employment-certificate/v1",
       subject_name="employee_name", subject_birth_date="employee_birth_date")
class EmploymentCertificate(CredentialClaims):
    """就労証明書."""

    employee_name: Name
    employee_birth_date: date
    employer_name: Name
    employed_since: date
    weekly_days: Annotated[int, Field(ge=1, le=7)]
    weekly_hours: Annotated[float, Field(gt=0, le=100)]
