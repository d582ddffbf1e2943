"""How an incident is kept in a row: the columns, and the conversions both backends share.

Every backend stores an incident in the same columns with the same encodings (JSON lists,
0/1 flags, epoch seconds), so one reader and one writer serve SQLite and PostgreSQL alike.
A row this doxguard cannot read (an unknown status written by another version, damaged
JSON) is reported with its id and skipped, never a crash.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from bot.models import Action, Category, Incident, IncidentStatus, Subject
from bot.store.base import INCIDENT_FIELDS, format_id

log = logging.getLogger("doxguard.store")

PURGED_EXCERPT = "(excerpt purged with the original)"




def subjects_json(subjects: Iterable[Subject]) -> str:
    return json.dumps(
        [
            {"servant": s.servant, "role": s.role, "person": s.person, "relation": s.relation}
            for s in subjects
        ]
    )


INCIDENT_COLUMNS = (
    "seq, platform, server, channel, message_id, author, author_name, channel_name, action, "
    "status, categories, servants, subjects, intent, excerpt, hide_error, notice_sent, "
    "created_at, updated_at, reason, hidden, previous_status, "
    "EXISTS (SELECT 1 FROM originals o WHERE o.incident = incidents.seq) AS has_original"
)


def incident_from_row(row: tuple[Any, ...]) -> Incident:
    (
        seq, platform, server, channel, message_id, author, author_name, channel_name, action,
        status, categories, servants, subjects, intent, excerpt, hide_error, notice_sent,
        created_at, updated_at, reason, hidden, previous_status, has_original,
    ) = tuple(row)
    return Incident(
        id=format_id(seq),
        platform=platform,
        server=server,
        channel=channel,
        message_id=message_id,
        author=author,
        action=Action(action),
        status=IncidentStatus(status),
        categories=tuple(Category(c) for c in json.loads(categories)),
        servants=tuple(json.loads(servants)),
        excerpt=excerpt,
        created_at=created_at,
        updated_at=updated_at,
        author_name=author_name,
        channel_name=channel_name,
        subjects=tuple(Subject(**s) for s in json.loads(subjects)),
        intent=tuple(json.loads(intent)),
        hide_error=hide_error,
        notice_sent=bool(notice_sent),
        has_original=bool(has_original),
        reason=reason,
        hidden=bool(hidden),
        previous_status=IncidentStatus(previous_status) if previous_status else None,
    )


def readable(rows: Iterable[tuple[Any, ...]]) -> list[Incident]:
    """Rows as incidents; a row this doxguard cannot read (an unknown status or category
    written by another version, damaged JSON) is reported with its id and skipped."""
    out = []
    for row in rows:
        try:
            out.append(incident_from_row(row))
        except (ValueError, TypeError, KeyError) as exc:
            log.error("incident %s: stored row cannot be read (%s); skipped",
                      format_id(int(row[0])), type(exc).__name__)
    return out


def field_value(key: str, value: Any) -> Any:
    """A Python value of an incident field as its column stores it."""
    if key not in INCIDENT_FIELDS:
        raise ValueError(f"cannot update incident field {key!r}")
    if key == "action":
        return value.value
    if key in ("notice_sent", "hidden"):
        return int(bool(value))
    if key == "categories":
        return json.dumps([c.value for c in value])
    if key in ("servants", "intent"):
        return json.dumps(list(value))
    if key == "subjects":
        return subjects_json(value)
    return value


def incident_params(incident: Incident, message: dict[str, Any]) -> tuple[Any, ...]:
    return (
        incident.platform, incident.server, incident.channel, incident.message_id,
        incident.author, incident.author_name, incident.channel_name, incident.action.value,
        incident.status.value, json.dumps([c.value for c in incident.categories]),
        json.dumps(list(incident.servants)), subjects_json(incident.subjects),
        json.dumps(list(incident.intent)), incident.excerpt, json.dumps(message),
        incident.hide_error, int(incident.notice_sent), incident.created_at, incident.updated_at,
        incident.reason,
    )
