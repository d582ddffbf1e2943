"""School or employment location detector (`school_or_employment_location`).

Where somebody works or studies is recognisable from how it is said, in any city:
a frame of working or attending ("works nights at", "cuts hair at", "front desk at",
"consults for", "is a nurse at", "has a daughter at", "varsity soccer at", "his kid
goes to") followed by a place phrase, and an optional "on Main" / "in Brookside"
qualifier. No list of local chains, schools or clinics is consulted:

- a place phrase is a Title Case run ("St. Teresa's", "Black & Veatch", "Mane Street
  Salon"), a school-style acronym ("UCM", "NYU", "JCCC"), or a lowercase phrase that
  reads as a name: a word too rare in English to be an ordinary noun (wordfreq), a
  possessive ("joe's"), or an institution head noun placed by a qualifier ("the nail
  salon on 39th");
- institution head nouns (High, Elementary, Academy, College, Hospital, Clinic,
  Plant, Salon, ...) are generic evidence of a school or a workplace;
- schedules after the place ("wed-sun", "nights", "days", "shifts") support it.

One precompiled RE2 pattern per cue family (linear time, whatever the input) finds
cue + place; cheap checks then drop generic objects ("works at improving", "goes to
the meeting") and label government employers, which are public, not private, facts.
"""

from __future__ import annotations

import functools
import heapq
import re
from collections.abc import Iterator

import re2

from bot.models import Category, Finding
from bot.names import TITLES, TRADE_WORDS, looks_like_full_name

# --- vocabularies -------------------------------------------------------------------------

_SCHOOL_WORDS = (
    "school", "elementary", "middle", "high", "academy", "montessori", "university",
    "college", "daycare", "day care", "preschool", "pre-school", "pre-k", "prek",
    "kindergarten", "institute", "seminary", "prep", "childcare", "child care",
    "learning center", "charter", "primary", "junior high", "jr high", "campus", "uni",
)  # fmt: skip
_SCHOOL_WORD_SET = frozenset(w for w in _SCHOOL_WORDS if " " not in w)

# Capitalized things people attend that are not schools.
_NOT_SCHOOL = frozenset(
    "mass church services service chiefs royals sporting games game meetings meeting "
    "council rallies rally protests protest hearings hearing grandma's grandpa's "
    "grandma grandpa home camp mom's dad's".split()
)
# Words that may follow a place name; any other lowercase word means the capitalized
# run was an adjective ("attends Chiefs games").
_FOLLOW_OK = frozenset(
    "and in on at now this next since with but so for as where which right too lol "
    "every each after before during until".split()
)

