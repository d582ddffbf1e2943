"""Health and insurance detector: health facts attributed to a person, and insurance IDs.

Health words are everywhere in civic chat ("cancer research funding", "the
city's health department", "rehab of the building"); what the ordinance covers
is a *person's* health. So a vocabulary hit (one Aho-Corasick pass over
conditions, medications, treatments and facilities from `health_terms`) only
counts when the words right before it attribute it to someone: a third person or
a name plus a linking phrase ("he has", "her son is on", "Whitaker was
diagnosed with", "she's"), a possessive ("his chemo"), or, with no subject, a
phrase that only ever describes a person ("diagnosed with MS", "takes Xanax",
"in rehab"). First- and second-person statements ("I'm on lithium", "ask your
doctor if Xanax ...") are not reported.

Identifiers: Medicare MBIs by the CMS format rules (11 characters, with or
without dashes), Medicaid / MO HealthNet numbers after their name, and insurance
member/policy IDs after their label.

Confidence and `kind`:
- condition / medication / treatment / facility / event: 0.85 with a named or
  third-person subject, 0.8 possessive, 0.6 subjectless strong phrase.
- "medicare_mbi": 0.95 next to medicare/MBI/patient/member/beneficiary, 0.7 bare.
- "medicaid_id": 0.9. "insurance_id": 0.9 with an insurer or insurance word near,
  0.65 with only the label ("member ID").
`value`: the canonical term for health facts; the ID uppercased without
separators for identifiers.
"""

from __future__ import annotations

import bisect
import functools
import re

import ahocorasick

from bot.detectors.health_terms import (
    GENERAL_FACILITIES,
    KINDS,
    LEAVES,
    STRICT_FORMS,
    SUFFIX_EXCEPTIONS,
    SUFFIX_MIN_STEM,
    SUFFIXES,
)
from bot.models import Category, Finding

__all__ = ["HealthDetector", "is_mbi"]

_I = re.IGNORECASE

# --- identifiers -----------------------------------------------------------------

# CMS MBI: C A AN N A AN N A A N N, letters excluding S, L, O, I, B, Z.
_L = "[AC-HJKMNP-RT-Y]"
_MBI = re.compile(
    r"(?<![\w-])[1-9]" + _L + r"[0-9AC-HJKMNP-RT-Y]\d-?" + _L + r"[0-9AC-HJKMNP-RT-Y]\d-?"
    + _L + _L + r"\d\d(?![\w-])",
    _I,
)
_MBI_FULL = re.compile(_MBI.pattern.replace("(?<![\\w-])", "^").replace("(?![\\w-])", "$"), _I)
_MBI_CONTEXT = re.compile(r"medicare|\bmbi\b|patient|beneficiary|member|\bcms\b", _I)

# An ID: one alphanumeric group, then up to four more that start with a digit
# after a space ("YRK 4471 0923 88") or anything after a dash ("48-B221-903"), so a
# following word is never swallowed.
_ID = r"(?P<id>[a-z0-9]{1,16}(?:-[a-z0-9]{1,12}| [0-9][a-z0-9]{0,11}){0,4})(?![\w-])"
_ID_GAP = (
    r"(?:\s{0,3}(?:is|was|id|number|no\.?|num|#|:|=|-|card|dcn)(?![a-z])){0,4}[\s:#=-]{0,3}"
)
_MEDICAID = re.compile(
    r"(?<![a-z])(?P<program>medicaid|mo\s{0,2}health\s{0,2}net|healthnet|dcn|medicare)"
    + _ID_GAP + _ID,
    _I,
)
_INSURANCE_ID = re.compile(
    r"(?<![a-z])(?P<label>member|subscriber|policy|insurance|insurer|ins\.?|group|plan|"
    r"blue\s?cross|blue\s?shield|bcbs|blue\s?kc|aetna|cigna|humana|united\s?healthcare|uhc|"
    r"kaiser|anthem|ambetter|wellcare|molina|tricare|oscar|medica)"
    r"(?:[\s,:]{0,3}(?:member|card|policy|subscriber))?[\s,:]{0,3}(?:id|number|no\.?|num|#)"
    + _ID_GAP + _ID,
    _I,
)
# An insurer's name and a member word with no "ID" label: "UHC member 982260764".
_INSURER_MEMBER = re.compile(
    r"(?<![a-z])(?:blue\s?cross|blue\s?shield|bcbs|blue\s?kc|aetna|cigna|humana|"
    r"united\s?healthcare|uhc|kaiser|anthem|ambetter|wellcare|molina|tricare|oscar|medica|"
    r"insurance)\s{0,2}(?:member|subscriber|policy|plan)\s{0,2}[:#]?\s{0,2}" + _ID,
    _I,
)
_INSURER = re.compile(
    r"insurance|insurer|health\s?plan|blue\s?cross|blue\s?shield|bcbs|blue\s?kc|aetna|cigna|"
    r"humana|united\s?health|\buhc\b|kaiser|anthem|centene|ambetter|wellcare|molina|tricare|"
    r"medicare|medicaid|healthnet|oscar health|\bmedica\b|coventry|policy|coverage|premium",
    _I,
)


# Lowercase substrings every `program` / `label` alternative above contains.
_PROGRAM_STEMS = ("medica", "health", "dcn")
_LABEL_STEMS = (
    "member", "subscriber", "policy", "ins", "group", "plan", "blue", "bcbs", "aetna",
    "cigna", "humana", "united", "uhc", "kaiser", "anthem", "ambetter", "wellcare", "molina",
    "tricare", "oscar", "medica",
)  # fmt: skip


