"""The incident state machine: every allowed status change, in one table.

Nothing else decides whether an incident may change status. The engine and the
moderator commands name a `Move`; `apply` looks it up in `TRANSITIONS` and asks
the store for a compare-and-set (`transition_incident`), so a stale or concurrent
request (a second Restore click, Confirm after Dismiss, a sweep racing a live
hide, another process) changes nothing and gets a reason instead.

Order of work (persist first, then act, then record; as in Red-DiscordBot's modlog):
a move that needs a side effect goes to an *intent* status first (CONFIRMING,
RESTORING; PENDING for hides), with its audit row in the same transaction; then
the side effect runs; then a second move records the outcome. A crash in between
leaves the intent stored, and `Moderator.resume` finishes or rolls it back.

    move             from                                   to           hidden
    hide-done        pending                                hidden       -> yes
    hide-failed      pending                                hide-failed
    reopen-hide      review, hide-failed, dismissed(*)      pending
    reopen-review    dismissed(*)                           review
    confirm          hidden                                 confirmed
    confirm-hide     review, hide-failed                    confirming
    confirm-done     confirming                             confirmed    -> yes
    confirm-failed   confirming                             confirmed
    dismiss          review, hidden, hide-failed, confirmed dismissed
    restore          hidden, confirmed, dismissed           restoring    must be yes
    restore-done     restoring                              restored     -> no
    restore-failed   restoring                              (previous status)

(*) only while the message is visible (not hidden by doxguard).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.models import Incident, IncidentStatus
from bot.store.base import AuditRecord, IncidentStore, Scope

S = IncidentStatus


class Move(StrEnum):
    HIDE_DONE = "hide-done"
    HIDE_FAILED = "hide-failed"
    REOPEN_HIDE = "reopen-hide"
    REOPEN_REVIEW = "reopen-review"
    CONFIRM = "confirm"
    CONFIRM_HIDE = "confirm-hide"
    CONFIRM_DONE = "confirm-done"
    CONFIRM_FAILED = "confirm-failed"
    DISMISS = "dismiss"
    RESTORE = "restore"
    RESTORE_DONE = "restore-done"
    RESTORE_FAILED = "restore-failed"


@dataclass(frozen=True, slots=True)
class Transition:
    """One allowed move: from which statuses, to which (None: back to the previous status),
    whether the message must be hidden (None: either), and what `hidden` becomes."""

    sources: frozenset[IncidentStatus]
    target: IncidentStatus | None
    needs_hidden: bool | None = None
    sets_hidden: bool | None = None


def _t(sources: tuple[IncidentStatus, ...], target: IncidentStatus | None,
       needs_hidden: bool | None = None, sets_hidden: bool | None = None) -> Transition:
    return Transition(frozenset(sources), target, needs_hidden, sets_hidden)


TRANSITIONS: dict[Move, Transition] = {
    Move.HIDE_DONE: _t((S.PENDING,), S.HIDDEN, sets_hidden=True),
    Move.HIDE_FAILED: _t((S.PENDING,), S.HIDE_FAILED),
    Move.REOPEN_HIDE: _t((S.REVIEW, S.HIDE_FAILED, S.DISMISSED), S.PENDING, needs_hidden=False),
    Move.REOPEN_REVIEW: _t((S.DISMISSED,), S.REVIEW, needs_hidden=False),
    Move.CONFIRM: _t((S.HIDDEN,), S.CONFIRMED),
    Move.CONFIRM_HIDE: _t((S.REVIEW, S.HIDE_FAILED), S.CONFIRMING),
    Move.CONFIRM_DONE: _t((S.CONFIRMING,), S.CONFIRMED, sets_hidden=True),
    Move.CONFIRM_FAILED: _t((S.CONFIRMING,), S.CONFIRMED),
    Move.DISMISS: _t((S.REVIEW, S.HIDDEN, S.HIDE_FAILED, S.CONFIRMED), S.DISMISSED),
    Move.RESTORE: _t((S.HIDDEN, S.CONFIRMED, S.DISMISSED), S.RESTORING, needs_hidden=True),
    Move.RESTORE_DONE: _t((S.RESTORING,), S.RESTORED, sets_hidden=False),
    Move.RESTORE_FAILED: _t((S.RESTORING,), None),
}

# What a moderator's button or command may do from each status (notices show these).
MODERATOR_MOVES: dict[str, tuple[Move, ...]] = {
    "confirm": (Move.CONFIRM, Move.CONFIRM_HIDE),
    "dismiss": (Move.DISMISS,),
    "restore": (Move.RESTORE,),
}

# Intent statuses: a side effect is under way (or was interrupted by a crash).
IN_PROGRESS = frozenset({S.PENDING, S.CONFIRMING, S.RESTORING})


def allows(move: Move, incident: Incident) -> bool:
    """Whether `move` is allowed for the incident as it was read."""
    rule = TRANSITIONS[move]
    if incident.status not in rule.sources:
        return False
    return rule.needs_hidden is None or rule.needs_hidden == incident.hidden


def moderator_move(action: str, incident: Incident) -> Move | None:
    """The move a moderator's action means for this incident, or None when it is refused."""
    for move in MODERATOR_MOVES.get(action, ()):
        if allows(move, incident):
            return move
    return None


