"""A verdict's explanation, in the spirit of Presidio's decision process.

Built from what the pipeline already decided, never from the message text
itself: detector findings appear masked, people only when registered.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.attribution import Attribution
from bot.models import Explanation, ReportedFinding
from bot.policy import Decision


def explain(
    decision: Decision, about: Attribution, reported: Sequence[ReportedFinding]
) -> Explanation:
    found = tuple(
        f"{f.category.value} ({f.kind or 'value'}, confidence {f.confidence:.2f}): {f.masked}"
        for f in reported
    )
    about_lines = list(about.reasons)
    about_lines.extend(a.describe() for a in about.ambiguous)
    about_lines.extend(about.notes)
    if about.role_person and not about.subjects:
        about_lines.append("a role title with a name nobody registered has")
    if not about_lines:
        about_lines.append("names no registered servant")
    return Explanation(found, tuple(about_lines), decision.rule)
