"""The journal of a batch's attribution decisions, written down once their researchers are.

Researchers created during a batch have no primary key until the resolver saves them, and a
researcher may be merged into another after a decision names it; so a decision keeps the
instances it names and gets its ids only when the journal is saved.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from works.attribution.rules import Decision, Rule
from works.models import AttributionDecision


@dataclass(frozen=True, slots=True)
class Noted:
    """A decision about one author of one source record."""

    decision: Decision
    rule: Rule
    source: str
    external_id: str
    printed_name: str


@dataclass
class Journal:
    """The decisions of a batch so far, in the order they were made."""

    noted: list[Noted] = field(default_factory=list)

    def note(self, decision: Decision, person, *, source: str, external_id: str) -> None:
        """Keep a decision (one with a rule) about ``person``, an author or person record."""
        if decision.rule is None:
            # The journal's rows need a rule; a decision without one has nothing to record.
            raise ValueError(f"a decision without a rule about {person!r} cannot be noted")
        printed = getattr(person, "printed_name", None) or person.display_name
        self.noted.append(Noted(decision, decision.rule, source, external_id, printed))

    def save(self, final: Callable[[Any], Any]) -> None:
        """Write the decisions so far, each naming the saved researcher ``final`` gives for
        the instances it named; then start afresh. Call after the researchers are saved."""
        AttributionDecision.objects.bulk_create(
            [
                AttributionDecision(
                    source=n.source,
                    external_id=n.external_id[:255],
                    printed_name=n.printed_name[:500],
                    rule=n.rule,
                    detail=n.decision.detail[:500],
                    researcher_id=final(n.decision.researcher).pk,
                    other_id=(final(n.decision.other).pk if n.decision.other is not None else None),
                )
                for n in self.noted
            ]
        )
        self.noted = []