# Institution head nouns: generic evidence that a phrase names a workplace (schools have
# their own list above). A closed set of kinds of place, not of places.
_WORK_HEADS = frozenset(
    """hospital hospitals medical clinic clinics health healthcare pharmacy plant factory
    warehouse mill foundry refinery salon barbershop spa shop store stores mall market
    supermarket grocery restaurant diner cafe café bistro bar grill pub tavern brewery
    bakery deli pizzeria kitchen hotel motel inn resort casino gym fitness office offices
    bank branch depot hub terminal garage dealership lab labs laboratory firm agency
    studio center centre clinic plaza outlet station library museum theater theatre
    airport hangar yard shipyard warehouse cannery hatchery nursery kennel vet
    veterinary dental dentistry orthodontics chiropractic pediatrics""".split()
)
# Things a trade verb works on: "cuts hair at", "does nails at", "waits tables at".
_TRADE_OBJECTS = (
    "hair", "nails", "lashes", "brows", "makeup", "tattoos", "taxes", "books", "bookkeeping",
    "payroll", "tables", "shelves", "stock", "inventory", "phones", "the phones", "bar",
    "drinks", "coffee", "cars", "tires", "oil changes", "dogs", "pets", "maintenance",
    "security", "landscaping", "hvac", "plumbing", "billing", "intake",
    "reception", "sales", "insurance", "claims", "dispatch", "deliveries", "carts",
    "checkout", "customer service", "tech support", "support", "admin", "the books",
)  # fmt: skip
_TRADE_VERBS = (
    r"(?:cuts|cut|cutting|does|did|doing|fixes|fixed|fixing|stocks|stocked|stocking|tends|"
    r"tending|answers|answering|bags|bagging|sells|selling|repairs|repairing|details|"
    r"detailing|grooms|grooming|pushes|pushing|handles|handling|runs|running|mans|manning|"
    r"works|working|worked)"
)
# Working hours around a place: supporting evidence that it is a workplace.
_DAY = (
    r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)"
)
_SCHEDULE_RE = re.compile(
    r"(?i)\b(?:" + _DAY + r"s?[ \t]*(?:-|–|thru|through|to)[ \t]*" + _DAY + r"s?|m-f|"
    r"(?:week)?days|nights|overnights?|mornings|evenings|weekends|weekdays|"
    r"(?:day|night|morning|evening|late|early|swing|graveyard|overnight|double|weekend)"
    r"[ \t-]*shifts?|shifts?|\d{1,2}[ \t]*(?:am|pm|a|p)?[ \t]*(?:-|–|to)[ \t]*\d{1,2}"
    r"[ \t]*(?:am|pm|a|p)\b|9[ \t]*-[ \t]*5|every[ \t]+(?:day|weekday|morning|night))\b"
)
# Capitalized school-style acronyms: universities ("U..", "..U", "..SU") and community
# colleges ("..CC"); "UPS" and "USPS" end in S and are not read as schools.
_SCHOOL_ACRONYM_RE = re.compile(r"^(?:U[A-Z]{0,3}[A-RT-Z]|[A-Z]{1,3}S?U|[A-Z]{1,2}CC)$")
# A lowercase word rarer than this (wordfreq Zipf) in English is more likely a name
# ("arrowhead", "hy-vee") than an ordinary noun ("money", "home", "night").
_RARE_ZIPF = 3.5
# Lowercase words that end a lowercase place phrase (the qualifier may start there).
_PHRASE_END = frozenset(
    """in on at near by off for with and or but so to from of then when while because cause
    cuz lol lmao rn now every each since until after before during if as where which who
    that this is was are were has have had he she they we i you it its his her their our
    my your one ones thing things""".split()
)
_LEADING_DET_RE = re.compile(r"(?:that|this|an?)[ \t]+", re.IGNORECASE)
_TIME_WORDS = frozenset(
    """weekends weekdays days nights mornings evenings overnight overnights shift shifts
    lunch today tonight tomorrow yesterday rn""".split()
)
# Lowercase objects of "works at" that are times, manners or abstractions, never places.
_GENERIC_OBJECTS = frozenset(
    """home night nights day days noon midnight night-time work school all least most
    best worst first last once times time moment present minimum full half it this that
    them him her me us you everything something anything nothing night-shift large risk
    will heart random odds dawn sunrise sunset lunch dinner breakfast length""".split()
)
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
    r"(?i)^(?:the[ \t]+)?(?:city|county|state|government|feds?|city[ \t]+hall|"
    # a police or fire department's initials in any city: "KCPD", "NYPD", "LAFD", "KCKPD"
    r"[a-z]{1,5}(?:pd|fd)|city[ \t]+of[ \t].*|"
    r"fbi|dea|atf|irs|usps|post[ \t]+office|public[ \t]+works|water[ \t]+services|"
    r"municipal[ \t]+court|mayor'?s[ \t]+office|department|station|firehouse|fire[ \t]+house|"
    r".*\b(?:police|sheriff'?s?|fire[ \t]+department|fire[ \t]+station|precinct|"
    r"patrol|substation|squad|city[ \t]+council|courthouse|county|government|"
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
# Nouns after "is a ... at" that are events, not jobs ("there's a rally at ...").
_EVENT_WORDS = frozenset(
    """rally protest meeting hearing vigil party event game concert show march sale festival
    fundraiser parade shooting fire crash accident incident fight forum debate service
    funeral wedding speech presser conference session gathering meetup match tournament
    regular fan customer member guest visitor patient""".split()
)
# Objects that are never a workplace or school ("works at Mass", "goes to Church").
_NOT_PLACE = frozenset("am pm a.m. p.m. noon midnight".split())
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
    + r"|hospital|clinic|store|plant|warehouse|factory|center|office|shop|restaurant|bank|hub|"
    r"depot|yard|terminal|garage|lab|branch|location|distribution[ \t]+center)\b"
)
_OBJ = (
    r"(?P<obj>(?:\d{1,4}" + _S + r")?" + _CAPSEQ + r"(?:" + _S + _INST_SUFFIX + r")?"
    r"|(?:" + _LWORD + _S + r"){1,3}(?i:" + _SCHOOL_ALT + r")\b"
    r"|(?i:city|county|state|police[ \t]+department|police|fire[ \t]+department|"
    r"sheriff'?s[ \t]+office|government|feds|department|post[ \t]+office)\b"
    # any other lowercase phrase; `_lowercase_place` decides whether it reads as a name
    r"|(?:(?:that|this|an?)" + _S + r")?(?:" + _LWORD + _S + r"){0,3}" + _LWORD + r")"
)
_DIR = r"(?:(?i:north|south|east|west)|[NSEW]\.?)"
_HIGHWAY = r"(?:(?:Highway|Hwy|Route|US|I-?)[ \t]*\d{1,3}\b|\d{1,3}[ \t]+(?i:highway|hwy)\b)"
_ORD = r"\d{1,3}(?i:st|nd|rd|th)\b"
_TYPE = r"(?i:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|parkway|pkwy|lane|ln|" \
    r"terrace|ter|trafficway|highway|hwy|plaza|pike|way|court|ct)\b\.?"
