"""Small factories that put records into the hub directly (the importer is not under test here)."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from madoguchi.clock import TOKYO
from madoguchi.identifiers import REFERENCE_SCHEME, my_number_check_digit
from madoguchi.registry.items import ACCOUNT_CONTEXT, MY_NUMBER_CONTEXT
from madoguchi.registry.models import (
    SYSTEM_TABLES,
    ImportRun,
    JukiRecord,
    SystemSnapshot,
    VersionedRecord,
)
from madoguchi.registry.purpose import ProcedureAccess, ProcedureList
from madoguchi.vault import Vault

TODAY = datetime(2025, 6, 1, 10, 0, tzinfo=TOKYO)
"""The clock the hub fixtures freeze: ages and 'current' are as of this day."""
EXPORTED = date(2025, 4, 1)
"""valid_from of every record unless a test says otherwise."""

CHILD_ALLOWANCE_CLAIM = ProcedureAccess(
    id="child-allowance-claim", name_ja="児童手当 認定請求", name_en="Child allowance claim",
    department="子育て支援課",
    items=frozenset({"family_name", "given_name", "birth_date", "address", "relationship",
                     "child_allowance", "account", "household", "my_number"}),
    legal_basis="個人情報保護法第69条第2項第2号; 児童手当法第7条",
    my_number_basis="番号法第9条第1項 別表の項 (児童手当法による児童手当の支給)")
NHI_ENROLLMENT = ProcedureAccess(
    id="nhi-enrollment", name_ja="国民健康保険 加入届", name_en="NHI enrollment",
    department="保険年金課", items=frozenset({"family_name", "given_name", "nhi", "my_number"}))
"""Lists my_number without a 番号法 basis: it must never read it."""
LTC_CERTIFICATION = ProcedureAccess(
    id="ltc-certification", name_ja="要介護認定申請", name_en="Care-need certification",
    department="介護保険課", items=frozenset({"family_name", "ltc", "tax"}))

DIRECTORY = ProcedureList((CHILD_ALLOWANCE_CLAIM, NHI_ENROLLMENT, LTC_CERTIFICATION))


def a_my_number(serial: int) -> str:
    body = str(serial).zfill(11)
    return body + str(my_number_check_digit(body))


@dataclass
class Hub:
    """Writes records as an import would, with valid 宛名番号 and sealed My Numbers."""

    session: Session
    vault: Vault
    import_id: int = 0
    _serials: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))

    @classmethod
    def start(cls, session: Session, vault: Vault) -> Hub:
        run = ImportRun(kind="full", municipality_code="131041", municipality_name="新宿区",
                        extracted_at=datetime(2025, 4, 1, tzinfo=UTC), started_at=datetime.now(UTC),
                        summary={})
        session.add(run)
        session.flush()
        return cls(session, vault, run.id)

    def number(self) -> str:
        while True:
            issued = REFERENCE_SCHEME.issue(next(self._serials))
            if issued is not None:
                return issued

    def person(self, *, household: str | None = None, relationship: str = "世帯主",
               birth_date: date | None = date(1985, 6, 15), my_number: str | None = None,
               atena_number: str | None = None, valid_from: date = EXPORTED,
               **columns: Any) -> JukiRecord:
        values: dict[str, Any] = {
            "family_name": "山田", "given_name": "太郎", "family_name_kana": "ヤマダ",
            "given_name_kana": "タロウ", "sex": "1", "resident_kind": "1", "status": "1",
            "postal_code": "1600022", "prefecture": "東京都", "city": "新宿区", "town": "新宿",
            "block": "1-2-3", "became_resident_on": date(2010, 4, 1), "address_since": date(2015, 4, 1),
            "support_measure": False,
        }
        values.update(columns)
        if my_number is not None:
            values["my_number_sealed"] = self.vault.seal(my_number, MY_NUMBER_CONTEXT)
            values["my_number_lookup"] = self.vault.lookup_hash(my_number)
        record = JukiRecord(atena_number=atena_number or self.number(),
                            household_number=household or self.number(),
                            relationship=relationship, birth_date=birth_date, **values)
        return self._add(record, valid_from)

    def family(self, *, on: date = date(2025, 6, 1)) -> Family:
        """A head, a spouse, an adult child (20), a minor child (10), in one household."""
        household = self.number()
        head = self.person(household=household, my_number=a_my_number(1))
        return Family(
            head=head,
            spouse=self.person(household=household, relationship="妻", given_name="花子", sex="2",
                               birth_date=date(1987, 1, 5), my_number=a_my_number(2)),
            adult_child=self.person(household=household, relationship="子", given_name="一郎",
                                    birth_date=date(on.year - 20, 1, 1)),
            minor_child=self.person(household=household, relationship="子", given_name="次郎",
                                    birth_date=date(on.year - 10, 1, 1), my_number=a_my_number(4)),
        )

    def record(self, system: str, valid_from: date = EXPORTED, **columns: Any) -> VersionedRecord:
        return self._add(SYSTEM_TABLES[system](**columns), valid_from)

    def account(self, atena_number: str, **account: str) -> VersionedRecord:
        sealed = self.vault.seal(json.dumps(account, ensure_ascii=False), ACCOUNT_CONTEXT)
        return self.record("accounts", atena_number=atena_number, account_sealed=sealed)

    def snapshot(self, system: str, extracted_at: datetime) -> None:
        self.session.add(SystemSnapshot(system=system, extracted_at=extracted_at, import_id=self.import_id))
        self.session.flush()

    def end(self, record: VersionedRecord, on: date, reason: str = "replaced") -> None:
        record.valid_to, record.end_reason = on, reason
        self.session.flush()

    def _add(self, record: Any, valid_from: date) -> Any:
        record.valid_from = valid_from
        record.import_id = self.import_id
        record.row_hash = "0" * 64
        self.session.add(record)
        self.session.flush()
        return record


@dataclass(frozen=True)
class Family:
    head: JukiRecord
    spouse: JukiRecord
    adult_child: JukiRecord
    minor_child: JukiRecord
