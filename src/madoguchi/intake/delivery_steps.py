"""The results of a delivery's external steps, under ``(delivery, step)``.

A step that has a stored result is not run again: after a crash, a lost
connection or a failed later step, the next attempt picks up where the last
one stopped (execute unless the result exists). A stored result may be an
empty object, so presence is tested with ``is not None``.

Each result is committed before the next step runs. The last step's result is
committed together with the attempt's outcome, in the same transaction: no
less safe (a crash before that commit loses the result either way, and the
step is repeated under the same delivery id), and one commit fewer per
delivery.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from madoguchi import clock
from madoguchi.intake.channels import StepResult
from madoguchi.intake.delivery_models import DeliveryStep
from madoguchi.intake.reconnect import in_transaction


def stored_steps(session: Session, delivery_pks: Iterable[int]) -> dict[int, dict[str, StepResult]]:
    """The stored step results of these deliveries, by delivery and step."""
    found: dict[int, dict[str, StepResult]] = {}
    for pk, step, result in session.execute(select(DeliveryStep.delivery_pk, DeliveryStep.step,
                                                   DeliveryStep.result)
                                            .where(DeliveryStep.delivery_pk.in_(list(delivery_pks)))):
        found.setdefault(pk, {})[step] = result
    return found


def save_steps(session: Session, delivery_pk: int, results: Mapping[str, StepResult]) -> None:
    """Store step results, keeping any stored meanwhile (by a worker that took the delivery over)."""
    if results:
        now = clock.now()
        session.execute(_INSERT_NEW[session.get_bind().dialect.name], [
            {"delivery_pk": delivery_pk, "step": step, "result": result, "recorded_at": now}
            for step, result in results.items()])


_INSERT_NEW = {"postgresql": postgresql.insert(DeliveryStep).on_conflict_do_nothing(),
               "sqlite": sqlite.insert(DeliveryStep).on_conflict_do_nothing()}
"""Insert a step result unless one is stored (the same ``ON CONFLICT DO NOTHING`` on both databases)."""


class StepLedger:
    """The ``Steps`` of one attempt of one delivery."""

    def __init__(self, engine: Engine, delivery_pk: int, stored: Mapping[str, StepResult]) -> None:
        self._engine = engine
        self._delivery_pk = delivery_pk
        self._results = dict(stored)
        self._unsaved: dict[str, StepResult] = {}

    def run(self, step: str, action: Callable[[], StepResult]) -> StepResult:
        result = self._results.get(step)
        if result is not None:
            return result
        self._save()
        result = self._results[step] = self._unsaved[step] = action()
        return result

    def unsaved(self) -> dict[str, StepResult]:
        """Results not committed yet: the worker stores them with the attempt's outcome."""
        return dict(self._unsaved)

    def _save(self) -> None:
        """Commit the results so far, before the next step runs."""
        if self._unsaved:
            unsaved = self.unsaved()
            in_transaction(self._engine, lambda session: save_steps(session, self._delivery_pk, unsaved))
            self._unsaved.clear()