_QUAL = (
    r"(?P<q>" + _S + r"(?P<qprep>(?i:on|in|at|off|near|by|over[ \t]+on|over[ \t]+in|out[ \t]+in|"
    r"down[ \t]+on|up[ \t]+on))" + _S + r"(?:(?i:the)" + _S + r")?(?:" + _DIR + _S + r")?"
    r"(?P<qname>" + _ORD + r"|" + _HIGHWAY + r"|" + _CAPWORD + r"(?:" + _S + _CAPWORD
    + r"){0,2}|" + _LWORD + r"(?:" + _S + _LWORD + r"){0,2})"
    r"(?:" + _S + _TYPE + r")?"
    # a corner: "on 39th & Broadway", "on Main and 5th"
    r"(?:[ \t]*(?:&|and)[ \t]*(?:" + _ORD + r"|" + _CAPWORD + r"|" + _LWORD + r")"
    r"(?:" + _S + _TYPE + r")?)?)?"
)
# The qualifier alone, matched where a place phrase ends. Python's re: RE2's wrapper
# encodes the whole text on every call, and this one runs once per finding (a message
# of thousands of findings would pay that quadratically). The pattern has only bounded
# repeats, so re cannot backtrack far.
_QUAL_RE = re.compile(_QUAL)
_QUAL_GROUPS = _QUAL_RE.groupindex
# Up to three words between a cue verb and its preposition ("works nights in the ER at").
_MOD = r"(?:" + _S + r"[A-Za-zß-öø-ÿ0-9][A-Za-zß-öø-ÿ0-9'’-]*){0,3}?"
_AT = r"(?:(?:over|down|up|out)" + _S + r")?"
_CHILD = (
    r"(?:kids?|sons?|daughters?|child(?:ren)?|boys?|girls?|twins|step(?:son|daughter)s?|"
    r"grand(?:kid|son|daughter)s?|niece|nephew|toddler)"
)
_RELATION = (
    r"(?:wife|husband|gf|bf|girlfriend|boyfriend|partner|spouse|fianc[eé]e?|mom|dad|mother|"
    r"father|sister|brother|ex|ex-wife|ex-husband|roommate)"
)
_WORK_VERBS = (
    r"work(?:s|ed|ing)?|clock(?:s|ed|ing)?" + _S + r"(?:in|out)|employed|volunteer(?:s|ed|ing)?|"
    r"consult(?:s|ed|ing)?|contract(?:s|ed|ing)?|subcontract(?:s|ed|ing)?|"
    r"freelanc(?:es|ed|ing)|temp(?:s|ed|ing)|"
    + _TRADE_VERBS + _S + r"(?:[a-z'’-]+" + _S + r"){0,2}?(?:" + _alt(_TRADE_OBJECTS) + r")|"
    r"intern(?:s|ed|ing)?|teach(?:es|ing)?|taught|moonlight(?:s|ed|ing)?|job|shifts?|gig|"
    r"position|bartend(?:s|ed|ing)?|waitress(?:es|ed|ing)?|waits" + _S + r"tables|"
    r"cook(?:s|ed|ing)?|clean(?:s|ed|ing)?|drives|drove|driving|deliver(?:s|ed|ing)?|"
    r"coach(?:es|ed|ing)?|tutor(?:s|ed|ing)?|babysit(?:s|ting)?|nann(?:ies|ying)|"
    r"sub(?:s|bing)|stationed|assigned|posted|hired|residency|internship|rotation|clinicals|"
    r"practicum|apprenticeship|externship|fellowship|"
    r"on" + _S + r"(?:the" + _S + r")?(?:staff|payroll|faculty)|"
    r"(?:runs|ran|running|mans|manning|staffs|staffing)" + _S + r"the" + _S
    + r"(?:[a-z-]+" + _S + r"){0,2}?(?:register|counter|desk|kitchen|grill|bar|floor|line|"
    r"deli|pharmacy|cash|drive-thru|door|warehouse|shop|store|office|front|lab|library)"
)
_GRADE = (
    r"(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
    r"tenth|eleventh|twelfth|kindergarten|pre-?k|preschool)"
)
_SPORT_NOUNS = (
    r"(?:soccer|football|basketball|baseball|softball|volleyball|hockey|lacrosse|tennis|golf|"
    r"track|cross[ \t-]+country|swim(?:ming)?|wrestling|cheer(?:leading)?|band|choir|"
    r"orchestra|debate|robotics|gymnastics|rugby|water[ \t]+polo|dance[ \t]+team)"
)
# "varsity soccer at", "jv for", "on the debate team at": school teams.
_TEAM = (
    r"(?:(?:(?:varsity|jv|junior[ \t]+varsity|freshman|sophomore|middle[ \t]+school|"
    r"high[ \t]+school)[ \t]+)?" + _SPORT_NOUNS + r"(?:[ \t]+(?:team|squad|player|captain|"
    r"star|practice))?|varsity|jv)"
)
_SPORTS = (
    r"(?:plays?|played|playing|runs" + _S + r"track|swims|wrestles|cheers|cheerleads|dances|"
    r"trains|practices|competes|rows|skates|boxes)"
)
# One pattern per cue family, each followed by the same place + qualifier tail. They run
# separately so a generic cue ("his wife ... at") never hides a specific one ("works at")
# that starts later in the same phrase; `_CUE_KINDS` orders them, most specific first.
_CUES: dict[str, str] = {
    "work": (
        r"\b(?P<cue>(?i:(?:" + _WORK_VERBS + r")" + _MOD + _S + _AT
        + r"(?:at|for|with|by|to|out" + _S + r"of)|clock(?:s|ed|ing)?" + _S + r"out" + _S
        + r"(?:of|from)))"
    ),
    "role": r"\b(?P<cue>(?i:(?:" + _alt(_ROLES) + r")s?" + _S + _AT + r"(?:at|for|with)))",
    "school": (
        r"\b(?P<cue>(?i:(?:goes|go|going|gone)" + _S + r"to(?:" + _S
        + r"(?:school|daycare|preschool|college|class(?:es)?|practice)" + _S
        + r"(?:at|in|over" + _S + r"at))?|attend(?:s|ing|ed)?|enroll?(?:s|ed)?" + _S
        + r"(?:at|in)|(?:student|freshman|sophomore|junior|senior|kindergartn?er|grader|"
        + r"pupil)s?" + _S + r"at|(?:grade|kindergarten|pre-?k)" + _S + r"at|"
        + r"(?:stud(?:ies|ying|ied)|major(?:s|ing|ed)?)" + _MOD + _S + r"at|class(?:es)?" + _S
        + r"at|graduated" + _S + r"from|in" + _S + r"(?:daycare|day" + _S + r"care|preschool|"
        + r"pre-?k|kindergarten|school|college|class(?:es)?)" + _S + r"(?:at|over" + _S + r"at)|"
        + r"in" + _S + r"(?:the" + _S + r")?" + _GRADE + r"(?:" + _S + r"grade)?" + _S
        + r"(?:at|over" + _S + r"at)|"
        # school programs and discipline: "in the special ed program at", "expelled from"
        + r"in" + _S + r"(?:the" + _S + r")?(?:special[ \t-]+ed(?:ucation)?|sped|gifted|"
        + r"honors|ib|ap|esl|ell|magnet|after[ \t-]*school|head[ \t]+start|dual[ \t]+"
        + r"language|immersion|stem)" + _S + r"(?:program|class(?:es)?|track)" + _S + r"at|"
        + r"(?:got" + _S + r")?(?:suspended|expelled|kicked" + _S + r"out)" + _S
        + r"(?:from|of|at)|"
        + r"(?:(?:takes|took|rides|rode)" + _S + r"the" + _S + r"bus|bus(?:es|ed)?|"
        + r"carpools?|walks|bikes)" + _S + r"to))"
    ),
    "label": (
        r"(?m:^)[ \t>*•-]*(?P<cue>(?i:(?:(?:kids?|sons?|daughters?|child(?:ren)?)(?:'s)?"
        + _S + r")?(?:school|work|job|employer|workplace|works" + _S + r"at)|" + _CHILD
        + r")[ \t]*(?:[:=→–]|->|-))"
    ),
    "pick": (
        r"\b(?P<cue>(?i:(?:pick(?:s|ed|ing)?|drop(?:s|ped|ping)?)" + _MOD + r"(?:" + _S
        + r"(?:up|off))?" + _MOD + _S + r"(?:at|from)))"
    ),
    "childat": (
        r"\b(?P<cue>(?i:" + _CHILD + r"(?:" + _S + r"[a-z][a-z'’-]*)??(?:'s|’s|" + _S
        + r"(?:is|are|was|were))(?:" + _S + r"(?:now|still|currently|also|already))?" + _S
        + r"(?:at|in)))"
    ),
    # "her kid's school is Hogan Prep", "his job is at Garmin", "lucia's daycare is ..."
    "possis": (
        r"(?P<cue>(?i:(?:'s|’s|\bhis|\bher|\btheir)" + _S + r"(?:" + _CHILD + r"(?:'s|’s)?"
        + _S + r")?(?P<inst>school|daycare|day" + _S + r"care|preschool|college|job|work|"
        r"workplace|employer|office|shift)" + _S + r"(?:is|was|=)(?:" + _S
        + r"(?:now|still))?(?:" + _S + _AT + r"(?:at|in))?))"
    ),
    # "started at UMKC", "transferred to Rockhurst", "got hired at Garmin"
    "start": (
        r"\b(?P<cue>(?i:(?:start(?:s|ed|ing)?(?:" + _S + r"(?:school|college|classes|"
        r"kindergarten|preschool|work|a" + _S + r"new" + _S + r"job|a" + _S + r"job))?|"
        r"transferr?(?:s|ed|ing)|(?:got" + _S + r")?accepted)" + _S + r"(?:at|to|into)|"
        r"got" + _S + r"into))"
    ),
    "sport": r"\b(?P<cue>(?i:(?:" + _SPORTS + _MOD + r"|" + _TEAM + r")" + _S + r"(?:at|for)))",
    # "front desk at", "night shift at", "overnights at": a post at a workplace
    "post": (
        r"\b(?P<cue>(?i:(?:front[ \t-]*desk|reception[ \t]+desk|(?:day|night|morning|evening|"
        r"late|early|swing|graveyard|overnight|double|weekend)[ \t-]*shifts?|overnights|"
        r"on[ \t-]+call)(?:[ \t]*,?[ \t]*(?:days|nights|weekends|mornings|evenings))?"
        + _S + r"(?:at|for|@)))"
    ),
    # "has a daughter at", "has two kids in 3rd grade at"
    "hasat": (
        r"\b(?P<cue>(?i:(?:has|have|had|got)" + _S + r"(?:(?:a|an|one|two|three|four|"
        r"twin|\d)" + _S + r")?(?:(?:little|young|younger|older|teenage|teen|grown|step)"
        r"[ \t-]*)?" + _CHILD + r"(?:" + _S + r"in" + _S + r"(?:the" + _S + r")?" + _GRADE
        + r"(?:" + _S + r"grade)?)?" + _S + r"(?:at|@)))"
    ),
    # "he's at Rockhurst High": only with a school word does being "at" a place mean it
    "isat": (
        r"(?P<cue>(?:\b(?i:he|she|they)(?:'s|’s|" + _S + r"(?i:is|are|was))|\b[A-Z][a-z]+"
        r"(?:'s|’s|" + _S + r"is))(?:" + _S + r"(?i:now|still|currently|also))?" + _S
        + r"(?i:at))"
    ),
    "trans": r"\b(?P<cue>(?i:manages|runs|ran|owns|owned|co-owns))",
    "arole": (
        r"\b(?P<cue>(?i:(?:is|was|as|'s|’s)" + _S + r"(?P<det>an?|the)" + _S
        + r"(?:[a-z0-9-]+" + _S + r"){0,2}?(?P<roleword>[a-z-]+)" + _S + r"at))"
    ),
    "relat": (
        r"\b(?P<cue>(?i:" + _RELATION + r"(?:'s|’s)?(?:" + _S + r"[a-z]+(?:'s|’s)?){0,2}?" + _S
        + r"(?:at|@)))"
    ),
}
_CUE_KINDS = tuple(_CUES)
# Lowercase substrings at least one of which every match of a cue family contains, so a
# message without any skips that family's scan (one RE2 call each). Families whose words
# are too common to gate on ("work", "role", "school", "arole") always run.
_CUE_GATES: dict[str, tuple[str, ...]] = {
    "label": (":", "=", "→", "–", "-"),
    "pick": ("pick", "drop"),
    "childat": ("kid", "son", "daughter", "child", "boy", "girl", "twins", "niece", "nephew",
                "toddler"),
    "possis": ("school", "day", "college", "job", "work", "employer", "office", "shift"),
    "start": ("start", "transfer", "accepted", "got"),
    "sport": ("play", "run", "swim", "wrestl", "cheer", "dance", "train", "practice",
              "compete", "rows", "skate", "boxes", "soccer", "ball", "hockey", "lacrosse",
              "tennis", "golf", "track", "country", "band", "choir", "orchestra", "debate",
              "robotics", "gymnastics", "rugby", "polo", "varsity", "jv"),
    "post": ("desk", "shift", "overnight", "call"),
    "hasat": ("kid", "son", "daughter", "child", "boy", "girl", "twins", "niece", "nephew",
              "toddler"),
    "trans": ("manages", "run", "ran", "own"),
    "relat": ("wife", "husband", "gf", "bf", "friend", "partner", "spouse", "fianc", "mom",
              "dad", "mother", "father", "sister", "brother", "ex", "roommate"),
}  # fmt: skip
_GATE_MAX_CHARS = 2000
_CUE_RES = {
    kind: re2.compile(body + _S + r"(?:(?i:the)" + _S + r")?" + _OBJ)
    for kind, body in _CUES.items()
}
_GROUPS = {kind: regex.groupindex for kind, regex in _CUE_RES.items()}
_CHILD_RE = re2.compile(r"(?i)\b" + _CHILD + r"\b")
# Cue families that only say someone is at a place; "right now" makes it a visit.
_BEING_AT = frozenset({"childat", "isat", "relat"})
_NOW_RE = re.compile(
    r"[ \t,]*(?:right[ \t]+now|rn|today|tonight|this[ \t]+(?:morning|afternoon|evening|"
    r"weekend)|for[ \t]+(?:the|a)[ \t]+(?:day|game|party|meeting|show))\b",
    re.IGNORECASE,
)
_TEAM_CUE_RE = re2.compile(r"(?i)\b(?:varsity|jv|team|squad|captain)\b")
_RESIDE_RE = re2.compile(r"\b(?:live|lives|living|lived|stay|stays|staying|sleeps|moved)\b")
_SEEN_RE = re2.compile(r"(?i)\b(?:saw|seen|see|met|meet|with|spotted|ran[ \t]+into|bumped)\b")
# RE2's \s is exactly [\t\n\f\r ]; spelled out, Python's re matches the same on these short
# slices without RE2's per-call wrapper cost (most of the time of a finding).
_WS_RE = re.compile(r"[\t\n\f\r ]+")
_WORD_RE = re.compile(r"[^\t\n\f\r .,]+")
_NEXT_WORD_RE = re2.compile(r"[ \t]+([a-z][a-z'’-]*)")
_PERSONISH_RE = re2.compile(
    r"(?i)\b(?:he|she|they|his|her|their|him|" + _RELATION + r"|" + _CHILD + r")\b|['’]s\b"
    r"|\b(?-i:[A-Z][a-z]+)[ \t]+(?:just[ \t]+|recently[ \t]+)?$"
)
_PATIENT_RE = re2.compile(
    r"(?i)\b(?:seeing|sees|saw|see|visits?|visited|went[ \t]+to|goes[ \t]+to|going[ \t]+to|"
    r"has|had|needs|called)[ \t]+(?:a|an|the|her|his|their)[ \t]+$"
)
_NOT_A_GUARD_RE = re2.compile(
    r"(?i)\b(?:social|national|homeland|job|food|border|data|financial|cyber)[ \t]*$"
)
_PAST_BEFORE_RE = re2.compile(r"\b(?:used[ \t]+to|formerly|once|previously|retired)[ \t]+$")

