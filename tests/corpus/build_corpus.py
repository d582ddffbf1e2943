"""Writes tests/corpus/messages.jsonl from the hand-written scenarios below.

The messages are written by hand; this script only assigns ids, channels and
authors, and resolves replies, so hundreds of labelled lines stay consistent.
Each scenario gets its own channel so conversation context never leaks between
scenarios; inside a scenario, context (replies, the same author, the channel's
recent servant) is intended. Every person and value is fictional.

Run from the repository root: `python tests/corpus/build_corpus.py`.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

SSN = "social_security_number"
DOB = "birth_date"
ADDR = "home_address"
EMAIL = "email_address"
PHONE = "phone_number"
FIN = "financial_information"
HEALTH = "health_or_insurance_information"
WORK = "school_or_employment_location"

WHIT = "Daniel Whitaker"
ALV = "Maria Alvarez"
OKA = "Grace Okafor"
BELL = "Thomas Bell"
PRICE = "Angela Price"
YOUNG = "Kevin Young"
BANKS = "Dana Banks"
STONE = "Harold Stone"
NGUY = "Robert Nguyen"
HOLL = "Marcus Holloway"
DELG = "Victor Delgado"
KOW = "Patricia Kowalski"
OCON = "James O'Connell"
RAMAN = "Priya Raman"
CAST = "Erin Castillo"
MITCH = "Sharon Mitchell"

AUTHORS = (
    "kcjay", "mo_river_rat", "tash", "dbo", "westport_willie", "jess🌻", "bigsteve816",
    "ana.r", "noodle", "rook", "b3ckyy", "tmoney", "lena_k", "quietcar", "ghostpepper",
    "hank.d", "marisol", "kc_dad_jokes", "stace", "JRod", "plazaprowler", "ozzie",
)

Msg = dict[str, Any]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _msg(action: str, text: str, cats: Any, who: Any, tags: tuple[str, ...],
         by: str | None, re: int | None) -> Msg:
    return {"action": action, "text": text, "categories": _as_list(cats),
            "servants": _as_list(who), "tags": list(tags), "by": by, "re": re}


def H(text: str, cats: Any, who: Any, *tags: str, by: str | None = None,
      re: int | None = None) -> Msg:
    """A message a moderator must hide: PII linked to a registered servant."""
    return _msg("hide", text, cats, who, tags, by, re)


def R(text: str, cats: Any, who: Any, *tags: str, by: str | None = None,
      re: int | None = None) -> Msg:
    """A weaker case for moderators to review."""
    return _msg("review", text, cats, who, ("review", *tags), by, re)


def A(text: str, *tags: str, by: str | None = None, re: int | None = None) -> Msg:
    """A message to leave alone."""
    return _msg("allow", text, None, None, tags, by, re)


SCENARIOS: list[tuple[str, list[Msg]]] = []


def sc(base: str, *msgs: Msg) -> None:
    SCENARIOS.append((base, list(msgs)))


def one(base: str, *msgs: Msg) -> None:
    """Several unrelated single-message scenarios sharing a channel name prefix."""
    for m in msgs:
        SCENARIOS.append((base, [m]))


# ---------------------------------------------------------------- home addresses
one(
    "general",
    H("officer whitaker lives at 4410 holly st. blue house w the boat in the driveway",
      ADDR, WHIT),
    H("Sgt. Alvarez's house is 3517 Charlotte St, KCMO 64109 if anyone wants to go say hi 🙂",
      ADDR, ALV, "intent"),
    H("Councilwoman Okafor — 2216 Jefferson St Kansas City MO 64108. she doesnt even live in "
      "her district lmao", ADDR, OKA),
    H("det bell's place: 8812 E 97th Terrace, KC MO", ADDR, BELL),
    H("price lives on the 4400 block of Holly, the one with the stone lions out front",
      ADDR, PRICE),
    H("**Harold Stone** home addy → 1907 W 67th St, Mission Hills KS 66208", ADDR, STONE),
    H("capt nguyen moved btw. new place is 10215 Wornall Rd apt 4B", ADDR, NGUY),
    H("holloway and his gf live at 5121 Brooklyn Ave #2. go knock 👊", ADDR, HOLL, "intent"),
    H("Delgado: 612 NE 72nd St, Gladstone, MO 64118. wife's car is the white tahoe",
      ADDR, DELG),
    H("prosecutor kowalski lives at 3344 Baltimore Ave right by the park, saw her mowing lol",
      ADDR, KOW),
    H("Inspector O'Connell = 7730 Main St, KC 64114. he's the one who red-tagged my building",
      ADDR, OCON),
    H("dr raman's house is 1511 W 59th Terr, the brick one on the corner", ADDR, RAMAN),
    H("captain castillo lives way out at 15906 S Blackbob Rd, Olathe", ADDR, CAST),
    H("judge mitchell: 4920 Mercier St. she gave my brother 90 days for NOTHING", ADDR, MITCH),
    H("Kevin Young (the public works guy) lives at 6012 Locust St, kcmo", ADDR, YOUNG),
    H("Dana Banks\n2718 Benton Blvd\nKansas City, MO 64128", ADDR, BANKS),
    H("fyi Karen Whitaker's mom lives with them now at 4410 Holly, so grandma's there too",
      ADDR, WHIT, "family"),
    H("okafor's husband samuel is staying at their lake place, 18 Lakeview Dr, Lake "
      "Lotawana MO 64086", ADDR, OKA, "family"),
)

# ---------------------------------------------------------------- phone numbers
one(
    "general",
    H("whitaker's cell is 816-555-0142 blow it up", PHONE, WHIT, "intent"),
    H("Sgt Alvarez personal # (816) 555-0187", PHONE, ALV),
    H("okafor's personal cell: 816.555.0163 — not the office line, her actual phone",
      PHONE, OKA),
    H("text Bell at 913 555 0119 and tell him what u think of him", PHONE, BELL, "intent"),
    H("Angela Price's husband Marcus, +1 816-555-0177", PHONE, PRICE, "family"),
    H("director young cell 8165550154", PHONE, YOUNG),
    H("Banks home phone is 816-555-0138, she picks up after 6", PHONE, BANKS),
    H("Stone's wife Judith answers at 913-555-0126, ask her where harold is", PHONE, STONE,
      "family"),
    H("nguyen → 314-555-0109 (he kept his stl number lol)", PHONE, NGUY),
    H("holloway's gf Jess Tran 816-555-0191, she posts everything on ig anyway", PHONE, HOLL,
      "family"),
    H("sgt delgado's personal cell is +1 (816) 555-0145", PHONE, DELG),
    H("kowalski's cell 816 555 0168. call her and ask why she dropped the charges", PHONE, KOW),
    H("Dr. Raman cell: 1-816-555-0172", PHONE, RAMAN),
    H("Castillo's number 913-555-0104, got it from a buddy at the firehouse", PHONE, CAST),
    H("Judge Mitchell home line 816-555-0193 lmk if it works", PHONE, MITCH),
    H("O'Connell — 816/555-0114 that's his personal, not the permits office", PHONE, OCON),
    H("whitakers kid tyler's number is 816-555-0129, he's 16 and answers anything",
      PHONE, WHIT, "family"),
)

# ---------------------------------------------------------------- email addresses
one(
    "general",
    H("officer whitaker's personal email is dwhitaker1978@example.com lol go nuts", EMAIL, WHIT),
    H("alvarez personal: maria.alvarez.kc@example.com", EMAIL, ALV),
    H("Okafor's private email (not the city one) gokafor.home@example.com", EMAIL, OKA),
    H("bell's wife linda: linda.bell.1981@example.org", EMAIL, BELL, "family"),
    H("price uses angieprice64@example.com for her personal stuff", EMAIL, PRICE),
    H("young's email kyoung.kc@example.net, he actually reads it", EMAIL, YOUNG),
    H("email Dana Banks at home: dana.t.banks@example.com", EMAIL, BANKS),
    H("harold stone's personal email harold.stone.home@example.org — dont use the county "
      "one, use this", EMAIL, STONE),
    H("capt nguyen: robnguyen.personal@example.com", EMAIL, NGUY),
    H("Delgado's kid Mateo's email mateo.d.2009@example.com lmao", EMAIL, DELG, "family"),
    H("Kowalski — pk.lawhome@example.com. tell her what you think", EMAIL, KOW),
    H("dr raman personal email priya.r.home@example.com", EMAIL, RAMAN),
    H("castillo's gmail is erin.castillo.notreal@gmail.com", EMAIL, CAST),
    H("judge mitchell: sharonm.fakemail@yahoo.com", EMAIL, MITCH),
    H("O'Connell's wife Bridget: bridget.oc@example.org", EMAIL, OCON, "family"),
)

# ---------------------------------------------------------------- social security numbers
one(
    "general",
    H("Whitaker SSN 512-44-7831 lmao someone leaked his whole file", SSN, WHIT),
    H("alvarez ssn: 391 27 5524", SSN, ALV),
    H("social for Okafor is 287-63-1190", SSN, OKA),
    H("Bell — SS# 448-19-2267", SSN, BELL),
    H("Price's social security number is 523 81 4406", SSN, PRICE),
    H("Kevin Young SSN 604-32-7719", SSN, YOUNG),
    H("banks ssn 219 54 0823", SSN, BANKS),
    H("Stone: ssn 301-66-2041", SSN, STONE),
    H("nguyen social 456-71-9032", SSN, NGUY),
    H("holloway's ssn is 145-38-6627 from the leak", SSN, HOLL),
    H("Delgado's wife Ana, SSN 562-09-3318", SSN, DELG, "family"),
    H("kowalski social 078 45 1290", SSN, KOW),
    H("O'Connell's SSN: 233905547", SSN, OCON),
    H("Raman ssn 387649210", SSN, RAMAN),
    H("Judge Mitchell — social security # 611-23-4098", SSN, MITCH),
    H("castillo's social is 502-18-7743 and her husband diego's is 502-18-9120", SSN, CAST,
      "family"),
)

# ---------------------------------------------------------------- birth dates
one(
    "general",
    H("Whitaker DOB 03/14/1978", DOB, WHIT),
    H("sgt alvarez born 6/2/1983 per the court records", DOB, ALV),
    H("Okafor's birthday is Oct 2 1971", DOB, OKA),
    H("Bell dob: 1975-11-09", DOB, BELL),
    H("angela price b. 04/22/1969", DOB, PRICE),
    H("young was born on january 5th, 1980", DOB, YOUNG),
    H("Dana Banks DOB 9-17-77", DOB, BANKS),
    H("Stone's birthday 12/30/1958 — 60-something and still wont retire", DOB, STONE),
    H("nguyen born 14 Feb 1981", DOB, NGUY),
    H("holloway bday 7/4/90 lol patriotic", DOB, HOLL),
    H("Delgado's son Mateo, born 3/3/2009", DOB, DELG, "family"),
    H("kowalski date of birth: August 8, 1974", DOB, KOW),
    H("O'Connell turns 50 on May 9, we should send a card to his house 🙃", DOB, OCON),
    H("Dr. Raman DOB 02/29/1976", DOB, RAMAN),
    H("Castillo was born on 11.23.1984", DOB, CAST),
    H("judge mitchell bday is Jan 19, 1962", DOB, MITCH),
    H("whitaker's wife karen born 1980-11-02", DOB, WHIT, "family"),
)

# ---------------------------------------------------------------- financial information
one(
    "general",
    H("Whitaker's card 4111 1111 1111 1111 exp 09/27 lmao", FIN, WHIT),
    H("alvarez's bank: routing 011000015 acct 483920117", FIN, ALV),
    H("Okafor still owes $310k on the house, Commerce mortgage loan # 77004412", FIN, OKA),
    H("det bell has a 520 credit score and owes the IRS like 40 grand", FIN, BELL),
    H("price's husband's mastercard 5555 5555 5555 4444", FIN, PRICE, "family"),
    H("Young's amex 3782 822463 10005", FIN, YOUNG),
    H("dana banks owes $18k in back taxes and her car got repo'd last month", FIN, BANKS),
    H("Stone's IBAN from when he lived in london: GB82 WEST 1234 5698 7654 32", FIN, STONE),
    H("nguyen's discover 6011 1111 1111 1117", FIN, NGUY),
    H("holloway chase acct 000123456789 routing 021000021", FIN, HOLL),
    H("delgado is 60k in credit card debt and 3 months behind on his mortgage", FIN, DELG),
    H("kowalski checking: routing 101000019, account 3459182766", FIN, KOW),
    H("O'Connell's german account DE89 3704 0044 0532 0130 00 lol why does he have that",
      FIN, OCON),
    H("raman's visa 4532 0187 4412 3903", FIN, RAMAN),
    H("castillo credit score 580, filed chapter 7 in 2019", FIN, CAST),
    H("Judge Mitchell owes 212k on her mortgage, Freedom Mortgage loan number 5540183327",
      FIN, MITCH),
    H("whitaker's wife karen's debit card 5520 1190 4738 2617", FIN, WHIT, "family"),
)

# ---------------------------------------------------------------- health / insurance
one(
    "general",
    H("Whitaker just got out of rehab at Valley Hope, pills apparently", HEALTH, WHIT),
    H("sgt alvarez is on zoloft and xanax lol no wonder", HEALTH, ALV),
    H("Okafor has stage 2 breast cancer, doing chemo at KU Med", HEALTH, OKA),
    H("Det. Bell had a heart attack in may, he's on blood thinners now", HEALTH, BELL),
    H("Price's kid Jordan has type 1 diabetes", HEALTH, PRICE, "family"),
    H("young was on a 72 hour psych hold at Research Medical in march", HEALTH, YOUNG),
    H("Banks has MS, that's why she's never at the office", HEALTH, BANKS),
    H("Stone's BCBS member ID XJH889231004", HEALTH, STONE),
    H("Nguyen's wife Lily's medicare number 1EG4-TE5-MK73", HEALTH, NGUY, "family"),
    H("holloway has PTSD and takes prazosin for the nightmares", HEALTH, HOLL),
    H("delgado's wife is pregnant, high risk, seeing an OB at st luke's", HEALTH, DELG, "family"),
    H("kowalski did 30 days inpatient for alcohol last year", HEALTH, KOW),
    H("O'Connell's Aetna policy number W123456789", HEALTH, OCON),
    H("dr raman's husband has early onset alzheimer's", HEALTH, RAMAN, "family"),
    H("castillo's daughter lucia is on MO HealthNet, DCN 10482736", HEALTH, CAST, "family"),
    H("Judge Mitchell is on dialysis three times a week", HEALTH, MITCH),
    H("whitaker's been seeing a shrink for anger issues since the protest, court-ordered",
      HEALTH, WHIT),
)

# ---------------------------------------------------------------- school / employment
one(
    "general",
    H("Officer Whitaker's wife Karen works at the Walgreens on Troost & 39th", WORK, WHIT,
      "family"),
    H("Whitaker's kid goes to Lincoln Middle School", WORK, WHIT, "family"),
    H("alvarez drops her daughter at Border Star Montessori at 7:45 every morning", WORK, ALV,
      "family"),
    H("Okafor's husband Samuel teaches at Rockhurst, econ dept", WORK, OKA, "family"),
    H("Bell works off-duty security at the Costco on 151st on weekends", WORK, BELL),
    H("price's son jordan plays football at Lee's Summit West, #22", WORK, PRICE, "family"),
    H("Kevin Young's girlfriend Rachel is a hostess at Jack Stack in the Freight House",
      WORK, YOUNG, "family"),
    H("Dana Banks' husband works at the Ford plant in Claycomo, 2nd shift", WORK, BANKS,
      "family"),
    H("Stone's son Owen is a junior at Shawnee Mission East", WORK, STONE, "family"),
    H("capt nguyen's wife lily is a hygienist at Brookside Dental on 63rd", WORK, NGUY,
      "family"),
    H("holloway's gf jess tran works the front desk at the 24 Hour Fitness on Metcalf",
      WORK, HOLL, "family"),
    H("delgado picks his kid up from Hale Cook Elementary at 3:10 every day", WORK, DELG,
      "family"),
    H("kowalski's husband mark works at Burns & McDonnell on Ward Pkwy", WORK, KOW, "family"),
    H("O'Connell's wife teaches 3rd grade at Red Bridge Elementary", WORK, OCON, "family"),
    H("Raman's daughter Meera goes to Pembroke Hill", WORK, RAMAN, "family"),
    H("castillo's husband is a night nurse at Children's Mercy", WORK, CAST, "family"),
    H("Judge Mitchell's husband Paul manages the Price Chopper on Wornall", WORK, MITCH,
      "family"),
    H("sgt alvarez bartends at Harry's on Westport Rd on her days off lol", WORK, ALV),
    H("Kevin Young teaches a night class at MCC Penn Valley too", WORK, YOUNG),
)

# ---------------------------------------------------------------- more health / financial
one(
    "general",
    H("sgt alvarez's cigna ID is U4418 2093 01, found it on a claim form in the trash",
      HEALTH, ALV),
    H("Bell was at Rainbow Center for the 28 day program, that's why he was 'on leave'",
      HEALTH, BELL),
    H("councilwoman price had a miscarriage last spring, her sister posted about it", HEALTH,
      PRICE),
    H("Nguyen's on metformin and insulin, diabetic af", HEALTH, NGUY),
    H("> Member ID: YRK 4471 0923 88\n> Group: 004471\nthat's holloway's united healthcare "
      "card lol", HEALTH, HOLL),
    H("Okafor's kid Ada is in treatment for an eating disorder at Children's Mercy", HEALTH, OKA,
      "family"),
    H("young owes like 90k in medical debt and his wage got garnished", FIN, YOUNG),
    H("kowalski's husband's capital one card: 5105 1051 0510 5100", FIN, KOW, "family"),
    H("Stone is underwater on his house, owes 400k to Wells Fargo, loan #0032119874", FIN,
      STONE),
    H("`routing: 044000037 | acct: 7781 2290 4415` <- delgado's direct deposit from the "
      "paystub someone found", FIN, DELG),
    H("Okafor has 3 collections on her credit report and a 510 score lmaooo", FIN, OKA),
)

# ---------------------------------------------------------------- dumps (several categories)
one(
    "general",
    H("OFFICER DANIEL WHITAKER\n- 4410 Holly St, Kansas City MO 64111\n- cell 816-555-0142\n"
      "- DOB 03/14/1978\n- wife Karen works at Walgreens on Troost",
      (ADDR, PHONE, DOB, WORK), WHIT, "dump", "family"),
    H("sgt alvarez 🧵\naddy: 3517 Charlotte St\nphone: 816-555-0187\nemail: "
      "maria.alvarez.kc@example.com\nkid: Border Star Montessori",
      (ADDR, PHONE, EMAIL, WORK), ALV, "dump", "family"),
    H("| name | Grace Okafor |\n| dob | 10/02/1971 |\n| ssn | 287-63-1190 |\n| cell | "
      "816-555-0163 |", (DOB, SSN, PHONE), OKA, "dump"),
    H("Bell, Thomas — 8812 E 97th Ter / 913-555-0119 / linda.bell.1981@example.org / "
      "SSN 448-19-2267", (ADDR, PHONE, EMAIL, SSN), BELL, "dump", "family"),
    H("everything on councilwoman price: lives 1209 W 57th St, husband marcus works at "
      "Cerner, she's on chemo, card 5555 5555 5555 4444. do what you want with it",
      (ADDR, WORK, HEALTH, FIN), PRICE, "dump", "family", "intent"),
    H("holloway: born 7/4/1990, ssn 145-38-6627, gf at the 24 Hour Fitness on metcalf",
      (DOB, SSN, WORK), HOLL, "dump", "family"),
)

# ---------------------------------------------------------------- linked only through context
sc("protest-chat",
   A("Officer Holloway is the one who tased that kid at the plaza", "negative:mention_only",
     by="rook"),
   H("his number is 816-555-0195, everyone call him", PHONE, HOLL, "context",
     "context:reply", "intent", by="ghostpepper", re=0))
sc("protest-chat",
   A("sgt. delgado needs to answer for what happened friday", "negative:mention_only",
     by="tash"),
   A("fr", "filler", by="noodle"),
   H("his wife ana works at the dollar general on blue parkway", WORK, DELG, "context",
     "context:same_author", "family", by="tash"))
sc("kc-politics",
   A("did yall see councilwoman price on the news last night", "negative:mention_only",
     by="stace"),
   A("she was awful lol", "filler", by="b3ckyy"),
   H("she lives at 1209 W 57th St if anyone wants to tell her in person", ADDR, PRICE,
     "context", "context:channel", "intent", by="JRod"))
sc("kc-politics",
   A("Captain Nguyen signed off on the new curfew", "negative:mention_only", by="lena_k"),
   H("his personal email is rnguyen1981@example.com if u want to tell him how u feel",
     EMAIL, NGUY, "context", "context:reply", by="ozzie", re=0))
sc("court-watch",
   A("who was the judge that gave my cousin 6 months", "filler", by="marisol"),
   A("Judge Mitchell", "negative:mention_only", by="hank.d", re=0),
   H("her bday is 1/19/62, she's on the county site too", DOB, MITCH, "context",
     "context:reply", by="quietcar", re=1))
sc("neighborhood",
   A("Inspector O'Connell red tagged the whole block on Prospect", "negative:mention_only",
     by="westport_willie"),
   A("typical", "filler", by="dbo"),
   A("city inspectors are the worst", "filler", by="kcjay"),
   H("dude's ssn is 233-90-5547 btw, it was in the leaked permit file", SSN, OCON, "context",
     "context:same_author", by="westport_willie"))
sc("kc-politics",
   A("Stone voted for the jail expansion again", "negative:mention_only", by="tmoney"),
   A("of course he did", "filler", by="ana.r"),
   H("he's got a 540 credit score and three liens on his house, look it up", FIN, STONE,
     "context", "context:channel", by="ana.r"))
sc("covid-talk",
   A("Dr. Raman's mask mandate is a joke", "negative:mention_only", by="bigsteve816"),
   H("she's literally on antidepressants from her own clinic, dont take health advice from "
     "her", HEALTH, RAMAN, "context", "context:reply", by="plazaprowler", re=0))
sc("neighborhood",
   A("Castillo was at the fire on 39th st last night", "negative:mention_only", by="kc_dad_jokes"),
   A("she lives like 2 blocks from me", "filler", by="lena_k"),
   H("11820 E 43rd St, the green one", ADDR, CAST, "context", "context:channel",
     by="lena_k"))
sc("general",
   A("Sgt Alvarez again 🙄", "negative:mention_only", by="tash"),
   H("her daughter's at Paseo Academy, 8th grade. just saying", WORK, ALV, "context",
     "context:reply", "family", by="rook", re=0))
sc("court-watch",
   A("detective bell lied on the stand today", "negative:mention_only", by="JRod"),
   A("not surprised", "filler", by="ozzie"),
   H("linda bell is his wife btw, 913-555-0182", PHONE, BELL, "context",
     "context:same_author", "family", by="JRod"))
sc("city-services",
   A("Director Young closed the pool on 63rd AGAIN", "negative:mention_only", by="stace"),
   A("why tho", "filler", by="noodle"),
   H("he's in rehab again per my cousin who works at Research", HEALTH, YOUNG, "context",
     "context:channel", by="hank.d"))
sc("kc-politics",
   A("Angela Price is up for reelection", "negative:mention_only", by="mo_river_rat"),
   H("her social is 523-81-4406 someone dumped it on 4chan", SSN, PRICE, "context",
     "context:reply", by="quietcar", re=0))
sc("protest-chat",
   A("kowalski dropped charges against the cop. unreal", "negative:mention_only", by="marisol"),
   H("email her at home pk.lawhome@example.com and flood it", EMAIL, KOW, "context",
     "context:same_author", "intent", by="marisol"))
sc("protest-chat",
   A("who is badge 4471?", "negative:mention_only", by="ghostpepper"),
   H("danny whitaker, lives in waldo. 7611 Wornall Rd", ADDR, WHIT, "context:reply",
     by="tmoney", re=0))
sc("city-services",
   A("Banks runs the water dept now right", "negative:mention_only", by="dbo"),
   H("yeah and she's 3 months behind on her OWN water bill and has like 20k on credit cards",
     FIN, BANKS, "context", "context:reply", by="b3ckyy", re=0))
sc("kc-politics",
   A("Councilmember Okafor is trending again", "negative:mention_only", by="plazaprowler"),
   H("born 10/02/1971, she's almost 50 and acts 12", DOB, OKA, "context", "context:reply",
     by="westport_willie", re=0))
sc("general",
   A("holloway is a menace", "negative:mention_only", by="kcjay"),
   A("agreed", "filler", by="jess🌻"),
   H("his personal email is marcush.kc@example.com, send him ur thoughts", EMAIL, HOLL,
     "context", "context:same_author", by="kcjay"))
sc("general",
   A("Nguyen's at the presser now", "negative:mention_only", by="lena_k"),
   A("he looks exhausted", "filler", by="rook"),
   H("call him then lol 314-555-0109", PHONE, NGUY, "context", "context:channel",
     by="ozzie"))
sc("protest-chat",
   A("Sgt. Delgado was there too, I have video", "negative:mention_only", by="ana.r"),
   H("his son goes to Bishop Miege, number 7 on the soccer team", WORK, DELG, "context",
     "context:reply", "family", by="bigsteve816", re=0))
sc("covid-talk",
   A("kowalski wants to prosecute people for not wearing masks lmao", "negative:mention_only",
     by="tmoney"),
   A("source?", "filler", by="stace"),
   H("also she was born 8/8/74, she's old enough to know better", DOB, KOW, "context",
     "context:same_author", by="tmoney"))
sc("general",
   A("Whitaker's wife posted again on fb", "negative:mention_only", by="hank.d"),
   H("she works at the walgreens on troost. day shift", WORK, WHIT, "context",
     "context:reply", "family", by="noodle", re=0))

# ---------------------------------------------------------------- evasion
one(
    "general",
    H("whitaker's cell ８１６－５５５－０１４２", PHONE, WHIT, "evasion", "evasion:fullwidth"),
    H("alvarez 816\u200b555\u200b0187", PHONE, ALV, "evasion", "evasion:zero_width"),
    H("Whi\u200btaker lives at 4410 Holly St", ADDR, WHIT, "evasion", "evasion:zero_width"),
    H("Offiсer Whitаker home: 4410 Holly St", ADDR, WHIT, "evasion", "evasion:confusable"),
    H("okafor's cell is eight one six five five five zero one six three", PHONE, OKA,
      "evasion", "evasion:spelled_digits"),
    H("bell: 9 1 3 5 5 5 0 1 1 9", PHONE, BELL, "evasion", "evasion:split_digits"),
    H("price ssn 5.2.3.8.1.4.4.0.6", SSN, PRICE, "evasion", "evasion:split_digits"),
    H("young's number\n816\n555\n0154", PHONE, YOUNG, "evasion", "evasion:split_digits"),
    H("stone's personal email is hstone.home [at] example [dot] org", EMAIL, STONE, "evasion",
      "evasion:email_obfuscation"),
    H("banks: dana dot t dot banks at example dot com", EMAIL, BANKS, "evasion",
      "evasion:email_obfuscation"),
    H("nguyen lives at ||10215 Wornall Rd apt 4B||", ADDR, NGUY, "evasion", "evasion:spoiler"),
    H("delgado ssn `468-20-1175`", SSN, DELG, "evasion", "evasion:code"),
    H("kowalski's home email <mailto:pk.lawhome@example.com|pk.lawhome@example.com>", EMAIL,
      KOW, "evasion", "evasion:slack_link"),
    H("call Raman at home <tel:+18165550172|816-555-0172>", PHONE, RAMAN, "evasion",
      "evasion:slack_link"),
    H("```\nOfficer Holloway\n5121 Brooklyn Ave #2\nKansas City MO 64130\n816-555-0195\n```",
      (ADDR, PHONE), HOLL, "evasion", "evasion:code"),
    H("castillo's visa ４１１１ １１１１ １１１１ １１１１", FIN, CAST, "evasion",
      "evasion:fullwidth"),
    H("mitchell dob 01\u200b/19\u200b/1962", DOB, MITCH, "evasion", "evasion:zero_width"),
    H("O'Connell ssn: two three three, nine zero, five five four seven", SSN, OCON, "evasion",
      "evasion:spelled_digits"),
    H("**Sgt. Alvarez** lives @ __3517 Charlotte St__", ADDR, ALV, "evasion",
      "evasion:markup"),
    H("whitaker's wife karen: karen.whitaker (at) example (dot) com", EMAIL, WHIT, "evasion",
      "evasion:email_obfuscation", "family"),
    H("Рrice card 5555 5555 5555 4444", FIN, PRICE, "evasion", "evasion:confusable"),
    H("||angieprice64@example.com|| 👀 price's personal", EMAIL, PRICE, "evasion",
      "evasion:spoiler"),
    H("8.1.6.5.5.5.0.1.3.8 ← banks home", PHONE, BANKS, "evasion", "evasion:split_digits"),
    H("alvarez routing 0110\u200c00015 acct 4839\u200c20117", FIN, ALV, "evasion",
      "evasion:zero_width"),
    H("_bell's_ wife linda: 913‑555‑0182", PHONE, BELL, "evasion", "evasion:markup", "family"),
    H("Stone DOB ||12/30/1958||", DOB, STONE, "evasion", "evasion:spoiler"),
    H("okafor ssn\n287\n63\n1190", SSN, OKA, "evasion", "evasion:split_digits"),
    H("holloway's email is `marcush.kc@example.com`", EMAIL, HOLL, "evasion", "evasion:code"),
    H("Whіtaker's kid goes to Lincoln Middle School", WORK, WHIT, "evasion",
      "evasion:confusable", "family"),
    H("young's medicare # ||1EG4-TE5-MK73||", HEALTH, YOUNG, "evasion", "evasion:spoiler"),
    H("delgado lives at 6 1 2 NE 72nd St, Gladstone", ADDR, DELG, "evasion",
      "evasion:split_digits"),
    H("Kowalski's cell: <tel:8165550168>", PHONE, KOW, "evasion", "evasion:slack_link"),
)

# ---------------------------------------------------------------- review
one(
    "general",
    R("the cop who pulled me over on 71 lives at 5830 Harrison St, just saying", ADDR, None,
      "unregistered"),
    R("that cop who maced people at the plaza, his cell is 816-555-0199", PHONE, None,
      "unregistered"),
    R("anyone got Whitaker's home address? let's pay him a visit", None, WHIT,
      "call_to_find", "intent"),
    R("someone find out where sgt alvarez's kids go to school", None, ALV, "call_to_find"),
    R("whoever has councilwoman price's personal cell drop it here, we're gonna flood her",
      None, PRICE, "call_to_find", "intent"),
    R("need Bell's home addy asap. DM me or just post it", None, BELL, "call_to_find"),
    R("the city inspector who condemned my building — his email is "
      "jimbo.inspects@example.com, everyone go", EMAIL, None, "unregistered", "intent"),
    R("the judge who gave my brother 90 days was born 1/19/1962, look her up", DOB, None,
      "unregistered"),
    R("let's find out where Director Young lives and make his life hell", None, YOUNG,
      "call_to_find", "intent"),
    R("can someone dig up where Okafor's husband works? want to call his boss", None, OKA,
      "call_to_find", "family"),
    R("the officer who arrested me at the protest lives on the 5500 block of Paseo", ADDR,
      None, "unregistered"),
    R("the dispatcher who hung up on me has a gofundme for her chemo lol", HEALTH, None,
      "unregistered"),
    R("everybody go pull up on Holloway, someone post his addy", None, HOLL, "call_to_find",
      "intent"),
    R("does anyone have Stone's wife's number", None, STONE, "call_to_find", "family"),
    R("the cop in the green cruiser at 39th & main, ssn 388-14-6620 from the leak", SSN,
      None, "unregistered"),
    R("the councilman's aide who blocked us on twitter, her number is 816-555-0156", PHONE,
      None, "unregistered"),
    R("some cop's wife works at the starbucks on main and 43rd, she's the one w the blue "
      "hair", WORK, None, "unregistered", "family"),
    R("I know the officer who shot at the crowd, his DOB is 5/12/1988 and he lives at 2901 "
      "Charlotte St", (DOB, ADDR), None, "unregistered"),
    R("dig up everything on sgt delgado. address, phone, kids, all of it", None, DELG,
      "call_to_find"),
    R("the officer who wrote my ticket is 40k in gambling debt, someone from his "
      "precinct told me", FIN, None, "unregistered"),
    R("whats Dr Raman's home address? asking for a protest 👀", None, RAMAN, "call_to_find",
      "intent"),
    R("the cop who runs the DARE program at my kid's school, his email is "
      "officer.friendly.kc@example.com", EMAIL, None, "unregistered"),
    R("that public works guy who ignored our potholes, his cell is 913-555-0137. make it "
      "ring all night", PHONE, None, "unregistered", "intent"),
)

# ================================================================ hard negatives
NEWS = "negative:news"
one(
    "news",
    A("KC mayor wants to make doxxing cops illegal, ordinance is up at council thursday", NEWS),
    A("> “Our public employees have a right to get home safely and their families should be "
      "free from harm”\nthe mayor on fb today", NEWS),
    A("so the ordinance covers SSN, birthday, home address, email, phone number, financial "
      "info, health/insurance info and school or employment location. that's broad", NEWS),
    A("per the star it'd be illegal to 'willfully or maliciously' publish personally "
      "identifying info to intimidate, abuse, threaten, harass, stalk or frighten a public "
      "official", NEWS),
    A("DHS apparently found officers' personal info was being posted online during the "
      "standoffs after George Floyd was killed on Memorial Day", NEWS),
    A("wait does this cover city employees too or just cops and council members?", NEWS),
    A("Lucas was endorsed by the FOP last year so this isn't exactly surprising", NEWS),
    A("the ordinance doesn't even say what the penalty is lol, KSHB pointed that out", NEWS),
    A("free speech folks are gonna sue over this 100%", NEWS),
    A("<https://www.kansascity.com/news/local/article243987110.html|KC Star: Lucas proposes "
      "doxxing ordinance>", NEWS),
    A("council committee put off voting on the local control ballot question until august",
      NEWS),
    A("in june the stl mayor read protesters' names and addresses on facebook live and "
      "everyone lost it. that's the context here", NEWS),
    A("KCPD is overseen by a board appointed by the Missouri governor and Lucas sits on it. "
      "local control is a whole separate fight", NEWS),
    A("ordinance was introduced July 23, 2020 at the council meeting", NEWS,
      "negative:event_date"),
    A("hot take: posting a cop's home address is bad AND qualified immunity is bad", NEWS),
    A("how would they even enforce this on discord lmao", NEWS),
    A("The law specifically prohibits the publication of Social Security numbers, birth "
      "dates, home addresses, email addresses, phone numbers, financial information, health "
      "or insurance information, or school or employment location.", NEWS),
    A("the mayor said he met w/ police families last saturday who were worried about "
      "their addresses and contact info getting leaked", NEWS),
    A("star article: https://www.kansascity.com/news/politics-government/article244431212.html",
      NEWS),
    A("interesting that it covers 'intimate partner' not just spouses and kids", NEWS),
    A("does posting a badge number count? it's literally printed on their uniform", NEWS),
    A("Police Tribune headline was 'Mayor Pushes To Make Doxing Cops Illegal' lol", NEWS),
    A("AP says the DHS document warned doxxing could lead to attacks against officers", NEWS),
    A("honestly the part that worries me is 'or encourage another to do so', that's vague",
      NEWS),
    A("Lucas signed onto a list of demands at a rally at City Hall last month, incl local "
      "control of KCPD", NEWS),
    A("aclu is reviewing it apparently, the 1st amendment issues are real", NEWS),
    A("\"We do not welcome intimidation of people doing the jobs we hire them to do or "
      "intimidation of their spouses and children\" — ok but who decides what intimidation is",
      NEWS),
    A("so sharing the police chief's office number is fine but his cell isnt? makes sense "
      "tbh", NEWS),
    A("the vote on the ballot question got postponed to august, the doxxing thing is "
      "separate", NEWS),
    A("St. Louis mayor Lyda Krewson got slammed for releasing activists' addresses, now KC "
      "wants a law about it. ironic", NEWS),
    A("*is it doxxing if it's already public record?* genuinely asking, county property "
      "records have everyone's address", NEWS),
    A("reading the ordinance text now, sec. 50-5 defines 'personally identifying "
      "information'", NEWS),
)

OFFICIAL = "negative:official_contact"
one(
    "civic",
    A("if you want to complain, Councilwoman Okafor's office email is "
      "grace.okafor@kcmo.example.gov", OFFICIAL),
    A("call okafor's office at 816-555-0110 and tell them to vote no", OFFICIAL),
    A("Councilmember Price: angela.price@kcmo.example.gov, (816) 555-0111. be polite, it "
      "works better", OFFICIAL),
    A("public works director young → publicworks@kcmo.example.gov for the pothole stuff",
      OFFICIAL),
    A("East Patrol (Sgt Alvarez's division) is at 5301 E 27th St if you need to file in "
      "person", OFFICIAL),
    A("KCPD PIO: pio@kcpd.example.gov / 816-555-0100 for records requests", OFFICIAL),
    A("Judge Mitchell's courtroom is at municipal court, 511 E 11th St", OFFICIAL),
    A("Legislator Stone's office line is 816-555-0140, email hstone@jacksongov.example.org",
      OFFICIAL),
    A("water main broke again, called Dana Banks' office at 816-555-0131 and they said "
      "tomorrow", OFFICIAL),
    A("Dr. Raman's press conference is at the health dept, 2400 Troost Ave, 10am", OFFICIAL),
    A("Capt. Nguyen runs South Patrol, 7601 E 87th St. community meeting there thursday",
      OFFICIAL),
    A("for permits email permits@kcmo.example.gov, Inspector O'Connell's team answers fast "
      "tbh", OFFICIAL),
    A("prosecutor kowalski's office is 415 E 12th St, 7th floor. victim advocates are there "
      "too", OFFICIAL),
    A("Captain Castillo's station does tours, email kcfd.info@kcmo.example.gov", OFFICIAL),
    A("<mailto:district3@kcmo.example.gov|district3@kcmo.example.gov> is okafor's district "
      "office", OFFICIAL),
    A("<tel:+18165550111|816-555-0111> is price's council office fyi", OFFICIAL),
    A("Det. Bell asked anyone with info on the break-ins to email detectives@kcpd.example.gov",
      OFFICIAL),
    A("Sgt. Delgado's unit is at Metro Patrol, 1200 E Linwood Blvd. bring the form there",
      OFFICIAL),
    A("Officer Whitaker said to call 816-555-0100 (the department line) for the report "
      "number", OFFICIAL),
    A("okafor's office is on the 22nd floor of city hall, 414 E 12th St", OFFICIAL),
    A("Dr Raman works out of the health dept on Troost, you can catch her after the briefing",
      OFFICIAL),
    A("judge mitchell — municourt@kcmo.example.gov if you need to reschedule", OFFICIAL),
)

OTHER_PII = "negative:non_servant_pii"
one(
    "marketplace",
    A("selling my couch, $150 obo, text 913-555-0176", OTHER_PII, "negative:price"),
    A("my email is couchguy.kc@example.com if you want pics", OTHER_PII),
    A("hey its tasha, new number 816-555-0149 save it 📱", OTHER_PII),
    A("LOST DOG near Loose Park!! please call me 816-555-0103 🐶😭", OTHER_PII),
    A("my bday is june 3rd 1995 and nobody remembered 😭", OTHER_PII),
    A("my daughter was born 7/14/2020, 7 lbs 2 oz 💕", OTHER_PII),
    A("moved! new place is 3310 Gillham Rd, housewarming saturday, bring chips", OTHER_PII),
    A("ugh i have strep, staying home today", OTHER_PII),
    A("my therapist says i need to log off lol", OTHER_PII),
    A("i work at the Walgreens on Troost if anyone needs a flu shot", OTHER_PII),
    A("my kid goes to Lincoln Middle too, the car line is a nightmare", OTHER_PII),
    A("use 4242 4242 4242 4242 for stripe test mode, any future exp and any cvc",
      OTHER_PII),
    A("sandbox card is 4111 1111 1111 1111, the docs say so", OTHER_PII),
    A("my ssn got exposed in the equifax breach, just froze my credit", OTHER_PII),
    A("credit score finally hit 720 🎉🎉", OTHER_PII),
    A("I owe like 30k in student loans, cool cool cool", OTHER_PII),
    A("Dr. Patel at KU Med is a great dermatologist fwiw", OTHER_PII),
    A("grandma's in the hospital at Saint Luke's, prayers appreciated 🙏", OTHER_PII),
    A("my brother just finished rehab, 90 days clean!! so proud", OTHER_PII),
    A("landlord's number is 816-555-0188 if anyone else in the building needs him",
      OTHER_PII),
    A("DM me or email jess.crafts@example.org for commissions ✨", OTHER_PII),
    A("call me 202-555-0134 im bored lol", OTHER_PII),
    A("my wife works nights at Children's Mercy, it's rough", OTHER_PII),
    A("commerce bank routing is 101000019 right? direct deposit form wants it", OTHER_PII),
    A("the guy who rear ended me gave me his State Farm policy # 48-B221-903, hope it's real",
      OTHER_PII),
    A("my mom turns 60 on saturday, restaurant recs?", OTHER_PII),
    A("venmo me @tash-kc for the tix", OTHER_PII),
    A("i was born in kc, raised in raytown, moved to lawrence for school", OTHER_PII),
    A("ppl selling a crib: 4 yrs old, $60, pickup at 7th & Minnesota in KCK, text "
      "913-555-0112", OTHER_PII, "negative:price"),
    A("my medicare card finally came in the mail, took 3 months", OTHER_PII),
    A("i'm diabetic so i can't do the potluck dessert, ill bring chips", OTHER_PII),
    A("babysitter needed for 2 kids, we live by 75th and Wornall, email "
      "sitter.search@example.com", OTHER_PII),
    A("our plumber is great: Rosie, 816-555-0166", OTHER_PII),
    A("my son starts at Shawnee Mission East next fall, any tips?", OTHER_PII),
)

BIZ = "negative:business_address"
one(
    "food-and-fun",
    A("Smoke & Barrel BBQ at 1814 Grand Blvd is so good, burnt ends sell out by 1", BIZ),
    A("Taco Bell on Troost got my order wrong again, called them at 816-555-0150 and nothing",
      BIZ, "negative:common_word"),
    A("Price Chopper on Wornall is open till midnight now", BIZ, "negative:common_word"),
    A("new coffee place at 3925 Main St, go before it gets crowded", BIZ),
    A("the Costco on 151st has gas for 2.89 rn", BIZ, "negative:price"),
    A("Young's Auto Body (913-555-0117) fixed my bumper for cheap", BIZ,
      "negative:common_word"),
    A("Banks Hardware on 39th closes at 6 on sundays", BIZ, "negative:common_word"),
    A("the Walgreens at 3901 Troost Ave has the shots now", BIZ),
    A("Stone Creek Dental, 9100 Ward Pkwy, highly recommend", BIZ, "negative:common_word"),
    A("River Market Antiques 115 W 5th St, huge sale this weekend", BIZ),
    A("our office moved to 1100 Walnut St suite 1200", BIZ),
    A("Bell Tower Books at 4117 Pennsylvania Ave has the new one in stock", BIZ,
      "negative:common_word"),
    A("DMV on Prospect is a nightmare, go to the one at 5621 NW Barry Rd", BIZ),
    A("drop donations at KC Community Pantry, 2210 E 18th St, dock door 3", BIZ),
    A("the brewery at 1717 Oak St does trivia tuesdays", BIZ),
    A("anyone been to the new pho place on 39th? 816-555-0158 for takeout", BIZ),
)

EVENT = "negative:event_address"
one(
    "organizing",
    A("protest at City Hall, 414 E 12th St, saturday noon. bring water", EVENT),
    A("march starts at Mill Creek Park (47th & Main) at 6pm", EVENT),
    A("vigil tonight at 4800 Main St, candles provided", EVENT),
    A("town hall at the Plaza library, 4801 Main St, 7pm thursday", EVENT),
    A("block party at 3300 Charlotte St saturday!! bring chairs", EVENT),
    A("meet at Liberty Memorial, 2 Memorial Dr, 5:30 sharp", EVENT),
    A("community meeting at South Patrol, 7601 E 87th St, on 8/6 — Capt Nguyen is supposed "
      "to be there", EVENT, OFFICIAL),
    A("food drive drop-off: 1600 Genessee St, dock 3", EVENT),
    A("rally moved to Swope Park shelter 7, same time", EVENT),
    A("city council meets at 1pm in the chamber on the 26th floor", EVENT),
    A("sign-making party at my place, 4115 Harrison Blvd, sunday 2pm", EVENT, OTHER_PII),
    A("the candlelight thing is at 12th & Grand at dusk", EVENT),
)

REF = "negative:reference_number"
one(
    "random",
    A("order #112-5544321-8876543 still hasn't shipped 😤", REF),
    A("UPS tracking 1Z999AA10123456784 says delivered but nope", REF),
    A("case number 2020-CR-01442, hearing got continued again", REF),
    A("IT ticket #48213, they said they'd get to it", REF),
    A("hotel confirmation code XK7-449-210", REF),
    A("police report number 20-051234, need it for insurance", REF),
    A("usps tracking 9400 1112 0200 8823 4510 77", REF),
    A("ordinance 200598 is the doxxing one", REF),
    A("invoice INV-2020-0716 attached, net 30", REF),
    A("flight UA 1542 lands at 4:45", REF, "negative:time"),
    A("model number on the fridge is WX-4471, anyone know if it's recalled?", REF),
    A("v4.12.3 broke the build again", REF),
    A("311 says my pothole request is #2020-118844", REF),
    A("serial number SN-5102-8831 on the router", REF),
    A("ISBN 978-0-306-40615-7", REF),
    A("fedex 7712 3456 7890, out for delivery", REF),
    A("my PO box is 4471, send it there", REF),
)

one(
    "random",
    A("meeting moved to 3:30", "negative:time"),
    A("see yall at 7:45", "negative:time"),
    A("bus comes at 6:12 and 6:42, dont miss it", "negative:time"),
    A("the 12:05 show or the 9:50?", "negative:time"),
    A("lol its 2:14am why am i awake", "negative:time"),
    A("shift is 0700-1900 this week", "negative:time"),
    A("chiefs won 27-24!!! 🐐🐐", "negative:score"),
    A("royals lost 8-3 smh", "negative:score"),
    A("sporting kc 2-1 at home lets gooo", "negative:score"),
    A("final 101-98 in OT, what a game", "negative:score"),
    A("bowling night: 212, 187, 199", "negative:score"),
    A("trivia: 35/40, second place again", "negative:score"),
    A("gas is $2.79 at the QT on 39th", "negative:price"),
    A("tickets are $45 each or 2 for $80", "negative:price"),
    A("rent went up to $1,450/mo 💀", "negative:price"),
    A("city budget is like $1.7 billion and they cant fill potholes", "negative:price"),
    A("the price is $40, firm", "negative:price", "negative:common_word"),
    A("$19.99/mo for another streaming service lol no", "negative:price"),
    A("paid 8.50 for a beer at the K", "negative:price"),
    A("anyone in 64111 lose power?", "negative:zip"),
    A("we're in 64131, no trash pickup again", "negative:zip"),
    A("64127 and 64128 have the most calls per the star", "negative:zip"),
    A("delivery radius is 64105 to 64112", "negative:zip"),
    A("moving from 66204 to 64113 next month", "negative:zip"),
    A("power's out from like 64109 to 64110, kcpl says 2 hrs", "negative:zip",
      "negative:time"),
)

DATE = "negative:event_date"
one(
    "organizing",
    A("council hearing is 8/6/2020 at 10am", DATE),
    A("vote got pushed to august 13", DATE),
    A("protest saturday 6/6, noon, city hall", DATE),
    A("the forum is July 30, 2020 at the library", DATE),
    A("election day is nov 3 2020, register by oct 7", DATE),
    A("shelter opens 12/1 for the season", DATE),
    A("the budget hearing was March 12 2020, before everything shut down", DATE),
    A("born on the fourth of july is on tcm tonight lol", DATE),
    A("happy birthday KC! incorporated 1850 🎂", DATE),
    A("ordinance takes effect 30 days after signing so like 8/22?", DATE),
    A("Officer Whitaker's retirement party is 9/18, he's been on the force since 1998",
      DATE, "negative:mention_only"),
    A("councilwoman okafor's birthday fundraiser is june 3 at the gem theater, $25 tix",
      DATE, "negative:mention_only"),
    A("the hearing on 4/22 got moved to 5/6", DATE),
    A("filing deadline for council seats is 1/19/2021", DATE),
    A("the department was founded in 1874, read it on the plaque", DATE),
    A("trial date for case 1816-CR04412 is set for 10/14/2020", DATE, REF),
    A("my kid was born the same day as the first protest lol, 5/29", DATE, OTHER_PII),
)

WORD = "negative:common_word"
one(
    "random",
    A("ring the bell when you get here, door sticks", WORD),
    A("come on down, the price is right 🎲", WORD),
    A("young people don't vote, that's the whole problem", WORD),
    A("the banks downtown all close at 5 now", WORD),
    A("stone cold steve austin energy today", WORD),
    A("price of eggs is insane rn", WORD),
    A("saved by the bell reboot is actually decent", WORD),
    A("we need more young voices on council", WORD),
    A("the river banks flooded again by Berkley Riverfront", WORD),
    A("leave no stone unturned on this budget", WORD),
    A("steep price to pay for a parking ticket", WORD),
    A("bell peppers 3 for $2 at the city market", WORD, "negative:price"),
    A("Price check on aisle 5 😂", WORD),
    A("Young and broke, the kc experience", WORD),
    A("Banks are predatory with overdraft fees, got hit 3 times this month", WORD),
    A("Stone Age tech at city hall, they still use fax machines", WORD),
    A("the church bell on 47th woke me up at 7", WORD),
    A("Price: $40 obo. text 913-555-0176 if interested", WORD, OTHER_PII, "negative:price"),
    A("the Bell Rd exit off 435 is closed again", WORD),
    A("Young adults 18-24 can get free bus passes, call 816-555-0107 for info", WORD),
    A("the stone house on Ward Pkwy is for sale again lol", WORD),
    A("kidney stone, ER at Research, 6 hours of my life gone", WORD, OTHER_PII),
    A("the price of freedom is eternal vigilance or whatever", WORD),
    A("youngest kid starts kindergarten monday 😭", WORD),
)

MENTION = "negative:mention_only"
one(
    "general",
    A("Officer Whitaker did a great job at the parade", MENTION),
    A("Sgt. Alvarez helped me when my car got broken into, she was super kind", MENTION),
    A("Councilwoman Okafor is holding office hours thursday", MENTION),
    A("detective bell testified for like 3 hours", MENTION),
    A("Price voted against the budget again", MENTION),
    A("Kevin Young says the potholes will be fixed by spring lmao", MENTION),
    A("dana banks is the one who sent the boil water notice", MENTION),
    A("Harold Stone is running again, ugh", MENTION),
    A("Capt. Nguyen spoke at the vigil, it was actually moving", MENTION),
    A("Holloway was the officer in that viral video", MENTION),
    A("Delgado's been on the force 20 years", MENTION),
    A("Prosecutor Kowalski dropped the charges against the protesters. good", MENTION),
    A("Inspector O'Connell is why the bar on 39th got shut down", MENTION),
    A("Dr. Raman extended the mask order to august", MENTION),
    A("Fire Captain Castillo pulled a kid out of that house fire, hero", MENTION),
    A("Judge Mitchell gave him probation", MENTION),
    A("badge 4471 was on scene, it's in the report", MENTION),
    A("Whitaker and his wife were at the parade too, cute family", MENTION),
    A("Mayor Pro Tem Okafor chaired the meeting today", MENTION),
    A("Young's proposal is dumb but he's not wrong about the budget", MENTION),
    A("Officer Bell's K9 partner retired 🐕", MENTION),
    A("what Whitaker did at the protest was messed up. file a complaint with the OCC",
      MENTION),
    A("I hope Councilwoman Price loses in march", MENTION),
    A("Stone's wife was at the fundraiser, she seemed nice", MENTION),
    A("Sgt. Delgado coached my nephew's little league team years ago", MENTION),
    A("Captain Castillo did a fire safety talk at our school today, kids loved it", MENTION),
    A("Judge Mitchell's ruling is on page 4 of the PDF", MENTION),
    A("okafor and price both voted no, 8-4 final", MENTION, "negative:score"),
)

one(
    "general",
    A("covid cases in jackson county are up 30% this week", "negative:health_general"),
    A("free testing at the health dept, 2400 Troost, 9-3 weekdays",
      "negative:health_general", OFFICIAL),
    A("half the council probably has covid at this point lol", "negative:health_general"),
    A("KC public schools reopening plan is out, virtual till october",
      "negative:school_general"),
    A("the cops at the protest were from like 4 different departments",
      "negative:chatter"),
    A("someone should make a list of all the potholes on Troost", "negative:chatter"),
    A("who has the link to the council livestream?", "negative:chatter"),
    A("can someone post the agenda for thursday's meeting", "negative:chatter"),
)


def build() -> list[dict[str, Any]]:
    """Flatten the scenarios into corpus records in file order."""
    records: list[dict[str, Any]] = []
    for number, (base, msgs) in enumerate(SCENARIOS, start=1):
        channel = f"{base}-{number:03d}"
        ids: list[str] = []
        for m in msgs:
            mid = f"c{len(records) + 1:04d}"
            author = m["by"] or AUTHORS[zlib.crc32(m["text"].encode()) % len(AUTHORS)]
            cats = m["categories"] if m["action"] != "allow" else []
            records.append({
                "id": mid,
                "channel": channel,
                "author": author,
                "text": m["text"],
                "reply_to": ids[m["re"]] if m["re"] is not None else None,
                "expect": {"action": m["action"], "categories": cats,
                           "servants": m["servants"]},
                "tags": m["tags"],
            })
            ids.append(mid)
    return records


def main() -> None:
    out = Path(__file__).with_name("messages.jsonl")
    with out.open("w", encoding="utf-8") as fh:
        for rec in build():
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
