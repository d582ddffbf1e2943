"""The small dataclasses the core speaks in.

Every other module (detectors, registry, policy, store, engine, adapters) passes
these around, so they are deliberately plain: frozen, slotted, no behaviour that
needs a platform library or I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Category(StrEnum):
    """The eight ordinance categories; the values are the stable identifiers."""

    SOCIAL_SECURITY_NUMBER = "social_security_number"
    BIRTH_DATE = "birth_date"
    HOME_ADDRESS = "home_address"
    EMAIL_ADDRESS = "email_address"
    PHONE_NUMBER = "phone_number"
    FINANCIAL_INFORMATION = "financial_information"
    HEALTH_OR_INSURANCE_INFORMATION = "health_or_insurance_information"
    SCHOOL_OR_EMPLOYMENT_LOCATION = "school_or_employment_location"

    @property
    def title(self) -> str:
        return CATEGORY_TITLES[self]

    @property
    def wording(self) -> str:
        return ORDINANCE_WORDING[self]


CATEGORY_TITLES: dict[Category, str] = {
    Category.SOCIAL_SECURITY_NUMBER: "Social Security number",
    Category.BIRTH_DATE: "Birth date",
    Category.HOME_ADDRESS: "Home address",
    Category.EMAIL_ADDRESS: "Email address",
    Category.PHONE_NUMBER: "Phone number",
    Category.FINANCIAL_INFORMATION: "Financial information",
    Category.HEALTH_OR_INSURANCE_INFORMATION: "Health or insurance information",
    Category.SCHOOL_OR_EMPLOYMENT_LOCATION: "School or employment location",
}

# The ordinance lists personally identifying information as "a Social Security
# number, birthday, home address, email address, phone number, financial
# information, health or insurance information or school or employment location"
# (see ../shared/seeds). Notices quote the matching phrase beside the title.
ORDINANCE_WORDING: dict[Category, str] = {
    Category.SOCIAL_SECURITY_NUMBER: "“a Social Security number”",
    Category.BIRTH_DATE: "“birthday” / “birth dates”",
    Category.HOME_ADDRESS: "“home address”",
    Category.EMAIL_ADDRESS: "“email address”",
    Category.PHONE_NUMBER: "“phone number”",
    Category.FINANCIAL_INFORMATION: "“financial information”",
    Category.HEALTH_OR_INSURANCE_INFORMATION: "“health or insurance information”",
    Category.SCHOOL_OR_EMPLOYMENT_LOCATION: "“school or employment location”",
}


class Role(StrEnum):
    POLICE_OFFICER = "police_officer"
    ELECTED_OFFICIAL = "elected_official"
    CITY_EMPLOYEE = "city_employee"
    PUBLIC_SERVANT = "public_servant"

    @property
    def title(self) -> str:
        return self.value.replace("_", " ")


class Action(StrEnum):
    """What the policy asks for: hide it, ask moderators, or leave it."""

    HIDE = "hide"
    REVIEW = "review"
    ALLOW = "allow"


class EventKind(StrEnum):
    NEW = "new"
    EDIT = "edit"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A text attachment whose content the adapter already fetched (off the loop)."""

    name: str
    text: str
    size: int = 0


@dataclass(frozen=True, slots=True)
class ImageAttachment:
    """An image attachment (screenshot, photo): bytes the adapter fetched, or why not.

    `index` is its place among the message's attachments (findings in it say
    "attachment:N"); `note` says why it was not read. The OCR step drops `data`, so
    the picture never travels further than the reader.
    """

    index: int
    name: str
    url: str = ""
    data: bytes | None = field(default=None, repr=False, compare=False)
    size: int = 0
    sha256: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One platform event, translated by an adapter.

    `id` is the platform's own id (Discord snowflake, Slack ts). Edits carry the
    same id as the message they change, with `kind=EventKind.EDIT`.
    """

    id: str
    channel: str
    author: str
    text: str
    platform: str = "console"
    server: str = ""
    reply_to: str | None = None
    thread: str | None = None
    author_name: str = ""
    channel_name: str = ""
    timestamp: float = 0.0
    kind: EventKind = EventKind.NEW
    attachments: tuple[Attachment, ...] = ()
    author_is_bot: bool = False
    event_id: str | None = None
    # the platform's own markup (Slack's `<@U…>`, `<url|label>`) when `text` is a plain
    # reading of it: sealed beside the original so a restore keeps the formatting
    markup: str = ""
    images: tuple[ImageAttachment, ...] = ()  # read into `attachments` by bot/images.py

    @property
    def full_text(self) -> str:
        """Body plus attachment texts: everything that is scanned."""
        if not self.attachments:
            return self.text
        parts = [self.text, *(a.text for a in self.attachments)]
        return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class Finding:
    """A PII candidate a detector found and validated.

    `start`/`end` index the text the detector was given; the scanner maps them
    back to the original message before anything leaves the core. `value` is the
    normalized value (digits only, E.164, lowercase email, ...), used to compare
    with a servant's public details and allowlists; it never goes into logs.
    """

    category: Category
    start: int
    end: int
    value: str
    confidence: float
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Mention:
    """A reference to a registered servant, or to one of their family members."""

    servant: str
    start: int
    end: int
    kind: str  # "name" | "alias" | "surname" | "family" | "relation"
    person: str = ""  # who is referred to: the servant's name or the family member's
    relation: str | None = None  # "spouse", "child", ... for family

    @property
    def is_family(self) -> bool:
        return self.relation is not None


@dataclass(frozen=True, slots=True)
class Subject:
    """A protected person a verdict is about."""

    servant: str
    role: str
    person: str
    relation: str | None = None

    def describe(self) -> str:
        role = self.role.replace("_", " ")
        if self.relation:
            return f"{self.person} ({self.relation} of {role} {self.servant})"
        return f"{self.servant} ({role})"


@dataclass(frozen=True, slots=True)
class ReportedFinding:
    """A finding as it leaves the core: original-text span and masked value only."""

    category: Category
    start: int
    end: int
    masked: str
    confidence: float
    kind: str = ""
    value: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a verdict is what it is, in three parts a moderator can check.

    `found`: what the detectors found (category, kind, masked value; never the
    value itself); `about`: whom the message is about and how that was decided
    (named, replied to, same author, the channel's last mention, ambiguous);
    `decision`: the policy's rule that gave the action. Names here are only
    registered servants and their listed family: never other people's.
    """

    found: tuple[str, ...] = ()
    about: tuple[str, ...] = ()
    decision: str = ""

    def summary(self) -> str:
        """One line for notices and logs-free displays."""
        parts = [self.decision] if self.decision else []
        if self.about:
            parts.append(self.about[0])
        return "; ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {"found": list(self.found), "about": list(self.about), "decision": self.decision}


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action
    categories: tuple[Category, ...] = ()
    servants: tuple[str, ...] = ()
    subjects: tuple[Subject, ...] = ()
    findings: tuple[ReportedFinding, ...] = ()
    intent: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    why: Explanation | None = field(default=None, compare=False)

    @property
    def is_violation(self) -> bool:
        return self.action is not Action.ALLOW


