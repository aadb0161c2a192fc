"""A small fake Discord on 127.0.0.1: REST under /api/v10 and a zlib-stream gateway.

Enough of Discord for discord.py 2.x to log in, connect, resume, receive interactions
and messages, and send its replies, which are recorded for tests to assert on.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import re
import sys
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

TOKEN = "fake-token.Zm9vYmFyLnNlY3JldA.do-not-leak"
BOT_ID = "100000000000000001"
APP_ID = BOT_ID
GUILD_ID = "200000000000000002"
CHANNEL_ID = "300000000000000003"
OTHER_CHANNEL_ID = "300000000000000004"
THREAD_ID = "300000000000000005"  # a public thread in CHANNEL_ID
ROLE_ID = "600000000000000006"  # the bot's own managed role, which Discord offers to @-mention
TIMESTAMP = "2026-11-28T12:00:00.000000+00:00"
EVERY_PERMISSION = (1 << 51) - 1  # threads' permissions are above bit 31
CALLBACK_PATH = r"interactions/\d+/[^/]+/callback"  # an interaction's responses
ORIGINAL = "/messages/@original"  # after a webhook's path: an interaction's first message


def original(token: str) -> str:
    """The path of the message an interaction's first response made (its "thinking…")."""
    return f"webhooks/{APP_ID}/{token}{ORIGINAL}"


_ids = itertools.count(500000000000000000)


def snowflake() -> str:
    """A fresh, unique id."""
    return str(next(_ids))