def _fold(text: str) -> str:
    """Lowercased for substring gates, folding the non-ASCII letters `re.IGNORECASE`
    matches to ASCII ones ('ſ', 'ı', 'İ', the Kelvin sign) so a gate never says absent
    where a pattern would match."""
    folded = text.lower()
    if not text.isascii():
        folded = folded.replace("\u0307", "").replace("ſ", "s").replace("ı", "i")
    return folded


def _has_any(folded: str, stems: tuple[str, ...]) -> bool:
    return any(stem in folded for stem in stems)


def is_mbi(candidate: str) -> bool:
    """True when `candidate` (dashes allowed) follows the CMS MBI format rules."""
    return bool(_MBI_FULL.match(candidate.strip()))


def _clean_id(raw: str) -> str:
    return raw.replace("-", "").replace(" ", "").upper()


# --- attribution -------------------------------------------------------------------

_WORD = re.compile(r"[\w'+-]+")
_CLAUSE_END = re.compile(r"[.!?;\n]\s")
# Separators between the fields of a posted dossier ("name / address / on suboxone",
# "- on lithium", "Whitaker: in rehab"): a link opening a field needs no subject.
_FIELD_SEP = re.compile(r"\s[/|•·]\s|\n[ \t]*(?:[-*•>][ \t])?|^[ \t]*[-*•>][ \t]|:[ \t]")
_WINDOW = 90

_MODIFIERS = frozenset(
    """a an the some his her their stage type grade ii iii iv early late advanced severe
    chronic terminal bad serious really pretty full-blown heavy daily prescription strong
    mild hour hours day days week weeks month months year-long court-ordered mandatory
    involuntary recovering former ex functioning high-functioning raging one two three four
    emergency court-mandated rare major minor massive double triple
    experimental weekly monthly regular new another second third multiple little big huge
    nasty brutal scheduled elective invasive successful failed botched aggressive rough
    active untreated undiagnosed full-on lifelong""".split()
)
# Reflexives and durations say nothing about whose health it is: "checked herself into",
# "spent two weeks in", "spent the night at" link as if they were not there.
_REFLEXIVES = frozenset({"himself", "herself", "themselves", "themself", "hisself"})
_DURATION_UNITS = frozenset(
    "night nights day days week weeks weekend weekends month months year years hour hours"
    .split()
)
_DURATION_WORDS = frozenset(
    "a an the few couple of last whole entire one two three four five six seven eight nine "
    "ten several".split()
)
# Head nouns a free qualifier may precede ("gambling addiction", "spinal fusion surgery",
# "rare blood disorder"): up to two words between the link and the head are skipped.
_HEADS = frozenset(
    "surgery surgeries addiction disorder disease syndrome cancer tumor tumors infection "
    "injury transplant addict".split()
)
_INTRODUCING = frozenset({"a", "an", "some", "this", "one", "another", "the"})
_CONJUNCTIONS = frozenset({"and", "then", "&", "but", "plus"})
# Strangers introduced in passing: "the guy who overdosed" is nobody protected.
_STRANGERS = frozenset(
    """guy guys dude dudes man men woman women lady ladies person people kid someone
    somebody patient patients suspect suspects driver victim victims inmate inmates
    resident residents folks homeless stranger customer customers""".split()
)
_POSSESSIVES = frozenset({"his", "her", "their"})
_THIRD = frozenset(
    """he she they him he's she's they're hes shes theyre who who's whos he'd she'd
    they'd""".split()
)
_THIRD_IS = frozenset({"he's", "she's", "they're", "hes", "shes", "theyre", "who's", "whos"})
_FIRST_SECOND = frozenset(
    """i i'm im i've ive i'd me we we're were we've us you you're youre you've u ur my our
    your ya""".split()
)
_PEOPLE = frozenset(
    """son daughter kid kids child children wife husband spouse partner girlfriend boyfriend
    gf bf fiance fiancee mom mother dad father brother sister parents parent grandma
    grandpa grandmother grandfather baby stepson stepdaughter niece nephew aunt uncle
    cousin officer cop detective sergeant sgt lieutenant captain chief deputy sheriff
    trooper mayor councilman councilwoman councilmember councilor commissioner judge
    senator representative rep alderman manager director clerk prosecutor superintendent
    guy dude lady woman man""".split()
)
_AUX = frozenset(
    """is was been be being has had have got gets just now still currently recently also
    apparently reportedly allegedly finally literally already actually probably definitely
    even back again supposedly obviously clearly totally secretly will gonna going
    openly""".split()
)
_NOT_NAMES = frozenset(
    """the a an this that these those it its it's there there's here what which when where
    why how everyone everybody someone somebody anyone anybody nobody noone people
    city county state country nation america kansas missouri kc police department
    government council and but so if also then yeah yes no ok lol omg those many most
    few all both none nothing something anything everything plan plans idea ideas bill
    policy budget ordinance law proposal campaign administration office agenda program
    project economy system team party platform career reputation presidency tenure
    administration's department's campaign's plan's""".split()
)

