"""A small fake Discord (REST + gateway) on 127.0.0.1 for the unmodified discord.py client.

Facts it relies on are in ``shared/notes/fake-discord.md``: text JSON frames on the gateway,
``Content-Type: application/json`` exactly on REST replies, the READY / GUILD_CREATE /
INTERACTION_CREATE payload fields discord.py requires. Every HTTP request is recorded
(method, path, query, JSON body, monotonic time); unknown routes are recorded and get 404.

`FakeDiscord` is asyncio-native (the latency benchmark uses it directly);
`FakeDiscordThread` runs it on its own loop in a thread so synchronous tests can drive it.

Sharding: ``GET /gateway/bot`` announces ``shards`` and ``session_start_limit`` (with
``max_concurrency``); an IDENTIFY with ``shard: [id, count]`` owns that shard, and each
guild's GUILD_CREATE and interactions go only to the shard that owns the guild,
``(guild_id >> 22) % count`` (direct messages: shard 0), as Discord routes them. Several bot
processes (clusters) may connect to one fake; every IDENTIFY is logged in `identify_log`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

T = TypeVar("T")

APP_ID = 900_000_000_000_000_001
TOKEN = "fake-bot-token.for-tests-only"
GUILD_A = 910_000_000_000_000_001
GUILD_B = 920_000_000_000_000_002
CHANNEL_A = 911_000_000_000_000_001
CHANNEL_B = 921_000_000_000_000_002
OWNER_ID = 930_000_000_000_000_001

# Permission bits (discord.Permissions values).
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_HISTORY = 1 << 16
USE_COMMANDS = 1 << 31
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | READ_HISTORY | USE_COMMANDS | EMBED_LINKS
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD | ATTACH_FILES
APP_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_HISTORY

BOT_USER = {
    "id": str(APP_ID), "username": "newsdesk", "discriminator": "0", "global_name": None,
    "avatar": None, "bot": True, "flags": 0,
}


def _now() -> str:
    return datetime.now(UTC).isoformat()


def json_response(data: Any, status: int = 200) -> web.Response:
    """A JSON reply with ``Content-Type: application/json`` exactly (discord.py needs it)."""
    return web.Response(
        body=json.dumps(data).encode(), status=status,
        headers={"Content-Type": "application/json"},
    )


@dataclass
class Recorded:
    """One HTTP request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float
    authorization: str | None = None
    status: int = 0
    reply: Any = None

    @property
    def token(self) -> str | None:
        """The interaction token in an interaction or webhook path, if any."""
        parts = self.path.split("/")
        if "interactions" in parts:
            return parts[parts.index("interactions") + 2]
        if "webhooks" in parts and len(parts) > parts.index("webhooks") + 2:
            return parts[parts.index("webhooks") + 2]
        return None

    @property
    def is_callback(self) -> bool:
        """An initial interaction response."""
        return self.path.endswith("/callback")

    @property
    def callback_type(self) -> int | None:
        """The interaction response type (4, 5, 6, 7, 8) of a callback."""
        return int(self.body["type"]) if self.is_callback and isinstance(self.body, dict) else None

    @property
    def message(self) -> dict[str, Any] | None:
        """The message payload this request sends (callback data or webhook body)."""
        if not isinstance(self.body, dict):
            return None
        if self.is_callback:
            data = self.body.get("data")
            return data if isinstance(data, dict) else None
        if "/webhooks/" in self.path and self.method in {"POST", "PATCH"}:
            return self.body
        return None

    @property
    def flags(self) -> int:
        """Message flags (64 = ephemeral) of the payload."""
        message = self.message or {}
        return int(message.get("flags", 0) or 0)


@dataclass
class _Gateway:
    """The live session of one shard."""

    ws: web.WebSocketResponse | None = None
    sequence: int = 0
    count: int = 1  # the shard count its IDENTIFY gave
    ready: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(frozen=True)
class Identify:
    """One IDENTIFY the gateway received."""

    shard_id: int
    shard_count: int
    at: float  # time.monotonic()


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """The shard Discord routes a guild's events to (direct messages: shard 0)."""
    return 0 if guild_id is None else (guild_id >> 22) % shard_count


