"""School or employment location detector (`school_or_employment_location`).

Where somebody works or studies is only recognisable from how it is said: a cue
("works at", "clocks in at", "his kid goes to", "picks the kids up at", "a cashier
at") followed by a named place (capitalized words, a school-type word, or a known
chain) and an optional "on Troost" / "in Lee's Summit" qualifier. One precompiled
RE2 pattern (linear time, whatever the input) finds cue + place + qualifier; a few
cheap checks then drop generic objects ("works at improving", "goes to the
meeting") and label government employers, which are public, not private, facts.
"""

from __future__ import annotations

import re2

from bot.models import Category, Finding

# --- vocabularies -------------------------------------------------------------------------

_SCHOOL_WORDS = (
    "school", "elementary", "middle", "high", "academy", "montessori", "university",
    "college", "daycare", "day care", "preschool", "pre-school", "pre-k", "prek",
    "kindergarten", "institute", "seminary", "prep", "childcare", "child care",
    "learning center", "charter", "primary", "junior high", "jr high", "campus", "uni",
)  # fmt: skip
_SCHOOL_WORD_SET = frozenset(w for w in _SCHOOL_WORDS if " " not in w)

# Short names that are schools without a school word (regional, illustrative).
_KNOWN_SCHOOLS = frozenset(
    (
        "umkc", "ku", "mu", "mizzou", "k-state", "ksu", "jccc", "mcc", "kcai", "ucm",
        "rockhurst", "avila", "msu", "wsu", "osu", "penn valley", "longview", "maple woods",
    )
)  # fmt: skip
# Capitalized things people attend that are not schools.
_NOT_SCHOOL = frozenset(
    "mass church services service chiefs royals sporting games game meetings meeting "
    "council rallies rally protests protest hearings hearing".split()
)
# Words that may follow a place name; any other lowercase word means the capitalized
# run was an adjective ("attends Chiefs games").
_FOLLOW_OK = frozenset(
    "and in on at now this next since with but so for as where which right too lol "
    "every each after before during until".split()
)

# Chain stores and big employers people name in lowercase ("works at walgreens").
_CHAINS = (
    "walgreens", "cvs", "walmart", "wal-mart", "target", "costco", "sam's club",
    "hy-vee", "hyvee", "quiktrip", "qt", "price chopper", "sonic", "mcdonald's",
    "mcdonalds", "starbucks", "home depot", "lowe's", "lowes", "amazon", "ups", "fedex",
    "kroger", "aldi", "dillons", "casey's", "taco bell", "wendy's", "chipotle", "panera",
    "applebee's", "chick-fil-a", "best buy", "kohl's", "dollar general", "dollar tree",
    "autozone", "o'reilly", "jiffy lube", "menards", "whole foods", "trader joe's",
    "planet fitness", "burger king", "arby's", "denny's", "ihop", "waffle house",
    "olive garden", "buffalo wild wings", "dunkin", "popeyes", "kfc", "subway",
    "7-eleven", "circle k", "phillips 66", "jack stack", "joe's kc", "cerner", "garmin",
    "hallmark", "h&r block", "t-mobile", "verizon", "at&t", "doordash", "uber", "lyft",
    "instacart", "petsmart", "petco", "ross", "tj maxx", "marshalls", "old navy", "gap",
)  # fmt: skip

_ROLES = (
    "cashier", "clerk", "manager", "nurse", "teacher", "janitor", "custodian", "security",
    "guard", "bartender", "server", "waitress", "waiter", "cook", "chef", "barista",
    "driver", "mechanic", "receptionist", "stocker", "doctor", "pharmacist", "technician",
    "tech", "aide", "paralegal", "secretary", "assistant", "coach", "counselor",
    "principal", "librarian", "lifeguard", "dishwasher", "bouncer", "greeter", "associate",
    "employee", "intern", "volunteer", "supervisor", "engineer", "accountant",
    "dispatcher", "professor", "instructor", "tutor", "nanny", "babysitter", "trainer",
    "stylist", "hairdresser", "bagger", "dentist", "hygienist", "therapist", "paramedic",
    "officer", "deputy", "detective", "sergeant", "cop", "firefighter", "attorney",
    "lawyer", "analyst", "developer", "pharmacy tech", "caregiver", "housekeeper",
    "valet", "usher", "teller", "banker", "staffer", "worker", "owner",
)  # fmt: skip