def user(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    """A user object."""
    return {
        "id": user_id,
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    }


BOT_USER = user(BOT_ID, "essaybot", bot=True)


@dataclass
class Request:
    """One REST call the bot made."""

    method: str
    path: str
    body: Any
    at: float
    status: int = 200
    returned: Any = None  # what the fake answered (the message created, for a send)


@dataclass
class _Connection:
    ws: web.WebSocketResponse
    compressor: Any = field(default_factory=zlib.compressobj)


class FakeDiscord:
    """Start with `await fake.start()`; point discord.py at `fake.api` and `fake.gateway`."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.identifies = 0
        self.identified: list[dict[str, Any]] = []  # IDENTIFY payloads, token removed
        self.resumes = 0
        self.reject_token = False
        self.close_on_identify: int | None = None  # a gateway close code refusing identify
        # IDENTIFYs answered INVALID_SESSION (op 9), as a gateway in trouble may: how many more.
        self.invalid_sessions = 0
        self.identify_times: list[float] = []  # when each IDENTIFY came (time.monotonic)
        # RESUMEs answered RESUMED then RECONNECT (op 7), as a gateway in trouble may: how
        # many more; and when each RESUME came.
        self.reconnects_after_resume = 0
        self.resume_times: list[float] = []
        self.expired: set[str] = set()  # interactions answered too late: 404 "Unknown interaction"
        # follow-ups past their token's 15 minutes: 401 "Invalid Webhook Token"
        self.tokens_expired = False
        # First responses carried out but answered 500, as Discord may with any 5xx: how many
        # more. A second response to an interaction is refused (400, 40060), as Discord does.
        self.lost_first_responses = 0
        self.slow_callbacks = 0.0  # seconds Discord takes to take an interaction's response
        self.callbacks_open = self.most_callbacks_open = 0  # those taking that long at once
        # Channel posts carried out but answered 502, as Discord's edge may: how many more.
        # A post repeating an earlier one's nonce with `enforce_nonce` gets that message back,
        # as Discord does, not a second one.
        self.lost_posts = 0
        # Interaction follow-ups (a webhook POST, or the PATCH of "thinking…") carried out but
        # answered 502: how many more. A POST retried makes a second message, as on Discord.
        self.lost_follow_ups = 0
        # Channel posts, follow-ups and edits of "thinking…" carried out whose response never
        # reaches the bot: "lost" (the connection cut after), "cut" (its body cut short) or
        # "hang" (never sent) or "trickle" (its body a byte every `trickle` s, each within the
        # bot's read timeout) or "flood" (a body that never ends, as fast as it is read), one
        # each, in order; the message is made all the same.
        self.lose_responses: list[str] = []
        self.trickle = 0.2
        self.flooded = 0  # bytes of "flood" bodies sent
        self._hung = asyncio.Event()  # what a response never sent waits for: the stop
        # interaction token -> the message its response made ("thinking…", or the message)
        self.originals: dict[str, dict[str, Any]] = {}
        self._nonces: dict[tuple[str, str], Any] = {}
        self._acknowledged: set[str] = set()
        self.responses: dict[str, dict[str, Any]] = {}  # interaction id: the message it created
        # Permissions the bot lacks, answered with Discord's 403 bodies: embeds refused in
        # these channels (by message or by follow-up to an interaction from there), and any
        # message refused in these channels or threads, with this error code.
        self.refuse_embeds: set[str] = set()
        self.refuse_posts: dict[str, int] = {}
        self.refuse_threads = False  # starting a thread is refused (Missing Permissions)
        self.deleted_messages: set[str] = set()  # a thread started on one: 404 Unknown Message
        # Replies (posts with a message_reference) refused in these channels: no Read Message
        # History (403, 160002); a plain post goes through.
        self.refuse_replies: set[str] = set()
        # Channels whose AutoMod blocks any post quoting the essays (400, 200000).
        self.automod: set[str] = set()
        self.cut: set[str] = set()  # paths whose POSTs and PATCHes have their connection cut
        # POSTs and PATCHes to paths starting with one of these are refused 429: Discord's
        # own, asking the bot to wait that many seconds, or (None) Cloudflare's ban page, HTML
        # without Via.
        self.rate_limited: dict[str, Any] = {}
        self.cloudflare_retry_after: str | None = None  # a Retry-After on Cloudflare's page
        self.rate_limits_left: dict[str, int] = {}  # of those, how many 429s until lifted
        self.global_rate_limit = False  # those 429s are Discord's global limit's
        self.global_until = 0.0  # every post is refused by the global limit until then
        self.global_headers = True  # ... its 429s saying so in headers, or in the body alone
        self.slow_bodies = 0.0  # a post's response: its headers at once, its body this late
        self.posts_reading = 0  # posts whose response's body is not yet sent
        self.most_posts_reading = 0
        # POSTs and PATCHes to paths matching one of these (in full) answered 503 by Discord's
        # edge, not carried out ("upstream connect error"): how many more. discord.py does not
        # retry a 503.
        self.unavailable: dict[str, int] = {}
        # Successful responses to paths starting with one of these say their bucket is spent
        # (X-RateLimit-Remaining 0) until that many seconds from now.
        self.spent_buckets: dict[str, float] = {}
        # ... or carry these headers, as a proxy may mangle them ("X-RateLimit-Reset-After:
        # soon"), which discord.py cannot read.
        self.odd_headers: dict[str, dict[str, str]] = {}
        # ... or with these bodies, carried out all the same, which discord.py cannot read
        # (JSON nested past Python's recursion limit, an "id" of 1e999: red-team round 35)
        self.odd_bodies: dict[str, bytes] = {}
        self._threads_on: set[str] = set()  # messages a thread was started on
        self.abandoned: list[Request] = []  # held requests the bot gave up waiting for
        self._held: dict[str, asyncio.Event] = {}
        self._held_any: set[str] = set()
        self._channel_of: dict[str, str] = {}  # interaction token -> its channel
        self._connection: _Connection | None = None
        self._connected = asyncio.Event()
        self._sequence = 0
        self._session = ""
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def launch(self, seeds: str, **env: str) -> asyncio.subprocess.Process:
        """`essaybot discord` in a process of its own, pointed at this fake; logs on stderr."""
        launch = (
            "import sys, discord, yarl; from bot.cli import main; "
            "discord.http.Route.BASE = sys.argv[1]; "
            "discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2]); "
            "raise SystemExit(main(['discord', '--seeds', sys.argv[3]]))"
        )
        environment = {
            **os.environ,
            "ESSAYBOT_DISCORD_TOKEN": TOKEN,
            "ESSAYBOT_GUILD_ID": GUILD_ID,
            "ESSAYBOT_CACHE_DIR": "off",
            **env,
        }
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            launch,
            self.api,
            self.gateway,
            seeds,
            env=environment,
            cwd=os.path.dirname(seeds),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )

    def hold(self, path: str, *, any_body: bool = False) -> asyncio.Event:
        """Hold the reply to every message with embeds POSTed to `path`, or edited there by
        PATCH (with `any_body`, every one: a "thinking…" callback, a hint) until the event is
        set."""
        if any_body:
            self._held_any.add(path)
        return self._held.setdefault(path, asyncio.Event())

    async def stop(self) -> None:
        for event in [*self._held.values(), self._hung]:
            event.set()
        if self._connection is not None:
            await self._connection.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # REST -----------------------------------------------------------------

    async def _slow_body(self, request: web.Request, payload: Any) -> web.StreamResponse:
        """`payload` as a response whose headers go at once and whose body `slow_bodies` s
        later, counting the posts still being read."""
        body = json.dumps(payload).encode()
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = len(body)
        self.posts_reading += 1
        self.most_posts_reading = max(self.most_posts_reading, self.posts_reading)
        try:
            await response.prepare(request)
            await asyncio.sleep(self.slow_bodies)
            await response.write(body)
            await response.write_eof()
        finally:
            self.posts_reading -= 1
        return response

    async def _trickled(self, request: web.Request, payload: Any) -> web.StreamResponse:
        """`payload` as a response whose headers go at once and whose body a byte every
        `trickle` s, until the bot gives up on it."""
        body = json.dumps(payload).encode()
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = len(body)
        await response.prepare(request)
        with contextlib.suppress(ConnectionError):  # the bot closed the connection
            for byte in body:
                await response.write(bytes([byte]))
                await asyncio.sleep(self.trickle)
        return response

    async def _flooded(self, request: web.Request) -> web.StreamResponse:
        """A response whose headers go at once and whose body, of no length said, never ends,
        until the bot gives up on it."""
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        chunk = b"[" + b" " * (2**16 - 1)
        with contextlib.suppress(ConnectionError):  # the bot closed the connection
            while not self._hung.is_set():
                await response.write(chunk)
                self.flooded += len(chunk)
        return response

    async def _rest(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        if self.slow_callbacks and re.fullmatch(CALLBACK_PATH, path):
            self.callbacks_open += 1
            self.most_callbacks_open = max(self.most_callbacks_open, self.callbacks_open)
            try:
                await asyncio.sleep(self.slow_callbacks)
            finally:
                self.callbacks_open -= 1
        body = await request.json() if request.body_exists else None
        # Interaction callbacks and webhooks are authorised by their token in the path.
        by_path = path.startswith(("interactions/", "webhooks/"))
        if not by_path and (
            request.headers.get("Authorization") != f"Bot {TOKEN}" or self.reject_token
        ):
            self.requests.append(Request(request.method, path, body, time.monotonic(), 401))
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        if request.method in ("POST", "PATCH") and path in self.cut:  # a network failure
            self.requests.append(Request(request.method, path, body, time.monotonic(), 0))
            async with self._changed:
                self._changed.notify_all()
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=500)  # never arrives
        down = [k for k, n in self.unavailable.items() if n and re.fullmatch(k, path)]
        if request.method in ("POST", "PATCH") and down:
            self.unavailable[down[0]] -= 1
            self.requests.append(Request(request.method, path, body, time.monotonic(), 503))
            async with self._changed:
                self._changed.notify_all()
            return _json({"message": "upstream connect error", "code": 0}, status=503)
        limited = [k for k in self.rate_limited if path.startswith(k)]
        if request.method in ("POST", "PATCH") and time.monotonic() < self.global_until:
            self.requests.append(Request(request.method, path, body, time.monotonic(), 429))
            limited_globally = _too_many(self.global_until - time.monotonic(), None, is_global=True)
            if not self.global_headers:  # a proxy's loss: the body says it all
                del limited_globally.headers["X-RateLimit-Global"]
                del limited_globally.headers["Retry-After"]
            return limited_globally
        if request.method in ("POST", "PATCH") and limited:
            retry_after = self.rate_limited[limited[0]]
            if limited[0] in self.rate_limits_left:  # lifted after so many
                self.rate_limits_left[limited[0]] -= 1
                if not self.rate_limits_left[limited[0]]:
                    del self.rate_limited[limited[0]], self.rate_limits_left[limited[0]]
            self.requests.append(Request(request.method, path, body, time.monotonic(), 429))
            async with self._changed:
                self._changed.notify_all()
            return _too_many(retry_after, self.cloudflare_retry_after, self.global_rate_limit)
        status, refusal = self._refusal(request.method, path, body) or (200, None)
        record = Request(request.method, path, body, time.monotonic(), status)
        self.requests.append(record)
        async with self._changed:
            self._changed.notify_all()
        if refusal:
            return _json(refusal, status=status)
        held = self._held.get(path)
        posted = request.method in ("POST", "PATCH") and isinstance(body, dict | None)
        wanted = posted and (path in self._held_any or (body or {}).get("embeds"))
        if held is not None and wanted:
            await held.wait()
            if request.transport is None or request.transport.is_closing():
                self.abandoned.append(record)
        post = posted and re.fullmatch(r"channels/\d+/messages", path) is not None
        nonce = (
            (path, str((body or {}).get("nonce")))
            if post and (body or {}).get("enforce_nonce")
            else None
        )
        replayed = nonce is not None and nonce in self._nonces  # the first message back
        if nonce is not None and replayed:
            record.returned = self._nonces[nonce]
        else:
            record.returned = self._reply(request.method, path, body)
        if nonce is not None:
            self._nonces[nonce] = record.returned
        answer = post or (posted and path.startswith("webhooks/"))
        if self.lose_responses and answer:  # a post's sent again with its nonce too
            record.status = 0  # carried out all the same; no response reaches the bot
            how = self.lose_responses.pop(0)
            if how == "cut":
                return web.Response(body=b'{"id": "5000', content_type="application/json")
            if how == "trickle":
                return await self._trickled(request, record.returned)
            if how == "flood":
                return await self._flooded(request)
            if how == "hang":  # the connection kept, nothing sent: the bot's timeout ends it
                await self._hung.wait()
            if request.transport is not None:  # None: closed by the bot meanwhile
                request.transport.abort()
            return web.Response(status=500)  # never arrives
        if replayed:
            return _json(record.returned)
        if self.slow_bodies and post:
            return await self._slow_body(request, record.returned)
        if self.lost_posts and post:
            self.lost_posts -= 1
            record.status = 502  # carried out all the same
            return _json({"message": "502: Bad Gateway", "code": 0}, status=502)
        if self.lost_follow_ups and path.startswith("webhooks/") and posted:
            self.lost_follow_ups -= 1
            record.status = 502  # carried out all the same
            return _json({"message": "502: Bad Gateway", "code": 0}, status=502)
        if self.lost_first_responses and re.fullmatch(CALLBACK_PATH, path):
            self.lost_first_responses -= 1
            record.status = 500  # carried out all the same
            return _json({"message": "500: Internal Server Error", "code": 0}, status=500)
        if path.endswith("/threads"):  # Discord tells the bot about the thread it started
            await self.dispatch("THREAD_CREATE", record.returned | {"newly_created": True})
        spent = [after for k, after in self.spent_buckets.items() if path.startswith(k)]
        odd_body = [body for k, body in self.odd_bodies.items() if re.match(k, path)]
        if odd_body:
            headers = {"Content-Type": "application/json"}
            return web.Response(body=odd_body[0], status=200, headers=headers)
        odd = [headers for k, headers in self.odd_headers.items() if path.startswith(k)]
        if odd:
            return _json(record.returned, headers=odd[0])
        if spent:
            bucket = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": str(spent[0])}
            return _json(record.returned, headers=bucket)
        return _json(record.returned)

    def _refusal(self, method: str, path: str, body: Any) -> tuple[int, dict[str, Any]] | None:
        """Discord's error (status and body) when it refuses this request, or None."""
        synced = re.fullmatch(r"applications/\d+/guilds/(\d+)/commands", path)
        if method == "PUT" and synced and synced.group(1) != GUILD_ID:  # a server not joined
            return 403, {"message": "Missing Access", "code": 50001}
        if method != "POST" and not (method == "PATCH" and path.endswith(ORIGINAL)):
            return None
        if path.endswith("/threads") and self.refuse_threads:
            return 403, {"message": "Missing Permissions", "code": 50013}
        if match := re.fullmatch(r"channels/\d+/messages/(\d+)/threads", path):
            if match.group(1) in self.deleted_messages:
                return 404, {"message": "Unknown Message", "code": 10008}
            if match.group(1) in self._threads_on:  # one thread per message, even if archived
                return 400, {
                    "message": "A thread has already been created for this message",
                    "code": 160004,
                }
            self._threads_on.add(match.group(1))
            return None
        if path.startswith("interactions/") and path.split("/")[1] in self.expired:
            return 404, {"message": "Unknown interaction", "code": 10062}
        if re.fullmatch(CALLBACK_PATH, path) and path.split("/")[1] in self._acknowledged:
            return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}
        if path.startswith("webhooks/") and self.tokens_expired:
            return 401, {"message": "Invalid Webhook Token", "code": 50027}
        if path.startswith(("webhooks/", "interactions/")):  # the token is the third part
            channel = self._channel_of.get(path.split("/")[2], "")
            body = body.get("data", body) if path.endswith("/callback") else body
        elif match := re.fullmatch(r"channels/(\d+)/messages", path):
            channel = match.group(1)
            if channel in self.refuse_posts:
                code = self.refuse_posts[channel]
                status = 404 if code < 20000 else 403  # 10xxx: unknown, gone
                return status, {"message": _REFUSALS.get(code, "Missing Permissions"), "code": code}
            if channel in self.refuse_replies and (body or {}).get("message_reference"):
                return 403, {"message": _REFUSALS[160002], "code": 160002}
        else:
            return None
        if channel in self.refuse_embeds and (body or {}).get("embeds"):
            return 403, {"message": "Missing Permissions", "code": 50013}
        if channel in self.automod and _quotes(body):  # a keyword rule matching a quote
            return 400, {"message": "Message was blocked by automatic moderation", "code": 200000}
        return None

    def _reply(self, method: str, path: str, body: Any) -> Any:
        if path == "users/@me":
            return BOT_USER
        if path == "oauth2/applications/@me":
            return {
                "id": APP_ID,
                "name": "essaybot",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": BOT_USER,
                "verify_key": "0",
                "flags": 0,
                "rpc_origins": [],
            }
        if path == "gateway/bot":
            return {
                "url": self.gateway,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        if re.fullmatch(r"applications/\d+/(guilds/\d+/)?commands", path) and method == "PUT":
            return [
                # Discord gives context menus (which have none) an empty description.
                {"description": "", **command, "id": snowflake(), "application_id": APP_ID}
                | {"version": "1"}
                for command in body
            ]
        if re.fullmatch(CALLBACK_PATH, path):
            interaction_id = path.split("/")[1]
            self._acknowledged.add(interaction_id)
            token = path.split("/")[2]
            if body["type"] == 5:  # "thinking…": the message its first follow-up takes over
                self.originals[token] = self.message(body.get("data") or {})
            if body["type"] == 4:  # a message: Discord says which, so that buttons can find it
                sent = self.responses[interaction_id] = self.message(body.get("data") or {})
                self.originals[token] = sent
                return {
                    "interaction": {
                        "id": interaction_id,
                        "type": 2,
                        "response_message_id": sent["id"],
                    },
                    "resource": {"type": 4, "message": sent},
                }
            return {
                "interaction": {"id": interaction_id, "type": 2},
                "resource": {"type": body["type"]},
            }
        if match := re.fullmatch(r"channels/(\d+)/messages/(\d+)/threads", path):
            # A thread started on a message has the message's id; the bot owns it.
            started = thread(match.group(2), match.group(1), body["name"])
            return started | {"owner_id": BOT_ID}
        if path.endswith(ORIGINAL) and method == "PATCH":  # edited in place: id and flags kept
            original = self.originals.setdefault(path.split("/")[2], self.message({}))
            for key, empty in (("content", ""), ("embeds", []), ("components", [])):
                if key in body:
                    original[key] = body[key] or empty
            return original
        if path.startswith(("webhooks/", "channels/")):
            channel = path.split("/")[1] if path.startswith("channels/") else CHANNEL_ID
            return self.message(body or {}, channel)
        return {}

    def message(self, body: dict[str, Any], channel_id: str = CHANNEL_ID) -> dict[str, Any]:
        """The message object Discord would return for a sent message."""
        return {
            "id": snowflake(),
            "channel_id": channel_id,
            "author": BOT_USER,
            "content": body.get("content") or "",
            "timestamp": TIMESTAMP,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags") or 0,  # 64: ephemeral
        }

    async def wait_for(self, predicate: Any, count: int = 1, timeout: float = 10) -> list[Request]:
        """Wait until `count` recorded requests satisfy `predicate`; return them."""

        async def enough() -> list[Request]:
            async with self._changed:
                while len(found := [r for r in self.requests if predicate(r)]) < count:
                    await self._changed.wait()
                return found

        return await asyncio.wait_for(enough(), timeout)

    # Gateway --------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        connection = _Connection(ws)
        self._connection = connection
        await self._send(connection, {"op": 10, "d": {"heartbeat_interval": 45000}})
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            payload = json.loads(frame.data)
            if payload["op"] == 1:
                await self._send(connection, {"op": 11})
            elif payload["op"] == 2:
                await self._identify(connection, payload["d"])
            elif payload["op"] == 6:
                await self._resume(connection, payload["d"])
        if self._connection is connection:
            self._connection = None
            self._connected.clear()
        return ws

    async def _send(self, connection: _Connection, payload: dict[str, Any]) -> None:
        data = connection.compressor.compress(json.dumps(payload).encode())
        await connection.ws.send_bytes(data + connection.compressor.flush(zlib.Z_SYNC_FLUSH))

    async def _event(self, connection: _Connection, name: str, data: dict[str, Any]) -> None:
        self._sequence += 1
        await self._send(connection, {"op": 0, "t": name, "s": self._sequence, "d": data})

    async def _identify(self, connection: _Connection, data: dict[str, Any]) -> None:
        assert data["token"] == TOKEN
        if self.close_on_identify is not None:
            await connection.ws.close(code=self.close_on_identify, message=b"refused")
            return
        self.identify_times.append(time.monotonic())
        if self.invalid_sessions:
            self.invalid_sessions -= 1
            await self._send(connection, {"op": 9, "d": False})
            return
        self.identifies += 1
        self.identified.append({k: v for k, v in data.items() if k != "token"})
        self._session = snowflake()
        shard = data.get("shard", [0, 1])
        await self._event(
            connection,
            "READY",
            {
                "v": 10,
                "user": BOT_USER,
                "guilds": [{"id": GUILD_ID, "unavailable": True}],
                "session_id": self._session,
                "resume_gateway_url": self.gateway,
                "shard": shard,
                "application": {"id": APP_ID, "flags": 0},
            },
        )
        await self._event(connection, "GUILD_CREATE", guild())
        self._connected.set()

    async def _resume(self, connection: _Connection, data: dict[str, Any]) -> None:
        if data["session_id"] != self._session:
            await self._send(connection, {"op": 9, "d": False})
            return
        self.resumes += 1
        self.resume_times.append(time.monotonic())
        await self._event(connection, "RESUMED", {})
        if self.reconnects_after_resume:
            self.reconnects_after_resume -= 1
            await self._send(connection, {"op": 7, "d": None})
            return
        self._connected.set()

    async def dispatch(self, name: str, data: dict[str, Any], timeout: float = 15) -> None:
        """Send an event, waiting for the bot to be (re)connected first, as Discord replays."""
        await asyncio.wait_for(self._connected.wait(), timeout)
        assert self._connection is not None
        if name == "INTERACTION_CREATE":
            self._channel_of[data["token"]] = data["channel_id"]
        await self._event(self._connection, name, data)

    async def send_frame(self, data: bytes, *, through_stream: bool = True) -> None:
        """Send a frame as it is (through the zlib stream, or bytes that may not inflate), then
        wait, as `dispatch` does, for the bot to be connected again if it reconnects."""
        await asyncio.wait_for(self._connected.wait(), 15)
        connection = self._connection
        assert connection is not None
        if through_stream:
            compressor = connection.compressor
            data = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
        self._connected.clear()
        await connection.ws.send_bytes(data)

    async def close_gateway(self, code: int, reason: bytes = b"") -> None:
        """Close the gateway connection with a close code, as Discord does (4004: the token
        was reset)."""
        assert self._connection is not None
        self._connected.clear()
        await self._connection.ws.close(code=code, message=reason)

    async def drop(self) -> None:
        """Cut the gateway connection without a close frame, as a network failure would."""
        assert self._connection is not None
        self._connected.clear()
        transport = self._connection.ws._req.transport  # type: ignore[union-attr]
        assert transport is not None
        transport.abort()


_REFUSALS = {  # Discord's words for its 403 codes (and 404s: what is gone)
    10003: "Unknown Channel",  # deleted while its answer was on the way: a 404
    50001: "Missing Access",
    50007: "Cannot send messages to this user",  # a DM the user closed
    50013: "Missing Permissions",
    50083: "Thread is archived",  # or locked: only Manage Threads may post there
    160002: "Cannot reply without permission to read message history",
}


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py parses a body as JSON only for exactly this Content-Type (no charset).
    return web.Response(
        body=json.dumps(payload).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _too_many(
    retry_after: Any, cloudflare_retry_after: str | None, is_global: bool = False
) -> web.Response:
    """Discord's 429, with the Via header its API sends; Cloudflare's (None) has neither (nor
    JSON), and a Retry-After only when given one. A `retry_after` that is no number of
    seconds (NaN, a string: a proxy's) is sent as it is, without a Retry-After header."""
    if retry_after is None:
        body = b"<html><body>error code: 1015</body></html>"
        headers = {"Content-Type": "text/html"}
        if cloudflare_retry_after is not None:
            headers["Retry-After"] = cloudflare_retry_after
        return web.Response(body=body, status=429, headers=headers)
    payload = {"message": "You are being rate limited.", "retry_after": retry_after}
    headers = {"Via": "1.1 google"} | ({"X-RateLimit-Global": "true"} if is_global else {})
    if isinstance(retry_after, float | int) and 0 <= retry_after < 10**9:  # not NaN, nor 10**400
        headers["Retry-After"] = str(int(retry_after) + 1)
    return web.Response(
        body=json.dumps(payload | {"global": is_global}).encode(),
        status=429,
        headers=headers | {"Content-Type": "application/json"},
    )


def guild() -> dict[str, Any]:
    """A guild with two text channels."""

    def channel(channel_id: str, name: str) -> dict[str, Any]:
        return {
            "id": channel_id,
            "type": 0,
            "name": name,
            "position": 0,
            "guild_id": GUILD_ID,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        }

    return {
        "id": GUILD_ID,
        "name": "Readers",
        "icon": None,
        "owner_id": "1",
        "unavailable": False,
        "member_count": 2,
        "large": False,
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": [
            {
                "id": GUILD_ID,
                "name": "@everyone",
                "permissions": str(EVERY_PERMISSION),
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            },
            {  # the role Discord makes for the bot when it joins
                "id": ROLE_ID,
                "name": "essaybot",
                "permissions": "0",
                "position": 1,
                "color": 0,
                "hoist": False,
                "managed": True,
                "mentionable": True,
                "flags": 0,
                "tags": {"bot_id": BOT_ID},
            },
        ],
        "channels": [channel(CHANNEL_ID, "general"), channel(OTHER_CHANNEL_ID, "random")],
        "members": [_member(BOT_ID) | {"user": BOT_USER, "roles": [ROLE_ID]}],  # guild.me
        "threads": [thread(THREAD_ID, CHANNEL_ID, "questions")],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "verification_level": 0,
        "mfa_level": 0,
        "explicit_content_filter": 0,
        "default_message_notifications": 0,
        "system_channel_id": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": TIMESTAMP,
    }


def thread(thread_id: str, parent_id: str, name: str) -> dict[str, Any]:
    """A public thread in a text channel."""
    return {
        "id": thread_id,
        "type": 11,
        "name": name,
        "guild_id": GUILD_ID,
        "parent_id": parent_id,
        "owner_id": "400000000000000001",
        "last_message_id": None,
        "message_count": 0,
        "member_count": 1,
        "rate_limit_per_user": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": TIMESTAMP,
            "locked": False,
        },
    }


