"""The detection pipeline: one message in, one verdict out.

normalize → mentions (registry automaton + relation phrases) → context links →
detectors (only when someone protected could be concerned) → policy. Everything
here is CPU-bound and synchronous so it can run inline on the event loop; the
expensive parts are skipped for the vast majority of messages, which concern
no-one in the registry.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import ahocorasick

from bot import fingerprints
from bot.attribution import NOBODY, attribute
from bot.config import Config, load_config
from bot.context import NO_LINKS, ConversationContext
from bot.detectors import Detector, build_detectors
from bot.explain import explain_verdict, explained_allow
from bot.masking import mask
from bot.models import (
    ALLOW,
    Action,
    Category,
    ChatMessage,
    EventKind,
    Explanation,
    Finding,
    ReportedFinding,
    Verdict,
)
from bot.normalize import NormalizedText, normalize
from bot.policy import Decision, Policy
from bot.registry import Registry, load_servants
from bot.signals import points_at_role_person

log = logging.getLogger("doxguard.pipeline")
_ORDER = {c: i for i, c in enumerate(Category)}  # categories in the ordinance's order

# A message with more findings of one kind than this is a dump or an attack on the bot:
# the first ones decide the verdict and fill the moderators' notice, and the detectors
# that can stop early (addresses, phones: library calls per candidate) stop there.
MAX_FINDINGS_PER_DETECTOR = 16


class Pipeline:
    """Holds everything built once (automaton, detectors, policy) and scans messages."""

    def __init__(self, config: Config, registry: Registry):
        self.config = config
        self.detectors: list[Detector] = build_detectors(config.detection.default_region)
        self._build_triggers()
        self._allowlist: set[str] = set()
        self.set_registry(registry)
        self.fingerprints = fingerprints.load_for(config)  # protected values (fingerprints.py)

    # -- construction ------------------------------------------------------
    @classmethod
    def from_config(cls, config: Config) -> Pipeline:
        return cls(config, load_servants(config.servants_path, config.detection.default_region))

    @classmethod
    def from_files(cls, servants: str | Path, config: str | Path | None = None) -> Pipeline:
        """Default settings unless a config file is given; `servants` always wins."""
        cfg = load_config(config)
        return cls(cfg, load_servants(servants, cfg.detection.default_region))

    def set_registry(self, registry: Registry) -> None:
        self.registry = registry
        self.policy = Policy(self.config.detection, registry)
        self.policy.allowlist = self._allowlist

    def with_registry(self, registry: Registry) -> Pipeline:
        """The same pipeline over another registry (a server's own servants besides the
        global ones), sharing the built detectors, the allowlist and the fingerprints."""
        other = copy.copy(self)
        other.set_registry(registry)
        return other

    @property
    def allowlist(self) -> set[str]:
        return self._allowlist

    def new_context(self) -> ConversationContext:
        return ConversationContext(self.config.context)

    # -- scanning ----------------------------------------------------------
    def _build_triggers(self) -> None:
        """One automaton over every detector's trigger words: one pass picks the detectors."""
        self._always = 0
        self._all = (1 << len(self.detectors)) - 1
        table: dict[str, int] = {}
        for i, detector in enumerate(self.detectors):
            if not detector.triggers:
                self._always |= 1 << i
            for trigger in detector.triggers:
                table[trigger] = table.get(trigger, 0) | (1 << i)
        self._triggers = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for trigger, bits in table.items():
            self._triggers.add_word(trigger, bits)
        if table:
            self._triggers.make_automaton()

    def _wanted(self, folded: str) -> int:
        """Bit i set: detector i has a trigger in the text (or none, so always runs)."""
        wanted = self._always
        if self._triggers.kind == ahocorasick.AHOCORASICK:
            for _, bits in self._triggers.iter(folded):
                wanted |= bits
                if wanted == self._all:
                    break
        return wanted

    def _detect_safely(self, norm: NormalizedText) -> tuple[list[Finding], list[str]]:
        """Every detector runs; one that raises is reported, and the others still count."""
        wanted = self._wanted(norm.folded)
        findings: list[Finding] = []
        failed: list[str] = []
        for i, detector in enumerate(self.detectors):
            if wanted >> i & 1:
                try:
                    findings.extend(detector.detect(norm.text, limit=MAX_FINDINGS_PER_DETECTOR))
                except Exception as exc:  # a detector bug must not switch the others off
                    name = type(detector).__name__
                    log.error("detector %s failed: %s", name, type(exc).__name__)
                    failed.append(name)
        return findings, failed

    def scan(
        self, message: ChatMessage, ctx: ConversationContext | None = None, explain: bool = False
    ) -> Verdict:
        """The rules' verdict, raised for protected values (bot/fingerprints.py) in it."""
        verdict, norm = self._scan_rules(message, ctx, explain)
        if self.fingerprints is None or message.kind is EventKind.DELETE:
            return verdict
        return fingerprints.protect(verdict, message.full_text, self.fingerprints, self.registry,
                                    norm=norm)

    def scan_rules(
        self, message: ChatMessage, ctx: ConversationContext | None = None, explain: bool = False
    ) -> Verdict:
        """Verdict for one message; records what it names into `ctx` for later messages.

        Hide and review verdicts always carry `why`; allow verdicts only with
        `explain` (the common case stays a shared constant).
        """
        return self._scan_rules(message, ctx, explain)[0]

    def _scan_rules(
        self, message: ChatMessage, ctx: ConversationContext | None, explain: bool
    ) -> tuple[Verdict, NormalizedText | None]:
        """`scan_rules`, and the normalized text (the fingerprint check reuses it)."""
        if message.kind is EventKind.DELETE:
            if ctx is not None:
                ctx.forget(message)
            return ALLOW, None
        text = message.full_text
        norm = normalize(text)
        folded = norm.folded
        linked = ctx.linked(message) if ctx is not None else NO_LINKS
        hits = self.registry.find_names(norm.text, folded)
        if hits or linked is not NO_LINKS:
            about = attribute(self.registry, norm.text, folded, hits, linked)
        else:  # names nobody and links to nobody: the common case, nothing to bind
            about = NOBODY
        if ctx is not None:
            linked_only = () if about.named else about.servants
            ctx.record(message, about.named, about.others, linked_only, about.namesakes)
        concerned = about.subjects or about.ambiguous or about.role_person
        if not concerned and not points_at_role_person(folded):
            # nobody protected can be concerned: the common, cheap case
            allow = explained_allow(about, "names no registered servant") if explain else ALLOW
            return allow, norm
        findings, failed = self._detect_safely(norm)
        decision = self.policy.decide(folded, about, findings, (message.platform, message.server))
        if failed and decision.action is Action.ALLOW and concerned:
            rule = f"a detector failed ({', '.join(failed)}), so moderators decide"
            decision = Decision(Action.REVIEW, about.subjects, (), (), rule)
        if decision.action is Action.ALLOW:
            return (explained_allow(about, decision.rule, findings) if explain else ALLOW), norm
        reported = []
        for f in sorted(decision.acted, key=lambda f: (f.start, _ORDER[f.category])):
            start, end = norm.to_original(f.start, f.end)
            reported.append(
                ReportedFinding(
                    f.category, start, end, mask(text[start:end]), f.confidence, f.kind, f.value
                )
            )
        categories = tuple(sorted({f.category for f in decision.acted}, key=_ORDER.__getitem__))
        subjects = decision.subjects
        servants = tuple(dict.fromkeys(s.servant for s in subjects))
        return Verdict(
            decision.action,
            categories,
            servants,
            subjects,
            tuple(reported),
            decision.intent,
            (decision.rule,) if decision.rule else (),
            explain_verdict(decision, about, reported, norm.to_original),
        ), norm

    # -- batch (`doxguard scan`) --------------------------------------------
    def scan_records(
        self, records: Iterable[dict[str, Any]], explain: bool = False
    ) -> Iterator[dict[str, Any]]:
        """`doxguard scan` semantics over already-validated records, in order."""
        ctx = self.new_context()
        for rec in records:
            msg = record_to_message(rec)
            yield verdict_to_record(msg.id, self.scan(msg, ctx, explain), explain)


def record_to_message(rec: dict[str, Any]) -> ChatMessage:
    reply = rec.get("reply_to")
    return ChatMessage(
        id=str(rec["id"]),
        channel=str(rec.get("channel") or "default"),
        author=str(rec.get("author") or "unknown"),
        text=rec["text"],
        platform="scan",
        reply_to=str(reply) if reply is not None else None,
    )


def verdict_to_record(message_id: str, verdict: Verdict, explain: bool = False) -> dict[str, Any]:
    record = {
        "id": message_id,
        "action": verdict.action.value,
        "categories": [c.value for c in verdict.categories],
        "servants": list(verdict.servants),
        "findings": [
            {"category": f.category.value, "start": f.start, "end": f.end, "masked": f.masked}
            for f in verdict.findings
        ],
    }
    if explain:
        why = verdict.why or Explanation(decision="no personal information found")
        record["why"] = why.as_dict()
    return record


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)