def moderator_actions(incident: Incident) -> tuple[str, ...]:
    """The button actions that make sense now (timeout is always possible, but not on
    finished restores)."""
    acts = [a for a in ("restore", "confirm", "dismiss") if moderator_move(a, incident)]
    if incident.status is not S.RESTORED:
        acts.append("timeout")
    return tuple(acts)


def refusal(action: str, incident: Incident) -> str:
    """Why `action` is refused for the incident, phrased for the moderator (no PII)."""
    ident, status = incident.id, incident.status
    if status in (S.PENDING, S.CONFIRMING):
        return f"{ident} is being hidden right now; try again in a moment."
    if status is S.RESTORING:
        return f"{ident} is being restored right now."
    if status is S.RESTORED:
        return f"{ident} was already restored; it cannot be {_past(action)} now."
    if action == "restore":
        if status in (S.REVIEW, S.HIDE_FAILED) or not incident.hidden:
            return f"{ident} was never hidden; nothing to restore."
    if action == "confirm" and status is S.DISMISSED:
        return (f"{ident} was dismissed as a false positive; it cannot be confirmed "
                "(look at the message again and report it anew if needed).")
    if action == "confirm" and status is S.CONFIRMED:
        return f"{ident} is already confirmed."
    if action == "dismiss" and status is S.DISMISSED:
        return f"{ident} is already dismissed."
    return f"{ident} cannot be {_past(action)} while it is {status.value}."


def _past(action: str) -> str:
    return {"restore": "restored", "confirm": "confirmed", "dismiss": "dismissed"}.get(
        action, action)


async def apply(
    store: IncidentStore,
    incident: Incident,
    move: Move,
    *,
    fields: Mapping[str, Any] | None = None,
    audit: AuditRecord | None = None,
) -> Incident | None:
    """Carry out `move` on the incident with a compare-and-set; None when it lost the race
    (the incident changed since it was read) or the move is not allowed from its status."""
    rule = TRANSITIONS[move]
    if not allows(move, incident):
        return None
    target = rule.target
    if target is None:
        target = incident.previous_status or S.HIDDEN
    values = dict(fields or {})
    if rule.sets_hidden is not None:
        values["hidden"] = rule.sets_hidden
    return await store.transition_incident(
        Scope.of(incident), incident.id, rule.sources, target, fields=values, audit=audit,
        require_hidden=rule.needs_hidden,
    )


__all__ = [
    "IN_PROGRESS", "MODERATOR_MOVES", "TRANSITIONS", "Move", "Transition", "allows", "apply",
    "moderator_actions", "moderator_move", "refusal",
]
