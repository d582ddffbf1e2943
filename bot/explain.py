"""A verdict's explanation, in the spirit of Presidio's decision process.

Built from what the pipeline already decided, never from the message text
itself: detector findings appear masked, people only when registered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.attribution import Attribution
from bot.models import Action, Explanation, Finding, ReportedFinding, Verdict
from bot.policy import Decision

# What found a value and how it was checked, by finding kind (Presidio's "decision
# process": the recognizer, its validation and the context words that raised it).
FOUND_BY: dict[str, str] = {
    "phone": "phone pattern, valid number per phonenumbers",
    "ssn": "SSN pattern, area/group/serial valid",
    "itin": "ITIN pattern, valid ranges",
    "ssn_last4": "last four digits next to an SSN word (partial)",
    "card": "card number, Luhn checksum",
    "aba_routing": "routing number, ABA checksum",
    "iban": "IBAN, mod-97 checksum",
    "bank_account": "account number next to an account word",
    "loan_account": "loan number next to a loan word",
    "debt": "debt or credit wording",
    "email": "email address (including [at]/dot spellings)",
    "residence": "house number and street (USPS tables) with a living cue",
    "address": "house number and street (USPS tables)",
    "venue": "street address of a place (weak)",
    "date_of_birth": "date with a birth cue",
    "birthday_split": "birthday and year given apart",
    "birth_year": "birth year with a birth cue",
    "school": "a place of attending (grammar of school words)",
    "employment": "a place of working (grammar of work words)",
    "medicare_id": "Medicare MBI layout",
    "medicaid_id": "Medicaid number next to a Medicaid word",
    "protected": "matches a protected value (keyed digest)",
    "vague": "where somebody lives, short of an address (weak)",
    "block": "a block of a street, no house number (weak)",
    "last4": "last four digits of a number (partial)",
}


def _found(f: ReportedFinding) -> str:
    how = FOUND_BY.get(f.kind, f.kind.replace("_", " ") if f.kind else "detector")
    return (
        f"{f.category.value} at {f.start}-{f.end}: {f.masked} ({how}; "
        f"confidence {f.confidence:.2f})"
    )


def _about_lines(
    about: Attribution, to_original: Callable[[int, int], tuple[int, int]] | None = None
) -> list[str]:
    """Whom the message is about, ambiguity and notes: the part both verdicts share.

    With `to_original`, each subject's reason says where in the original text it was named.
    """
    lines = []
    for index, reason in enumerate(about.reasons):
        span = about.subject_spans[index] if index < len(about.subject_spans) else None
        if span is not None and to_original is not None:
            start, end = to_original(*span)
            reason = f"{reason} (at {start}-{end})"
        lines.append(reason)
    lines.extend(a.describe() for a in about.ambiguous)
    lines.extend(about.notes)
    return lines


def explain_verdict(
    decision: Decision,
    about: Attribution,
    reported: Sequence[ReportedFinding],
    to_original: Callable[[int, int], tuple[int, int]] | None = None,
) -> Explanation:
    found = tuple(_found(f) for f in reported)
    about_lines = _about_lines(about, to_original)
    if (about.role_person or "role" in decision.rule) and not about.subjects:
        about_lines.append("a public-servant role, and no registered servant named")
    if not about_lines:
        about_lines.append("names no registered servant")
    return Explanation(found, tuple(about_lines), decision.rule)


def explained_allow(about: Attribution, rule: str, findings: Sequence[Finding] = ()) -> Verdict:
    """An allow verdict that says why (for `check` and `scan --explain`): kinds, no values."""
    found = tuple(f"{f.category.value} ({f.kind or 'value'}), not acted on" for f in findings)
    about_lines = _about_lines(about)
    if about.others and not about.subjects and not about.notes:
        about_lines.append("names somebody who is not registered")
    if not about_lines:
        about_lines.append("names no registered servant")
    return Verdict(Action.ALLOW, why=Explanation(found, tuple(about_lines), rule))
