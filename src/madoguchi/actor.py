"""Who is acting: every service is told, never guesses from a global."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ActorKind = Literal["resident", "staff", "system", "operator"]
ACTOR_KINDS: tuple[ActorKind, ...] = ("resident", "staff", "system", "operator")


@dataclass(frozen=True)
class Actor:
    """The person or program on whose behalf a service runs.

    * ``resident`` — a resident logged in with their card; ``id`` is their 宛名番号;
    * ``staff`` — a city employee of a department;
    * ``system`` — an internal system calling the data API (an API client);
    * ``operator`` — someone running the ``madoguchi`` command on the city's server.

    ``may_see_support_measure`` marks staff authorised to see people under
    支援措置 (DV/stalker support measures).
    """

    kind: ActorKind
    id: str
    department: str | None = None
    may_see_support_measure: bool = False

    @classmethod
    def resident(cls, atena_number: str) -> Actor:
        return cls("resident", atena_number)

    @classmethod
    def staff(cls, staff_id: str, department: str, *, may_see_support_measure: bool = False) -> Actor:
        return cls("staff", staff_id, department, may_see_support_measure)

    @classmethod
    def system(cls, name: str, department: str | None) -> Actor:
        return cls("system", name, department)

    @classmethod
    def operator(cls, name: str) -> Actor:
        return cls("operator", name)
