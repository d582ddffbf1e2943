"""One engine for two platforms: each incident goes to its own platform's adapter, and a
process leaves incidents of platforms it does not run alone (no cross-platform hide)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Moderator
from bot.models import IncidentStatus
from bot.platform import PlatformError, PlatformRouter
from tests.fake_platform import FakePlatform
from tests.test_engine import DOX, make_config, msg


async def test_each_platforms_incidents_go_to_its_adapter(tmp_path: Path, key: str) -> None:
    discord, slack = FakePlatform(name="discord"), FakePlatform(name="slack")
    router = PlatformRouter({"discord": discord, "slack": slack})
    moderator = await Moderator.create(make_config(tmp_path), router, retry_delay=0.0,
                                       sweep=False)
    a = await moderator.handle(msg(1, DOX, platform="discord", server="100"))
    b = await moderator.handle(msg("1.2", DOX, platform="slack", server="T1"))
    assert a and b and a.status is b.status is IncidentStatus.HIDDEN
    assert [m.platform for m in discord.hidden] == ["discord"]
    assert [m.platform for m in slack.hidden] == ["slack"]
    assert [n.platform for n in discord.notices] == ["discord"]
    assert [n.platform for n in slack.notices] == ["slack"]
    await moderator.close()


async def test_a_process_without_slack_leaves_slack_incidents_alone(tmp_path: Path,
                                                                   key: str) -> None:
    config = make_config(tmp_path)
    slack = FakePlatform(name="slack")
    slack.fail_next("hide", ConnectionError(), ConnectionError(), ConnectionError(),
                    ConnectionError(), ConnectionError())
    slack.fail_next("notify_moderators", *[ConnectionError() for _ in range(5)])
    both = await Moderator.create(config, PlatformRouter({"slack": slack}), retry_delay=0.0,
                                  sweep=False)
    pending = await both.handle(msg("1.2", DOX, platform="slack", server="T1"))
    assert pending is not None and pending.status is IncidentStatus.HIDE_FAILED
    assert not pending.notice_sent  # unfinished: a resume would act on it
    await both.close()
    # a Discord-only process resumes: the Slack incident is not handed to Discord
    discord = FakePlatform(name="discord")
    only_discord = await Moderator.create(config, PlatformRouter({"discord": discord}),
                                          retry_delay=0.0, sweep=False)
    assert discord.calls == []
    assert (await only_discord.store.get_incident(pending.id)).status is pending.status
    await only_discord.close()


class ShardPlatform(FakePlatform):
    """A Discord adapter of a shard process: it acts for guilds 1 and 3 only."""

    def serves_server(self, platform: str, server: str) -> bool:
        return server in {"1", "3"}


async def test_serves_names_the_platforms_of_this_process_and_their_servers() -> None:
    router = PlatformRouter({"discord": ShardPlatform(name="discord"),
                             "slack": FakePlatform(name="slack")})
    assert router.serves("discord") and router.serves("slack")
    assert not router.serves("matrix") and not router.serves("")
    assert router.serves_server("discord", "3") and not router.serves_server("discord", "2")
    assert router.serves_server("slack", "T1")  # no shards: every workspace
    assert not router.serves_server("matrix", "1")
    assert router.name == "discord+slack"


async def test_a_request_for_a_platform_not_run_here_is_refused_not_rerouted() -> None:
    slack = FakePlatform(name="slack")
    router = PlatformRouter({"slack": slack})
    with pytest.raises(PlatformError) as refused:
        await router.hide(msg(1, DOX, platform="discord", server="100"))
    assert not refused.value.retryable and "discord" in str(refused.value)
    assert slack.calls == []