_TRIGGERS: tuple[str, ...] = (
    "work", "clock", "employ", "volunteer", "intern", "teach", "taught", "moonlight",
    "job", "shift", "gig", "position", "manag", "go", "attend", "enrol", "student",
    "freshman", "sophomore", "junior", "senior", "kindergart", "grader", "pupil", "grade",
    "pre-k", "prek", "stud", "class", "graduated", "pick", "drop", "bartend", "waitress",
    "waits", "cook", "clean", "driv", "drove", "deliver", "coach", "tutor", "babysit",
    "nann", "sub", "stationed", "assigned", "posted", "runs", "ran", "owns", "owned",
    "is a", "was a", "as a", "'s a", "’s a", "are at", "consult", "contract", "freelanc",
    "temp", *_TRADE_OBJECTS, "desk", "overnight", "on call", "on-call", "soccer",
    "ball", "hockey", "lacrosse", "tennis", "golf", "track", "country", "band", "choir",
    "orchestra", "debate", "robotics", "gymnastics", "rugby", "polo", "varsity", "jv",
    "suspended", "expelled", "kicked", "program", "th at", "st at", "nd at", "rd at",
    "fifth", "eighth", "ninth", "twelfth", "play", "swim", "wrestle", "cheer", "kid",
    "son", "daughter",
    "child", "boy", "girl", "twins", "niece", "nephew", "toddler", "wife", "husband", "gf",
    "bf", "friend", "partner", "spouse", "fianc", "mom", "dad", "mother", "father",
    "sister", "brother", "ex", "roommate", "school", "employer", "hired", "staff", "payroll",
    "faculty", "mans", "manning", "start", "transfer", "accepted", "got into", "daycare",
    "day care", "preschool", "college", "office", "dance", "train", "practice", "compete",
    "rows", "skate", "boxes", "major", "residency", "rotation", "clinicals", "practicum",
    "apprentice", "externship", "fellowship", "bus", "carpool", "walks", "bikes",
    *_ROLES,
)  # fmt: skip


