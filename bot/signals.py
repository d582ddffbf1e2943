"""Cues in the wording of a message that the policy weighs.

Not PII themselves: intent (threats, incitement), calls for others to find and
post someone's details, role words ("the cop who ..."), and pronouns that say
whom a piece of PII is about. All patterns run on the folded (lowercase) text,
are compiled once and are linear-time.
"""

from __future__ import annotations

import re

import re2

from bot.re2_subject import re2_subject

# Threatening or inciting language, reported to moderators as intent signals.
_INTENT: dict[str, str] = {
    "pull up": r"\bpull(?:ing)? up (?:on|to|at)\b|\blet'?s pull up\b",
    "pay a visit": (
        r"\bpay (?:him|her|them|(?:\w+ ){0,2}\w+) a (?:little )?visit\b"
        r"|\bvisit (?:him|her|them)\b"
    ),
    "make his life hell": r"\bmake (?:his|her|their) li(?:fe|ves) (?:a )?(?:living )?hell\b",
    "everyone go": (
        r"\b(?:every(?:one|body)|y'?all|you all|all of you) "
        r"(?:go|should go|head|show up|call|hit)\b"
    ),
    "show up": r"\bshow up (?:at|to|on)\b",
    "we know where": r"\bwe know where\b|\bknow where (?:you|he|she|they) (?:live|sleep|stay)s?\b",
    "watch your back": r"\bwatch (?:your|his|her|their) back\b",
    "flood the phone": (
        r"\b(?:blow up|flood|spam) (?:his|her|their) (?:phone|line|inbox|email|dms?)\b"
    ),
    "call nonstop": (
        r"\bcall (?:him|her|them|it) (?:non-?stop|all night|every (?:hour|minute|day))\b"
    ),
    "make them pay": r"\bmake (?:him|her|them) pay\b|\b(?:he|she|they)'?(?:ll| will) pay\b",
    "you know what to do": r"\byou know what to do\b",
    "doxxing": r"\bdox+(?:ed|ing)?\b",
    "hurt": r"\b(?:hurt|beat|jump|shoot|kill|burn) (?:him|her|them|his|her)\b",
    "let them know": r"\blet (?:him|her|them) know (?:we|how)\b",
}
_INTENT_RE = re.compile("|".join(f"(?P<i{i}>{p})" for i, p in enumerate(_INTENT.values())))
_INTENT_NAMES = list(_INTENT)

_DETAIL = (
    r"(?:home |house |personal |cell |phone |real )?(?:address|addy|addr|number|digits|phone|cell"
    r"|email|e-mail|ssn|social|birthday|bday|dob|date of birth|where (?:he|she|they) "
    r"(?:lives?|stays?|works?|sleeps?)|kids?'? school|home address|house number|finances|"
    r"bank(?:ing)? (?:info|details|account)|debts?|dirt|medical (?:records?|history|info)|"
    r"employer|side gig|second job|workplace|property records?|plates?|license plate)"
)
_ASK = (
    r"(?:any ?(?:one|body)|some ?(?:one|body)|who(?:ever)?|y'?all|u guys|you guys|need|needs|"
    r"whats|what's|what is|where's|where is|gimme|give me|get me|send me|dm me|tell me|find|post|"
    r"drop|share|leak|bounty|reward|venmo|paypal|\$\d+)"
)
_CALL_TO_FIND = re.compile(
    rf"\b{_ASK}\b[^.!\n]{{0,50}}?\b{_DETAIL}\b"
    r"|\b(?:find|dig up|look up|track down|figure out|get)\s+(?:out\s+)?"
    r"(?:where|(?:his|her|their)\s+(?:home|house|address|addy|number|info|details|kids?))"
    r"|\bdig up (?:everything|anything|all|whatever|dirt)\b"
    r"|\b(?:look|looking) up\b[^.!?\n]{0,40}?\b" + _DETAIL + r"\b"
    r"|\b(?:posts?|drops?|shares?|finds?) where\b[^.?!\n]{0,40}?"
    r"\b(?:lives?|stays?|sleeps?|works?)\b"
    r"|\b(?:know|knows|find out|figure out|tell me|wondering|idea) where\b[^.?!\n]{0,40}?"
    r"\b(?:lives?|stays?|sleeps?|parks?|lives at)\b"
    r"|\b(?:know|knows|find out|tell me)\s+(?:if|whether)\b[^.?!\n]{0,40}?"
    r"\b(?:works?|lives?|goes to|stays?)\b"
    r"|\b(?:post|drop|leak|share|spread|put out)\s+(?:his|her|their|the \w+'?s?|"
    r"(?:[\w.]+\s+){0,2}?\w+'s)\s+"
    + _DETAIL
    + r"|\bdox+(?:ing)?\s+(?:him|her|them|this|that|the)\b"
    # "where does she moonlight?", "anyone know where he banks", "which school does ... go to"
    + r"|\bwhere (?:does|do|did|is|'s)?\s*(?:[\w.']+\s+){1,3}?(?:live|lives|work|works|"
    r"moonlight|moonlights|bank|banks|go to school|stay|stays|sleep|sleeps|park|parks)\b"
    + r"|\bwhich (?:school|high school|college|church|gym|bank|street|neighborhood|house|"
    r"building|apartment|hospital|clinic|job|company)\b[^.!\n]{0,60}\?"
    # "Det. James's home address please", "X's dob?": a possessive and a detail, asked for
    + r"|(?:'s|’s|s')\s+" + _DETAIL + r"\b[^.!?\n]{0,20}(?:\?|\bplease\b|\bpls\b|\bplz\b)"
    # "... starts with 4-9, anyone got the rest?": a detail first, then the ask
    + r"|\b" + _DETAIL + r"\b[^.!\n]{0,60}?\b(?:any ?(?:one|body)|some ?(?:one|body)|who)\s+"
    r"(?:got|has|have|knows?|can find)\b"
    + r"|\b(?:property records?|public records?|court records?|voter records?|license plates?)\b"
    r"[^.!\n]{0,40}?\b(?:for|of|on)\b"
)

