"""How My data says things to a resident: the systems' and items' Japanese names, values in words.

Codes become words (性別 1 → 男), dates 和暦, amounts in yen; a value the
system does not hold is said so (登録なし) rather than left blank.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from pydantic import JsonValue

from madoguchi.prefill.display import account, address, era_date, full_name, katakana

NOT_HELD = "登録なし"
ITEM_LABELS = {
    "family_name": "氏", "given_name": "名", "family_name_kana": "氏のフリガナ", "given_name_kana": "名のフリガナ",
    "alias_name": "通称", "birth_date": "生年月日", "sex": "性別", "relationship": "世帯主との続柄",
    "household_number": "世帯番号", "resident_kind": "住民の種別", "status": "住民の状態", "address": "住所",
    "resident_since": "住民となった日", "address_since": "住所を定めた日", "last_change": "最後の異動",
    "honseki": "本籍", "hittousha": "筆頭者", "foreign_resident": "国籍・在留資格",
    "my_number": "個人番号（マイナンバー）", "my_number:masked": "個人番号（下4桁のみ）", "nhi": "国民健康保険",
    "late_elderly": "後期高齢者医療", "ltc": "介護保険", "pension": "国民年金", "child_allowance": "児童手当",
    "tax": "個人住民税", "account": "公金受取口座", "household": "世帯の方", "access_log": "アクセス記録",
}
"""Every item of ``registry.items`` (and the names the access log adds) in Japanese, in the registry's order."""

_SEXES = {"1": "男", "2": "女", "9": "適用不能", "0": "不明"}
_RESIDENT_KINDS = {"1": "日本人住民", "2": "外国人住民"}
_STATUSES = {"1": "住民", "2": "転出", "3": "死亡", "4": "消除"}
_INCOME_KINDS = {"salary": "給与", "business": "事業", "pension": "年金", "other": "その他", "none": "所得なし"}


def value_lines(item: str, value: JsonValue) -> tuple[str, ...]:
    """An item's value as the page shows it: one line, or one per entry (tax years, allowances)."""
    if value is None:
        return (NOT_HELD,)
    shown = _FORMATS.get(item)
    if shown is not None:
        return shown(value)
    return (str(value),)


def day_text(value: JsonValue) -> str:
    """An ISO date in 和暦; anything else as it is."""
    if not isinstance(value, str):
        return NOT_HELD if value is None else str(value)
    try:
        return era_date(date.fromisoformat(value))
    except ValueError:
        return value


def yen(amount: JsonValue) -> str:
    return f"{amount:,}円" if isinstance(amount, int) else str(amount)


def _fields(value: JsonValue) -> Mapping[str, JsonValue]:
    return value if isinstance(value, dict) else {}


def _coded(words: Mapping[str, str]) -> Callable[[JsonValue], tuple[str, ...]]:
    return lambda value: (words.get(str(value), str(value)),)


def _birth(value: JsonValue) -> tuple[str, ...]:
    fields = _fields(value)
    return (day_text(fields["date"]) if fields.get("date") else str(fields.get("note") or NOT_HELD),)


def _last_change(value: JsonValue) -> tuple[str, ...]:
    fields = _fields(value)
    return (f"{fields.get('reason') or '異動'}（{day_text(fields.get('date'))}）",)


def _foreign(value: JsonValue) -> tuple[str, ...]:
    fields = _fields(value)
    return (f"国籍・地域 {fields.get('nationality') or NOT_HELD}", f"在留資格 {fields.get('residence_status') or NOT_HELD}",
            f"在留期間の満了日 {day_text(fields.get('residence_expiry'))}")


def _insurance(value: JsonValue) -> tuple[str, ...]:
    """国民健康保険 and 後期高齢者医療: numbers and the qualification's dates."""
    fields = _fields(value)
    number = " ".join(f"{label} {fields[key]}" for key, label in (("insured_symbol", "記号"),
                                                                  ("insured_number", "番号")) if fields.get(key))
    lines = [number, f"資格取得日 {day_text(fields.get('acquired_on'))}"]
    if fields.get("lost_on"):
        lines.append(f"資格喪失日 {day_text(fields['lost_on'])}")
    return tuple(lines)


def _ltc(value: JsonValue) -> tuple[str, ...]:
    fields = _fields(value)
    return (f"被保険者番号 {fields.get('insured_number')}", f"要介護度 {fields.get('care_level') or '認定なし'}",
            f"認定の有効期間の終わり {day_text(fields.get('certified_until'))}")


def _pension(value: JsonValue) -> tuple[str, ...]:
    fields = _fields(value)
    since = f"（{day_text(fields['since'])}から）" if fields.get("since") else ""
    return (f"第{fields.get('category')}号被保険者{since}",)


def _allowances(value: JsonValue) -> tuple[str, ...]:
    fields = _fields(value)
    lines = [_allowance(entry, f"受給者として（児童 宛名番号 {_fields(entry).get('child')}）")
             for entry in _entries(fields.get("as_recipient"))]
    lines += [_allowance(entry, "児童として") for entry in _entries(fields.get("as_child"))]
    return tuple(lines) or (NOT_HELD,)


def _allowance(entry: JsonValue, role: str) -> str:
    fields = _fields(entry)
    ended = f"、終了日 {day_text(fields['ended_on'])}" if fields.get("ended_on") else ""
    return f"{role} 認定日 {day_text(fields.get('certified_on'))}、月額 {yen(fields.get('monthly_amount'))}{ended}"


def _tax(value: JsonValue) -> tuple[str, ...]:
    return tuple(_tax_year(_fields(entry)) for entry in _entries(value)) or (NOT_HELD,)


def _tax_year(fields: Mapping[str, JsonValue]) -> str:
    year = fields.get("fiscal_year")
    fiscal = era_date(date(year, 4, 1)).split("年")[0] + "年度" if isinstance(year, int) else str(year)
    kind = _INCOME_KINDS.get(str(fields.get("income_kind")), str(fields.get("income_kind")))
    taxed = "課税" if fields.get("taxed") else "非課税"
    return f"{fiscal}: 合計所得金額 {yen(fields.get('total_income'))}（{kind}）、{taxed}、扶養 {fields.get('dependents')}人"


def _entries(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else []


_FORMATS: dict[str, Callable[[JsonValue], tuple[str, ...]]] = {
    "birth_date": _birth,
    "sex": _coded(_SEXES),
    "resident_kind": _coded(_RESIDENT_KINDS),
    "status": _coded(_STATUSES),
    "address": lambda value: (address(_fields(value)),),
    "resident_since": lambda value: (day_text(value),),
    "address_since": lambda value: (day_text(value),),
    "last_change": _last_change,
    "foreign_resident": _foreign,
    "family_name_kana": lambda value: (katakana(str(value)),),
    "given_name_kana": lambda value: (katakana(str(value)),),
    "nhi": _insurance,
    "late_elderly": _insurance,
    "ltc": _ltc,
    "pension": _pension,
    "child_allowance": _allowances,
    "tax": _tax,
    "account": lambda value: (account(_fields(value)),),
}


def person_name(items: Mapping[str, JsonValue]) -> str:
    """氏名 from a view's values; 通称 beside it when the person has one."""
    name = full_name(items.get("family_name"), items.get("given_name")) or "（氏名の登録なし）"
    alias = items.get("alias_name")
    return f"{name}（通称 {alias}）" if alias else name