# Words that may precede a subjectless phrase ("lol in rehab again", "and takes Xanax").
_FILLERS = frozenset(
    """and but so then lol lmao yeah yea also cuz because bc since after when while that
    which who like literally apparently reportedly allegedly heard rumor says said now
    currently""".split()
)
# Acronyms that also count in lowercase, but only right after one of _LOOSE_LINKS.
_LOOSE_OK = frozenset({"ms", "als", "aids", "bpd", "std", "stds"})
_LOOSE_LINKS = frozenset(
    {("has",), ("had",), ("have",), ("diagnosed", "with"), ("dx", "with"), ("dx'd", "with"),
     ("dxd", "with"), ("living", "with"), ("suffers", "from"), ("suffering", "from"),
     ("battling",), ("diagnosed", "as"), ("tested", "positive", "for"), ("positive", "for")}
)  # fmt: skip
_PREPOSITIONS = frozenset({"in", "into", "on", "at", "out", "to", "off", "back"})
_DETERMINERS = frozenset(
    "the a an this that these those any every each some no another its".split()
)
_STAGE_BEFORE = re.compile(
    r"(?:stage|type|grade)\s{1,2}(?:[0-4]|i{1,3}|iv|one|two|three|four)[abc]?\s{1,2}$"
)

# Linking phrases per kind, as token tuples, and which are strong enough without a subject.
_LINKS: dict[str, dict[tuple[str, ...], bool]] = {
    "condition": {
        ("has",): False, ("had",): False, ("have",): False, ("having",): False,
        ("got",): False, ("gets",): False, ("is",): False, ("was",): False,
        ("been",): False, ("developed",): False, ("contracted",): False,
        ("caught",): False, ("survived",): False, ("beat",): False,
        ("diagnosed", "with"): True, ("dx", "with"): True, ("dx'd", "with"): True,
        ("dxd", "with"): True, ("diagnosed", "as"): True, ("living", "with"): True,
        ("struggling", "with"): True, ("struggles", "with"): True,
        ("dealing", "with"): False, ("sick", "with"): False,
        ("came", "down", "with"): True, ("coming", "down", "with"): True,
        ("in", "remission", "from"): True, ("lives", "with"): True, ("has", "got"): False,
        ("battling",): True, ("fighting",): False, ("suffers", "from"): True,
        ("suffering", "from"): True, ("suffered", "from"): True,
        ("recovering", "from"): True, ("treated", "for"): True,
        ("tested", "positive", "for"): True, ("positive", "for"): True,
        ("in", "treatment", "for"): True, ("meds", "for"): True,
        ("medication", "for"): True, ("died", "of"): False,
        ("hospitalized", "for"): True, ("admitted", "for"): True, ("treatment", "for"): True,
        ("leave", "for"): True, ("time", "off", "for"): True, ("disability", "for"): True,
        ("surgery", "for"): True, ("therapist", "for"): True, ("counseling", "for"): True,
    },
    "medication": {
        ("on",): False, ("takes",): True, ("took",): False, ("taking",): True,
        ("take",): False, ("prescribed",): True, ("addicted", "to"): True,
        ("hooked", "on"): True, ("using",): False, ("uses",): False, ("does",): False,
        ("doing",): False, ("pops",): True, ("popping",): True, ("needs",): False,
        ("injects",): True, ("shoots",): False, ("smokes",): False, ("off", "his"): False,
        ("off", "her"): False, ("off",): False, ("withdrawal", "from"): True,
        ("withdrawing", "from"): True, ("od'd", "on"): True, ("overdosed", "on"): True,
        ("positive", "for"): True, ("tested", "positive", "for"): True,
        ("put", "on"): True, ("started", "on"): True, ("back", "on"): True,
        ("weaned", "off"): True, ("detoxing", "from"): True, ("dependent", "on"): True,
        ("relapsed", "on"): True, ("od'ed", "on"): True, ("switched", "to"): False,
    },
    "treatment": {
        ("in",): True, ("on",): False, ("getting",): True, ("gets",): False,
        ("got",): False, ("had",): False, ("has",): False, ("needs",): False,
        ("started",): False, ("starting",): False, ("undergoing",): True,
        ("underwent",): True, ("going", "through"): True, ("went", "through"): True,
        ("out", "of"): True, ("back", "in"): True, ("in", "and", "out", "of"): True,
        ("finished",): False, ("completed",): False, ("goes", "to"): False,
        ("went", "to"): True, ("going", "to"): False, ("sent", "to"): True,
        ("checked", "into"): True, ("entered",): False, ("into",): False,
        ("court-ordered",): True, ("court", "ordered"): True, ("did",): False,
        ("court-mandated",): True, ("court", "mandated"): True, ("ordered", "to"): True,
        ("admitted", "to"): True, ("committed", "to"): True, ("recovering", "from"): True,
        ("went", "in", "for"): True, ("goes", "in", "for"): True, ("going", "in", "for"): True,
        ("in", "for"): False, ("wears",): False, ("wearing",): False, ("uses",): False,
        ("scheduled", "for"): True, ("needed",): False, ("spent", "in"): False,
        ("released", "from"): True, ("discharged", "from"): True, ("been", "to"): True,
        ("waiting", "list", "for"): True, ("transplant", "list", "for"): True,
        ("on", "a", "waiting", "list", "for"): True, ("on", "the", "waiting", "list", "for"): True,
        ("on", "the", "transplant", "list", "for"): True,
        ("does",): False, ("doing",): False, ("seeing",): False, ("sees",): False,
        ("saw",): False, ("see",): False, ("attends",): False, ("attending",): False,
    },
    "facility": {
        ("in",): False, ("into",): False, ("admitted", "to"): True,
        ("admitted", "into"): True, ("checked", "into"): True, ("checked", "in", "to"): True,
        ("out", "of"): False, ("got", "out", "of"): True, ("released", "from"): True,
        ("discharged", "from"): True, ("committed", "to"): True, ("sent", "to"): True,
        ("rushed", "to"): True, ("taken", "to"): False, ("hospitalized", "at"): True,
        ("hospitalized", "in"): True, ("stay", "at"): False, ("stayed", "at"): False,
        ("staying", "at"): False, ("stays", "at"): False, ("back", "in"): False,
        ("in", "and", "out", "of"): True, ("locked", "up", "in"): True,
        ("spent", "time", "in"): False, ("ended", "up", "in"): False, ("at",): False,
        ("spent", "in"): False, ("spent", "at"): False, ("transferred", "to"): True,
    },
    "event": {(): False},
}  # fmt: skip
# Time off or benefits for a condition: "is on disability for MS", "out on FMLA for PTSD".
for _leave in LEAVES:
    _words = tuple(_WORD.findall(_leave))
    _LINKS["condition"][("on", *_words, "for")] = True
    _LINKS["condition"][("out", "on", *_words, "for")] = True
    _LINKS["treatment"][("out", "on", *_words[:-1])] = True