_ROLE_WORD = re.compile(
    r"\b(?:cops?|officers?|ofc|detectives?|sergeant|sgt|lieutenant|deputy|deputies|trooper|"
    r"police(?:man|woman)?|pigs?|councilm[ae]n|councilwom[ae]n|council ?members?|"
    r"alderm[ae]n|mayor|commissioner|city (?:employee|worker|official|staffer|inspector)|"
    r"public servant|inspector|dispatchers?|public works|code enforcement|parking enforcement|"
    r"judges?|prosecutors?|da|sheriffs?|(?:state )?rep|senators?|school board (?:member|lady|guy)|"
    r"firefighters?|fire ?fighter|paramedics?|emts?|meter (?:maid|reader)s?|"
    r"(?:water|parks|sanitation|311|codes?|health) (?:dept|department|worker|guy|lady|inspector|"
    r"agent|employee)s?|311 (?:operator|agent)s?|(?:council|mayor'?s) (?:aide|staffer)s?|"
    r"aide|staffer|case ?worker|social worker|probation officer|parole officer|bailiff|"
    r"court clerk|city clerk|ranger)\b"
)

# The author giving their own details: "my number is", "call me at", "I live at".
_SELF = (
    r"phone|number|cell|digits|line|address|addy|email|e-mail|ssn|social|dob|birthday|bday|"
    r"card|account|iban|routing|insurance|member|policy|medicare|school|job|work|office|shop|"
    r"store|business|house|home|place|apt|apartment|info|contact"
)
# Run on every message, so RE2 (linear-time, much faster on big alternations).
_ROLE_REFERENCE = re2.compile(
    _ROLE_WORD.pattern
    + r"(?:\s+\w+){0,3}?\s+(?:who|whose|that|which|named|called)\b"  # "the cop (guy) who"
    + "|"
    + _ROLE_WORD.pattern
    + r"\s+(?:at|from|with|lives?|has|had|is|was|got|gets|takes|drives|owes)\b"
    + "|"
    + _ROLE_WORD.pattern  # "the dispatcher on channel 2 tonight lives above ..."
    + r"(?:\s+[\w']+){1,5}?\s+(?:lives|works|moonlights|has a (?:kid|son|daughter|wife|husband)|"
    r"owes|drives|parks)\b"
    + "|"
    + _ROLE_WORD.pattern
    + r"(?:\s+\w+){0,2}?(?:'s|’s|s')"  # "some cop's wife", "that enforcement lady's cell"
    + r"|\b(?:the|that|this|a|some|one)\s+(?:cop|officer|deputy|detective|trooper|judge|"
    r"inspector|sergeant)\s+(?:in|on|near|driving|with)\s+(?:the|a|that|this|his|her)\b"
)
_FIRST_PERSON = re.compile(
    rf"\bmy (?:\w+ ){{0,3}}(?:{_SELF})\b|\bour (?:\w+ ){{0,3}}(?:{_SELF})\b"
    r"|\bi (?:live|stay|work|was born|go to|attend|moved)\b|\bi'?m (?:at|on|in|located|reachable)\b"
    r"|\b(?:call|text|reach|contact|dm|email|e-mail|ping|message|msg|hit|find|venmo|pay|"
    r"write|fax) (?:me|us)\b|\bhmu\b|\b(?:mine|ours) is\b|\bwe (?:live|are at|'re at)\b"
)
_ROLE_WORD_RE2 = re2.compile(_ROLE_WORD.pattern)
_THIRD_PERSON = re2.compile(
    r"\b(?:he|she|him|his|her|hers|they|them|their|he's|she's|they're|hes|shes)\b"
)
_CLAUSE_END = re.compile(r"[.!?\n;]\s|\bbut\b|\bbtw\b")


# Python's `re` tries the whole alternation at every position (~20 us per 100
# characters, ~20 ms per 100 KB); RE2 scans linearly. On ASCII text the two agree
# exactly (\b and \w differ only outside ASCII; both take the leftmost-first branch),
# so RE2 answers alone. Other text goes to `re` only if a superset pattern (word
# boundaries dropped, \w widened to any non-blank) finds something.
_INTENT_RE2 = re2.compile(_INTENT_RE.pattern)
_INTENT_SUPERSET = re2.compile(_INTENT_RE.pattern.replace(r"\b", "").replace(r"\w", r"\S"))