class FakeDiscord:
    """REST routes and a gateway websocket playing Discord for one bot.

    Parameters
    ----------
    token
        The only bot token accepted (others get 401 on ``/users/@me``).
    heartbeat_interval
        Milliseconds announced in HELLO (short, so latency is known soon).
    shards
        The shard count ``GET /gateway/bot`` recommends.
    max_concurrency
        ``session_start_limit.max_concurrency`` (IDENTIFY buckets).
    """

    def __init__(self, *, token: str = TOKEN, heartbeat_interval: int = 1000, shards: int = 1,
                 max_concurrency: int = 1) -> None:
        self.token = token
        self.heartbeat_interval = heartbeat_interval
        self.shards = shards
        self.max_concurrency = max_concurrency
        self.identify_log: list[Identify] = []
        self.routed: dict[str, int] = {}  # interaction token -> shard it was sent to
        self.requests: list[Recorded] = []
        self.listeners: list[Callable[[Recorded], None]] = []
        self.dispatched: dict[str, float] = {}  # interaction token -> time sent
        self.messages: dict[str, dict[str, Any]] = {}
        # what the bot POSTed to /channels/{id}/messages, with channel_id and "at" (monotonic)
        self.channel_posts: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.expired_tokens: set[str] = set()
        self.invalidate_resumes = True
        self.failures: dict[tuple[str, str], int] = {}  # (method, route) -> status to answer
        self.deleted: set[str] = set()  # message ids deleted by someone (PATCH gives 404)
        self.guilds = [(GUILD_A, CHANNEL_A, "Guild A"), (GUILD_B, CHANNEL_B, "Guild B")]
        # snowflakes encode their creation time, as Discord's do (interaction.created_at)
        self._ids = itertools.count((int(time.time() * 1000) - 1_420_070_400_000) << 22)
        self._gateways: dict[int, _Gateway] = {}
        self._identified = 0
        self._resumed = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway_handler)
        app.router.add_route("*", "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        """Close the gateways and stop listening."""
        for gateway in list(self._gateways.values()):
            if gateway.ws is not None:
                await gateway.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """What DISCORD_API_BASE should be."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """What DISCORD_GATEWAY_URL should be."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> int:
        """A fresh snowflake-sized id."""
        return next(self._ids)

    # -- REST -----------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                body = json.loads(raw or b"null")
            elif request.content_type.startswith("multipart/"):
                body = {"multipart": True}
            else:
                body = raw
        record = Recorded(
            request.method, request.path, dict(request.query), body, time.monotonic(),
            request.headers.get("Authorization"),
        )
        self.requests.append(record)
        response = await self._route(request, body)
        record.status = response.status
        if isinstance(response, web.Response) and response.body and (
            response.headers.get("Content-Type") == "application/json"
        ):
            record.reply = json.loads(response.body)  # type: ignore[arg-type]
        for listener in self.listeners:
            listener(record)
        return response

    async def _route(self, request: web.Request, body: Any) -> web.StreamResponse:
        path = request.path
        if path.startswith("/attachments/") or path.startswith("/pages/"):
            return self._serve_file(path)
        if not path.startswith("/api/v10/"):
            return json_response({"message": "404: Not Found", "code": 0}, 404)
        route = path[len("/api/v10"):]
        parts = route.strip("/").split("/")
        method = request.method
        if (method, route) in self.failures:
            status = self.failures[(method, route)]
            return json_response({"message": f"{status}: Server Error", "code": 0}, status)
        if route == "/users/@me" and method == "GET":
            if request.headers.get("Authorization") != f"Bot {self.token}":
                return json_response({"message": "401: Unauthorized", "code": 0}, 401)
            return json_response(BOT_USER)
        if route == "/oauth2/applications/@me" and method == "GET":
            return json_response(self._application())
        if route in {"/gateway", "/gateway/bot"} and method == "GET":
            return json_response({
                "url": self.gateway_url, "shards": self.shards,
                "session_start_limit": {"total": 1000, "remaining": 1000 - self._identified,
                                        "reset_after": 0,
                                        "max_concurrency": self.max_concurrency},
            })
        if parts[0] == "applications" and parts[-1] == "commands" and method == "PUT":
            return json_response(self._commands(body or [], parts))
        if parts[0] == "applications" and parts[-1] == "commands" and method == "GET":
            return json_response([])
        if parts[0] == "interactions" and parts[-1] == "callback" and method == "POST":
            return self._callback(parts[1], parts[2], body)
        if parts[0] == "channels" and parts[-1] == "messages" and method == "POST":
            posted = {**(body or {}), "channel_id": parts[1]}
            self.channel_posts.append({**posted, "at": time.monotonic()})
            return json_response(self._store_message(posted))
        if parts[0] == "webhooks" and len(parts) == 3 and method == "POST":
            return json_response(self._store_message(body or {}))
        if parts[0] == "webhooks" and len(parts) == 5 and parts[3] == "messages":
            return self._webhook_message(method, parts[4], body)
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    def _serve_file(self, path: str) -> web.StreamResponse:
        if path.startswith("/attachments/"):
            name = path.rsplit("/", 1)[1]
            if name in self.files:
                return web.Response(body=self.files[name],
                                    headers={"Content-Type": "application/octet-stream"})
        elif path in self.pages:
            data, content_type = self.pages[path]
            return web.Response(body=data, headers={"Content-Type": content_type})
        return web.Response(status=404)

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(APP_ID), "name": "newsdesk", "description": "", "icon": None,
            "bot_public": True, "bot_require_code_grant": False, "verify_key": "0" * 64,
            "owner": {"id": str(OWNER_ID), "username": "owner", "discriminator": "0",
                      "avatar": None, "global_name": None},
            "flags": 0, "team": None, "summary": "",
        }

    def _commands(self, commands: list[dict[str, Any]], parts: list[str]) -> list[dict[str, Any]]:
        synced = []
        for command in commands:
            item = dict(command)
            item.setdefault("id", str(self.next_id()))
            item["application_id"] = str(APP_ID)
            item.setdefault("version", "1")
            item.setdefault("default_member_permissions", None)
            if "guilds" in parts:
                item["guild_id"] = parts[parts.index("guilds") + 1]
            synced.append(item)
        return synced

    def _message(self, payload: dict[str, Any], message_id: str | None = None) -> dict[str, Any]:
        channel = str(payload.get("channel_id", CHANNEL_A))
        return {
            "id": message_id or str(self.next_id()), "channel_id": channel, "type": 20,
            "author": BOT_USER, "content": payload.get("content") or "",
            "timestamp": _now(), "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": payload.get("embeds") or [], "pinned": False,
            "flags": int(payload.get("flags") or 0),
            "components": payload.get("components") or [],
            "webhook_id": str(APP_ID), "application_id": str(APP_ID),
        }

    def _store_message(self, payload: dict[str, Any]) -> dict[str, Any]:
        message = self._message(payload)
        self.messages[message["id"]] = message
        return message

    def _callback(self, interaction_id: str, token: str, body: Any) -> web.Response:
        if token in self.expired_tokens:
            return json_response({"message": "Unknown interaction", "code": 10062}, 404)
        kind = int(body.get("type", 0)) if isinstance(body, dict) else 0
        data = body.get("data") or {} if isinstance(body, dict) else {}
        message = self._message(data)
        self.messages[message["id"]] = message
        reply: dict[str, Any] = {
            "interaction": {
                "id": interaction_id, "type": 2, "response_message_id": message["id"],
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & 64),
                "activity_instance_id": None,
            },
            "resource": {"type": kind},
        }
        if kind in (4, 5, 7):
            reply["resource"]["message"] = message
        return json_response(reply)

    def _webhook_message(self, method: str, message_id: str, body: Any) -> web.Response:
        if method == "DELETE":
            self.messages.pop(message_id, None)
            return web.Response(status=204)
        if message_id in self.deleted:
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        known = self.messages.get(message_id) or self._message({}, message_id)
        if method == "PATCH" and isinstance(body, dict):
            known = {**known, **self._message({**known, **body}, known["id"])}
            self.messages[known["id"]] = known
        return json_response(known)

    # -- gateway --------------------------------------------------------------------

    def gateway(self, shard_id: int = 0) -> _Gateway:
        """The session state of ``shard_id`` (created empty on first use)."""
        return self._gateways.setdefault(shard_id, _Gateway())

    async def _gateway_handler(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        hello = {"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval}, "s": None,
                 "t": None}
        await ws.send_str(json.dumps(hello))
        async for frame in ws:
            if frame.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(frame.data)
            op = payload.get("op")
            if op == 1:
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            elif op == 2:
                await self._identify(ws, payload["d"])
            elif op == 6:
                await self._resume(ws, payload["d"])
        for gateway in self._gateways.values():
            if gateway.ws is ws:
                gateway.ws = None
                gateway.ready.clear()
        return ws

    async def _send_dispatch(self, gateway: _Gateway, event: str, data: Any) -> None:
        assert gateway.ws is not None
        gateway.sequence += 1
        frame = {"op": 0, "t": event, "s": gateway.sequence, "d": data}
        await gateway.ws.send_str(json.dumps(frame))

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        shard_id, count = (int(part) for part in data.get("shard") or (0, 1))
        self.identify_log.append(Identify(shard_id, count, time.monotonic()))
        self._identified += 1
        gateway = self.gateway(shard_id)
        gateway.sequence, gateway.count, gateway.ws = 0, count, ws
        owned = [g for g in self.guilds if shard_of(g[0], count) == shard_id]
        ready = {
            "v": 10, "user": BOT_USER, "session_id": f"session-{shard_id}-{self._identified}",
            "resume_gateway_url": self.gateway_url,
            "guilds": [{"id": str(g), "unavailable": True} for g, _, _ in owned],
            "application": {"id": str(APP_ID), "flags": 0},
            "private_channels": [], "relationships": [],
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        await self._send_dispatch(gateway, "READY", ready)
        for guild_id, channel_id, name in owned:
            await self._send_dispatch(gateway, "GUILD_CREATE",
                                      self._guild(guild_id, channel_id, name))
        gateway.ready.set()

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self._resumed += 1
        if self.invalidate_resumes:
            await ws.send_str(json.dumps({"op": 9, "d": False, "s": None, "t": None}))
            return
        shard_id = int(str(data.get("session_id", "session-0-0")).split("-")[1])
        gateway = self.gateway(shard_id)
        gateway.ws = ws
        await self._send_dispatch(gateway, "RESUMED", {})
        gateway.ready.set()

    def _guild(self, guild_id: int, channel_id: int, name: str) -> dict[str, Any]:
        everyone = {
            "id": str(guild_id), "name": "@everyone", "permissions": str(MEMBER_PERMISSIONS),
            "position": 0, "color": 0, "hoist": False, "managed": False, "mentionable": False,
            "flags": 0,
        }
        channel = {
            "id": str(channel_id), "type": 0, "name": "general", "position": 0,
            "permission_overwrites": [], "guild_id": str(guild_id), "nsfw": False,
            "parent_id": None, "topic": None, "last_message_id": None, "rate_limit_per_user": 0,
        }
        return {
            "id": str(guild_id), "name": name, "owner_id": str(OWNER_ID), "member_count": 3,
            "roles": [everyone], "channels": [channel], "threads": [], "members": [],
            "voice_states": [], "presences": [], "emojis": [], "stickers": [], "features": [],
            "unavailable": False, "joined_at": _now(), "large": False, "icon": None,
            "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "mfa_level": 0, "premium_tier": 0,
            "preferred_locale": "en-US", "afk_channel_id": None, "afk_timeout": 300,
            "system_channel_id": None, "system_channel_flags": 0, "nsfw_level": 0,
        }

    @property
    def identified(self) -> int:
        """How many IDENTIFYs (so READY events) the gateway has answered, all shards."""
        return self._identified

    @property
    def resumed(self) -> int:
        """How many RESUMEs were attempted, all shards."""
        return self._resumed

    async def wait_ready(self, seconds: float = 30, shard_id: int | None = None) -> None:
        """Wait until ``shard_id`` (None: every one of ``shards``) has a live session."""
        shards = range(self.shards) if shard_id is None else [shard_id]
        async with asyncio.timeout(seconds):
            for shard in shards:
                await self.gateway(shard).ready.wait()

    def owner(self, guild_id: int | None) -> int:
        """The shard this guild's events go to, under the live sessions' shard count."""
        counts = {g.count for g in self._gateways.values() if g.ws is not None}
        return shard_of(guild_id, max(counts) if counts else self.shards)

    async def dispatch_interaction(self, payload: dict[str, Any]) -> float:
        """Send INTERACTION_CREATE to the guild's shard; returns when it was sent (monotonic)."""
        guild = payload.get("guild_id")
        shard_id = self.owner(int(guild) if guild is not None else None)
        await self.wait_ready(shard_id=shard_id)
        gateway = self.gateway(shard_id)
        at = time.monotonic()
        self.dispatched[payload["token"]] = at
        self.routed[payload["token"]] = shard_id
        await self._send_dispatch(gateway, "INTERACTION_CREATE", payload)
        return at

    async def force_reconnect(self, shard_id: int = 0) -> None:
        """Send op 7 RECONNECT; with ``invalidate_resumes`` the client must IDENTIFY again."""
        gateway = self.gateway(shard_id)
        ws = gateway.ws
        assert ws is not None
        gateway.ready.clear()
        gateway.ws = None
        await ws.send_str(json.dumps({"op": 7, "d": None, "s": None, "t": None}))

    # -- payload builders -----------------------------------------------------------

    def _base(self, kind: int, *, guild_id: int | None, user_id: int, permissions: int,
              app_permissions: int) -> dict[str, Any]:
        token = f"itoken-{self.next_id()}"
        user = {"id": str(user_id), "username": f"user{user_id % 10_000}", "discriminator": "0",
                "global_name": None, "avatar": None}
        payload: dict[str, Any] = {
            "id": str(self.next_id()), "application_id": str(APP_ID), "type": kind,
            "token": token, "version": 1, "app_permissions": str(app_permissions),
            "locale": "en-US", "entitlements": [], "attachment_size_limit": 25 * 1024 * 1024,
        }
        if guild_id is None:
            channel_id = str(self.next_id())
            payload["channel_id"] = channel_id
            payload["channel"] = {"id": channel_id, "type": 1, "recipients": [user]}
            payload["user"] = user
            payload["context"] = 1
            payload["authorizing_integration_owners"] = {"0": "0"}
        else:
            channel_id = str(next((c for g, c, _ in self.guilds if g == guild_id), CHANNEL_B))
            payload["guild_id"] = str(guild_id)
            payload["guild_locale"] = "en-US"
            payload["channel_id"] = channel_id
            payload["channel"] = {"id": channel_id, "type": 0, "name": "general",
                                  "guild_id": str(guild_id), "position": 0,
                                  "permission_overwrites": [], "nsfw": False,
                                  "parent_id": None, "permissions": str(permissions)}
            payload["member"] = {"user": user, "roles": [], "permissions": str(permissions),
                                 "joined_at": _now(), "deaf": False, "mute": False, "flags": 0,
                                 "nick": None, "avatar": None, "pending": False}
            payload["context"] = 0
            payload["authorizing_integration_owners"] = {"0": str(guild_id)}
        return payload

    def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        subcommand: str | None = None,
        guild_id: int | None = GUILD_A,
        user_id: int | None = None,
        permissions: int = MEMBER_PERMISSIONS,
        app_permissions: int = APP_PERMISSIONS,
        attachments: dict[str, dict[str, Any]] | None = None,
        focused: str | None = None,
    ) -> dict[str, Any]:
        """An application command (type 2) or, with ``focused``, autocomplete (type 4)."""
        kind = 4 if focused else 2
        payload = self._base(kind, guild_id=guild_id, user_id=user_id or self.next_id(),
                             permissions=permissions, app_permissions=app_permissions)
        option_list = [
            _option(key, value, focused == key) for key, value in (options or {}).items()
        ]
        if subcommand is not None:
            option_list = [{"type": 1, "name": subcommand, "options": option_list}]
        data: dict[str, Any] = {"id": str(self.next_id()), "name": name, "type": 1,
                                "options": option_list}
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        if attachments:
            data["resolved"] = {"attachments": attachments}
        channels = {str(v.channel_id): {"id": str(v.channel_id), "type": 0, "name": v.name,
                                        "permissions": str(permissions), "parent_id": None}
                    for v in (options or {}).values() if isinstance(v, ChannelOption)}
        if channels:
            data.setdefault("resolved", {})["channels"] = channels
        payload["data"] = data
        return payload

    def click(
        self,
        message: dict[str, Any],
        custom_id: str,
        *,
        guild_id: int | None = GUILD_A,
        user_id: int,
        permissions: int = MEMBER_PERMISSIONS,
        app_permissions: int = APP_PERMISSIONS,
    ) -> dict[str, Any]:
        """A button press (type 3) on ``message``."""
        payload = self._base(3, guild_id=guild_id, user_id=user_id, permissions=permissions,
                             app_permissions=app_permissions)
        payload["message"] = message
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        return payload

    def attachment(
        self, filename: str, data: bytes, content_type: str
    ) -> tuple[str, dict[str, Any]]:
        """Serve ``data`` as an uploaded file; returns (attachment id, resolved entry)."""
        attachment_id = str(self.next_id())
        self.files[filename] = data
        return attachment_id, {
            "id": attachment_id, "filename": filename, "size": len(data),
            "url": f"{self.base_url}/attachments/{filename}",
            "proxy_url": f"{self.base_url}/attachments/{filename}",
            "content_type": content_type,
        }

    # -- queries --------------------------------------------------------------------

    def for_token(self, token: str) -> list[Recorded]:
        """Requests answering one interaction, in order."""
        return [r for r in list(self.requests) if r.token == token]


def _option(name: str, value: Any, focused: bool) -> dict[str, Any]:
    kind = {bool: 5, int: 4, float: 10}.get(type(value), 3)
    if isinstance(value, Attachment):
        return {"name": name, "type": 11, "value": value.attachment_id}
    if isinstance(value, ChannelOption):
        return {"name": name, "type": 7, "value": str(value.channel_id)}
    option: dict[str, Any] = {"name": name, "type": kind, "value": value}
    if focused:
        option["focused"] = True
    return option


@dataclass(frozen=True)
class ChannelOption:
    """A channel option value; `FakeDiscord.slash` puts the channel in ``resolved``."""

    channel_id: int
    name: str = "general"


@dataclass(frozen=True)
class Attachment:
    """An attachment option value (its id in ``resolved``)."""

    attachment_id: str


class FakeDiscordThread:
    """Runs a FakeDiscord on its own event loop in a daemon thread, for synchronous tests."""

    def __init__(self, **options: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True,
                                       name="fake-discord")
        self.fake = FakeDiscord(**options)

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        """Run ``coroutine`` on the fake's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def start(self) -> FakeDiscordThread:
        """Start the loop thread and the server."""
        self.thread.start()
        self.call(self.fake.start())
        return self

    def stop(self) -> None:
        """Stop the server and the loop thread."""
        try:
            self.call(self.fake.stop(), timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)

    def send(self, payload: dict[str, Any]) -> float:
        """Dispatch an interaction; returns when it was sent (monotonic)."""
        return self.call(self.fake.dispatch_interaction(payload))

    def wait_for(
        self, predicate: Callable[[list[Recorded]], T | None], timeout: float = 15
    ) -> T:
        """Poll the recorded requests until ``predicate`` returns something truthy."""
        deadline = time.monotonic() + timeout
        while True:
            found = predicate(list(self.fake.requests))
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for the bot")
            time.sleep(0.02)
