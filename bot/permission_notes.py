"""What Discord refused the bot in each channel: remembered a while, logged once per channel.

Pure (no discord import). Remembering a refusal spares Discord a request that would be
refused again (Discord counts refused requests against a bot); it is forgotten after
`RETRY_SECONDS`, by when a moderator may have granted the permission.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

__all__ = ["RETRY_SECONDS", "PermissionNotes"]

log = logging.getLogger(__name__)

RETRY_SECONDS = 600.0
_MOST = 10_000  # channels remembered before the expired ones are forgotten

# What each refusal means for users there, and the fix, as logged.
_MEANING = {
    "embeds": ("answers there are plain text", "give essaybot Embed Links there"),
    "posts": (
        "mentions there go unanswered",
        "give essaybot View Channel and Send Messages there (Send Messages in Threads in a thread)",
    ),
    "replies": (
        "answers there are posted without the reply link",
        "give essaybot Read Message History there",
    ),
    "locked": (  # a thread a moderator locked (or archived): it may be unlocked any time
        "mentions there go unanswered while it is locked",
        "unlock the thread (or give essaybot Manage Threads there)",
    ),
    "threads": (  # a thread on an answer, locked or archived by a moderator
        "follow-ups to that answer are answered in place",
        "unlock the thread (or give essaybot Manage Threads there)",
    ),
    "direct": (  # a DM the user closed to the bot: no moderator can change it
        "that user's direct messages go unanswered",
        "nothing to do: the user has closed their direct messages to essaybot",
    ),
    "responses": (
        "commands there get a note naming the permissions",
        "give essaybot View Channel, Send Messages and Embed Links there",
    ),
}


class PermissionNotes:
    """Per channel, what Discord refused lately ("embeds", "posts", "locked", "direct",
    "replies", "threads", "responses")."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until: dict[tuple[int, str], float] = {}
        self._logged: set[tuple[int, str]] = set()

    def refused(self, channel_id: int, what: str) -> bool:
        """Whether `what` was refused in this channel in the last RETRY_SECONDS."""
        return self._until.get((channel_id, what), 0.0) > self._clock()

    def note(self, channel_id: int, what: str, reason: str, *, remember: bool = True) -> None:
        """Remember that `what` was refused here (`reason`: Discord's words, or ours), unless
        not to `remember` (a locked thread, tried again at once when unlocked); log it the
        first time for this channel."""
        now = self._clock()
        if len(self._until) >= _MOST:
            self._until = {key: until for key, until in self._until.items() if until > now}
        if remember:
            self._until[(channel_id, what)] = now + RETRY_SECONDS
        if (channel_id, what) in self._logged:
            return
        if len(self._logged) >= _MOST:
            self._logged.clear()
        self._logged.add((channel_id, what))
        meaning, fix = _MEANING[what]
        log.warning("channel %s: %s refused (%s): %s; %s", channel_id, what, reason, meaning, fix)