class SchoolWorkDetector:
    """Finds where a person (or their family) works or studies."""

    category = Category.SCHOOL_OR_EMPLOYMENT_LOCATION
    name = "school_work"
    triggers: tuple[str, ...] = _TRIGGERS

    def __init__(self) -> None:
        _rare("doxguard")  # load wordfreq's table now, at start, not on the first message

    def detect(self, text: str, limit: int | None = None) -> list[Finding]:
        """Findings in text order; with `limit`, the first `limit` of them.

        With a limit the cue matches are read in text order and reading stops once
        those first findings are certain: exactly `detect(text)[:limit]`, but a wall
        of cues costs what its first few cost.
        """
        return self._find(text, limit)

    def _find(self, text: str, limit: int | None = None) -> list[Finding]:
        """Location phrases (institution + qualifier) after a work or school cue."""
        candidates: list[tuple[int, int, Finding]] = []
        # RE2's (?i) also reads the Kelvin sign as 'k' (lower() does too) and 'ſ' as 's'.
        # On long text the dozens of substring scans cost more than the RE2 scans they
        # might save, so only chat-sized messages are gated (the result is the same).
        folded = text.lower() if len(text) <= _GATE_MAX_CHARS else ""
        if "ſ" in folded:
            folded = folded.replace("ſ", "s")
        streams = []
        for rank, kind in enumerate(_CUE_KINDS):
            gate = _CUE_GATES.get(kind) if folded else None
            if gate is not None and not any(stem in folded for stem in gate):
                continue
            streams.append(_cues(text, rank, kind))
        next_check = 2 * limit if limit is not None else None
        for at, rank, kind, m in heapq.merge(*streams, key=lambda c: (c[0], c[1])):
            if next_check is not None and len(candidates) >= next_check:
                # every later finding starts at or after `at`: the first `limit` are final
                # once that many are chosen among those starting before it
                if len(_chosen(candidates, at)) >= limit:
                    break
                next_check *= 2
            finding = self._finding(text, m, kind)
            if finding is not None:
                candidates.append((finding.start, rank, finding))
        return _chosen(candidates)[:limit]

    def _finding(self, text: str, m: re2._Match, cue_kind: str) -> Finding | None:
        groups = _GROUPS[cue_kind]
        obj_start, obj_end = m.start(groups["obj"]), m.end(groups["obj"])
        obj = text[obj_start:obj_end]
        cue = m.group(groups["cue"]).lower()
        lower_name = False
        if obj[:1].islower() and _OFFICIAL_RE.search(obj.lower()) is None:
            cut = self._lowercase_place(text, obj_start, obj_end, cue, cue_kind)
            if cut is None:
                return None  # "works at improving", "goes to the meeting"
            obj_end, lower_name = cut
            det = _LEADING_DET_RE.match(text, obj_start, obj_end)
            if det is not None and lower_name:
                obj_start = det.end()  # "that hy-vee": the place, not the determiner
            obj = text[obj_start:obj_end]
        spans = [(w.start(), w.end()) for w in _WORD_RE.finditer(obj)]
        # A capitalized run may swallow the rest of the sentence ("Hy-Vee Monday I"):
        # cut it at the first word that ends a name.
        truncated = False
        for i, (ws, we) in enumerate(spans):
            if not lower_name and obj[ws:we].lower() in _CAP_STOP:
                if i == 0:
                    return None
                obj_end = obj_start + spans[i - 1][1]
                obj = text[obj_start:obj_end]
                truncated = True
                break
        words = obj.split()

        lowered = obj.lower()
        if obj.isdigit() or _NOT_PLACE.intersection(lowered.split()):
            return None
        if obj[:1].isdigit() and not self._numbered_name_ok(words, lowered):
            return None  # "5121 Brooklyn Ave" is a street address, the other detector's job
        is_school = self._is_school(lowered, words)
        official = _OFFICIAL_RE.search(lowered) is not None
        named = obj[:1].isupper() or obj[:1].isdigit() or lower_name or is_school or official
        if not named:
            return None
        if is_school and obj[:1].islower() and not lower_name:
            head = [w for w in lowered.split() if w not in _SCHOOL_WORD_SET]
            if not head or all(w in _GENERIC for w in head):
                return None  # "goes to a private school": no place named
        lookback = text[max(0, m.start() - 40) : m.start()]
        about_child = _CHILD_RE.search(lookback) is not None or _CHILD_RE.search(cue) is not None
        follows_ok = self._follows_ok(text, obj_end)

        kind, confidence = self._judge(
            cue_kind, cue, is_school, lower_name, about_child, follows_ok, obj, m, lookback
        )
        if kind is None:
            return None
        if cue_kind in _BEING_AT and _NOW_RE.match(text, obj_end) is not None:
            return None  # "the kids are at Costco right now": where they are, not attend
        if official:
            kind, confidence = "official_employer", 0.15

        end = obj_end if truncated else self._qualifier_end(text, obj_end)
        if kind != "official_employer":
            if end > obj_end:
                confidence += 0.05
            if _SCHEDULE_RE.search(text, end, end + 40) or _SCHEDULE_RE.search(cue):
                confidence = min(0.95, confidence + 0.05)  # "..., wed-sun", "works nights at"
            before = text[max(0, m.start() - 16) : m.start()].lower()
            if cue.startswith(_PAST) or _PAST_BEFORE_RE.search(before) is not None:
                confidence = 0.45  # a former job or school is weaker evidence
        value = _WS_RE.sub(" ", text[obj_start:end]).lower().strip()
        return Finding(self.category, obj_start, end, value, round(confidence, 2), kind)

    @staticmethod
    def _lowercase_place(
        text: str, start: int, end: int, cue: str, cue_kind: str
    ) -> tuple[int, bool] | None:
        """(end, reads-as-a-name) of a lowercase place phrase; None when it is no place.

        People type names in lowercase ("works at arrowhead", "the cosentino's
        downtown"). Without a list of places, a lowercase phrase names one when a word
        in it is too rare in English to be an ordinary noun, or is a possessive, or
        when it ends in an institution head noun that a qualifier places ("the nail
        salon on 39th"). Only after cues whose object is a workplace: "at", "for", "by",
        an owner's verb or a label; never "goes to" (a city as often as a school).
        """
        words = [(start + w.start(), start + w.end()) for w in _WORD_RE.finditer(text[start:end])]
        school_phrase = text[start:end].lower().split()[-1] in _SCHOOL_WORD_SET
        last = cue.rsplit(None, 1)[-1] if cue.strip() else ""
        lower_ok = last in ("at", "@", "for", "by") or cue_kind in ("trans", "label", "possis")
        if not lower_ok:
            return (end, False) if school_phrase else None
        toks: list[str] = []
        stop = end
        for k, (ws, we) in enumerate(words):
            tok = text[ws:we].lower().replace("’", "'")
            if k == 0 and tok in ("that", "this", "a", "an") and len(words) > 1:
                toks.append(tok)
                continue
            if tok in _PHRASE_END or tok in _TIME_WORDS or tok in _CAP_STOP:
                stop = words[k - 1][1] if k else start
                break
            toks.append(tok)
        det = toks[0] if toks and toks[0] in ("that", "this", "a", "an") else ""
        name = toks[1:] if det else toks
        if not name or stop <= start:
            return None
        first = name[0]
        if first in _GENERIC_OBJECTS or first in _PERSON_WORDS or first in _REFLEXIVE:
            return None  # "works at night", "works for herself", "works with kids"
        if first.endswith("ing") and len(first) > 5:
            return None  # "works at improving the city"
        if any(t in _PERSON_WORDS for t in name):
            return None
        possessive = any(t.endswith("'s") and len(t) > 4 for t in name)
        rare = any(
            len(t) >= 3 and t.strip("'s").replace("-", "").isalpha() and _rare(t) for t in name
        )
        placed = _QUAL_RE.match(text, stop) is not None and SchoolWorkDetector._qualifier_end(
            text, stop
        ) > stop
        if det in ("a", "an") and not placed:
            return None  # "works at a bank": no place named
        if last in ("at", "@", "for", "by") and (rare or possessive or placed):
            return stop, True
        head = name[-1] in _WORK_HEADS or name[-1] in _SCHOOL_WORD_SET
        if (possessive or head) and placed:
            return stop, True  # "runs the nail salon on 39th"; not "runs the meetups"
        if school_phrase:
            return end, False
        return None

    @staticmethod
    def _qualifier_end(text: str, obj_end: int) -> int:
        """End of an "on Troost" / "on 75th" / "in Lee's Summit" qualifier, or `obj_end`."""
        q = _QUAL_RE.match(text, obj_end)
        if q is None or q.start(_QUAL_GROUPS["q"]) < 0:
            return obj_end
        qname = q.group(_QUAL_GROUPS["qname"])
        prep = q.group(_QUAL_GROUPS["qprep"]).lower()
        first = qname.split()[0].lower().strip(".")
        if first in _CAP_STOP or first in _QUAL_STOP:
            return obj_end
        if qname[:1].islower():
            lowered = qname.lower().split()
            if any(w in _QUAL_STOP or w in _PHRASE_END or w in _CAP_STOP for w in lowered):
                return obj_end  # "on game days", "in the morning"
            has_type = q.end(_QUAL_GROUPS["q"]) > q.end(_QUAL_GROUPS["qname"])
            if not (has_type or prep.endswith("on") or any(_rare(w) for w in lowered)
                    or lowered[-1] in _WORK_HEADS):
                return obj_end
        return q.end(_QUAL_GROUPS["q"])

    @staticmethod
    def _judge(
        cue_kind: str,
        cue: str,
        is_school: bool,
        lower_name: bool,
        about_child: bool,
        follows_ok: bool,
        obj: str,
        m: re2._Match,
        lookback: str,
    ) -> tuple[str | None, float]:
        """(kind, confidence) for a cue + named place, or (None, 0) when it is no location."""
        school_kind = "school" if is_school else "employment"
        if cue_kind in ("work", "role"):
            if cue_kind == "role" and _PATIENT_RE.search(lookback) is not None:
                return None, 0.0  # "seeing a therapist for PTSD": a patient, not a job
            if cue.startswith("security") and _NOT_A_GUARD_RE.search(lookback) is not None:
                return None, 0.0  # "social security for Karen": a benefit, not a job
            if cue.endswith(" with") and not (
                is_school
                or _is_organization(obj, strict=True)
                or _OFFICIAL_RE.search(obj.lower()) is not None
            ):
                return None, 0.0  # "works with Sarah": a colleague, not an employer
            if cue.endswith(" for") and not (lower_name or is_school):
                after_cue = m.group(0)[len(m.group(_GROUPS[cue_kind]["cue"])) :].strip()
                if after_cue[:4].lower() == "the " and (obj.isupper() or " " in obj.strip()):
                    return "employment", 0.75  # "drives for the ATA": an organization
                if after_cue[:4].lower() == "the " and obj.endswith("s"):
                    return "employment", 0.4  # "cleans for the Hendersons": a household
                if _is_organization(obj):
                    return "employment", 0.75  # "consults for Black & Veatch", "for Uber"
                if _is_person(obj):
                    return "employment", 0.4  # "works for Daniel Whitaker": a person
                return "employment", 0.6
            return "employment", 0.8
        if cue_kind == "trans":
            return ("employment", 0.75) if follows_ok else (None, 0.0)
        if cue_kind == "arole":
            role = m.group(_GROUPS["arole"]["roleword"]).lower()
            if role in _EVENT_WORDS or not follows_ok:
                return None, 0.0  # "there's a rally at Mill Creek Park"
            if m.group(_GROUPS["arole"]["det"]).lower() == "the" and (
                role.rstrip("s") not in _ROLE_NOUNS
            ):
                return None, 0.0  # "she's the one at ...": only a job title says "works"
            return school_kind, 0.65
        if cue_kind == "possis":
            inst = m.group(_GROUPS["possis"]["inst"]).lower()
            if inst in ("office",):
                return school_kind, 0.6
            if inst in ("job", "work", "workplace", "employer", "shift"):
                return school_kind if is_school else "employment", 0.8
            return ("school", 0.85) if follows_ok or is_school else (None, 0.0)
        if cue_kind == "start":
            if not (obj[:1].isupper() or lower_name):
                return None, 0.0  # "got into trouble at school": no place named
            if is_school:
                return "school", 0.8
            person = _PERSONISH_RE.search(lookback[-30:]) is not None or about_child
            if person and follows_ok and not _NOT_SCHOOL.intersection(
                obj.lower().split()
            ):
                if not lower_name and (
                    about_child or cue.startswith(("transfer", "got", "accept"))
                ):
                    return "school", 0.7  # "her kid got into Pembroke Hill"
                return "employment", 0.6  # "her husband started at Garmin in May"
            return None, 0.0
        if cue_kind == "label":
            if cue[:1] in "kcsd" and not cue.startswith(("school", "sons", "son'")) and (
                _CHILD_RE.match(cue) and not any(w in cue for w in ("school", "work", "job"))
            ):
                # "kid: Border Star Montessori" — a bare name after "kid:" is the kid's name
                return ("school", 0.85) if is_school else (None, 0.0)
            if "school" in cue:
                return "school", 0.85
            return school_kind, 0.8
        if cue_kind == "pick":
            if is_school:
                return "school", 0.85
            if _PERSON_WORDS.intersection(cue.split()):
                return "employment", 0.7  # "drops his wife off at Truman Medical Center"
            return None, 0.0  # "picks up groceries at Hy-Vee"
        if cue_kind == "childat":
            if is_school:
                return "school", 0.85
            if cue.endswith("in"):
                return None, 0.0  # "his son is in Chicago": a city, not a school
            if lower_name or not follows_ok or _NOT_SCHOOL.intersection(obj.lower().split()):
                return None, 0.0
            return "school", 0.65  # "the Whitaker kids are at Border Star"
        if cue_kind == "relat":
            if _RESIDE_RE.search(cue) is not None:
                return None, 0.0  # "his gf lives at ...": a home, not a workplace
            if _SEEN_RE.search(lookback[-16:]) is not None:
                return None, 0.0  # "saw his wife at Costco": a sighting, not a workplace
            if lower_name or ((obj[:1].isupper() or obj[:1].isdigit()) and follows_ok):
                return school_kind, 0.6  # "gf at the 24 Hour Fitness on Metcalf"
            return None, 0.0
        if cue_kind == "sport":
            team = _TEAM_CUE_RE.search(cue) is not None
            if is_school or ((about_child or team) and follows_ok and not lower_name):
                return "school", 0.7  # "his son plays football at Lee's Summit West"
            return None, 0.0
        if cue_kind == "post":
            return school_kind, 0.75  # "front desk at Research Medical"
        if cue_kind == "hasat":
            if is_school:
                return "school", 0.85
            if lower_name or not follows_ok or _NOT_SCHOOL.intersection(obj.lower().split()):
                return None, 0.0
            return "school", 0.7  # "has a daughter at St. Teresa's"
        if cue_kind == "isat":
            if is_school and not lower_name:
                return "school", 0.7  # "he's at Rockhurst High, junior i think"
            return None, 0.0
        # school cues: goes to, attends, enrolled at, student at, grade at, ...
        if is_school:
            return "school", 0.85
        if lower_name or _NOT_SCHOOL.intersection(obj.lower().split()) or not follows_ok:
            return None, 0.0  # "attends Chiefs games"
        named_by_cue = any(w in cue for w in ("school", "daycare", "college", "class"))
        strong_cue = cue.startswith(("attend", "enrol", "stud", "graduated")) or " at" in cue
        if named_by_cue or (obj.isupper() and len(obj) <= 6 and strong_cue):
            return "school", 0.8
        if about_child:
            return "school", 0.7  # "his son goes to Bishop Miege"
        if strong_cue and obj[:1].isupper():
            return "school", 0.6
        return None, 0.0

    @staticmethod
    def _numbered_name_ok(words: list[str], lowered: str) -> bool:
        """"24 Hour Fitness" is a name; "5121 Brooklyn Ave" or "6 AM" is not."""
        number, rest = words[0], words[1:]
        if len(number) > 2 or not rest:
            return False
        return rest[-1].lower().rstrip(".") not in _STREET_TYPE_WORDS

    @staticmethod
    def _follows_ok(text: str, obj_end: int) -> bool:
        """False when a lowercase noun follows: the capitalized run was an adjective."""
        after = _NEXT_WORD_RE.match(text[obj_end : obj_end + 30])
        return after is None or after.group(1) in _FOLLOW_OK

    @staticmethod
    def _is_school(lowered: str, words: list[str]) -> bool:
        tokens = [w.strip(".,").lower() for w in words]
        if any(t in _SCHOOL_WORD_SET for t in tokens):
            return True
        if any(s in lowered for s in ("day care", "child care", "learning center", "jr high")):
            return True
        return len(words) == 1 and _SCHOOL_ACRONYM_RE.match(words[0].strip(".,")) is not None

