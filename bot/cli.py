"""`doxguard` command line: scan, check, fingerprint, run, replay, invite-url, keygen.

Exit status: 0 success, 1 runtime failure, 2 bad input or configuration (one
clear line on stderr naming the file, line and setting at fault).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import importlib.metadata
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import images
from bot.batch import InputError, encode, read_records, scan_parallel, write_lines
from bot.config import Config, ConfigError, load_config
from bot.models import Action, ChatMessage
from bot.notices import verdict_lines, why_lines
from bot.pipeline import Pipeline
from bot.platform import StartError
from bot.store import StoreError, StoreUnavailable

DEFAULT_CONFIG = Path("config/doxguard.toml")
DEFAULT_SERVANTS = Path("config/servants.toml")
EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _settings(args: argparse.Namespace, *, default_config: bool) -> tuple[Config, Path]:
    """Config and servants file from the flags (a given --servants always wins)."""
    config_path = args.config
    if config_path is None and default_config and DEFAULT_CONFIG.exists():
        config_path = DEFAULT_CONFIG
    cfg = load_config(config_path)
    if args.servants is not None:
        servants = Path(args.servants)
    elif config_path is not None:
        servants = cfg.servants_path
    else:
        servants = DEFAULT_SERVANTS
    return cfg, servants


def _pipeline(args: argparse.Namespace, *, default_config: bool = False) -> Pipeline:
    from bot.registry import load_servants

    cfg, servants = _settings(args, default_config=default_config)
    try:
        registry = load_servants(servants, cfg.detection.default_region)
    except ConfigError as exc:
        if args.servants is None and args.config is None and not Path(servants).exists():
            # run outside the repository, the default registry path means nothing
            raise ConfigError(
                exc.file, exc.key,
                f"{exc.problem} (that is the default, relative to the current folder: "
                "pass --servants FILE, or --config FILE naming servants_file)",
            ) from None
        raise
    return Pipeline(cfg, registry)


def _version() -> str:
    try:
        return importlib.metadata.version("doxguard")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout, not installed
        return "unknown (not installed)"


def cmd_scan(args: argparse.Namespace) -> int:
    from bot.registry import load_servants

    cfg, servants = _settings(args, default_config=False)
    cache = cfg.resolve(cfg.storage.registry_cache) if cfg.storage.registry_cache else None
    registry = load_servants(servants, cfg.detection.default_region, cache_dir=cache)
    pipeline = Pipeline(cfg, registry)
    gc.freeze()  # the built registry is permanent: collections need not walk it
    name = "<stdin>" if args.input == "-" else args.input
    try:
        if args.input == "-":
            records = read_records(getattr(sys.stdin, "buffer", sys.stdin), name)
        else:
            with open(args.input, "rb") as fh:
                records = read_records(fh, name)
    except FileNotFoundError:
        raise InputError(f"{name}: file not found") from None
    except IsADirectoryError:
        raise InputError(
            f"{name}: is a folder; scan reads one JSON Lines file (or - for stdin)"
        ) from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    if any(rec.get("attachments") for rec in records):  # images: bot/images.py
        base = Path.cwd() if args.input == "-" else Path(args.input).resolve().parent
        reader = images.ImageReader(pipeline.config.images)
        try:
            lines = encode(images.scan_records(pipeline, records, base, reader, args.explain))
        except FileNotFoundError as exc:
            raise InputError(f"{name}: attachment not found: {exc.filename}") from None
        finally:
            reader.close()
    else:
        lines = scan_parallel(pipeline, records, args.jobs, args.explain)
    stdout = getattr(sys.stdout, "buffer", None)
    if stdout is None:  # a text stream stands in for stdout (tests)
        sys.stdout.write("".join(line.decode() + "\n" for line in lines))
    else:
        write_lines(stdout, lines)
    if registry.cache_writer is not None:
        registry.cache_writer.join()  # a short run must still leave the cache for the next
    return EXIT_OK


def describe_verdict(pipeline: Pipeline, text: str, image_files: Sequence[Path] = ()) -> str:
    """Human form of one message's verdict (masked), for `check` (`--image`: screenshots)."""
    message = ChatMessage(id="check", channel="check", author="you", text=text)
    if image_files:
        reader = images.ImageReader(pipeline.config.images)
        try:
            loaded = images.load_paths(image_files, max_bytes=pipeline.config.images.max_bytes)
            message = reader.read_sync(dataclasses.replace(message, images=loaded))
        except FileNotFoundError as exc:
            raise InputError(f"{exc.filename}: file not found") from None
        finally:
            reader.close()
    verdict = pipeline.scan(message, explain=True)
    lines = [f"verdict: {verdict.action.value.upper()}"]
    lines += [f"  {note}" for note in images.notes(message)]
    if verdict.action is Action.ALLOW:
        lines.append("  no personal information about a protected person found")
    else:
        lines += verdict_lines(verdict)
        for f in verdict.findings:
            source = images.source_of(message, f.start)
            if source != "text":
                lines.append(f"  {f.category.value} is in {source} (read from the image)")
    return "\n".join([*lines, *why_lines(verdict)])