_LINKS["treatment"][("out", "on")] = True
_MAX_LINK = max(len(k) for links in _LINKS.values() for k in links)
# A health word followed by one of these is about policy, money or the public, not a person.
_ABSTRACT_AFTER = re.compile(
    r"\s{0,2}(?:research|funding|funds|awareness|fundraiser|charity|society|foundation|walk|"
    r"run|month|rates?|cases|patients|policy|policies|bill|ordinance|screenings?|prevention|"
    r"clinics?|programs?|services|crisis|epidemic|outbreak|vaccines?|season|"
    r"staff|workers|nurses|doctors|budget|costs?|prices?|pricing|coverage|caps?|access|parking|"
    r"board|district|system|industry|companies|company|ads?|commercials?|legislation|"
    r"ribbon|groundbreaking|opening|event|gala|meeting|press|rally|protest|expansion|"
    r"claims?|lawsuits?|settlements?|reports?|attorneys?|lawyers?|ramps?|shots?|data|stats|"
    r"statistics|numbers|testing|study|studies)(?![a-z])"
    # "a cancer on this city", "a disease in our society"
    r"|\s{1,2}(?:on|in|to|of)\s{1,2}(?:(?:this|the|our|that)\s{1,2}(?:city|town|country|"
    r"society|community|council|department|force|nation|party|world)|society|democracy)\b"
    # "rehab of the building", "stroke of genius", "breakdown of costs"
    r"|\s{1,2}of\s{1,2}(?!(?:his|her|their|him)\b)[a-z]",
    _I,
)
# What may separate the word before a case-sensitive acronym from it (see _triggers).
_TERM_PREFIXES = (" ", "\n", "\t", "(", ":", "/", ",")
_CHAIN = frozenset({"for", "and", "or", "plus", "with", "at", "&", "from", "to"})


# Head words of a place that treats people; the general ones are also visited, worked at
# and reported from, so being "at" one is no stay.
_TREATING_HEADS = frozenset(
    """recovery rehab rehabilitation treatment detox psychiatric psychiatry behavioral
    hospice sanitarium sanatorium addiction oncology dialysis methadone sober""".split()
)
_GENERAL_HEADS = frozenset(
    "hospital hospitals medical health healthcare clinic clinics infirmary".split()
)

class _Hit:
    """A vocabulary match; `loose` when a case-sensitive acronym came in lowercase."""

    __slots__ = ("conf", "end", "general", "kind", "loose", "start", "term")

    def __init__(self, start: int, end: int, term: str, kind: str, loose: bool) -> None:
        self.start, self.end, self.term, self.kind, self.loose = start, end, term, kind, loose
        self.conf = 0.0
        # a place people also visit, work at or report from ("the hospital", "X Medical")
        self.general = term in GENERAL_FACILITIES


def _build_automaton() -> ahocorasick.Automaton:
    """Whole terms and word endings in one automaton: one pass finds both."""
    auto = ahocorasick.Automaton()
    for suffix, kind in SUFFIXES.items():
        auto.add_word(suffix, (suffix, kind, True))
    for term, kind in KINDS.items():
        auto.add_word(term, (term, kind, False))
    auto.make_automaton()
    return auto


_AUTOMATON = _build_automaton()


def _triggers() -> tuple[str, ...]:
    """Substrings at least one of which occurs whenever `detect` can find something.

    Identifiers (MBI, Medicaid, member/policy IDs) always contain a digit. A
    vocabulary term is only reported after a linking or possessive word, so it
    is preceded by a space or newline; for the case-sensitive acronyms ("MS",
    "ER") that prefix keeps the trigger from firing inside every "terms" and
    "never". Terms containing a digit or a shorter trigger add nothing.
    """
    digits = tuple("0123456789")
    # named facilities carry a head word; unlisted drugs are prescribed, refilled or dosed
    # (a dose has digits, which are triggers already)
    candidates: set[str] = set(SUFFIXES) | _TREATING_HEADS | _GENERAL_HEADS | {
        "hospitali", "prescri", "refill"}
    for term in KINDS:
        if any(d in term for d in digits):
            continue
        if term in STRICT_FORMS:
            candidates.update(sep + term for sep in _TERM_PREFIXES)
        else:
            candidates.add(term)
    kept: list[str] = []
    for term in sorted(candidates, key=len):
        if not any(k in term for k in kept):
            kept.append(term)
    return (*digits, *sorted(kept))


