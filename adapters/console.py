"""The console adapter: a local chat on stdin/stdout, the embedded default.

It lets a newcomer (or a test, or a replayed script) run the whole bot with no
tokens. Each input line is a chat message or a command:

    #general @alice: Officer Whitaker lives at ...   message in #general by alice
    @bob: hi                                         in the default channel
    plain text                                       default user, default channel
    @mod: /doxguard incidents                        a moderator command
    /edit N new text      /delete N      /reply N text      (N: Nth message, or "last")
    /image PATH [caption]                            post an image file (read with OCR)
    # a comment (a '#' followed by a space), ignored

Output lines say which view they belong to: `[#general] alice: hi` and
`[#general] (message hidden by doxguard)` are the channel, `[mod-log] ...` the
moderators' notices, `[doxguard → mod] ...` a command reply, `[dm → alice] ...`
a note to an author.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import io
import logging
import re
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from bot.config import Config, ConfigError
from bot.engine import Moderator
from bot.models import Caller, ChatMessage, CommandRequest, EventKind, Incident, Notice
from bot.platform import HideOutcome
from bot.store import StoreError

log = logging.getLogger("doxguard.console")

PLACEHOLDER = "(message hidden by doxguard)"
_CHANNEL_LINE = re.compile(r"^#(?P<channel>[\w.\-]+)\s*(?P<rest>.*)$")
_USER_PREFIX = re.compile(r"^@(?P<user>[\w.\-]+):\s?(?P<text>.*)$")
_COMMAND = re.compile(r"^/doxguard(?:\s+(?P<line>.*))?$", re.IGNORECASE)
_IMAGE = re.compile(r"^/image\s+(?P<path>\S+)\s?(?P<text>.*)$")
_META = re.compile(r"^/(?P<verb>edit|delete|reply)\s+(?P<ref>\d+|last)\b\s?(?P<text>.*)$")
_SLASH_WORD = re.compile(r"^/(?P<word>[A-Za-z][\w-]*)\b")
CONSOLE_COMMANDS = (
    "/doxguard COMMAND", "/edit N|last TEXT", "/delete N|last", "/reply N|last TEXT", "/quit",
)


@dataclass
class ConsolePlatform:
    """The Platform port for the console: it prints instead of calling an API."""

    name: str = "console"
    hidden: set[str] = field(default_factory=set)
    pending: list[str] = field(default_factory=list)
    timed_out: dict[str, float] = field(default_factory=dict)  # user -> until (epoch seconds)

    async def hide(self, message: ChatMessage) -> HideOutcome:
        self.hidden.add(message.id)
        return HideOutcome(True)

    async def notify_moderators(self, notice: Notice) -> None:
        self.pending.extend(f"[mod-log] {line}" for line in notice.render_text().splitlines())

    async def repost(self, incident: Incident, original_text: str) -> None:
        who = incident.author_name or incident.author
        where = incident.channel_name or incident.channel
        self.hidden.discard(incident.message_id)
        self.pending.append(f"[#{where}] {who} (restored by doxguard): {original_text}")

    async def notify_author(self, message: ChatMessage, text: str) -> None:
        self.pending.append(f"[dm → {message.author_name or message.author}] {text}")

    async def timeout_author(self, message: ChatMessage, minutes: int, reason: str) -> bool:
        who = message.author_name or message.author
        self.timed_out[message.author] = time.time() + minutes * 60
        self.pending.append(f"[#{message.channel}] ({who} is timed out for {minutes} minutes)")
        return True

    def timeout_left(self, user: str, now: float | None = None) -> float:
        """Seconds `user` is still timed out for (0: may post)."""
        left = self.timed_out.get(user, 0.0) - (time.time() if now is None else now)
        if left <= 0:
            self.timed_out.pop(user, None)
            return 0.0
        return left


@dataclass
class ConsoleChat:
    """Turns input lines into events and commands, and prints the views."""

    moderator: Moderator
    platform: ConsolePlatform
    out: TextIO
    default_user: str
    default_channel: str
    messages: list[ChatMessage] = field(default_factory=list)
    _last_id: int = 0

    def _emit(self, line: str) -> None:
        self.out.write(line + "\n")

    def _flush(self) -> None:
        for line in self.platform.pending:
            self._emit(line)
        self.platform.pending.clear()
        self.out.flush()

    def _next_id(self) -> str:
        """Growing numeric ids (microseconds), unique across runs on the same database."""
        now = time.time_ns() // 1000
        self._last_id = max(now, self._last_id + 1)
        return str(self._last_id)

    def _ref(self, ref: str, user: str) -> ChatMessage | None:
        if ref == "last":  # the user's own last message, never someone else's
            for msg in reversed(self.messages):
                if msg.author == user:
                    return msg
            return None
        index = int(ref) - 1
        return self.messages[index] if 0 <= index < len(self.messages) else None

    async def line(self, raw: str) -> bool:
        """Handle one input line; False when the user asked to quit."""
        text = raw.rstrip("\r\n")
        stripped = text.strip()
        if not stripped or stripped.startswith("# ") or stripped == "#":
            return True
        if stripped in ("/quit", "/exit"):
            return False
        channel, user = self.default_channel, self.default_user
        m = _CHANNEL_LINE.match(stripped)
        if m:
            channel, stripped = m.group("channel"), m.group("rest").strip()
        m = _USER_PREFIX.match(stripped)
        if m:
            user, stripped = m.group("user"), m.group("text").strip()
        command = _COMMAND.match(stripped)
        if command:
            await self._command(user, channel, command.group("line") or "help")
            return True
        image = _IMAGE.match(stripped)
        if image:
            await self._image(user, channel, image.group("path"), image.group("text"))
            return True
        meta = _META.match(stripped)
        if meta:
            await self._meta(user, channel, meta.group("verb"), meta.group("ref"),
                             meta.group("text"))
            return True
        slash = _SLASH_WORD.match(stripped)
        if slash:  # a mistyped command must not be posted to the channel as chat
            word = slash.group("word")
            verbs = [c.split()[0][1:] for c in CONSOLE_COMMANDS]
            close = difflib.get_close_matches(word.lower(), verbs, n=1)
            hint = f"did you mean /{close[0]}? " if close else ""
            self._emit(f"[console] unknown command /{word} (not posted); {hint}"
                       f"commands: {', '.join(CONSOLE_COMMANDS)}")
            self.out.flush()
            return True
        if self._timed_out(user, channel):
            return True
        await self._message(ChatMessage(
            id=self._next_id(), channel=channel, author=user, text=stripped,
            platform="console", author_name=user, channel_name=channel, timestamp=time.time(),
        ))
        return True

    def _timed_out(self, user: str, channel: str) -> bool:
        """A timed-out user cannot post, reply or edit, as on Discord and Slack."""
        left = self.platform.timeout_left(user)
        if not left:
            return False
        minutes = max(1, round(left / 60))
        self._emit(f"[#{channel}] ({user} is timed out for {minutes} more minute"
                   f"{'' if minutes == 1 else 's'}; the message was not posted)")
        self.out.flush()
        return True

    async def _message(self, message: ChatMessage) -> None:
        if message.kind is EventKind.NEW:
            self.messages.append(message)
        was_hidden = message.id in self.platform.hidden
        await self.moderator.handle(message)
        if message.id in self.platform.hidden:
            if was_hidden:
                self._emit(f"[#{message.channel}] (edit of a hidden message; it stays hidden)")
            else:
                self._emit(f"[#{message.channel}] {PLACEHOLDER}")
        else:
            edited = " (edited)" if message.kind is EventKind.EDIT else ""
            pictures = "".join(f" [image: {img.name}]" for img in message.images)
            self._emit(f"[#{message.channel}] {message.author}{edited}: {message.text}{pictures}")
        self._flush()

    async def _image(self, user: str, channel: str, path: str, caption: str) -> None:
        """`/image PATH [caption]`: post a picture (a screenshot) with an optional caption."""
        from bot.images import load_paths

        limit = self.moderator.config.images.max_bytes
        try:
            loaded = await asyncio.to_thread(load_paths, [path], None, limit)
        except OSError:
            self._emit(f"[console] cannot read image file {path}")
            self.out.flush()
            return
        await self._message(ChatMessage(
            id=self._next_id(), channel=channel, author=user, text=caption, platform="console",
            author_name=user, channel_name=channel, timestamp=time.time(), images=loaded,
        ))

    async def _meta(self, user: str, channel: str, verb: str, ref: str, text: str) -> None:
        target = self._ref(ref, user)
        if target is None:
            whose = f"{user} has posted no message" if ref == "last" else f"no message {ref}"
            self._emit(f"[console] {whose} to {verb}")
            self.out.flush()
            return
        if verb != "delete" and self._timed_out(user, channel):
            return
        if verb == "edit":
            edited = replace(target, text=text, kind=EventKind.EDIT, timestamp=time.time())
            index = self.messages.index(target)
            self.messages[index] = replace(edited, kind=EventKind.NEW)
            await self._message(edited)
        elif verb == "delete":
            self.messages.remove(target)
            await self.moderator.handle(replace(target, kind=EventKind.DELETE))
            self._emit(f"[#{target.channel}] ({target.author} deleted a message)")
            self._flush()
        else:  # reply
            await self._message(ChatMessage(
                id=self._next_id(), channel=channel, author=user, text=text, platform="console",
                author_name=user, channel_name=channel, timestamp=time.time(),
                reply_to=target.id,
            ))

    async def _command(self, user: str, channel: str, line: str) -> None:
        from bot.commands import parse_command_line

        caller = Caller("console", user, channel=channel, display_name=user)
        try:
            name, args = parse_command_line(line)
        except ValueError as exc:
            self._emit(f"[doxguard → {user}] cannot read that command: {exc}")
            self.out.flush()
            return
        reply = await self.moderator.run_command(CommandRequest(caller, name, args))
        self._flush()  # a restore or confirm may have printed to the channel view
        for out_line in reply.text.splitlines() or [""]:
            self._emit(f"[doxguard → {user}] {out_line}")
        self.out.flush()


async def run_console(
    config: Config,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    db_path: str | Path | None = None,
) -> int:
    """Run the console chat until end of input or /quit. Returns the exit status:
    0 on a clean end, 2 when the servants file or the database cannot be used."""
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    platform = ConsolePlatform()
    try:
        moderator = await Moderator.create(config, platform, db_path=db_path)
    except (ConfigError, StoreError) as exc:
        print(f"doxguard: {exc}", file=sys.stderr)
        return 2
    chat = ConsoleChat(moderator, platform, stdout, config.console.default_user,
                       config.console.default_channel)
    if isinstance(stdin, io.TextIOWrapper):
        # bytes that are not UTF-8 (a pasted binary, a bad terminal) become U+FFFD
        # instead of a UnicodeDecodeError that would end the chat
        stdin.reconfigure(errors="replace")
    interactive = stdin.isatty()
    try:
        chat._flush()  # notices of incidents resumed at start
        if interactive:
            stdout.write(
                "doxguard console — type '#channel @user: text', '@mod: /doxguard help', "
                "or /quit\n"
            )
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            raw = await asyncio.to_thread(stdin.readline)
            if not raw:
                break
            try:
                if not await chat.line(raw):
                    break
            except StoreError as exc:
                # disk full or database damaged: stop, rather than hide what cannot be recorded
                print(f"doxguard: stopped: {exc}", file=sys.stderr)
                return 2
            except Exception as exc:  # one bad line must not stop the chat
                log.error("console: skipped a line that failed (%s)", type(exc).__name__)
                stdout.write(f"[console] that line could not be handled ({type(exc).__name__})\n")
                stdout.flush()
    finally:
        with contextlib.suppress(Exception):
            await moderator.close()
    return 0


def console_main(config: Config, db_path: str | Path | None = None) -> int:
    """Blocking entry for `doxguard run` with no platform configured."""
    try:
        return asyncio.run(run_console(config, sys.stdin, sys.stdout, db_path))
    except KeyboardInterrupt:
        return 130