def cmd_check(args: argparse.Namespace) -> int:
    pipeline = _pipeline(args, default_config=True)
    if args.text:
        text = " ".join(args.text)
    else:
        text = "" if args.image else sys.stdin.read()
    print(describe_verdict(pipeline, text, args.image or ()))
    return EXIT_OK


def cmd_fingerprint(args: argparse.Namespace) -> int:
    """Protected values CSV -> keyed digests only (see bot/fingerprints.py)."""
    from bot import fingerprints
    from bot.registry import load_servants

    cfg, servants = _settings(args, default_config=False)
    registry = load_servants(servants, cfg.detection.default_region)
    key_env = cfg.detection.fingerprint_key_env
    key = fingerprints.fingerprint_key(key_env)
    rows = fingerprints.read_private_csv(
        args.csv, registry.names(), cfg.detection.default_region
    )
    fingerprints.write_file(args.out, fingerprints.render_file(rows, key, key_env))
    people = len({servant for servant, _, _ in rows})
    print(f"wrote {args.out}: {len(rows)} protected values of {people} servants (digests only)")
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runner import run

    cfg, servants = _settings(args, default_config=True)
    return asyncio.run(run(cfg, servants_file=servants, db_path=args.db))


def cmd_replay(args: argparse.Namespace) -> int:
    from adapters.replay import replay

    cfg, servants = _settings(args, default_config=False)
    return replay(cfg, servants, Path(args.path), args.out, verbose=args.verbose)


def cmd_invite_url(args: argparse.Namespace) -> int:
    from adapters.discord_adapter import invite_url

    cfg = load_config(args.config)
    print(invite_url(args.client_id, automod=cfg.discord.automod))
    return EXIT_OK


def cmd_slack_install_url(args: argparse.Namespace) -> int:
    from adapters.slack_adapter import install_url

    cfg = load_config(args.config)
    print(install_url(cfg.slack))
    print(f"OAuth Redirect URL to register: "
          f"{cfg.slack.public_url.rstrip('/')}{cfg.slack.oauth_redirect_path}", file=sys.stderr)
    return EXIT_OK


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, got {value!r}")
    return int(value)


def cmd_report(args: argparse.Namespace) -> int:
    from bot.report import build_report, parse_since, render_html
    from bot.store import Store

    cfg = load_config(args.config if args.config is not None else (
        DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None))
    db = Path(args.db) if args.db else cfg.database_path
    if not db.is_file():
        raise InputError(f"{db}: no doxguard database here (give --db FILE or --config FILE "
                         "naming storage.path)")
    try:
        seconds = parse_since(args.since)
    except ValueError as exc:
        raise InputError(str(exc)) from None

    async def build() -> str:
        store = await Store.open(db)
        try:
            report = await build_report(store, seconds, args.server, names=args.names)
        finally:
            await store.close()
        return render_html(report)

    page = asyncio.run(build())
    Path(args.html).write_text(page, encoding="utf-8")
    print(f"wrote {args.html}: moderation report for the last {args.since}"
          + (f" ({args.server})" if args.server else ""))
    return EXIT_OK


