"""Synthetic servants.toml files of an exact number of names, for the registry benchmarks.

Every registry starts with the same two "anchor" servants (eight names) the synthetic
traffic talks about, so the messages are identical whatever the registry size
and only the registry changes between rows. The rest are generated servants:
one in eight carries a common American surname (Young, Price, Hill, ...) the
way a real statewide roster would, so ordinary chat words do hit the
automaton; the others get invented four-syllable surnames. Everyone here is
fictional; public contact details use example.gov mailboxes and 555-01xx numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

NAMES_PER_SERVANT = 4  # name + alias + two family members


@dataclass(frozen=True, slots=True)
class Anchor:
    """A servant the traffic names: every form people use for them in chat."""

    name: str
    alias: str
    surname: str
    pronoun: str  # "his" / "her"
    spouse: str
    child: str
    role: str


ANCHORS: tuple[Anchor, ...] = (
    Anchor("Daniel Whitaker", "Officer Whitaker", "Whitaker", "his", "Karen Whitaker",
           "Tyler Whitaker", "police_officer"),
    Anchor("Renee Okafor", "Councilwoman Okafor", "Okafor", "her", "Marcus Okafor",
           "Jada Okafor", "elected_official"),
)

_FIRST = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy "
    "Matthew Betty Anthony Sandra Mark Margaret Donald Ashley Steven Kimberly Andrew Emily "
    "Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah "
    "Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Dorothy "
    "Jacob Amy Gary Kathleen"
).split()
_COMMON_SURNAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter "
    "Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart "
    "Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed "
    "Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray "
    "Mendoza Ruiz Hughes Price Alvarado Castillo Sanders Patel Myers Long Ross Foster "
    "Jimenez Bell Park Banks Rice Stone Hunt Black Fox Rose Lane May Marsh"
).split()
_SYLLABLES = (
    "ka lo ven dri mar tes quo bel ran sul thi gor nev pa ul zen cor dal fin hav jer kiv lum "
    "mos nor pel rus sab tor vim wex yan"
).split()
_ROLES = ("police_officer", "elected_official", "city_employee", "public_servant")
_INITIALS = "ABCDEFGHJKLMNPRSTW"


def _invented_surname(i: int) -> str:
    """A distinct four-syllable surname for each i (a bijection on 32**4), never a real word."""
    n = len(_SYLLABLES)
    k = (i * 7919 + 12345) % n**4
    parts = []
    for _ in range(4):
        k, r = divmod(k, n)
        parts.append(_SYLLABLES[r])
    return "".join(parts).capitalize()


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _servant_toml(
    name: str, alias: str | None, role: str, family: list[tuple[str, str]], public: bool, i: int
) -> str:
    lines = ["[[servants]]", f"name = {_q(name)}", f'role = "{role}"']
    if alias:
        lines.append(f"aliases = [{_q(alias)}]")
    if family:
        members = ", ".join(f"{{ name = {_q(n)}, relation = {_q(r)} }}" for n, r in family)
        lines.append(f"family = [{members}]")
    if public:
        lines += [
            "[servants.public]",
            f'emails = ["office{i}@example.gov"]',
            f'phones = ["816-555-01{i % 100:02d}"]',
        ]
    return "\n".join(lines) + "\n\n"


def _generated(i: int, names: int) -> str:
    """Servant number i (>= len(ANCHORS)) with up to `names` names."""
    first = _FIRST[i % len(_FIRST)]
    if i % 8 == 0:
        k = i // 8
        surname = _COMMON_SURNAMES[(k // len(_FIRST)) % len(_COMMON_SURNAMES)]
        initial = _INITIALS[(k // (len(_FIRST) * len(_COMMON_SURNAMES))) % len(_INITIALS)]
        name = f"{_FIRST[k % len(_FIRST)]} {initial}. {surname}"
        alias = f"badge {100000 + i}"
    else:
        surname = _invented_surname(i)
        name = f"{first} {surname}"
        alias = f"Officer {surname}"
    spouse = f"{_FIRST[(i * 7 + 3) % len(_FIRST)]} {surname}"
    child = f"{_FIRST[(i * 13 + 5) % len(_FIRST)]} {surname}"
    family = [(spouse, "spouse"), (child, "child")][: max(0, names - 2)]
    return _servant_toml(
        name, alias if names >= 2 else None, _ROLES[i % len(_ROLES)], family, i % 50 == 0, i
    )


def _anchor(a: Anchor, names: int, i: int) -> str:
    family = [(a.spouse, "spouse"), (a.child, "child")][: max(0, names - 2)]
    return _servant_toml(a.name, a.alias if names >= 2 else None, a.role, family, i == 0, i)


def write_registry(path: Path, names: int) -> int:
    """Write a servants.toml holding exactly `names` names; returns the number of servants.

    Use at least eight names so both anchors are complete and the traffic means
    the same thing at every size.

    Names are counted the way the issue counts them: each servant's name, alias
    and family members (the surname a full name implies is not counted).
    """
    if names < 1:
        raise ValueError("a registry needs at least one name")
    chunks: list[str] = []
    left = names
    i = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write("# Synthetic benchmark registry: every person here is fictional.\n\n")
        while left > 0:
            take = min(NAMES_PER_SERVANT, left)
            if i < len(ANCHORS):
                chunks.append(_anchor(ANCHORS[i], take, i))
            else:
                chunks.append(_generated(i, take))
            left -= take
            i += 1
            if len(chunks) >= 10_000:
                fh.write("".join(chunks))
                chunks.clear()
        fh.write("".join(chunks))
    return i