@functools.lru_cache(maxsize=4096)
def _rare(word: str) -> bool:
    """True when `word` is too rare in English to be an ordinary noun (a name, a brand)."""
    from wordfreq import zipf_frequency

    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return zipf_frequency(word, "en") < _RARE_ZIPF


_REFLEXIVE = frozenset("himself herself themselves themself myself yourself".split())
# Words that make "works for X" an organization, not a person ("Black & Veatch").
_ORG_WORDS = frozenset(
    """inc inc. llc llc. co co. corp corp. corporation company companies group partners
    associates industries solutions systems services consulting engineering construction
    logistics technologies tech labs holdings enterprises international foods brands
    bank insurance law legal realty properties media motors llp pllc lp pc""".split()
)


def _is_organization(obj: str, strict: bool = False) -> bool:
    """A "works for X" object that names an organization rather than a person.

    "&", a corporate or trade word ("LLP", "Plumbing") or an institution head noun
    say so; unless `strict`, so does a single capitalized word ("drives for Uber"):
    a bare surname employer is rarer than a company.
    """
    words = [w.lower().strip(".,") for w in obj.replace("’", "'").split()]
    if "&" in obj or any(w in _ORG_WORDS or w in _WORK_HEADS or w in TRADE_WORDS for w in words):
        return True
    return not strict and len(words) == 1