class HealthDetector:
    """Finds a person's health facts and insurance identifiers (see module docstring)."""

    category = Category.HEALTH_OR_INSURANCE_INFORMATION
    name = "health_or_insurance_information"
    triggers: tuple[str, ...] = _triggers()

    def detect(self, text: str, limit: int | None = None) -> list[Finding]:
        """Findings in text order; with `limit`, the first `limit` of them."""
        return self._find(text)[:limit]

    def _find(self, text: str) -> list[Finding]:
        findings = self._identifiers(text)
        taken = [(f.start, f.end) for f in findings]
        for hit in self._attributed(text):
            if any(s < hit.end and hit.start < e for s, e in taken):
                continue
            findings.append(
                Finding(self.category, hit.start, hit.end, hit.term, hit.conf, hit.kind)
            )
        findings.sort(key=lambda f: f.start)
        return findings

    # identifiers ------------------------------------------------------------------

    def _identifiers(self, text: str) -> list[Finding]:
        out: list[Finding] = []
        # Every identifier these patterns report holds an ASCII digit, and the labelled
        # ones follow a program or label word: skip the scans (each a full pass over a
        # long digit soup) when those are absent.
        if not any(c in text for c in "0123456789"):
            return out
        folded = _fold(text)
        for m in _MBI.finditer(text):
            near = _MBI_CONTEXT.search(text, max(0, m.start() - 40), m.start())
            out.append(Finding(self.category, m.start(), m.end(), _clean_id(m[0]),
                               0.95 if near else 0.7, "medicare_mbi"))
        medicaid = _MEDICAID.finditer(text) if _has_any(folded, _PROGRAM_STEMS) else ()
        for m in medicaid:
            ident = _clean_id(m["id"])
            digits = sum(c.isdigit() for c in ident)
            medicare = m["program"].lower() == "medicare"
            # Medicaid numbers are digit runs; a labelled Medicare number may be a legacy
            # HICN ("123456789A") or a mistyped MBI.
            if len(ident) < 8 or digits < (4 if medicare else 6):
                continue
            if _overlaps(out, m.start("id"), m.end("id")):
                continue
            kind = "medicare_id" if medicare else "medicaid_id"
            out.append(Finding(self.category, m.start("id"), m.end("id"), ident, 0.9, kind))
        labelled = _INSURANCE_ID.finditer(text) if _has_any(folded, _LABEL_STEMS) else ()
        for m in labelled:
            ident = m["id"]
            digits = sum(c.isdigit() for c in ident)
            if digits < 4 or len(_clean_id(ident)) < 5:
                continue
            if _overlaps(out, m.start("id"), m.end("id")):
                continue
            insurer = _INSURER.search(text, max(0, m.start() - 80), min(len(text), m.end() + 40))
            label = m["label"].lower()
            if not insurer and (label in ("group", "plan") or (
                ident.isdigit() and len(ident) >= 17)):
                continue  # a chat "group #" or a Discord member snowflake, not insurance
            conf = 0.9 if insurer or label in ("policy", "insurance", "insurer", "ins", "ins.")\
                else 0.65
            out.append(Finding(self.category, m.start("id"), m.end("id"), _clean_id(ident),
                               conf, "insurance_id"))
        if _has_any(folded, _LABEL_STEMS):
            for m in _INSURER_MEMBER.finditer(text):
                ident = m["id"]
                if sum(c.isdigit() for c in ident) < 6:
                    continue
                if _overlaps(out, m.start("id"), m.end("id")):
                    continue
                out.append(Finding(self.category, m.start("id"), m.end("id"), _clean_id(ident),
                                   0.9, "insurance_id"))
        return out

    # health facts -------------------------------------------------------------------

    def _attributed(self, text: str) -> list[_Hit]:
        lowered = text.lower().replace("’", "'")
        hits = _with_places(text, lowered, _vocabulary_hits(text, lowered))
        hits = _with_drugs(text, lowered, hits)
        previous: _Hit | None = None
        for hit in hits:
            hit.conf = _attribution(text, lowered, hit)
            if hit.conf == 0.0 and previous is not None and previous.conf > 0.0:
                gap = lowered[previous.end:hit.start]
                # the length check first: a far earlier hit must not make this quadratic
                if len(gap) <= 40 and not _CLAUSE_END.search(gap + " "):
                    words = _WORD.findall(gap)
                    if words and len(words) <= 4 and words[0] in _CHAIN:
                        hit.conf = previous.conf
            if hit.conf > 0.0 and _ABSTRACT_AFTER.match(lowered, hit.end):
                hit.conf = 0.0
            if hit.conf > 0.0:
                stage = _STAGE_BEFORE.search(lowered, max(0, hit.start - 16), hit.start)
                if stage:
                    hit.start = stage.start()
            previous = hit if hit.conf > 0.0 else previous
        kept: list[_Hit] = []
        for hit in hits:
            if hit.conf <= 0.0:
                continue
            if kept and hit.start < kept[-1].end:  # a head widened over an earlier term
                if hit.end - hit.start > kept[-1].end - kept[-1].start:
                    kept[-1] = hit
                continue
            kept.append(hit)
        return kept


def _overlaps(found: list[Finding], start: int, end: int) -> bool:
    return any(f.start < end and start < f.end for f in found)


