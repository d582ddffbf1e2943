"""Registry loading and name matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.mentions import find_mentions
from bot.normalize import normalize
from bot.registry import Registry, Servant, load_servants, parse_servants

REPO = Path(__file__).resolve().parents[1]

SERVANTS = """
[[servants]]
name = "Daniel Whitaker"
aliases = ["Officer Whitaker", "badge 4471"]
role = "police_officer"
family = [
  { name = "Karen Whitaker", relation = "spouse" },
  { name = "Tyler Whitaker", relation = "son" },
]

[servants.public]
phones = ["+1 816-234-5000"]
emails = ["Press@KCPD.example.gov"]

[[servants]]
name = "Gina Bell"
role = "city_employee"

[[servants]]
name = "Harold Price"
role = "elected_official"
"""


@pytest.fixture(scope="module")
def registry() -> Registry:
    return parse_servants(SERVANTS, "servants.toml")


def mentions(registry: Registry, text: str) -> list[tuple[str, str, str]]:
    norm = normalize(text)
    return [
        (m.servant, m.kind, norm.text[m.start : m.end])
        for m in find_mentions(registry, norm.text, norm.folded)
    ]


def test_example_registry_loads() -> None:
    reg = load_servants(REPO / "config" / "servants.toml")
    assert "Daniel Whitaker" in reg
    assert reg.get("daniel whitaker") is not None


def test_public_values_are_normalized(registry: Registry) -> None:
    s = registry.get("Daniel Whitaker")
    assert s is not None
    assert s.public.phones_norm == {"+18162345000"}
    assert s.public.emails_norm == {"press@kcpd.example.gov"}
    assert s.family[1].relation == "child"


def test_full_name_beats_surname_and_alias_matches(registry: Registry) -> None:
    assert mentions(registry, "saw Daniel Whitaker today") == [
        ("Daniel Whitaker", "name", "Daniel Whitaker")
    ]
    assert mentions(registry, "BADGE 4471 again") == [("Daniel Whitaker", "alias", "BADGE 4471")]
    assert mentions(registry, "whitaker's car") == [("Daniel Whitaker", "surname", "whitaker")]


def test_family_member_by_name_and_relation(registry: Registry) -> None:
    found = mentions(registry, "Karen Whitaker drives a blue civic")
    assert found == [("Daniel Whitaker", "family", "Karen Whitaker")]
    norm = normalize("Whitaker's wife is always at that gym")
    rel = [m for m in find_mentions(registry, norm.text, norm.folded) if m.kind == "relation"]
    assert rel and rel[0].person == "Karen Whitaker" and rel[0].relation == "spouse"


def test_pronoun_relation_binds_to_context_servant(registry: Registry) -> None:
    norm = normalize("his kid goes to Lincoln Middle")
    found = find_mentions(registry, norm.text, norm.folded, ("Daniel Whitaker",))
    assert [(m.servant, m.person) for m in found] == [("Daniel Whitaker", "Tyler Whitaker")]
    assert find_mentions(registry, norm.text, norm.folded, ()) == []


def test_no_match_inside_words(registry: Registry) -> None:
    assert mentions(registry, "the whitakerville fair") == []


def test_common_word_surname_needs_to_read_as_a_name(registry: Registry) -> None:
    assert mentions(registry, "ring the bell at noon") == []
    assert mentions(registry, "the price is right") == []
    assert mentions(registry, "Price is right. ") == []  # sentence start alone is not enough
    assert mentions(registry, "I saw Bell at the store") == [("Gina Bell", "surname", "Bell")]
    assert mentions(registry, "councilman price voted no") == [("Harold Price", "surname", "price")]


def test_with_and_without_rebuild_matching() -> None:
    reg = Registry([Servant("Ana Quist", "city_employee")])
    reg2 = reg.with_servant(Servant("Bo Tran", "police_officer"))
    assert len(reg2) == 2 and len(reg) == 1
    assert reg2.without("Ana Quist").get("Ana Quist") is None
    norm = normalize("tran was there")
    assert [m.servant for m in reg2.find_mentions(norm.text, norm.folded)] == ["Bo Tran"]


@pytest.mark.parametrize(
    ("text", "key", "phrase"),
    [
        ('[[servants]]\nrole = "police_officer"\n', "servants[0].name", "needs a name"),
        ('[[servants]]\nname = ""\n', "servants[0].name", "non-empty"),
        ('[[servants]]\nname = "A B"\nrole = "sheriff"\n', "servants[0].role", "unknown role"),
        (
            '[[servants]]\nname = "A B"\n[[servants]]\nname = "a  b"\n',
            "servants[1].name",
            "duplicate",
        ),
        ('[[servants]]\nname = "A B"\naliases = "AB"\n', "servants[0].aliases", "list"),
        (
            '[[servants]]\nname = "A B"\n[servants.public]\nphones = ["call me"]\n',
            "servants[0].public",
            "not a phone number",
        ),
        (
            '[[servants]]\nname = "A B"\n[servants.public]\nemails = ["nope"]\n',
            "servants[0].public",
            "not an email",
        ),
        ('[[servants]]\nname = "A B"\nbadge = 3\n', "servants[0].badge", "unknown key"),
        ('[[servants]]\nname = "A B"\nfamily = ["Jo"]\n', "servants[0].family[0]", "relation"),
        ("officers = []\n", "officers", "unknown top-level"),
    ],
)
def test_bad_registry_entries(text: str, key: str, phrase: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_servants(text, "servants.toml")
    assert info.value.key == key
    assert phrase in info.value.problem
    assert info.value.file == "servants.toml"


def test_error_points_at_the_entry_line() -> None:
    text = '[[servants]]\nname = "A B"\n\n[[servants]]\nname = "C D"\nrole = "king"\n'
    with pytest.raises(ConfigError) as info:
        parse_servants(text, "servants.toml")
    assert info.value.line == 4


def test_large_registry_builds_and_matches() -> None:
    servants = [Servant(f"Person{i:06d} Surname{i:06d}", "police_officer") for i in range(20_000)]
    reg = Registry(servants)
    norm = normalize("we saw surname012345 downtown")
    assert [m.servant for m in reg.find_mentions(norm.text, norm.folded)] == [
        "Person012345 Surname012345"
    ]


def test_cache_is_reused_and_rebuilt_when_the_file_changes(tmp_path: Path) -> None:
    src = tmp_path / "servants.toml"
    src.write_text(SERVANTS)
    cache = tmp_path / "cache"
    first = load_servants(src, cache_dir=cache)
    assert first.cache_writer is not None
    first.cache_writer.join()
    cached = list(cache.glob("registry-*.pickle"))
    assert len(cached) == 1
    again = load_servants(src, cache_dir=cache)
    assert again.cache_writer is None  # came from the cache
    norm = normalize("Karen Whitaker again")
    assert [m.person for m in again.find_mentions(norm.text, norm.folded)] == ["Karen Whitaker"]
    src.write_text(SERVANTS.replace("Gina Bell", "Gina Belle"))
    changed = load_servants(src, cache_dir=cache)
    assert changed.cache_writer is not None and "Gina Belle" in changed
    changed.cache_writer.join()
    assert list(cache.glob("registry-*.pickle")) != cached


def test_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    src = tmp_path / "servants.toml"
    src.write_text(SERVANTS)
    cache = tmp_path / "cache"
    load_servants(src, cache_dir=cache).cache_writer.join()  # type: ignore[union-attr]
    for f in cache.glob("registry-*.pickle"):
        f.write_bytes(b"not a pickle")
    reg = load_servants(src, cache_dir=cache)
    assert "Daniel Whitaker" in reg and reg.cache_writer is not None
    reg.cache_writer.join()


def test_surname_shared_by_many_servants_matches_only_by_full_name() -> None:
    servants = [Servant(f"{first} May", "police_officer") for first in ("Al", "Bo", "Cy", "Di")]
    reg = Registry([*servants, Servant("Ed Quill", "city_employee")])
    norm = normalize("Officer May and Quill were there; Bo May too")
    found = [(m.servant, m.kind) for m in reg.find_mentions(norm.text, norm.folded)]
    assert found == [("Ed Quill", "surname"), ("Bo May", "name")]


def test_common_word_surname_reads_as_name_before_more_verbs_and_owned_ids(
    registry: Registry,
) -> None:
    assert mentions(registry, "Bell resides on Oak now") == [("Gina Bell", "surname", "Bell")]
    assert mentions(registry, "Price's BlueKC ID is on the card") == [
        ("Harold Price", "surname", "Price")
    ]
    assert mentions(registry, "Price's Pizza on Main is open late") == []  # a trade name
    assert mentions(registry, "Bell's Auto Body fixed my car") == []  # two Capitalized words


def test_token_pasted_into_the_registry_is_refused_without_echo() -> None:
    token = "xoxb-2222222222-abcdefghijklmnop"
    text = f'[[servants]]\nname = "A B"\naliases = ["{token}"]\n'
    with pytest.raises(ConfigError) as info:
        parse_servants(text, "servants.toml")
    assert "secret token" in info.value.problem and token not in str(info.value)


DEV = REPO / "tests" / "data" / "dev_corpus"


def test_a_cached_registry_scans_exactly_as_the_file_it_came_from(tmp_path: Path) -> None:
    """The cache keeps servants as one pickle each, read when first needed: same verdicts."""
    import json

    from bot.batch import read_records, scan_lines
    from bot.config import load_config
    from bot.pipeline import Pipeline

    cache = tmp_path / "cache"
    fresh = load_servants(DEV / "servants.toml", cache_dir=cache)
    fresh.cache_writer.join()  # type: ignore[union-attr]
    cached = load_servants(DEV / "servants.toml", cache_dir=cache)
    assert cached.cache_writer is None  # it came from the cache
    assert cached.public_values == fresh.public_values and cached.public_values
    assert cached.public_addresses == fresh.public_addresses
    records = read_records((DEV / "messages.jsonl").read_bytes().splitlines(), "dev")
    plain = scan_lines(Pipeline(load_config(None), fresh), records, explain=True)
    from_cache = scan_lines(Pipeline(load_config(None), cached), records, explain=True)
    assert from_cache == plain
    assert sum(json.loads(line)["action"] == "hide" for line in plain) > 100
    assert cached.names() == fresh.names() and cached.servants == fresh.servants


def test_servants_of_a_loaded_table_are_read_only_when_asked_for() -> None:
    import pickle

    from bot.servant_table import ServantTable

    servants = [Servant(f"Person{i} Surname{i}", "police_officer") for i in range(1000)]
    table = pickle.loads(pickle.dumps(ServantTable(servants)))
    assert table.named("Person7 Surname7") == servants[7]
    assert table[-1] == servants[-1] and table[2:4] == servants[2:4]
    assert sum(s is not None for s in table._decoded) == 4  # 7, the last, 2 and 3
    assert "Person9 Surname9" in table and "Nobody" not in table and table.named("x") is None
    again = pickle.loads(pickle.dumps(table))  # half read, pickled again: nothing lost
    assert list(again) == servants and again.names() == [s.name for s in servants]
