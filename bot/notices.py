"""Notices: what moderators and authors are told, built once, platform-neutral.

Adapters render a `Notice` (embed, blocks, text) but never compose its content,
so every platform says the same thing. Nothing here sees raw PII: notices are
built from the stored incident, whose excerpt is already masked.
"""

from __future__ import annotations

from bot.models import Incident, IncidentStatus, Notice, NoticeCategory, Verdict


def headline(incident: Incident) -> str:
    """One line saying what happened to the message."""
    status = incident.status
    if status is IncidentStatus.HIDDEN:
        return "Message hidden"
    if status is IncidentStatus.HIDE_FAILED:
        return f"Could not hide message: {incident.hide_error or 'unknown error'}"
    if status is IncidentStatus.REVIEW:
        return "Review requested: message left visible"
    if status is IncidentStatus.PENDING:
        return "Message flagged; hiding in progress"
    if status is IncidentStatus.CONFIRMING:
        return "Incident confirmed; hiding in progress"
    if status is IncidentStatus.RESTORING:
        return "Message being restored"
    if status is IncidentStatus.CONFIRMED:
        return "Incident confirmed"
    if status is IncidentStatus.DISMISSED:
        return "Incident dismissed as a false positive"
    return "Message restored"


def available_actions(incident: Incident) -> tuple[str, ...]:
    """The buttons the state machine allows now (`bot.incidents.TRANSITIONS`)."""
    from bot.incidents import moderator_actions

    actions = moderator_actions(incident)
    if "restore" in actions and not incident.has_original:
        actions = tuple(a for a in actions if a != "restore")
    return actions


def build_notice(incident: Incident, repeat_of: str | None = None) -> Notice:
    """The moderators' notice for an incident in its current state.

    `repeat_of` names an earlier incident whose notice already told the moderators
    why hiding fails here (a missing permission, no admin token): this notice refers
    to it instead of raising the same alarm again for every message.
    """
    hide_error = incident.hide_error
    title = headline(incident)
    if repeat_of is not None and incident.status is IncidentStatus.HIDE_FAILED:
        hide_error = f"same problem as {repeat_of} (reported there)"
        title = f"Could not hide message: same problem as {repeat_of}"
    return Notice(
        incident_id=incident.id,
        platform=incident.platform,
        server=incident.server,
        channel=incident.channel,
        channel_name=incident.channel_name,
        message_id=incident.message_id,
        author=incident.author,
        author_name=incident.author_name,
        action=incident.action,
        status=incident.status,
        headline=title,
        categories=tuple(NoticeCategory(c, c.title, c.wording) for c in incident.categories),
        protected=incident.subjects,
        excerpt=incident.excerpt,
        intent=incident.intent,
        hide_error=hide_error,
        available_actions=available_actions(incident),
        reason=incident.reason,
    )


def author_notice_text(incident: Incident, appeal_text: str) -> str:
    """What the author is told: the categories and how to appeal, never the values or names."""
    titles = [c.title.lower() for c in incident.categories]
    if len(titles) > 1:
        what = ", ".join(titles[:-1]) + " and " + titles[-1]
    else:
        what = titles[0] if titles else "personal information"
    where = incident.channel_name or incident.channel
    return (
        f"Your message in #{where} was hidden because it appears to share a protected "
        f"public servant's or their family's {what}, which the anti-doxxing rules of this "
        f"community do not allow. {appeal_text} (incident {incident.id})"
    )


def timeout_reason(incident: Incident) -> str:
    cats = ", ".join(c.value for c in incident.categories)
    return f"doxguard incident {incident.id}: shared protected personal information ({cats})"


def verdict_lines(verdict: Verdict) -> list[str]:
    """A verdict in human form (masked), shared by `doxguard check` and the `check` command."""
    lines = [f"  • {c.title} ({c.value}) — ordinance: {c.wording}" for c in verdict.categories]
    lines += [f"  protected: {subject.describe()}" for subject in verdict.subjects]
    lines += [
        f"  found {f.category.value} at {f.start}-{f.end}: {f.masked} "
        f"(confidence {f.confidence:.2f})"
        for f in verdict.findings
    ]
    if verdict.intent:
        lines.append(f"  intent signals: {', '.join(verdict.intent)}")
    return lines


def why_lines(verdict: Verdict) -> list[str]:
    """The verdict's explanation: the rule that decided, how each subject was linked, findings."""
    why = verdict.why
    if why is None:
        return [f"  why: {reason}" for reason in verdict.reasons]
    lines = [f"  decided: {why.decision}"] if why.decision else []
    lines += [f"  about: {line}" for line in why.about]
    lines += [f"  found: {line}" for line in why.found]
    return lines
