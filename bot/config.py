"""Configuration: `doxguard.toml`, validated in full at start.

Every section is a dataclass; the loader walks the dataclasses, so a setting
exists in exactly one place (its field) and the validation, the defaults and the
error messages follow from it. A bad file fails with one `ConfigError` naming
the file, the key, the line (when it can be found) and the fix.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.models import Action, Category

ALL_CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)

# Shapes of real platform secrets. A file that holds one is refused: secrets come
# from environment variables named in the config, never from committed files.
_TOKEN_SHAPES = re.compile(
    r"^(?:xox[abposre][.-][\w.-]{10,}|xapp-[\w-]{10,}"
    r"|[A-Za-z0-9_-]{43}=|[A-Za-z0-9+/]{43}="  # a 32-byte key in base64 (a sealing key)
    r"|[MNO][\w-]{23,27}\.[\w-]{6}\.[\w-]{27,}"  # Discord bot token
    r"|[0-9a-f]{32})$"  # Slack signing secret
)


class ConfigError(Exception):
    """A configuration problem, phrased for the operator who has to fix it."""

    def __init__(self, file: str | Path, key: str, problem: str, line: int | None = None):
        self.file = str(file)
        self.key = key
        self.problem = problem
        self.line = line
        where = f"{self.file}:{line}" if line else self.file
        label = f" [{key}]" if key else ""
        super().__init__(f"{where}{label}: {problem}")


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True, slots=True)
class DetectionSettings:
    default_region: str = field(
        default="US", metadata=_help("phone region for numbers without a country code")
    )
    enforce: tuple[str, ...] = field(
        default=ALL_CATEGORIES, metadata=_help("ordinance categories that are acted on")
    )
    actions: dict[str, str] = field(
        default_factory=dict,
        metadata=_help("per-category action override: hide | review | allow"),
    )
    min_confidence: float = field(
        default=0.5, metadata=_help("findings below this confidence are ignored")
    )
    review_confidence: float = field(
        default=0.3, metadata=_help("findings at or above this but below min_confidence: review")
    )
    fingerprints_file: str = field(
        default="",
        metadata=_help(
            "protected values written by `doxguard fingerprint` (relative to the config); "
            "empty: none"
        ),
    )
    fingerprint_key_env: str = field(
        default="DOXGUARD_FINGERPRINT_KEY",
        metadata=_help("environment variable holding the key of the fingerprints file"),
    )

    def action_for(self, category: Category) -> Action:
        if category.value not in self.enforce:
            return Action.ALLOW
        return Action(self.actions.get(category.value, Action.HIDE.value))


@dataclass(frozen=True, slots=True)
class ContextSettings:
    reply: bool = field(
        default=True, metadata=_help("link PII to the servant of the replied-to message")
    )
    author_window: int = field(
        default=3, metadata=_help("how many of the same author's previous messages link context")
    )
    channel_window: int = field(
        default=6, metadata=_help("how many recent channel messages link context")
    )
    max_age_seconds: float = field(
        default=900.0, metadata=_help("older messages no longer link context")
    )


@dataclass(frozen=True, slots=True)
class StorageSettings:
    backend: str = field(
        default="sqlite",
        metadata=_help("'sqlite' (one file, one process) or 'postgresql' (many processes)"),
    )
    path: str = field(
        default="doxguard.db", metadata=_help("SQLite: database file, relative to the config")
    )
    url_env: str = field(
        default="DOXGUARD_DATABASE_URL",
        metadata=_help("PostgreSQL: environment variable holding postgresql://user@host/db"),
    )
    encryption_key_env: str = field(
        default="DOXGUARD_SEAL_KEY",
        metadata=_help("environment variable holding the key that seals originals"),
    )
    registry_cache: str = field(
        default="",
        metadata=_help(
            "folder for a cache of the built registry (relative to the config); "
            "empty: none. Worth it for registries of 100,000+ names"
        ),
    )
    retention_days: float = field(
        default=30.0, metadata=_help("sealed originals are purged after this many days")
    )


@dataclass(frozen=True, slots=True)
class ModeratorSettings:
    user_ids: tuple[str, ...] = field(
        default=(), metadata=_help("moderators as 'platform:user_id', e.g. 'discord:1234'")
    )
    role_ids: tuple[str, ...] = field(
        default=(), metadata=_help("roles/user groups as 'platform:role_id' whose members moderate")
    )


@dataclass(frozen=True, slots=True)
class NoticeSettings:
    notify_author: bool = field(default=False, metadata=_help("tell the author why"))
    appeal_text: str = field(
        default="If you think this was a mistake, contact the moderators to appeal.",
        metadata=_help("appended to the author notice"),
    )
    timeout_minutes: int = field(
        default=0, metadata=_help("time the author out for this long (0: never)")
    )
    retry_attempts: int = field(default=5, metadata=_help("tries for a failed notice"))


@dataclass(frozen=True, slots=True)
class ConsoleSettings:
    default_user: str = field(default="you", metadata=_help("author of plain lines"))
    default_channel: str = field(default="general", metadata=_help("channel of plain lines"))
    moderators: tuple[str, ...] = field(
        default=("mod",), metadata=_help("console users who may run /doxguard commands")
    )


@dataclass(frozen=True, slots=True)
class DiscordSettings:
    token_env: str = field(
        default="DISCORD_TOKEN", metadata=_help("environment variable holding the bot token")
    )
    api_base_url: str = field(
        default="", metadata=_help("REST base URL override (tests, proxies); empty: Discord's")
    )
    gateway_url: str = field(default="", metadata=_help("gateway URL override (tests)"))
    mod_log_channel: str = field(
        default="mod-log", metadata=_help("name or id of each guild's mod-log channel")
    )
    sync_commands: bool = field(default=True, metadata=_help("sync slash commands per guild"))
    shard_count: int = field(default=0, metadata=_help("0: let Discord decide"))
    shard_ids: tuple[int, ...] = field(default=(), metadata=_help("shards this process runs"))
    automod: bool = field(default=False, metadata=_help("install pre-emptive AutoMod rules"))
    attachment_max_bytes: int = field(
        default=262_144, metadata=_help("text attachments up to this size are scanned")
    )
    ignore_bots: bool = field(default=True, metadata=_help("skip bot and webhook messages"))
    backfill_max_age_hours: float = field(default=24.0, metadata=_help("backfill window"))
    backfill_max_messages: int = field(default=200, metadata=_help("backfill cap per channel"))
    guild_ready_timeout: float = field(default=2.0, metadata=_help("seconds to wait for guilds"))


@dataclass(frozen=True, slots=True)
class SlackSettings:
    bot_token_env: str = field(default="SLACK_BOT_TOKEN", metadata=_help("xoxb- token variable"))
    app_token_env: str = field(
        default="SLACK_APP_TOKEN", metadata=_help("xapp- token variable (Socket Mode)")
    )
    admin_token_env: str = field(
        default="SLACK_ADMIN_TOKEN",
        metadata=_help("workspace admin's xoxp- user token variable, needed to delete messages"),
    )
    signing_secret_env: str = field(
        default="SLACK_SIGNING_SECRET", metadata=_help("signing secret variable (HTTP mode)")
    )
    mode: str = field(default="socket", metadata=_help("'socket' or 'http'"))
    http_port: int = field(default=3000, metadata=_help("port for HTTP mode"))
    api_base_url: str = field(
        default="", metadata=_help("Web API base URL override (tests); empty: Slack's")
    )
    moderators_channel: str = field(default="", metadata=_help("channel id for notices"))
    moderator_usergroup: str = field(default="", metadata=_help("user group id of moderators"))
    reply_in_thread: bool = field(
        default=False, metadata=_help("ask the author in thread to remove the message")
    )
    file_max_bytes: int = field(
        default=262_144, metadata=_help("text files up to this are scanned")
    )
    ignore_bots: bool = field(default=True, metadata=_help("skip bot messages"))
    http_host: str = field(
        default="0.0.0.0", metadata=_help("address the HTTP mode server listens on")
    )
    http_path: str = field(
        default="/slack/events",
        metadata=_help("path of the Request URL (events, slash command, interactivity)"),
    )
    slash_command: str = field(
        default="/doxguard", metadata=_help("the slash command, as in the app manifest")
    )
    membership_cache_seconds: float = field(
        default=60.0, metadata=_help("how long a moderator user group's members are cached")
    )
    backfill_max_age_hours: float = field(
        default=24.0,
        metadata=_help("at start, scan messages missed while down, up to this old (0: never)"),
    )
    backfill_max_messages: int = field(default=200, metadata=_help("backfill cap per channel"))
    client_id_env: str = field(
        default="SLACK_CLIENT_ID",
        metadata=_help("HTTP mode, many workspaces: variable holding the app's client id"),
    )
    client_secret_env: str = field(
        default="SLACK_CLIENT_SECRET",
        metadata=_help("HTTP mode, many workspaces: variable holding the app's client secret"),
    )
    public_url: str = field(
        default="",
        metadata=_help("https://host where Slack reaches this app (install and redirect URLs)"),
    )
    install_path: str = field(default="/slack/install", metadata=_help("the Add to Slack link"))
    oauth_redirect_path: str = field(
        default="/slack/oauth_redirect", metadata=_help("the OAuth Redirect URL's path")
    )
    authorize_url: str = field(
        default="", metadata=_help("OAuth authorize page override (tests); empty: Slack's")
    )
    bot_scopes: tuple[str, ...] = field(
        default=("channels:history", "groups:history", "channels:read", "groups:read",
                 "chat:write", "commands", "users:read", "files:read", "usergroups:read",
                 "incoming-webhook"),
        metadata=_help("bot scopes asked for at install"),
    )
    user_scopes: tuple[str, ...] = field(
        default=("chat:write",),
        metadata=_help("the installing admin's user scopes (chat:write lets doxguard delete)"),
    )


@dataclass(frozen=True, slots=True)
class ImageSettings:
    enabled: bool = field(default=True, metadata=_help("read image attachments with OCR"))
    tesseract: str = field(
        default="tesseract", metadata=_help("the OCR program (Debian's tesseract-ocr)")
    )
    language: str = field(default="eng", metadata=_help("Tesseract language model(s)"))
    max_bytes: int = field(
        default=10_485_760, metadata=_help("images larger than this are not fetched or read")
    )
    max_pixels: int = field(
        default=25_000_000, metadata=_help("images with more pixels are not decoded")
    )
    seconds_per_image: float = field(
        default=10.0, metadata=_help("OCR of one image is stopped after this long")
    )
    max_per_message: int = field(
        default=4, metadata=_help("images of one message read at most; the rest are noted")
    )
    workers: int = field(default=2, metadata=_help("OCR processes at once (the bounded pool)"))
    upscale_below: int = field(
        default=0, metadata=_help("images narrower than this are scaled 2x before OCR")
    )


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """One server's own settings (`[servers."discord:1234…"]`), added to the global ones.

    A server is a Discord guild or a Slack workspace; its moderators moderate there
    and nowhere else.
    """

    moderators: tuple[str, ...] = field(
        default=(), metadata=_help("users or roles ('platform:id') who moderate this server only")
    )
    mod_log_channel: str = field(
        default="", metadata=_help("this server's notice channel; empty: the platform's setting")
    )
    servants_file: str = field(
        default="", metadata=_help("a registry this server protects besides the global one")
    )


NO_SERVER_SETTINGS = ServerSettings()
SERVER_KEY = re.compile(r"(discord|slack|console):[A-Za-z0-9_.-]+")


@dataclass(frozen=True, slots=True)
class Config:
    detection: DetectionSettings = field(default_factory=DetectionSettings)
    context: ContextSettings = field(default_factory=ContextSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    moderators: ModeratorSettings = field(default_factory=ModeratorSettings)
    notices: NoticeSettings = field(default_factory=NoticeSettings)
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    discord: DiscordSettings = field(default_factory=DiscordSettings)
    slack: SlackSettings = field(default_factory=SlackSettings)
    images: ImageSettings = field(default_factory=ImageSettings)
    servers: dict[str, ServerSettings] = field(
        default_factory=dict, metadata=_help('per-server settings, keyed "platform:server id"')
    )
    servants_file: str = field(
        default="servants.toml", metadata=_help("registry file, relative to this config")
    )
    source: str = field(default="", metadata={"internal": "1"})

    @property
    def base_dir(self) -> Path:
        return Path(self.source).resolve().parent if self.source else Path.cwd()

    def resolve(self, relative: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        p = Path(relative).expanduser()
        return (p if p.is_absolute() else self.base_dir / p).resolve()

    @property
    def servants_path(self) -> Path:
        return self.resolve(self.servants_file)

    def server(self, platform: str, server: str) -> ServerSettings:
        """The settings of one server (its `[servers]` entry, or none of its own)."""
        return self.servers.get(f"{platform}:{server}", NO_SERVER_SETTINGS)

    @property
    def database_path(self) -> Path:
        return self.resolve(self.storage.path)


# --------------------------------------------------------------------------
# loading


def key_line(text: str, dotted: str) -> int | None:
    """Best-effort line number of `dotted` key in TOML source (tomllib gives none)."""
    parts = re.sub(r"\[\d+\]", "", dotted).split(".")
    leaf = parts[-1]
    section = ".".join(parts[:-1])
    in_section = section == ""
    header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*$")
    key = re.compile(rf"^\s*[\"']?{re.escape(leaf)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        m = header.match(line)
        if m:
            in_section = _unquoted(m.group(1)) == _unquoted(section)
            if in_section and dotted == section:
                return number
            continue
        if in_section and key.match(line):
            return number
    if section and leaf:
        dotted = ".".join(parts)
        # a whole table may be the culprit
        for number, line in enumerate(text.splitlines(), start=1):
            m = header.match(line)
            if m and _unquoted(m.group(1)) == _unquoted(dotted):
                return number
    return None


def _unquoted(section: str) -> str:
    """A table name as TOML means it: `servers."discord:1"` is `servers.discord:1`."""
    return section.strip().replace('"', "").replace("'", "")


def _describe(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is tuple:
        return f"a list of {_describe(typing.get_args(tp)[0])}s"
    if origin is dict:
        return "a table"
    if tp is float:
        return "a number"
    return {str: "a string", int: "a whole number", bool: "true or false"}.get(tp, str(tp))


class _Loader:
    def __init__(self, file: Path, text: str):
        self.file = file
        self.text = text

    def fail(self, key: str, problem: str) -> typing.NoReturn:
        raise ConfigError(self.file, key, problem, key_line(self.text, key))

    def convert(self, key: str, value: Any, tp: Any) -> Any:
        origin = typing.get_origin(tp)
        if origin is tuple:
            if not isinstance(value, list):
                self.fail(key, f"must be {_describe(tp)}, not {type(value).__name__}")
            inner = typing.get_args(tp)[0]
            return tuple(self.convert(f"{key}[{i}]", v, inner) for i, v in enumerate(value))
        if origin is dict:
            if not isinstance(value, dict):
                self.fail(key, "must be a table")
            inner = typing.get_args(tp)[1]
            return {k: self.convert(f"{key}.{k}", v, inner) for k, v in value.items()}
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            return self.convert(key, value, args[0])
        if tp is float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.fail(key, f"must be a number, not {_shown(value)}")
            if not math.isfinite(value) or abs(value) > MAX_NUMBER:
                self.fail(key, f"must be a finite number up to {MAX_NUMBER:,}, not {value}")
            return float(value)
        if tp is int:
            if isinstance(value, bool) or not isinstance(value, int):
                self.fail(key, f"must be a whole number, not {_shown(value)}")
            if key.endswith("port") and not 0 < value <= 65535:
                self.fail(key, f"must be a port number from 1 to 65535, not {value}")
            if abs(value) > MAX_NUMBER:
                self.fail(key, f"must be a whole number up to {MAX_NUMBER:,}, not {value}")
            return value
        if tp is bool:
            if not isinstance(value, bool):
                self.fail(key, f"must be true or false, not {_shown(value)}")
            return value
        if tp is str:
            if not isinstance(value, str):
                self.fail(key, f"must be a string, not {_shown(value)}")
            if looks_like_secret(value):
                self.fail(
                    key,
                    "looks like a secret token pasted into the file; put it in an environment "
                    'variable and name that variable here (e.g. token_env = "DISCORD_TOKEN")',
                )
            return value
        if dataclasses.is_dataclass(tp):
            if not isinstance(value, dict):
                self.fail(key, f"must be a table ([{key}])")
            return self.build(tp, value, key)
        return value  # pragma: no cover - all field types are listed above

    def build(self, cls: Any, data: dict[str, Any], prefix: str = "") -> Any:
        hints = typing.get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls) if "internal" not in f.metadata}
        kwargs: dict[str, Any] = {}
        for name, value in data.items():
            dotted = f"{prefix}.{name}" if prefix else name
            if name not in fields:
                known = ", ".join(sorted(fields))
                if looks_like_secret(name):  # never print a pasted token back
                    self.fail(prefix, f"a setting name looks like a secret token (not shown); "
                              f"known here: {known}")
                self.fail(dotted, f"unknown setting '{name}' (known here: {known})")
            kwargs[name] = self.convert(dotted, value, hints[name])
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:  # pragma: no cover - defensive
            self.fail(prefix, str(exc))


def _validate(cfg: Config, loader: _Loader) -> None:
    det = cfg.detection
    for i, cat in enumerate(det.enforce):
        if cat not in ALL_CATEGORIES:
            loader.fail(
                f"detection.enforce[{i}]",
                f"unknown category '{cat}' (one of: {', '.join(ALL_CATEGORIES)})",
            )
    for cat, action in det.actions.items():
        if cat not in ALL_CATEGORIES:
            loader.fail(f"detection.actions.{cat}", f"unknown category '{cat}'")
        if action not in {a.value for a in Action}:
            loader.fail(
                f"detection.actions.{cat}", f"action must be hide, review or allow, not '{action}'"
            )
    if not 0.0 <= det.review_confidence <= det.min_confidence <= 1.0:
        loader.fail(
            "detection.min_confidence",
            "need 0 <= review_confidence <= min_confidence <= 1",
        )
    import phonenumbers  # local: only needed to validate one setting

    if det.default_region.upper() not in phonenumbers.SUPPORTED_REGIONS:
        loader.fail(
            "detection.default_region", f"'{det.default_region}' is not a region code like 'US'"
        )
    for name in ("author_window", "channel_window"):
        if getattr(cfg.context, name) < 0:
            loader.fail(f"context.{name}", "must be 0 or more")
    if cfg.storage.backend not in ("sqlite", "postgresql"):
        loader.fail("storage.backend", "must be 'sqlite' or 'postgresql'")
    if cfg.storage.retention_days <= 0:
        loader.fail("storage.retention_days", "must be more than 0")
    if cfg.slack.mode not in ("socket", "http"):
        loader.fail("slack.mode", "must be 'socket' or 'http'")
    for name in ("max_bytes", "max_pixels", "max_per_message", "workers"):
        if getattr(cfg.images, name) < (0 if name == "max_per_message" else 1):
            loader.fail(f"images.{name}", "must be more than 0")
    if cfg.images.seconds_per_image <= 0:
        loader.fail("images.seconds_per_image", "must be more than 0")
    for section, name in (("notices", "timeout_minutes"), ("notices", "retry_attempts")):
        if getattr(getattr(cfg, section), name) < 0:
            loader.fail(f"{section}.{name}", "must be 0 or more")
    env_keys = [
        ("storage.encryption_key_env", cfg.storage.encryption_key_env),
        ("detection.fingerprint_key_env", cfg.detection.fingerprint_key_env),
        ("discord.token_env", cfg.discord.token_env),
        ("slack.bot_token_env", cfg.slack.bot_token_env),
        ("slack.app_token_env", cfg.slack.app_token_env),
        ("slack.admin_token_env", cfg.slack.admin_token_env),
        ("slack.signing_secret_env", cfg.slack.signing_secret_env),
        ("slack.client_id_env", cfg.slack.client_id_env),
        ("slack.client_secret_env", cfg.slack.client_secret_env),
        ("storage.url_env", cfg.storage.url_env),
    ]
    for key, value in env_keys:
        if value and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            # never echo the value: it may be the secret itself, pasted in the wrong place
            loader.fail(
                key,
                "must name an environment variable (letters, digits and _, like "
                "DOXGUARD_TOKEN); put the secret itself in that variable, not in this file",
            )
    for i, ident in enumerate((*cfg.moderators.user_ids, *cfg.moderators.role_ids)):
        if ":" not in ident:
            loader.fail("moderators", f"entry {i + 1} '{ident}' must read 'platform:id'")
    for name, server in cfg.servers.items():
        key = f'servers."{name}"'
        if not SERVER_KEY.fullmatch(name):
            loader.fail(key, "must be named \"platform:server id\", e.g. "
                        "[servers.\"discord:123456789012345678\"] or [servers.\"slack:T0123\"]")
        platform = name.split(":", 1)[0]
        for i, ident in enumerate(server.moderators):
            if not ident.startswith(f"{platform}:") or len(ident) == len(platform) + 1:
                loader.fail(f"{key}.moderators", f"entry {i + 1} must read '{platform}:id' "
                            f"(a {platform} user or role of this server)")


def _shown(value: Any) -> str:
    """A wrong value as an error message may show it: never a pasted secret."""
    if isinstance(value, str) and looks_like_secret(value):
        return "a value that looks like a secret token (not shown)"
    text = repr(value)
    return text if len(text) <= 60 else f"a {type(value).__name__}"


# Numbers in the config are durations, sizes and limits: larger than this is a typo.
MAX_NUMBER = 1_000_000_000
_COMMENT = re.compile(r"#(.*)$")


def secret_in_comment(text: str) -> int | None:
    """The line of a comment holding something shaped like a token (a pasted secret)."""
    for number, line in enumerate(text.splitlines(), 1):
        if "#" not in line:
            continue
        m = _COMMENT.search(line)
        if m and any(looks_like_secret(word) for word in m.group(1).split()):
            return number
    return None


def parse_config(text: str, file: str | Path = "<config>") -> Config:
    """Parse and validate config text; raises ConfigError."""
    path = Path(file)
    text = text.removeprefix("\ufeff")  # a UTF-8 byte-order mark some editors write
    loader = _Loader(path, text)
    line = secret_in_comment(text)
    if line is not None:
        raise ConfigError(
            path, "", "a comment holds what looks like a secret token (not shown); remove it and "
            "keep secrets in environment variables", line,
        )
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(path, "", "not valid TOML: nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(
            path, "", f"not valid TOML: {exc}", int(m.group(1)) if m else None
        ) from None
    cfg = loader.build(Config, data)
    cfg = dataclasses.replace(cfg, source=str(path))
    _validate(cfg, loader)
    return cfg


def load_config(path: str | Path | None) -> Config:
    """Load `path`, or the defaults when None. Raises ConfigError naming the file."""
    if path is None:
        return Config()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(p, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(p, "", f"cannot read: {exc.__class__.__name__}: {exc}") from None
    return parse_config(text, p)


def looks_like_secret(value: str) -> bool:
    """A platform token or sealing key pasted where a plain value belongs."""
    value = value.strip()
    return len(value) >= 20 and " " not in value and _TOKEN_SHAPES.match(value) is not None


def secret(name: str) -> str | None:
    """Read a secret from the environment; empty means unset."""
    value = os.environ.get(name, "").strip() if name else ""
    return value or None
