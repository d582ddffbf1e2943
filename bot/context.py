"""Conversation context: which servants a message can refer to without naming them.

"he lives at ..." is only doxxing because of what came before: the message it
replies to, the same author's previous messages, or the servant the channel was
just talking about. This module remembers just enough of each channel (servant
names per message, bounded in count and age) to link those cases; it never keeps
message text. A link starts only at a message that names a servant: a message
that was itself only linked ("she lives near me") is not recorded as naming
anyone, so one mention cannot keep a busy channel "about" a servant.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

from bot.config import ContextSettings
from bot.models import ChatMessage

_MAX_IDS = 50_000  # messages remembered for reply lookups, across all channels


@dataclass(frozen=True, slots=True)
class _Seen:
    """A message that named somebody: the servants it named, and whether others too."""

    id: str
    author: str
    servants: tuple[str, ...]
    others: bool  # named somebody who is not registered ("my coworker Dave Young")
    timestamp: float
    seq: int  # position in the channel
    author_seq: int  # position among this author's messages in the channel
    namesakes: tuple[str, ...] = ()  # registered surnames it used for somebody else

    def with_names(
        self, servants: tuple[str, ...], others: bool, namesakes: tuple[str, ...] = ()
    ) -> _Seen:
        return _Seen(
            self.id,
            self.author,
            servants,
            others,
            self.timestamp,
            self.seq,
            self.author_seq,
            namesakes,
        )


@dataclass(frozen=True, slots=True)
class Linked:
    """Servants reachable from a message through its context, by how they link.

    Only messages that *named* someone make links, and each window counts from
    the last message that named anyone: once the channel (or the author) names
    somebody else, "he" and "his wife" are about that person, not the servant.
    `*_ago` say how many channel (or author) messages back the naming message is.
    """

    reply: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    reply_to: str = ""
    author_ago: int = 0
    channel_ago: int = 0
    continued: bool = False  # `author` comes from the author's own previous, linked message
    # registered surnames the channel just used for somebody else ("my friend Marcus Brown"):
    # a bare "brown" now could be either
    namesakes: frozenset[str] = frozenset()

    @property
    def any(self) -> bool:
        return bool(self.reply or self.author or self.channel)

    def servants(self) -> tuple[str, ...]:
        """Every servant reachable, most direct link first."""
        return tuple(dict.fromkeys((*self.reply, *self.author, *self.channel)))


NO_LINKS = Linked()


_KEEP = 64  # naming messages kept per channel (and per author)


@dataclass(slots=True)
class _Channel:
    """Only messages that name someone are kept; sequence numbers measure the windows."""

    seq: int = 0
    recent: deque[_Seen] = field(default_factory=lambda: deque(maxlen=_KEEP))
    author_seq: dict[str, int] = field(default_factory=dict)
    by_author: dict[str, deque[_Seen]] = field(default_factory=dict)
    # author -> (servants their last message was linked to, seq of the naming message the
    # link came from, that message's author_seq): a thread of the author's own goes on
    # for as long as the naming message's window, never longer
    thread: dict[str, tuple[tuple[str, ...], int, int]] = field(default_factory=dict)


def _last_before(queue: deque[_Seen], message_id: str) -> _Seen | None:
    """The newest naming message other than this one (an edit sees what came before)."""
    for seen in reversed(queue):
        if seen.id != message_id:
            return seen
    return None


class ConversationContext:
    """Recent naming messages per channel; bounded, text-free."""

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
        """Servants the message may refer to without naming them."""
        reply: tuple[str, ...] = ()
        reply_to = ""
        if self.settings.reply and self._by_id:
            for ref in (msg.reply_to, msg.thread):
                if ref and ref != msg.id:
                    seen = self._by_id.get((msg.platform, msg.channel, ref))
                    if seen and seen.servants:
                        reply, reply_to = seen.servants, ref
                        break
        chan = self._channels.get(self._channel_key(msg))
        if chan is None or not chan.recent:
            return Linked(reply=reply, reply_to=reply_to) if reply else NO_LINKS
        now = msg.timestamp
        author: tuple[str, ...] = ()
        author_ago = 0
        mine = chan.by_author.get(msg.author)
        if mine and self.settings.author_window:
            last = _last_before(mine, msg.id)
            if last is not None:
                author_ago = chan.author_seq.get(msg.author, 0) - last.author_seq
                if author_ago < self.settings.author_window and self._fresh(last, now):
                    author = last.servants
        continued = False
        if not author and msg.author in chan.thread:
            servants, origin, at = chan.thread[msg.author]
            if chan.author_seq.get(msg.author, 0) == at and chan.seq - origin < max(
                self.settings.channel_window, self.settings.author_window
            ):
                author, author_ago, continued = servants, chan.seq - origin, True
        channel: tuple[str, ...] = ()
        channel_ago = 0
        if self.settings.channel_window:
            last = _last_before(chan.recent, msg.id)
            if last is not None:
                channel_ago = chan.seq - last.seq
                if channel_ago < self.settings.channel_window and self._fresh(last, now):
                    channel = last.servants
        namesakes: set[str] = set()
        window = max(self.settings.channel_window, self.settings.author_window)
        for seen in reversed(chan.recent):
            if chan.seq - seen.seq >= window:
                break
            namesakes.update(seen.namesakes)
        if not (reply or author or channel or namesakes):
            return NO_LINKS
        return Linked(
            reply,
            author,
            channel,
            reply_to,
            author_ago + 1,
            channel_ago + 1,
            continued,
            frozenset(namesakes),
        )

    def record(
        self,
        msg: ChatMessage,
        servants: tuple[str, ...],
        others: bool = False,
        about: tuple[str, ...] = (),
        namesakes: tuple[str, ...] = (),
    ) -> None:
        """Count the message; remember it only when it names someone.

        `servants` are the servants the message *names* (never ones it was only
        linked to); `others`: it names somebody not registered; `about`: servants
        it was linked to without naming them, so the same author's next message
        may go on about them while the naming message's window lasts. An edit
        replaces what its earlier entry named.
        """
        key = self._channel_key(msg)
        chan = self._channels.get(key)
        if chan is None:
            chan = self._channels[key] = _Channel()
        id_key = (msg.platform, msg.channel, msg.id)
        old = self._by_id.get(id_key) if self._by_id else None
        if old is not None:
            self._replace(chan, old.with_names(servants, others, namesakes))
            self._by_id[id_key] = old.with_names(servants, others, namesakes)
            return
        chan.seq += 1
        author_seq = chan.author_seq.get(msg.author, 0) + 1
        chan.author_seq[msg.author] = author_seq
        if about and not servants and not others:
            last = _last_before(chan.recent, msg.id)
            if last is not None:
                chan.thread[msg.author] = (about, last.seq, author_seq)
        else:
            chan.thread.pop(msg.author, None)
        if not servants and not others:
            return
        seen = _Seen(
            msg.id, msg.author, servants, others, msg.timestamp, chan.seq, author_seq, namesakes
        )
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
            self._replace(chan, old.with_names((), False))

    @staticmethod
    def _replace(chan: _Channel, seen: _Seen) -> None:
        for q in (chan.recent, chan.by_author.get(seen.author)):
            if q is None:
                continue
            for i, old in enumerate(q):
                if old.id == seen.id:
                    q[i] = seen