def _vocabulary_hits(text: str, lowered: str) -> list[_Hit]:
    """Longest whole-word vocabulary matches, left to right, without overlap."""
    raw: list[tuple[int, int, str, str, bool]] = []
    n = len(lowered)
    for end_idx, (term, kind, suffix) in _AUTOMATON.iter(lowered):
        start = end_idx - len(term) + 1
        end = end_idx + 1
        if suffix:
            # a word ending: the hit is the whole word ("hysterectomy", "lisinopril")
            stem = start
            while stem > 0 and start - stem < 30 and lowered[stem - 1].isalpha():
                stem -= 1
            if start - stem < SUFFIX_MIN_STEM or (stem > 0 and lowered[stem - 1].isdigit()):
                continue
            if (end < n and lowered[end].isalnum()) or lowered[stem:end] in SUFFIX_EXCEPTIONS:
                continue
            raw.append((stem, end, lowered[stem:end], kind, False))
            continue
        if start > 0 and lowered[start - 1].isalnum():
            continue
        if end < n and lowered[end] == "s" and (end + 1 == n or not lowered[end + 1].isalnum()):
            end += 1  # plural: "psych wards", "seizures"
        elif end < n and lowered[end].isalnum():
            continue
        loose = False
        forms = STRICT_FORMS.get(term)
        if forms is not None and text[start:end] not in forms:
            if term not in _LOOSE_OK:
                continue
            loose = True
        raw.append((start, end, term, kind, loose))
    raw.sort(key=lambda r: (r[0], r[0] - r[1]))
    hits: list[_Hit] = []
    last_end = -1
    for start, end, term, kind, loose in raw:
        if start >= last_end:
            hits.append(_Hit(start, end, term, kind, loose))
            last_end = end
    return hits


# --- facilities by grammar ---------------------------------------------------------
#
# No list of named clinics: a named place is a facility when its own words say so
# ("St. Brigid's Hospital", "Pinebrook Recovery Center") or when the sentence does:
# right after a health term ("in rehab at X", "the psych ward at X", "treated for an
# eating disorder at X"), before a treatment ("at X for the 28 day program"), or after
# "hospitalized at".

_PLACE_WORD = r"(?:(?:St|Mt|Ft)\.|[A-Z][A-Za-z0-9'’&.-]*[A-Za-z0-9]|[A-Z])"
_PLACE_RE = re.compile(
    r"(?<![\w'])(?P<prep>at|in|into|to|from|of|@)[ \t]+(?:the[ \t]+)?(?P<place>" + _PLACE_WORD
    + r"(?:[ \t]+(?:(?:of|the|and|for|&)[ \t]+){0,2}" + _PLACE_WORD + r"){0,5})"
)
_PLACE_END = frozenset(
    """I He She They We It His Her Their My Monday Tuesday Wednesday Thursday Friday Saturday
    Sunday January February March April May June July August September October November
    December Lol LOL""".split()
)
_FOR_NEXT = re.compile(r"[ \t]+for[ \t]+(?:(?:the|a|an|his|her|their|some)[ \t]+)?")
_HOSPITALIZED_BEFORE = re.compile(r"hospitali[sz]ed[ \t]+$")


# --- medications the vocabulary does not know ---------------------------------------
#
# New brands appear every year; the grammar of taking one does not change. A word rare
# in English (wordfreq) is a medication when it is prescribed, dosed, or taken for a
# health term: "prescribed Nurtec", "Caplyta 42 mg", "takes Rinvoq for her psoriasis".
_DRUG_WORD = r"[A-Za-z][A-Za-z-]{3,24}"
# Each rule is its own pattern: their matches may overlap ("takes 20 mg of X").
_DRUG_RES = (
    re.compile(
        r"(?<![\w-])(?:prescribed|prescription[ \t]+for|refills?[ \t]+(?:of|for)|"
        r"\d+(?:\.\d+)?[ \t]?(?:mg|mcg)[ \t]+(?:of[ \t]+)?)[ \t]*(?P<drug>" + _DRUG_WORD
        + r")\b",
        _I,
    ),
    re.compile(r"(?<![\w-])(?P<drug>" + _DRUG_WORD + r")[ \t]+\d+(?:\.\d+)?[ \t]?(?:mg|mcg)\b", _I),
    re.compile(
        r"(?<![\w-])(?:takes|taking|took|on|started[ \t]+on|put[ \t]+on|switched[ \t]+to)"
        r"[ \t]+(?P<drug>" + _DRUG_WORD + r")[ \t]+for[ \t]+"
        r"(?:(?:his|her|their|the|a|an)[ \t]+)?(?P<for>[a-z])",
        _I,
    ),
)
# Below this Zipf frequency a word is no ordinary English word ("rinvoq": 0, "uber": 4).
_DRUG_MAX_ZIPF = 2.5


def _with_drugs(text: str, lowered: str, hits: list[_Hit]) -> list[_Hit]:
    """`hits` plus unlisted medication names that the grammar around them reveals."""
    if not any(stem in lowered for stem in ("prescri", "refill", "mg", "mcg", " for ")):
        return hits
    starts = {h.start: h for h in hits}
    ordered = sorted(hits, key=lambda h: h.start)
    hit_starts = [h.start for h in ordered]
    added: list[_Hit] = []  # sorted by start, like `added_starts`
    added_starts: list[int] = []
    for pattern in _DRUG_RES:
        for m in pattern.finditer(text):
            start, end = m.span("drug")
            if "for" in pattern.groupindex:
                following = starts.get(m.start("for"))
                if following is None or following.kind not in ("condition", "treatment"):
                    continue  # "takes Uber for work": no health term follows
            word = lowered[start:end]
            if word in _NOT_NAMES or _zipf(word) >= _DRUG_MAX_ZIPF:
                continue
            if _overlapping(ordered, hit_starts, start, end) or _overlapping(
                added, added_starts, start, end
            ):
                continue  # the vocabulary (or another rule) has it already
            k = bisect.bisect_left(added_starts, start)
            added.insert(k, _Hit(start, end, word, "medication", False))
            added_starts.insert(k, start)
    if not added:
        return hits
    return sorted(hits + added, key=lambda h: h.start)


