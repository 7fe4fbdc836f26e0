"""The SMS sender on its own, through the real twilio client against the fake Twilio server."""

from __future__ import annotations

from bot.channels.sms.sender import TwilioSender
from bot.conversation.messages import Reply
from bot.delivery.sender import Outcome
from bot.settings import Settings
from tests.bot.channels.sms.conftest import FROM

QUICK = (0.01, 0.01, 0.01)


def sender(twilio) -> TwilioSender:
    settings = Settings(
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token=twilio.auth_token,
        twilio_from=FROM,
        twilio_api_url=twilio.base_url,
    )
    return TwilioSender(settings, backoff=QUICK)


async def test_too_many_requests_is_retried_at_once_and_sent(twilio) -> None:
    sms = sender(twilio)
    twilio.fail_next(status=429, times=2)
    try:
        delivery = await sms.send("+996700111222", Reply(text="Жыйын жума күнү"))
    finally:
        await sms.close()
    assert delivery.outcome == Outcome.sent
    assert twilio.bodies("+996700111222") == ["Жыйын жума күнү"]  # once, after two refusals


async def test_an_outage_goes_back_to_the_outbox_and_a_bad_number_fails(twilio) -> None:
    sms = sender(twilio)
    twilio.fail_next(status=503, times=len(QUICK) + 1)
    twilio.fail_next(
        to="+996700333444", status=400, code=21211, message="Invalid 'To' Phone Number"
    )
    try:
        outage = await sms.send("+996700111222", Reply(text="Жыйын"))
        bad = await sms.send("+996700333444", Reply(text="Жыйын"))
    finally:
        await sms.close()
    assert outage.outcome == Outcome.retry and "20503" in (outage.error or "")
    assert bad.outcome == Outcome.failed and "21211" in (bad.error or "")