# Government employers: working there is the servant's public role, not private data.
_OFFICIAL_RE = re2.compile(
    r"(?i)^(?:the[ \t]+)?(?:city|county|state|government|feds?|city[ \t]+hall|kcpd|kcmo|kck|"
    r"kcfd|kckpd|fbi|dea|atf|irs|usps|post[ \t]+office|public[ \t]+works|water[ \t]+services|"
    r"municipal[ \t]+court|mayor'?s[ \t]+office|department|"
    r".*\b(?:police|sheriff'?s?|fire[ \t]+department|fire[ \t]+station|precinct|"
    r"patrol[ \t]+division|city[ \t]+council|courthouse|county|government|"
    r"police[ \t]+department|highway[ \t]+patrol)\b.*)$"
)

# Capitalized words that end a place name rather than continue it.
_CAP_STOP = frozenset(
    """i i'm im i've he she they we it you my his her their our this that then and but so or
    every each since until now today tomorrow tonight yesterday lol lmao tho btw also
    monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays
    thursdays fridays saturdays sundays mon tue tues wed thu thur thurs fri sat sun
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
# Lowercase words after "on" that are times or manners, not streets ("on weekends").
_QUAL_STOP = frozenset(
    """weekends weekdays days nights mornings evenings mondays tuesdays wednesdays
    thursdays fridays saturdays sundays shift call break duty time site foot purpose top
    it that this his her their my our a an and average occasion weekend the its
    holidays""".split()
)
# Whom you pick up or drop off: a person makes "picks X up at <place>" about school/work.
_PERSON_WORDS = frozenset(
    """kid kids son sons daughter daughters child children boy boys girl girls twins baby
    babies wife husband him her them grandkids grandson granddaughter stepson
    stepdaughter brother sister niece nephew toddler little one ones""".split()
)
_GENERIC = frozenset(
    """a an the his her their my our your some this that same another different private
    public local new old catholic christian night summer boarding community state
    city big small good bad""".split()
)
_PAST = ("worked", "used", "former", "attended", "graduated", "taught", "went", "was")

# --- patterns -----------------------------------------------------------------------------


def _alt(words: tuple[str, ...] | list[str]) -> str:
    """A regex alternation, longest first, with RE2-safe escaping."""
    return "|".join(re2.escape(w) for w in sorted(set(words), key=len, reverse=True))


_S = r"[ \t]+"
_UP = "A-ZÀ-ÖØ-Þ"
_LET = "A-Za-zÀ-ÖØ-öø-ÿ0-9"
_CAPWORD = r"(?:(?:St|Mt|Ft)\.|[" + _UP + r"][" + _LET + r"'’&.-]*[" + _LET + r"]|[" + _UP + "])"
_CONNECT = r"(?:of|the|and|for|de|la|&|at)"
_CAPSEQ = _CAPWORD + r"(?:" + _S + r"(?:" + _CONNECT + _S + r"){0,2}" + _CAPWORD + r"){0,5}"
_LWORD = r"[a-zß-öø-ÿ][a-zß-öø-ÿ0-9'’-]*"
_SCHOOL_ALT = _alt(_SCHOOL_WORDS)
_INST_SUFFIX = (
    r"(?i:" + _alt(["middle", "high", "elementary", "grade", "primary", "charter", "prep"])
    + r")?[ \t]*(?i:" + _SCHOOL_ALT
    + r"|hospital|clinic|store|plant|warehouse|factory|center|office|shop|restaurant|bank)\b"
)
_OBJ = (
    r"(?P<obj>(?i:" + _alt(_CHAINS) + r")\b"
    r"|" + _CAPSEQ + r"(?:" + _S + _INST_SUFFIX + r")?"
    r"|(?:" + _LWORD + _S + r"){1,3}(?i:" + _SCHOOL_ALT + r")\b"
    r"|(?i:city|county|state|police[ \t]+department|police|fire[ \t]+department|"
    r"sheriff'?s[ \t]+office|government|feds|department|post[ \t]+office)\b)"
)
_DIR = r"(?:(?i:north|south|east|west)|[NSEW]\.?)"
_ORD = r"\d{1,3}(?i:st|nd|rd|th)\b"
_TYPE = r"(?i:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|parkway|pkwy|lane|ln|" \
    r"terrace|ter|trafficway|highway|hwy|plaza|pike|way|court|ct)\b\.?"
_QUAL = (
    r"(?P<q>" + _S + r"(?P<qprep>(?i:on|in|at|off|near|by|over[ \t]+on|over[ \t]+in|out[ \t]+in|"
    r"down[ \t]+on|up[ \t]+on))" + _S + r"(?:(?i:the)" + _S + r")?(?:" + _DIR + _S + r")?"
    r"(?P<qname>" + _ORD + r"|" + _CAPWORD + r"(?:" + _S + _CAPWORD + r"){0,2}|" + _LWORD + r")"
    r"(?:" + _S + _TYPE + r")?)?"
)
_MOD = r"(?:" + _S + _LWORD + r"){0,3}?"
_CUE = (
    r"\b(?:"
    r"(?P<work>(?i:(?:work(?:s|ed|ing)?|clock(?:s|ed|ing)?" + _S + r"in|employed|"
    r"volunteer(?:s|ed|ing)?|intern(?:s|ed|ing)?|teach(?:es|ing)?|taught|"
    r"moonlight(?:s|ed|ing)?|job|shifts?|gig|position|manag(?:es|ed|ing))" + _MOD
    + _S + r"(?:at|for|with|by)))"
    r"|(?P<role>(?i:(?:" + _alt(_ROLES) + r")s?" + _S + r"(?:at|for)))"
    r"|(?P<school>(?i:(?:goes|go|going|gone)" + _S + r"to(?:" + _S
    + r"(?:school|daycare|preschool|college|class(?:es)?|practice)" + _S
    + r"(?:at|in|over" + _S + r"at))?|attend(?:s|ing|ed)?|enroll?(?:s|ed)?" + _S
    + r"(?:at|in)|(?:student|freshman|sophomore|junior|senior|kindergartn?er|grader|pupil)s?"
    + _S + r"at|(?:grade|kindergarten|pre-?k)" + _S + r"at|stud(?:ies|ying)" + _S
    + r"at|class(?:es)?" + _S + r"at|graduated" + _S + r"from))"
    r"|(?P<pick>(?i:(?:pick(?:s|ed|ing)?|drop(?:s|ped|ping)?)" + _MOD + _S + r"(?:up|off)"
    + _MOD + _S + r"(?:at|from)))"
    r")" + _S + r"(?:(?i:the)" + _S + r")?" + _OBJ + _QUAL
)
_CUE_RE = re2.compile(_CUE)
_G = _CUE_RE.groupindex
_WS_RE = re2.compile(r"\s+")
_WORD_RE = re2.compile(r"[^\s.,]+")
_NEXT_WORD_RE = re2.compile(r"[ \t]+([a-z][a-z'’-]*)")
_PAST_BEFORE_RE = re2.compile(r"\b(?:used[ \t]+to|formerly|once|previously|retired)[ \t]+$")

_TRIGGERS: tuple[str, ...] = (
    "work", "clock", "employ", "volunteer", "intern", "teach", "taught", "moonlight",
    "job", "shift", "gig", "position", "manag", "go", "attend", "enrol", "student",
    "freshman", "sophomore", "junior", "senior", "kindergart", "grader", "pupil", "grade",
    "pre-k", "prek", "stud", "class", "graduated", "pick", "drop",
    *_ROLES,
)  # fmt: skip


class SchoolWorkDetector:
    """Finds where a person (or their family) works or studies."""

    category = Category.SCHOOL_OR_EMPLOYMENT_LOCATION
    name = "school_work"
    triggers: tuple[str, ...] = _TRIGGERS

    def detect(self, text: str) -> list[Finding]:
        """Location phrases (institution + qualifier) after a work or school cue."""
        out: list[Finding] = []
        for m in _CUE_RE.finditer(text):
            finding = self._finding(text, m)
            if finding is not None and (not out or finding.start >= out[-1].end):
                out.append(finding)
        return out

    def _finding(self, text: str, m: re2._Match) -> Finding | None:
        obj_start, obj_end = m.start(_G["obj"]), m.end(_G["obj"])
        obj = text[obj_start:obj_end]
        spans = [(w.start(), w.end()) for w in _WORD_RE.finditer(obj)]
        # A capitalized run may swallow the rest of the sentence ("Hy-Vee Monday I"):
        # cut it at the first word that ends a name.
        for i, (ws, we) in enumerate(spans):
            if obj[ws:we].lower() in _CAP_STOP:
                if i == 0:
                    return None
                obj_end = obj_start + spans[i - 1][1]
                obj = text[obj_start:obj_end]
                break
        words = obj.split()
        truncated = obj_end != m.end(_G["obj"])

        lowered = obj.lower()
        is_school = self._is_school(lowered, words)
        official = _OFFICIAL_RE.search(lowered) is not None
        cue_kind = next(k for k in ("work", "role", "school", "pick") if m.start(_G[k]) >= 0)
        cue = m.group(_G[cue_kind]).lower()

        weak_school = False
        if cue_kind == "school" and not (is_school or official):
            if not (cue.startswith(("attend", "enrol", "stud", "graduated")) or " at" in cue):
                return None  # "goes to Costco" is shopping, not school
            if not obj[:1].isupper() or _NOT_SCHOOL.intersection(lowered.split()):
                return None
            after = _NEXT_WORD_RE.match(text[obj_end : obj_end + 30])
            if after is not None and after.group(1) not in _FOLLOW_OK:
                return None  # "attends Chiefs games"
            named_by_cue = any(w in cue for w in ("school", "daycare", "college", "class"))
            weak_school = not (named_by_cue or (obj.isupper() and len(obj) <= 6))
        if cue_kind == "pick" and not is_school:
            if not _PERSON_WORDS.intersection(cue.split()):
                return None  # "picks up groceries at Hy-Vee"
        if obj[:1].islower() and not (is_school or official or _is_chain(lowered)):
            return None
        if is_school and obj[:1].islower():
            head = [w for w in lowered.split() if w not in _SCHOOL_WORD_SET]
            if not head or all(w in _GENERIC for w in head):
                return None  # "goes to a private school": no place named

        end = obj_end
        if not truncated and m.start(_G["q"]) >= 0 and self._qualifier_ok(m):
            end = m.end(_G["q"])

        if official:
            kind, confidence = "official_employer", 0.15
        elif is_school and cue_kind in ("school", "pick"):
            kind, confidence = "school", 0.85
        elif cue_kind == "school":
            kind, confidence = "school", 0.6 if weak_school else 0.8
        else:
            kind, confidence = "employment", 0.8
            if cue.endswith(" for") and not (_is_chain(lowered) or is_school):
                confidence = 0.4  # "works for Daniel Whitaker" may name a person
        if kind != "official_employer":
            if end > obj_end:
                confidence += 0.05
            before = text[max(0, m.start() - 16) : m.start()].lower()
            if cue.startswith(_PAST) or _PAST_BEFORE_RE.search(before) is not None:
                confidence = 0.45  # a former job or school is weaker evidence
        value = _WS_RE.sub(" ", text[obj_start:end]).lower().strip()
        return Finding(self.category, obj_start, end, value, round(confidence, 2), kind)

    @staticmethod
    def _is_school(lowered: str, words: list[str]) -> bool:
        tokens = [w.strip(".,").lower() for w in words]
        if any(t in _SCHOOL_WORD_SET for t in tokens):
            return True
        if any(s in lowered for s in ("day care", "child care", "learning center", "jr high")):
            return True
        return lowered in _KNOWN_SCHOOLS

    @staticmethod
    def _qualifier_ok(m: re2._Match) -> bool:
        """Keep "on Troost" / "on 75th" / "in Lee's Summit"; drop "on weekends", "at 3pm"."""
        qname = m.group(_G["qname"])
        prep = m.group(_G["qprep"]).lower()
        first = qname.split()[0].lower().strip(".")
        if first in _CAP_STOP or first in _QUAL_STOP:
            return False
        if qname[:1].islower():
            has_type = m.end(_G["q"]) > m.end(_G["qname"])
            return has_type or prep.endswith("on")
        return True


def _is_chain(lowered: str) -> bool:
    return lowered in _CHAIN_SET


_CHAIN_SET = frozenset(_CHAINS)

__all__ = ["SchoolWorkDetector"]