@functools.lru_cache(maxsize=2048)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _with_places(text: str, lowered: str, hits: list[_Hit]) -> list[_Hit]:
    """`hits` plus named places that the words around them make facilities."""
    if not any(c.isupper() for c in text):
        return hits
    by_end = {h.end: h for h in hits}
    by_start = {h.start: h for h in hits}
    places: list[_Hit] = []
    for m in _PLACE_RE.finditer(text):
        words = m["place"].split()
        while words and words[-1] in _PLACE_END:
            words.pop()
        if not words:
            continue
        start = m.start("place")
        end = _end_of(text, start, words)
        heads = {w.lower().strip(".,") for w in words}
        treating = bool(heads & _TREATING_HEADS)
        general = bool(heads & _GENERAL_HEADS)
        prep = m.start("prep")
        before_end = prep
        while before_end > 0 and lowered[before_end - 1] in " \t":
            before_end -= 1
        prev = by_end.get(before_end)
        after_treatment = prev is not None  # "in rehab at X", "an eating disorder at X"
        nxt = _FOR_NEXT.match(text, end)
        following = by_start.get(nxt.end()) if nxt is not None else None
        before_treatment = following is not None and following.kind in ("treatment", "condition")
        hospitalized = _HOSPITALIZED_BEFORE.search(lowered, max(0, prep - 24), prep) is not None
        if not (treating or general or after_treatment or before_treatment or hospitalized):
            continue
        hit = _Hit(start, end, lowered[start:end], "facility", False)
        hit.general = general and not (treating or after_treatment or before_treatment)
        places.append(hit)
    if not places:
        return hits
    # a named place wins over a facility word inside it ("St. Brigid's Hospital")
    place_starts = [p.start for p in places]
    merged = [h for h in hits if not _inside(places, place_starts, h)]
    merged.extend(places)
    merged.sort(key=lambda h: h.start)
    return merged


def _inside(spans: list[_Hit], starts: list[int], hit: _Hit) -> bool:
    """`hit` lies within one of `spans` (sorted by start, `starts` their starts)."""
    i = bisect.bisect_right(starts, hit.start) - 1
    return i >= 0 and hit.end <= spans[i].end


def _overlapping(spans: list[_Hit], starts: list[int], start: int, end: int) -> bool:
    """Some span of `spans` (sorted by start, `starts` their starts) overlaps [start, end)."""
    i = bisect.bisect_left(starts, end) - 1
    return i >= 0 and spans[i].end > start


def _end_of(text: str, start: int, words: list[str]) -> int:
    """End offset of the first len(words) words of a place phrase starting at `start`."""
    pos = start
    for word in words:
        pos = text.index(word, pos) + len(word)
    return pos


def _attribution(text: str, lowered: str, hit: _Hit) -> float:
    """How surely the words before `hit` attribute it to a (third) person; 0 when not.

    A head noun reached over free qualifiers is widened to include them.
    """
    lo = max(0, hit.start - _WINDOW)
    prefix_end = hit.start
    cut = None
    for m in _CLAUSE_END.finditer(lowered, lo, prefix_end):
        cut = m.end()
    field = None
    for m in _FIELD_SEP.finditer(lowered, cut if cut is not None else lo, prefix_end):
        field = m.end()
    if field is not None:
        cut = field
    if cut is not None:
        lo = cut
    spans = [(m.start(), m.end()) for m in _WORD.finditer(lowered, lo, prefix_end)]
    toks = ["with" if lowered[s:e] == "w" else lowered[s:e] for s, e in spans]  # "w/ cancer"
    toks, spans = _without_fillers(toks, spans)
    i = _skip_modifiers(toks, len(toks) - 1)
    found = _linked(text, toks, spans, i, hit, field is not None)
    if found is None and hit.term in _HEADS:
        # "has a gambling addiction", "had spinal fusion surgery": skip free qualifiers
        k = i
        for _ in range(2 if hit.kind == "treatment" else 1):
            if k < 0 or not _is_qualifier(toks[k]):
                break
            k -= 1
            found = _linked(text, toks, spans, _skip_modifiers(toks, k), hit, field is not None)
            if found is not None:
                if found > 0.0:  # report the qualified head: "gambling addiction"
                    hit.start = spans[k + 1][0]
                    hit.term = lowered[hit.start : hit.end]
                break
    return found or 0.0


def _without_fillers(
    toks: list[str], spans: list[tuple[int, int]]
) -> tuple[list[str], list[tuple[int, int]]]:
    """Drop reflexives and durations ("herself", "two weeks", "the night") from the prefix."""
    if not any(t in _REFLEXIVES or t in _DURATION_UNITS for t in toks):
        return toks, spans
    keep = [True] * len(toks)
    for k, tok in enumerate(toks):
        if tok in _REFLEXIVES:
            keep[k] = False
        elif tok in _DURATION_UNITS:
            keep[k] = False
            b = k - 1
            while b >= 0 and k - b <= 3 and (toks[b] in _DURATION_WORDS or toks[b].isdigit()):
                keep[b] = False
                b -= 1
    return (
        [t for t, ok in zip(toks, keep, strict=True) if ok],
        [sp for sp, ok in zip(spans, keep, strict=True) if ok],
    )


def _skip_modifiers(toks: list[str], i: int) -> int:
    """Index of the last token before `i`'s run of modifiers ("stage 3", "a", "severe")."""
    skipped = 0
    while i >= 0 and skipped < 4 and (
        toks[i] in _MODIFIERS or toks[i].isdigit() or _is_dose(toks, i)
    ) and (toks[i] not in _POSSESSIVES):
        i -= 1
        skipped += 1
    return i


