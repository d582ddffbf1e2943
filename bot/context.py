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


@dataclass(slots=True)
class _Channel:
    recent: deque[_Seen]
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
        chan = self._channels.get(self._channel_key(msg))
        now = msg.timestamp
        reply: tuple[str, ...] = ()
        if self.settings.reply:
            for ref in (msg.reply_to, msg.thread):
                if ref and ref != msg.id:
                    seen = self._by_id.get((msg.platform, msg.channel, ref))
                    if seen and seen.servants:
                        reply = seen.servants
                        break
        if chan is None:
            return Linked(reply=reply) if reply else NO_LINKS
        author: list[str] = []
        mine = chan.by_author.get(msg.author)
        if mine and self.settings.author_window:
            for seen in list(mine)[-self.settings.author_window :]:
                if seen.id != msg.id and self._fresh(seen, now):
                    author.extend(s for s in seen.servants if s not in author)
        channel: list[str] = []
        if self.settings.channel_window:
            for seen in reversed(list(chan.recent)[-self.settings.channel_window :]):
                if seen.id != msg.id and self._fresh(seen, now):
                    channel.extend(s for s in seen.servants if s not in channel)
        if not (reply or author or channel):
            return NO_LINKS
        return Linked(reply, tuple(author), tuple(channel))

    def record(self, msg: ChatMessage, servants: tuple[str, ...]) -> None:
        """Remember the message's servants (an edit replaces its earlier entry)."""
        key = self._channel_key(msg)
        chan = self._channels.get(key)
        if chan is None:
            chan = _Channel(deque(maxlen=max(1, self.settings.channel_window)))
            self._channels[key] = chan
        seen = _Seen(msg.id, msg.author, servants, msg.timestamp)
        id_key = (msg.platform, msg.channel, msg.id)
        if id_key in self._by_id:
            self._replace(chan, seen)
        else:
            chan.recent.append(seen)
            mine = chan.by_author.get(msg.author)
            if mine is None:
                mine = chan.by_author[msg.author] = deque(
                    maxlen=max(1, self.settings.author_window)
                )
            mine.append(seen)
        self._by_id[id_key] = seen
        self._by_id.move_to_end(id_key)
        while len(self._by_id) > _MAX_IDS:
            self._by_id.popitem(last=False)

    def forget(self, msg: ChatMessage) -> None:
        """A deleted message no longer links anything."""
        self._by_id.pop((msg.platform, msg.channel, msg.id), None)
        chan = self._channels.get(self._channel_key(msg))
        if chan is not None:
            self._replace(chan, _Seen(msg.id, msg.author, (), msg.timestamp))

    @staticmethod
    def _replace(chan: _Channel, seen: _Seen) -> None:
        for q in (chan.recent, chan.by_author.get(seen.author)):
            if q is None:
                continue
            for i, old in enumerate(q):
                if old.id == seen.id:
                    q[i] = _Seen(old.id, old.author, seen.servants, old.timestamp)
