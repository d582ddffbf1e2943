"""`doxguard scan`'s batch side: JSON Lines in, one verdict line out per message.

Reading and writing use orjson (a JSON line decodes in about a microsecond,
several times faster than the standard library), and `--jobs N` splits the
messages by channel over N forked processes. Conversation context never crosses
a channel, so each process scanning whole channels in order gives the same
verdicts as one process; the lines are put back in input order before anything
is written.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import re
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

import orjson

from bot.images import check_record_attachments
from bot.pipeline import Pipeline

Record = dict[str, Any]


class InputError(Exception):
    """A bad input line; the message names the file and line."""


def _check(rec: Any, name: str, number: int) -> None:
    if not isinstance(rec, dict):
        raise InputError(f"{name}:{number}: each line must be a JSON object")
    if "text" not in rec:
        raise InputError(f'{name}:{number}: missing "text"')
    if not isinstance(rec["text"], str):
        raise InputError(f'{name}:{number}: "text" must be a string')
    if rec.get("id") is None:
        raise InputError(f'{name}:{number}: missing "id"')
    for key in ("channel", "author", "reply_to"):
        value = rec.get(key)
        if value is not None and not isinstance(value, str | int):
            raise InputError(f'{name}:{number}: "{key}" must be a string')
    problem = check_record_attachments(rec, f"{name}:{number}")  # screenshots (images.py)
    if problem:
        raise InputError(problem)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(value: Any) -> Any:
    """`value` with each lone surrogate replaced by U+FFFD (as the engine does) before
    anything reads it: the message is still scanned, and its verdict line is UTF-8."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v)
                for k, v in value.items()}
    return value


def _loads(line: bytes | str, where: str) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        problem = exc.msg
    if "surrogate" in problem:  # "\ud800" is valid JSON, but not text orjson keeps
        try:
            return _without_lone_surrogates(json.loads(line))
        except json.JSONDecodeError as exc:
            problem = exc.msg
        except ValueError:  # bytes that are not UTF-8
            problem = "UTF-8"
    if "UTF-8" in problem:
        raise InputError(f"{where}: not UTF-8 text")
    raise InputError(f"{where}: not valid JSON ({problem})")


def read_records(lines: Iterable[bytes | str], name: str) -> list[Record]:
    """Parse and validate every JSON line before any output is written."""
    records: list[Record] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        rec = _loads(line, f"{name}:{number}")
        _check(rec, name, number)
        key = str(rec["id"])
        if key in seen:
            raise InputError(f"{name}:{number}: duplicate id (first on line {seen[key]})")
        seen[key] = number
        records.append(rec)
    return records


def encode(records: Iterable[Record]) -> list[bytes]:
    return [orjson.dumps(rec) for rec in records]


def scan_lines(pipeline: Pipeline, records: Sequence[Record], explain: bool = False) -> list[bytes]:
    """Verdict lines for `records` in order, in this process."""
    return encode(pipeline.scan_records(records, explain))


def split_by_channel(records: Sequence[Record], parts: int) -> list[list[int]]:
    """Record indices in `parts` groups of whole channels, each in input order.

    Channels go, busiest first, to the group with the fewest messages so far, so
    the groups come out about even whatever the channel sizes (deterministic).
    """
    channels: dict[str, list[int]] = {}
    for i, rec in enumerate(records):
        channels.setdefault(str(rec.get("channel") or "default"), []).append(i)
    groups: list[list[int]] = [[] for _ in range(parts)]
    for members in sorted(channels.values(), key=len, reverse=True):
        min(groups, key=len).extend(members)
    return [sorted(g) for g in groups if g]


# state a forked worker inherits: the built pipeline and the records (never pickled)
_shared: tuple[Pipeline, Sequence[Record], bool] | None = None


def _scan_group(indices: list[int]) -> list[bytes]:
    assert _shared is not None
    pipeline, records, explain = _shared
    return scan_lines(pipeline, [records[i] for i in indices], explain)


def scan_parallel(
    pipeline: Pipeline, records: Sequence[Record], jobs: int, explain: bool = False
) -> list[bytes]:
    """Verdict lines in input order, channels spread over `jobs` forked processes.

    Falls back to one process where fork is unavailable (the built registry is
    inherited, not rebuilt or pickled) or when there is only one channel.
    """
    groups = split_by_channel(records, max(1, jobs))
    if len(groups) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return scan_lines(pipeline, records, explain)
    global _shared
    _shared = (pipeline, records, explain)
    gc.freeze()  # children share the parent's pages instead of copying them on collection
    try:
        with multiprocessing.get_context("fork").Pool(len(groups)) as pool:
            parts = pool.map(_scan_group, groups, chunksize=1)
    finally:
        _shared = None
        gc.unfreeze()
    out: list[bytes] = [b""] * len(records)
    for indices, lines in zip(groups, parts, strict=True):
        for i, line in zip(indices, lines, strict=True):
            out[i] = line
    return out


def write_lines(stream: BinaryIO, lines: list[bytes]) -> None:
    if lines:
        stream.write(b"\n".join(lines) + b"\n")
    stream.flush()