ALLOW = Verdict(Action.ALLOW)


class IncidentStatus(StrEnum):
    """Where an incident stands; the allowed moves between them are `bot.incidents.TRANSITIONS`."""

    PENDING = "pending"  # stored, hide not yet attempted (a crash here is resumed at start)
    HIDDEN = "hidden"
    HIDE_FAILED = "hide-failed"
    REVIEW = "review"
    CONFIRMING = "confirming"  # a moderator confirmed; the hide is being carried out
    RESTORING = "restoring"  # a moderator asked for a restore; the repost is being made
    RESTORED = "restored"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


@dataclass(slots=True)
class Incident:
    """What the store remembers about one violating message (no raw PII)."""

    id: str
    platform: str
    server: str
    channel: str
    message_id: str
    author: str
    action: Action
    status: IncidentStatus
    categories: tuple[Category, ...]
    servants: tuple[str, ...]
    excerpt: str  # masked
    created_at: float
    updated_at: float
    author_name: str = ""
    channel_name: str = ""
    subjects: tuple[Subject, ...] = ()
    intent: tuple[str, ...] = ()
    hide_error: str | None = None
    notice_sent: bool = False
    has_original: bool = False
    reason: str = ""  # the verdict's one-line explanation (Explanation.summary; masked)
    hidden: bool = False  # doxguard's hide of the message is in force (not restored)
    previous_status: IncidentStatus | None = None  # the status before the last transition


@dataclass(frozen=True, slots=True)
class NoticeCategory:
    id: Category
    title: str
    wording: str


@dataclass(frozen=True, slots=True)
class Notice:
    """A platform-neutral moderator notice; adapters render it (embed, blocks, text)."""

    incident_id: str
    platform: str
    server: str
    channel: str
    channel_name: str
    message_id: str
    author: str
    author_name: str
    action: Action
    status: IncidentStatus
    headline: str  # e.g. "Message hidden" / "Could not hide message: missing permission"
    categories: tuple[NoticeCategory, ...]
    protected: tuple[Subject, ...]
    excerpt: str  # masked
    intent: tuple[str, ...] = ()
    hide_error: str | None = None
    available_actions: tuple[str, ...] = ("restore", "confirm", "dismiss", "timeout")
    reason: str = ""  # why doxguard acted, in one line

    def render_text(self) -> str:
        """Plain-text rendering for the console and for text-only fallbacks."""
        lines = [f"[doxguard] {self.headline} — incident {self.incident_id}"]
        for cat in self.categories:
            lines.append(f"  • {cat.title} ({cat.id.value}) — ordinance: {cat.wording}")
        for subject in self.protected:
            lines.append(f"  protected: {subject.describe()}")
        who = self.author_name or self.author
        where = self.channel_name or self.channel
        if self.reason:
            lines.append(f"  why: {self.reason}")
        lines.append(f"  author: {who}   channel: #{where}")
        lines.append(f"  excerpt: {self.excerpt}")
        if self.intent:
            lines.append(f"  intent signals: {', '.join(self.intent)}")
        if self.hide_error:
            lines.append(f"  not hidden: {self.hide_error}")
        if self.available_actions:
            acts = " | ".join(f"/doxguard {a} {self.incident_id}" for a in self.available_actions)
            lines.append(f"  actions: {acts}")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who runs a moderator command or presses a button, as the adapter saw them."""

    platform: str
    user_id: str
    server: str = ""
    channel: str = ""
    roles: tuple[str, ...] = ()
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class CommandRequest:
    caller: Caller
    name: str  # "status", "servant", "incidents", "reveal", ...
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CommandReply:
    text: str
    ok: bool = True
    ephemeral: bool = True


@dataclass(frozen=True, slots=True)
class ReportRows:
    """Aggregates for the moderation report, as the database computed them.

    `by_day`: (UTC date, category, incidents); `channels`: (platform, channel id, name,
    incidents); `roles`: (role, protected people, incidents); `people`: (servant, role,
    incidents) — names, shown only when the operator asks for them.
    """

    by_status: dict[str, int]
    by_day: list[tuple[str, str, int]]
    channels: list[tuple[str, str, str, int]]
    roles: list[tuple[str, int, int]]
    people: list[tuple[str, str, int]]
    decided: int
    median_decision_seconds: float | None

    @property
    def total(self) -> int:
        return sum(self.by_status.values())