def cmd_keygen(args: argparse.Namespace) -> int:
    from bot.seal import generate_key

    print(generate_key())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="doxguard",
        description="Keep doxxing of public servants off Discord and Slack channels.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging (no PII)")
    parser.add_argument("--version", action="version", version=f"doxguard {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", type=Path, help="doxguard.toml (default: built-in settings)")
        p.add_argument("--servants", type=Path, help="servants.toml registry")

    p = sub.add_parser(
        "scan",
        help="scan JSON Lines messages, print one verdict line per message",
        description="Read JSON Lines ({id, channel, author, text, reply_to}) from INPUT ('-' "
        "for stdin) in conversation order; write one JSON verdict per message.",
    )
    common(p)
    p.add_argument("input", metavar="INPUT", help="JSONL file, or - for stdin")
    p.add_argument("--jobs", type=_jobs, default=1, metavar="N",
                   help="scan over N processes, whole channels each (output order is kept)")
    p.add_argument("--explain", action="store_true",
                   help="add a 'why' field to each record: findings (masked), how the message "
                   "was linked to whom, and the rule that decided")
    p.set_defaults(func=cmd_scan)

    p = sub.add_parser("check", help="print the verdict for one message, in human form")
    common(p)
    p.add_argument("text", nargs="*", help="the message (read from stdin when omitted)")
    p.add_argument("--image", type=Path, action="append", metavar="FILE",
                   help="an image attached to the message (read with OCR); repeatable")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "fingerprint",
        help="turn a CSV of protected values into keyed digests (fingerprints.toml)",
        description="Read CSV rows 'servant, category, value' and write only HMAC-SHA256 "
        "digests under the key in $DOXGUARD_FINGERPRINT_KEY (detection.fingerprint_key_env).",
    )
    common(p)
    p.add_argument("csv", metavar="CSV", help="private values: servant, category, value")
    p.add_argument("--out", required=True, help="the fingerprints file to write")
    p.set_defaults(func=cmd_fingerprint)

    p = sub.add_parser(
        "run",
        help="run the bot (Discord/Slack when their tokens are set, else the local console)",
    )
    common(p)
    p.add_argument("--db", help="database file (default: storage.path from the config)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "replay",
        help="run the engine over a Discord (DiscordChatExporter) or Slack export",
    )
    common(p)
    p.add_argument("--out", help="write incidents as JSON Lines here (default: stdout)")
    p.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                   help="also log each incident as it is found")
    p.add_argument("path", metavar="PATH", help="export file or folder (format auto-detected)")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("invite-url", help="print the Discord OAuth2 URL to add the bot")
    p.add_argument("--config", type=Path, help="doxguard.toml")
    p.add_argument("client_id", help="the Discord application's client id")
    p.set_defaults(func=cmd_invite_url)

    p = sub.add_parser("slack-install-url",
                       help="print the Add to Slack link of the many-workspace Slack app")
    p.add_argument("--config", type=Path, help="doxguard.toml (slack.public_url)")
    p.set_defaults(func=cmd_slack_install_url)

    p = sub.add_parser(
        "report",
        help="write the moderation report (one self-contained HTML file)",
        description="Incidents over time by ordinance category, what moderators did "
        "(hidden, restored, dismissed, dismiss rate), median time to a decision, top "
        "channels and protected people by role. Counts only; names only with --names.",
    )
    p.add_argument("--config", type=Path, help="doxguard.toml (for storage.path)")
    p.add_argument("--db", help="database file (default: storage.path from the config)")
    p.add_argument("--since", default="30d", help="period: 30d (default), 12h, 2w, ...")
    p.add_argument("--server", help="only this server: its id, or platform:id")
    p.add_argument("--names", action="store_true",
                   help="also list protected people by name (the default shows roles only)")
    p.add_argument("--html", required=True, metavar="FILE", help="write the report here")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "keygen",
        help="print a new random sealing key (for $DOXGUARD_SEAL_KEY)",
        description="Print a new random 32-byte sealing key, urlsafe base64. Use it as "
        'export DOXGUARD_SEAL_KEY="$(doxguard keygen)" and keep it outside the repository.',
    )
    p.set_defaults(func=cmd_keygen)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.func(args) or 0)
    except (ConfigError, InputError, StartError) as exc:
        print(f"doxguard: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreUnavailable as exc:  # the database server cannot be reached at start
        print(f"doxguard: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:  # names the database file and what to do
        print(f"doxguard: {exc}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
