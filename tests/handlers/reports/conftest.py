"""The Telegram harness (fake Bot API, a running bot) for the reports' end-to-end test."""

from tests.bot.channels.telegram.conftest import fake, webhook_bot  # noqa: F401
