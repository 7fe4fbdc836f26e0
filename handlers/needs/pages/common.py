"""What the needs pages share (the form choices every domain's pages share are
`bot.web.choices`)."""

from __future__ import annotations

from models import NeedStatus

# the statuses staff set (new is where every need starts)
SETTABLE = tuple(status for status in NeedStatus if status != NeedStatus.new)
