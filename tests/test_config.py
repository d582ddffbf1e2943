"""Config validation: every bad file is refused with file, key, line and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, ConfigError, load_config, parse_config
from bot.models import Action, Category

REPO = Path(__file__).resolve().parents[1]


def test_example_config_loads_and_points_at_example_servants() -> None:
    cfg = load_config(REPO / "config" / "doxguard.toml")
    assert cfg.servants_path == REPO / "config" / "servants.toml"
    assert set(cfg.detection.enforce) == {c.value for c in Category}
    assert cfg.database_path == REPO / "doxguard.db"


def test_defaults_without_a_file() -> None:
    cfg = load_config(None)
    assert cfg == Config()
    assert cfg.detection.action_for(Category.PHONE_NUMBER) is Action.HIDE


def test_per_category_actions_and_enforcement() -> None:
    cfg = parse_config(
        '[detection]\nenforce = ["phone_number", "birth_date"]\n'
        '[detection.actions]\nbirth_date = "review"\n'
    )
    det = cfg.detection
    assert det.action_for(Category.PHONE_NUMBER) is Action.HIDE
    assert det.action_for(Category.BIRTH_DATE) is Action.REVIEW
    assert det.action_for(Category.HOME_ADDRESS) is Action.ALLOW


@pytest.mark.parametrize(
    ("text", "key", "line", "phrase"),
    [
        ('[detection]\nenforce = ["home_adress"]\n', "detection.enforce[0]", 2, "unknown category"),
        ("\n[context]\nreply_window = 3\n", "context.reply_window", 3, "unknown setting"),
        ('[discord]\nshard_count = "two"\n', "discord.shard_count", 2, "whole number"),
        (
            '[detection.actions]\nphone_number = "delete"\n',
            "detection.actions.phone_number",
            2,
            "hide, review or allow",
        ),
        (
            '[slack]\nbot_token_env = "xoxb-2222222222-abcdefghij"\n',
            "slack.bot_token_env",
            2,
            "environment variable",
        ),
        ("[storage]\nretention_days = -1\n", "storage.retention_days", 2, "more than 0"),
        ('[detection]\ndefault_region = "Narnia"\n', "detection.default_region", 2, "region code"),
        ('[moderators]\nuser_ids = ["12345"]\n', "moderators", None, "platform:id"),
        ('[console]\nmoderators = "mod"\n', "console.moderators", 2, "list"),
    ],
)
def test_bad_settings_name_key_line_and_fix(
    text: str, key: str, line: int | None, phrase: str
) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "doxguard.toml")
    err = info.value
    assert err.key == key
    assert err.line == line
    assert phrase in err.problem
    assert str(err).startswith("doxguard.toml")


def test_invalid_toml_reports_the_line(tmp_path: Path) -> None:
    path = tmp_path / "doxguard.toml"
    path.write_text("[detection]\nenforce = [\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "not valid TOML" in info.value.problem
    assert str(path) in str(info.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_token_in_file_is_never_echoed() -> None:
    token = "xoxb-2222222222-abcdefghijkl"
    with pytest.raises(ConfigError) as info:
        parse_config(f'[slack]\nmoderators_channel = "{token}"\n')
    assert token not in str(info.value)


@pytest.mark.parametrize(
    "value",
    [
        "xoxe.xoxp-1-abcdefghijklmnopqrstuvwxyz0123",
        "Jb3nO2lrT1hWb2xPQ0xxS0pFZk1DV3N0c2ZhSlRQb1E=",
    ],
)
def test_secret_in_an_env_setting_is_refused_without_echo(value: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(f'[storage]\nencryption_key_env = "{value}"\n', "doxguard.toml")
    assert value not in str(info.value)
    assert "environment variable" in info.value.problem
