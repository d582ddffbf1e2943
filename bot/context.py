"""Conversation context: which servants a message can refer to without naming them.

"he lives at ..." is only doxxing because of what came before: the message it
replies to, the same author's previous messages, or the servant the channel was
just talking about. This module remembers just enough of each channel (servant
names per message, bounded in count and age) to link those cases; it never keeps
message text.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

from bot.config import ContextSettings
from bot.models import ChatMessage

_MAX_IDS = 50_000  # messages remembered for reply lookups, across all channels


@dataclass(frozen=True, slots=True)
class _Seen:
    id: str
    author: str
    servants: tuple[str, ...]
    timestamp: float
    seq: int  # position in the channel
    author_seq: int  # position among this author's messages in the channel


@dataclass(frozen=True, slots=True)
class Linked:
    """Servants reachable from a message through its context, by how they link."""

    reply: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.reply or self.author or self.channel)


NO_LINKS = Linked()


_KEEP = 64  # servant-bearing messages kept per channel (and per author)


@dataclass(slots=True)
class _Channel:
    """Only messages that name someone are kept; sequence numbers measure the windows."""

    seq: int = 0
    recent: deque[_Seen] = field(default_factory=lambda: deque(maxlen=_KEEP))
    author_seq: dict[str, int] = field(default_factory=dict)
    by_author: dict[str, deque[_Seen]] = field(default_factory=dict)


class ConversationContext:
    """Recent servant mentions per channel; bounded, text-free."""

    def __init__(self, settings: ContextSettings | None = None):
        self.settings = settings or ContextSettings()
        self._channels: dict[tuple[str, str, str], _Channel] = {}
        self._by_id: OrderedDict[tuple[str, str, str], _Seen] = OrderedDict()

    @staticmethod
    def _channel_key(msg: ChatMessage) -> tuple[str, str, str]:
        return (msg.platform, msg.server, msg.channel)

    def _fresh(self, seen: _Seen, now: float) -> bool:
        if not now or not seen.timestamp:
            return True
        return now - seen.timestamp <= self.settings.max_age_seconds

    def linked(self, msg: ChatMessage) -> Linked:
        """Servants the message may refer to, excluding those it names itself."""
        reply: tuple[str, ...] = ()
        if self.settings.reply and self._by_id:
            for ref in (msg.reply_to, msg.thread):
                if ref and ref != msg.id:
                    seen = self._by_id.get((msg.platform, msg.channel, ref))
                    if seen and seen.servants:
                        reply = seen.servants
                        break
        chan = self._channels.get(self._channel_key(msg))
        if chan is None or not chan.recent:
            return Linked(reply=reply) if reply else NO_LINKS
        now = msg.timestamp
        author: list[str] = []
        mine = chan.by_author.get(msg.author)
        if mine and self.settings.author_window:
            floor = chan.author_seq.get(msg.author, 0) - self.settings.author_window
            for seen in reversed(mine):
                if seen.author_seq <= floor:
                    break
                if seen.id != msg.id and self._fresh(seen, now):
                    author.extend(s for s in seen.servants if s not in author)
        channel: list[str] = []
        if self.settings.channel_window:
            floor = chan.seq - self.settings.channel_window
            for seen in reversed(chan.recent):
                if seen.seq <= floor:
                    break
                if seen.id != msg.id and self._fresh(seen, now):
                    channel.extend(s for s in seen.servants if s not in channel)
        if not (reply or author or channel):
            return NO_LINKS
        return Linked(reply, tuple(author), tuple(channel))

    def record(self, msg: ChatMessage, servants: tuple[str, ...]) -> None:
        """Count the message; remember it only when it names someone.

        An edit replaces the servants of its earlier entry.
        """
        key = self._channel_key(msg)
        chan = self._channels.get(key)
        if chan is None:
            chan = self._channels[key] = _Channel()
        id_key = (msg.platform, msg.channel, msg.id)
        old = self._by_id.get(id_key) if self._by_id else None
        if old is not None:
            self._replace(chan, _Seen(old.id, old.author, servants, 0.0, 0, 0))
            self._by_id[id_key] = _Seen(
                old.id, old.author, servants, old.timestamp, old.seq, old.author_seq
            )
            return
        chan.seq += 1
        author_seq = chan.author_seq.get(msg.author, 0) + 1
        chan.author_seq[msg.author] = author_seq
        if not servants:
            return
        seen = _Seen(msg.id, msg.author, servants, msg.timestamp, chan.seq, author_seq)
        chan.recent.append(seen)
        mine = chan.by_author.get(msg.author)
        if mine is None:
            mine = chan.by_author[msg.author] = deque(maxlen=_KEEP)
        mine.append(seen)
        self._by_id[id_key] = seen
        while len(self._by_id) > _MAX_IDS:
            self._by_id.popitem(last=False)

    def forget(self, msg: ChatMessage) -> None:
        """A deleted message no longer links anything."""
        old = self._by_id.pop((msg.platform, msg.channel, msg.id), None)
        chan = self._channels.get(self._channel_key(msg))
        if chan is not None and old is not None:
            self._replace(chan, _Seen(old.id, old.author, (), 0.0, 0, 0))

    @staticmethod
    def _replace(chan: _Channel, seen: _Seen) -> None:
        for q in (chan.recent, chan.by_author.get(seen.author)):
            if q is None:
                continue
            for i, old in enumerate(q):
                if old.id == seen.id:
                    q[i] = _Seen(
                        old.id, old.author, seen.servants, old.timestamp, old.seq, old.author_seq
                    )