def _member(user_id: str) -> dict[str, Any]:
    return {
        "user": user(user_id, f"reader{user_id[-3:]}"),
        "roles": [],
        "joined_at": TIMESTAMP,
        "deaf": False,
        "mute": False,
        "permissions": str(EVERY_PERMISSION),
        "flags": 0,
    }


def interaction(
    name: str,
    options: list[dict[str, Any]],
    *,
    user_id: str = "400000000000000001",
    channel_id: str = CHANNEL_ID,
    autocomplete: bool = False,
    app_permissions: int = EVERY_PERMISSION,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload for a slash command (or its autocomplete)."""
    return {
        "id": snowflake(),
        "application_id": APP_ID,
        "type": 4 if autocomplete else 2,
        "token": f"itoken-{snowflake()}",
        "version": 1,
        "guild_id": GUILD_ID,
        "channel_id": channel_id,
        "channel": {
            "id": channel_id,
            "type": 11 if channel_id == THREAD_ID else 0,
            "parent_id": CHANNEL_ID if channel_id == THREAD_ID else None,
            "guild_id": GUILD_ID,
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
        },
        "member": _member(user_id),
        "data": {"id": snowflake(), "name": name, "type": 1, "options": options},
        "app_permissions": str(app_permissions),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD_ID},
        "context": 0,
        "attachment_size_limit": 8388608,
    }


def _quotes(body: Any) -> bool:
    """Whether a post's body quotes the essays: an answer's embed or plain-text answer."""
    body = body or {}
    return bool(body.get("embeds")) or "\u201c" in str(body.get("content", ""))


def message(
    content: str,
    *,
    author_id: str = "400000000000000001",
    bot: bool = False,
    mentions_bot: bool = True,
    channel_id: str = CHANNEL_ID,
) -> dict[str, Any]:
    """A MESSAGE_CREATE payload, by default in the guild's main channel."""
    author = user(author_id, f"reader{author_id[-3:]}", bot=bot)
    return {
        "id": snowflake(),
        "channel_id": channel_id,
        "guild_id": GUILD_ID,
        "author": author,
        "member": {k: v for k, v in _member(author_id).items() if k != "user"},
        "content": content,
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [BOT_USER] if mentions_bot else [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
    }


def button_press(custom_id: str, message: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """An INTERACTION_CREATE payload for a press of a button on `message`."""
    pressed = interaction("", [], **kwargs)
    pressed["type"] = 3
    pressed["message"] = message
    pressed["data"] = {"custom_id": custom_id, "component_type": 2}
    return pressed


def form_submit(
    custom_id: str, values: dict[str, str], message: dict[str, Any], **kwargs: Any
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload for a submitted modal (a form opened by a button on
    `message`): each value in a text input inside a Label, as Discord sends them."""
    submitted = interaction("", [], **kwargs)
    submitted["type"] = 5
    submitted["message"] = message
    submitted["data"] = {
        "custom_id": custom_id,
        "components": [
            {"type": 18, "id": n, "component": {"type": 4, "custom_id": k, "value": v}}
            for n, (k, v) in enumerate(values.items(), start=1)
        ],
    }
    return submitted


def message_command(name: str, content: str, **kwargs: Any) -> dict[str, Any]:
    """An INTERACTION_CREATE payload for a message command (a context menu) on a message."""
    target = message(content, mentions_bot=False)
    payload = interaction(name, [], **kwargs)
    payload["data"] = {
        "id": snowflake(),
        "name": name,
        "type": 3,
        "target_id": target["id"],
        "resolved": {"messages": {target["id"]: target}},
    }
    return payload