def _is_person(obj: str) -> bool:
    """ "Daniel Whitaker", "Judge Miller": a full name (Census data) or a title + name."""
    words = obj.replace("’", "'").split()
    if words and words[0].lower().strip(".") in TITLES:
        return True
    return len(words) == 2 and looks_like_full_name(words[0], words[1])
# Job titles and person nouns that make "she's the ___ at X" a workplace.
_ROLE_NOUNS = frozenset(_ROLES) | frozenset(
    """lady guy woman man person girl head boss owner cashier para paraprofessional
    receptionist nurse teacher coach""".split()
)
_STREET_TYPE_WORDS = frozenset(
    "street st avenue ave road rd boulevard blvd drive dr parkway pkwy lane ln terrace ter "
    "terr trafficway highway hwy plaza pike way court ct place pl circle cir".split()
)

__all__ = ["SchoolWorkDetector"]


def _cues(text: str, rank: int, kind: str) -> Iterator[tuple[int, int, str, re2._Match]]:
    """One cue kind's matches in text order, with what the merge orders them by."""
    for m in _CUE_RES[kind].finditer(text):
        yield m.start(), rank, kind, m


def _chosen(candidates: list[tuple[int, int, Finding]], before: int | None = None
            ) -> list[Finding]:
    """Left to right without overlap; at one place the most specific cue wins. With
    `before`, only among candidates starting before it."""
    out: list[Finding] = []
    for start, _, finding in sorted(candidates, key=lambda c: (c[0], c[1])):
        if before is not None and start >= before:
            break
        if not out or finding.start >= out[-1].end:
            out.append(finding)
    return out