def intent_signals(folded: str) -> tuple[str, ...]:
    """Names of the threatening or inciting phrases the message contains."""
    if folded.isascii():
        matches = _INTENT_RE2.finditer(folded)
    elif _INTENT_SUPERSET.search(folded) is None:
        return ()
    else:
        matches = _INTENT_RE.finditer(folded)
    found: list[str] = []
    for m in matches:
        name = _INTENT_NAMES[int(m.lastgroup[1:])] if m.lastgroup else ""
        if name and name not in found:
            found.append(name)
    return tuple(found)


# The same pattern for RE2 on ASCII text: `re`'s \s there also matches \v and \x1c-\x1f.
_CALL_TO_FIND_RE2 = re2.compile(_CALL_TO_FIND.pattern.replace(r"\s", r"[\t\n\x0b\x0c\r\x1c-\x1f ]"))


# "sgt. ross's address": a title's period is not the end of a sentence
_TITLE_PERIOD = re.compile(
    r"\b(sgt|det|capt|cpt|ofc|lt|cpl|mr|mrs|ms|dr|st|rep|sen|ald|supt|insp|cmdr|comm)\."
)


def calls_to_find(folded: str) -> bool:
    """Asks others to find or post someone's personal details."""
    if "." in folded:
        folded = _TITLE_PERIOD.sub(r"\1 ", folded)  # same length: offsets unchanged
    pattern = _CALL_TO_FIND_RE2 if folded.isascii() else _CALL_TO_FIND
    for m in pattern.finditer(folded):
        if not _NEGATED.search(folded[max(0, m.start() - 24) : m.start() + 12]):
            return True
    return False


# "don't post her address", "nobody should share": asking people not to
_NEGATED = re.compile(
    r"\b(?:don'?t|do not|dont|never|shouldn'?t|should not|stop|no ?one should|nobody should|"
    r"please don'?t|not)\b(?:\s+\w+){0,3}\s*$|\b(?:don'?t|do not|dont|never)\s+(?:\w+\s+){0,2}"
    r"(?:post|share|drop|leak)"
)


def mentions_role(folded: str) -> bool:
    """Any public-servant role word at all ("my neighbor is a kcpd officer")."""
    return _ROLE_WORD_RE2.search(re2_subject(folded)) is not None


def points_at_role_person(folded: str) -> bool:
    """A particular servant by role: "the cop who ...", or a role word and "he"/"her".

    "the cops were out on Troost" names a role but nobody in particular, so the
    detectors need not run for it.
    """
    if not mentions_role(folded):  # every role reference has a role word: one search
        return False
    return refers_to_role(folded) or has_third_person(folded)


def refers_to_role(folded: str) -> bool:
    """Points at one particular public servant by role: "the cop who ...", "that officer at".

    "the cops were out on Troost" names a role but nobody in particular, so the
    detectors need not run for it.
    """
    return _ROLE_REFERENCE.search(re2_subject(folded)) is not None


# "the non-emergency line", "ask for the desk sergeant, 816-...", "customer service is ...":
# an organization's number or address, not a person's
_ORGANIZATION = re.compile(
    r"\b(?:line|hotline|helpline|customer service|non[- ]?emergency|switchboard|main number|"
    r"front desk|help ?desk|office number|general number|complaints? (?:line|number|office))\b"
)


def organization_line(folded: str, start: int) -> bool:
    """Whether the words just before a value say it is an organization's line."""
    return _ORGANIZATION.search(folded, max(0, start - 60), start) is not None


def has_third_person(folded: str) -> bool:
    return _THIRD_PERSON.search(re2_subject(folded)) is not None


# "lol jk he does", "not me, she does": the author takes a self-disclosure back
_RETRACTION = re.compile(
    r"\b(?:jk|j/k|just kidding|kidding|not me|lol no|nah)\b[^.!?\n]{0,24}?"
    r"\b(?:he|she|they|him|her|them)\b"
)


def about_author(
    folded: str, start: int, named: tuple[tuple[int, int], ...] | list[tuple[int, int]] = ()
) -> bool:
    """Whether the clause leading up to `start` says the value is the author's own.

    "call me at ...", "my number is ...", "I live at ..." : the author sharing
    their own details is not doxxing a servant. It is not the author's when the
    same clause names a servant ("whitaker's cell: call me ...", `named` holds
    the spans of the message's names) or the author takes it back ("jk he does").
    """
    window_start = max(0, start - 48)
    window = folded[window_start:start]
    ends = [m.end() for m in _CLAUSE_END.finditer(window)]
    if ends:
        window_start += ends[-1]
        window = window[ends[-1] :]
    if not _FIRST_PERSON.search(window):
        return False
    if _THIRD_PERSON.search(window):
        return False
    if any(window_start <= a < start for a, _ in named):
        return False
    return _RETRACTION.search(folded, start) is None
