"""axe-core in the browser tests: the vendored engine (``vendor/axe.min.js``) run on a page for WCAG 2.x A and AA.

The site's Content-Security-Policy lets only its own scripts run, so axe can be injected only into a
page of a context opened with ``bypass_csp=True``. ``axe`` (the fixture) is an ``Axe``: ``check``
injects the engine where it is not yet, runs it on the page as it stands and keeps what it finds;
``assert_no_blocking`` fails listing every serious or critical violation — the rule, its impact and
each element — of every page checked, so one run shows all there is to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")

RUN = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
                 .then(result => result.violations.map(v => ({
                     id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))})))"""


@dataclass(frozen=True)
class Violation:
    """One axe rule broken on one page: where, how badly, and by which elements."""

    where: str
    rule: str
    impact: str
    help: str
    nodes: tuple[str, ...]

    def __str__(self) -> str:
        elements = "\n".join(f"      {node}" for node in self.nodes)
        return f"  {self.where}: {self.rule} ({self.impact}) — {self.help}\n{elements}"


@dataclass
class Axe:
    found: list[Violation] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def check(self, page: Page, where: str) -> list[Violation]:
        """Run axe on the page as it stands; returns (and keeps) its violations of any impact."""
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
        raw: list[dict[str, Any]] = page.evaluate(RUN, WCAG_TAGS)
        violations = [Violation(where, v["id"], v["impact"] or "unknown", v["help"],
                                tuple(f"{n['target']}: {' '.join(n['summary'].split())}" for n in v["nodes"]))
                      for v in raw]
        self.found.extend(violations)
        self.checked.append(where)
        return violations

    def blocking(self) -> list[Violation]:
        return [v for v in self.found if v.impact in BLOCKING]

    def assert_no_blocking(self) -> None:
        blocking = self.blocking()
        assert not blocking, (f"axe found {len(blocking)} serious or critical violation(s) on "
                              f"{len(self.checked)} pages:\n" + "\n".join(map(str, blocking)))


@pytest.fixture
def axe() -> Axe:
    return Axe()