_DOSE_TOKEN = re.compile(r"\d+(?:\.\d+)?(?:mg|mcg|ml|iu|units?)?|mg|mcg|ml|iu|units?", _I)


def _is_dose(toks: list[str], i: int) -> bool:
    """ "50mg", "50 mg", "50mg of": a dose between a link and a medication."""
    tok = toks[i]
    if tok == "of":
        return i > 0 and _DOSE_TOKEN.fullmatch(toks[i - 1]) is not None
    return _DOSE_TOKEN.fullmatch(tok) is not None and not tok.isdigit()


def _is_qualifier(tok: str) -> bool:
    """A free word that may qualify a head noun ("gambling" addiction), not grammar."""
    return (
        tok.replace("-", "").isalpha()
        and not tok.endswith("'s")
        and tok not in _POSSESSIVES
        and tok not in _FIRST_SECOND
        and tok not in _THIRD
        and tok not in _AUX
        and tok not in _NOT_NAMES
        and tok not in _DETERMINERS
        and tok not in _FILLERS
        and tok not in _PREPOSITIONS
        and tok not in _PEOPLE
    )


def _linked(
    text: str, toks: list[str], spans: list[tuple[int, int]], i: int, hit: _Hit,
    in_field: bool = False,
) -> float | None:
    """Confidence that the words up to token i attribute `hit`; None when nothing links.

    `in_field`: the words start a dossier field, so a link with nothing before it
    ("/ on suboxone") is about the person the dossier is on.
    """
    if i >= 0 and hit.kind != "facility":
        tok = toks[i]
        if tok in _POSSESSIVES:
            return 0.8
        if tok.endswith("'s") and tok not in _THIRD_IS and tok[:-2] not in _NOT_NAMES:
            original = text[spans[i][0]:spans[i][1]]
            if tok[:-2] in _PEOPLE or original[:1].isupper():
                return 0.8
    if hit.kind != "event" and i >= 0 and toks[i] in _THIRD_IS:
        return 0.85 if hit.kind == "condition" else 0.0
    link_len, strong = _match_link(toks, i, hit.kind)
    if link_len < 0:
        return None
    if hit.loose and tuple(toks[i - link_len + 1 : i + 1]) not in _LOOSE_LINKS:
        return 0.0  # lowercase "ms"/"als": only right after "has" / "diagnosed with"
    j = i - link_len
    aux = 0
    while j >= 0 and aux < 4 and toks[j] in _AUX:
        j -= 1
        aux += 1
    if j > 0 and toks[j] in ("who", "who's", "whos") and (
        toks[j - 1] in _STRANGERS and (j < 2 or toks[j - 2] not in _POSSESSIVES)
    ):
        return 0.0  # "the guy who overdosed": a stranger, not the person discussed
    if j > 0 and toks[j] in _STRANGERS and toks[j - 1] in _INTRODUCING:
        return 0.0  # "helped a man having a seizure"
    subject = _subject(text, toks, spans, j)
    carried = False
    if subject == "none" and j > 0 and toks[j] in _CONJUNCTIONS:
        # "X was diagnosed with polyps and had a colonoscopy": the clause's subject carries
        subject = _subject(text, toks, spans, 0)
        carried = subject in ("third", "maybe")
    if subject == "first":
        return 0.0
    if carried:
        return 0.7
    if hit.general and link_len == 1 and toks[i] == "at":
        # "was at the hospital" is as often a visit, a call or a shift as a stay: review only.
        return 0.45 if subject in ("third", "maybe") and (aux or subject == "third") else 0.0
    if subject == "third":
        return 0.85
    if subject == "maybe":
        # A lowercase word that may be a name ("whitaker has cancer"): trust it after a
        # verb, or after a copula ("x is in rehab"), not after a bare preposition
        # ("advances in chemo").
        link = toks[i - link_len + 1 : i + 1]
        if aux or toks[j].endswith("'s") or (link and link[0] not in _PREPOSITIONS):
            return 0.7
        return 0.0
    if (strong or (in_field and j < 0 and link_len > 0)) and (j < 0 or toks[j] in _FILLERS):
        return 0.6
    return 0.0


def _match_link(toks: list[str], i: int, kind: str) -> tuple[int, bool]:
    """(length, strong) of the longest linking phrase ending at token i; (-1, False) if none."""
    links = _LINKS[kind]
    for length in range(min(_MAX_LINK, i + 1), -1, -1):
        key = tuple(toks[i - length + 1 : i + 1]) if length else ()
        if key in links:
            return length, links[key]
    return -1, False


def _subject(text: str, toks: list[str], spans: list[tuple[int, int]], j: int) -> str:
    """'third', 'maybe' (a lowercase word that could be a name), 'first' or 'none'.

    'first' covers first and second person: not a statement about someone else.
    """
    if j < 0:
        return "none"
    tok = toks[j]
    if tok in _FIRST_SECOND:
        return "first"
    if tok in _THIRD:
        return "third"
    if tok in _PEOPLE or (tok.endswith("s") and tok[:-1] in _PEOPLE):
        before = toks[j - 1] if j > 0 else ""
        if before in ("my", "our", "your", "ur"):
            return "first"
        return "third"
    if tok.endswith("'s") and tok not in _THIRD_IS:
        tok = tok[:-2]
    if tok in _NOT_NAMES or tok in _FIRST_SECOND or tok in _FILLERS:
        return "none"
    original = text[spans[j][0]:spans[j][1]]
    if original[:1].isupper():
        return "third"
    if tok.isalpha() and len(tok) > 2 and (j == 0 or toks[j - 1] not in _DETERMINERS):
        return "maybe"
    return "none"
