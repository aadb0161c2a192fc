"""What Discord refused the bot in each channel: remembered a while, logged once per channel.

Pure (no discord import). Remembering a refusal spares Discord a request that would be
refused again (Discord counts refused requests against a bot); it is forgotten after
`RETRY_SECONDS`, by when a moderator may have granted the permission, or at once when
Discord says that a channel's permissions or a role changed (`forget`).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Collection

__all__ = ["RETRY_SECONDS", "PermissionNotes"]

log = logging.getLogger(__name__)

RETRY_SECONDS = 600.0
_MOST = 10_000  # refusals (and forgettings) remembered at most, the soonest to lapse going first

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
        # (channel, what) -> until when it is remembered, the soonest first (each lasts
        # RETRY_SECONDS from its note): past `_MOST`, the soonest to lapse go
        self._until: OrderedDict[tuple[int, str], float] = OrderedDict()
        self._logged: set[tuple[int, str]] = set()
        # When each channel's refusals (oldest first), or every channel's, were last
        # forgotten: a refusal of a request sent before then answers a question no longer asked.
        self._forgotten: OrderedDict[int, float] = OrderedDict()
        self._all_forgotten = float("-inf")

    def now(self) -> float:
        """The time to pass `note` as `sent_at`, taken as a request is sent."""
        return self._clock()

    def refused(self, channel_id: int, what: str) -> bool:
        """Whether `what` was refused in this channel in the last RETRY_SECONDS."""
        return self._until.get((channel_id, what), 0.0) > self._clock()

    def forget(self, channel_ids: Collection[int] | None = None) -> None:
        """Forget what was refused in these channels (all, for None), as when a moderator
        changed their permissions or the bot's roles: the next question tries again. A DM a
        user closed stays remembered: no moderator opens it."""

        now = self._clock()
        if channel_ids is None:  # a role changed: rare, so the whole table is read
            self._until = OrderedDict((k, t) for k, t in self._until.items() if k[1] == "direct")
            self._logged = {key for key in self._logged if key[1] == "direct"}
            self._all_forgotten, self._forgotten = now, OrderedDict()
            return
        for channel_id in channel_ids:  # a channel changed: a few lookups, however many noted
            self._forgotten[channel_id] = now
            self._forgotten.move_to_end(channel_id)
            for what in _MEANING.keys() - {"direct"}:
                self._until.pop((channel_id, what), None)
                self._logged.discard((channel_id, what))
        # the oldest go, from the front: only requests still in flight are older than the
        # rest (red-team round 22, D7: rebuilt whole at each of 2,500 servers coming online,
        # the table cost 8 s of the event loop at start-up)
        expired = now - RETRY_SECONDS
        while self._forgotten and (
            len(self._forgotten) > _MOST or next(iter(self._forgotten.values())) <= expired
        ):
            self._forgotten.popitem(last=False)

    def note(
        self,
        channel_id: int,
        what: str,
        reason: str,
        *,
        remember: bool = True,
        sent_at: float | None = None,
    ) -> None:
        """Remember that `what` was refused here (`reason`: Discord's words, or ours), unless
        not to `remember` (a locked thread, tried again at once when unlocked); log it the
        first time for this channel. A refusal of a request sent (`sent_at`, from `now`)
        before the channel's refusals were last forgotten is dropped: the moderator's fix
        came after it (red-team round 14: embeds had stayed off for 10 minutes)."""
        last = max(self._forgotten.get(channel_id, float("-inf")), self._all_forgotten)
        if sent_at is not None and sent_at <= last:
            return
        now = self._clock()
        if remember:
            self._until[(channel_id, what)] = now + RETRY_SECONDS
            self._until.move_to_end((channel_id, what))
        # the soonest to lapse go first, lapsed or past `_MOST` (red-team round 26, H5: the
        # whole table had been rebuilt at each note once it held 10,000 live ones)
        while self._until and (len(self._until) > _MOST or next(iter(self._until.values())) <= now):
            self._until.popitem(last=False)
        if (channel_id, what) in self._logged:
            return
        if len(self._logged) >= _MOST:
            self._logged.clear()
        self._logged.add((channel_id, what))
        meaning, fix = _MEANING[what]
        log.warning("channel %s: %s refused (%s): %s; %s", channel_id, what, reason, meaning, fix)
