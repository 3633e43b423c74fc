"""Rooms: one shared Yjs document per application being edited, with its connections.

Everything here runs on the server's event loop; the store is read and written in worker threads
with plain JSON taken from the document, never the document itself (pycrdt documents are not
shared between threads).

A room opens when the first editor of an app connects to this process: it asks the other replicas
for their copy (with Redis), or else fills the document from the store. Each update from a client
is applied, sent to the room's other clients and published for the other replicas; the shared
state is folded into the store at most every `realtime_save_seconds`, and when the last editor of
the process leaves. Folding and REST changes meet in `last`, the edit state the document and the
store last agreed on:

- folding writes what the document changed since `last` (a page with `last`'s revision as its base,
  so a page changed through REST meanwhile is not overwritten), then reads the store back and sets
  into the document what the store changed beyond it (the references a rename rewrote);
- a REST change (a notice) sets into the document what the store changed since `last`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pycrdt import (
    Decoder,
    Doc,
    Encoder,
    Subscription,
    TransactionEvent,
    create_awareness_message,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)

from lowcraft.context import Context
from lowcraft.errors import LowcraftError
from lowcraft.identity.models import User
from lowcraft.pages.errors import StaleRevision
from lowcraft.realtime import service
from lowcraft.realtime.errors import ChannelClosed, MalformedFrame, SlowClient
from lowcraft.realtime.layout import EditState, apply_changes, flatten, read_doc, seed_update
from lowcraft.runtime import Runtime

if TYPE_CHECKING:
    from lowcraft.realtime.fanout import Fanout

log = logging.getLogger("lowcraft.realtime")

SYNC, AWARENESS = 0, 1
STEP1, STEP2, UPDATE = 0, 1, 2
REMOTE = "remote"
"""The source of changes arriving from another replica: relayed to local clients, not published."""
PEER_WAIT_SECONDS = 0.5
OPEN_TIMEOUT_SECONDS = 15.0


class Connection:
    """One WebSocket: its caller, and a bounded queue of frames its sender task writes out."""

    def __init__(self, joined: service.Joined, queue_size: int, send: Callable[[bytes | str], Any]) -> None:
        self.joined = joined
        self.queue: asyncio.Queue[bytes | str] = asyncio.Queue(queue_size)
        self.awareness_ids: set[int] = set()
        self.failure: ChannelClosed | None = None
        self.failed = asyncio.Event()
        self._send = send

    def send(self, frame: bytes | str) -> None:
        if self.failure is not None:
            return
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            # A client that does not read would make the server hold every update for it: drop it,
            # it resyncs on reconnect.
            self.fail(SlowClient("The connection fell too far behind; reconnect to resync."))

    def send_json(self, message: dict[str, Any]) -> None:
        self.send(json.dumps(message))

    def fail(self, error: ChannelClosed) -> None:
        if self.failure is None:
            self.failure = error
            self.failed.set()

    async def pump(self) -> None:
        while True:
            await self._send(await self.queue.get())


def _payload(data: bytes, offset: int) -> bytes:
    """The one length-prefixed message of a frame after `offset`; anything else is malformed."""
    length, position, shift = 0, offset, 0
    while True:
        byte = data[position]
        length |= (byte & 0x7F) << shift
        position += 1
        shift += 7
        if byte < 0x80:
            break
        if shift > 35:
            raise MalformedFrame("Bad length.")
    if len(data) - position != length:
        raise MalformedFrame("The frame's length does not match its content.")
    return data[position:]


def _read_awareness(update: bytes) -> list[tuple[int, int, str]]:
    """The entries of a y-protocols awareness update: (client id, clock, state JSON)."""
    decoder = Decoder(update)
    entries = []
    for _ in range(decoder.read_var_uint()):
        client_id, clock = decoder.read_var_uint(), decoder.read_var_uint()
        state = decoder.read_var_string()
        json.loads(state)
        entries.append((client_id, clock, state))
    if decoder.length != 0:
        raise MalformedFrame("Trailing bytes after the awareness update.")
    return entries


def _awareness_update(entries: list[tuple[int, int, str]]) -> bytes:
    encoder = Encoder()
    encoder.write_var_uint(len(entries))
    for client_id, clock, state in entries:
        encoder.write_var_uint(client_id)
        encoder.write_var_uint(clock)
        encoder.write_var_string(state)
    return create_awareness_message(encoder.to_bytes())


class Room:
    def __init__(self, hub: Hub, application_id: str) -> None:
        self.hub = hub
        self.application_id = application_id
        self.doc: Doc[Any] = Doc()
        self.connections: set[Connection] = set()
        self.awareness: dict[int, tuple[int, str]] = {}
        self.source: object = None
        self.ready = asyncio.Event()
        self.failed: str | None = None
        self.last = EditState()
        self.editor_id: str | None = None
        self.dirty = False
        self.last_fold = 0.0
        self.fold_task: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()
        self._subscription: Subscription | None = self.doc.observe(self._changed)

    # --- the document ------------------------------------------------------------------------

    def _changed(self, event: TransactionEvent) -> None:
        message = create_update_message(event.update)
        for connection in self.connections:
            if connection is not self.source:
                connection.send(message)
        if self.source is not REMOTE:
            self.hub.publish(self.application_id, message)

    def _apply(self, update: bytes, source: object) -> None:
        self.source = source
        try:
            self.doc.apply_update(update)
        finally:
            self.source = None

    async def open(self) -> None:
        try:
            state = await asyncio.to_thread(self.hub.read_state, self.application_id)
            if self.hub.fanout is not None:
                await self.hub.fanout.join(self.application_id, create_sync_message(self.doc))
                deadline = time.monotonic() + PEER_WAIT_SECONDS
                while time.monotonic() < deadline and not self._has_content():
                    await asyncio.sleep(0.02)
            if not self._has_content():
                self._apply(seed_update(self.application_id, state), None)
            self.last = state
            self.last_fold = time.monotonic()
        except Exception:
            log.exception("could not open the real-time room of application %s", self.application_id)
            self.failed = "The server could not load the application's edit state."
        self.ready.set()

    def _has_content(self) -> bool:
        return len(self.doc.get_state()) > 1

    def welcome(self, connection: Connection) -> None:
        connection.send(create_sync_message(self.doc))
        if self.awareness:
            connection.send(_awareness_update([(cid, clock, state) for cid, (clock, state) in self.awareness.items()]))

    # --- frames from clients and peers -------------------------------------------------------

    def receive(self, connection: Connection | None, data: bytes) -> None:
        """A y-protocols frame from a client (`connection`) or another replica (None)."""
        source: object = connection if connection is not None else REMOTE
        try:
            kind = data[0]
            if kind == SYNC:
                step = data[1]
                payload = _payload(data, 2)
                if step == STEP1:
                    reply = handle_sync_message(data[1:], self.doc)
                    if connection is not None and reply is not None:
                        connection.send(reply)
                    elif connection is None and reply is not None and self.ready.is_set():
                        # A replica opening its room asks: answer with our state and presence.
                        self.hub.publish(self.application_id, reply)
                        if self.awareness:
                            self.hub.publish(self.application_id, _awareness_update(
                                [(cid, clock, state) for cid, (clock, state) in self.awareness.items()]))
                    return
                if step not in (STEP2, UPDATE):
                    raise MalformedFrame(f"Unknown sync step {step}.")
                if payload != b"\x00\x00":
                    self._apply(payload, source)
                    if connection is not None:  # each replica folds what its own editors changed
                        self.editor_id = connection.joined.user_id
                        self.schedule_fold()
            elif kind == AWARENESS:
                entries = _read_awareness(_payload(data, 1))
                for client_id, clock, state in entries:
                    if state == "null":
                        self.awareness.pop(client_id, None)
                    else:
                        self.awareness[client_id] = (clock, state)
                    if connection is not None:
                        connection.awareness_ids.add(client_id)
                for other in self.connections:
                    if other is not connection:
                        other.send(data)
                if connection is not None:
                    self.hub.publish(self.application_id, data)
            else:
                raise MalformedFrame(f"Unknown message type {kind}.")
        except ChannelClosed:
            raise
        except Exception as exc:  # noqa: BLE001 - a frame that does not decode: nothing of it was applied
            raise MalformedFrame(f"Malformed y-protocols frame ({type(exc).__name__}).") from None

    def leave(self, connection: Connection) -> None:
        self.connections.discard(connection)
        gone = [(cid, self.awareness[cid][0] + 1, "null") for cid in connection.awareness_ids if cid in self.awareness]
        for cid, _, _ in gone:
            del self.awareness[cid]
        if gone:
            message = _awareness_update(gone)
            for other in self.connections:
                other.send(message)
            self.hub.publish(self.application_id, message)

    def broadcast_json(self, message: dict[str, Any]) -> None:
        for connection in self.connections:
            connection.send_json(message)

    # --- folding into the store --------------------------------------------------------------

    def schedule_fold(self) -> None:
        self.dirty = True
        if self.fold_task is None or self.fold_task.done():
            delay = max(0.0, self.last_fold + self.hub.save_seconds() - time.monotonic())
            self.fold_task = asyncio.create_task(self._fold_after(delay))

    async def _fold_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        await self.fold()
        if self.dirty:  # edits during the fold, or the fold lock held by a peer
            self.fold_task = asyncio.create_task(self._fold_after(self.hub.save_seconds()))

    async def fold(self) -> None:
        async with self.lock:
            if not self.dirty or self.failed:
                return
            self.dirty = False
            self.last_fold = time.monotonic()
            shared = read_doc(self.doc)
            jobs = _fold_jobs(self.last, shared)
            if not any(jobs.values()):
                self.broadcast_json({"type": "saved", "revisions": {}})  # the store holds it already
                return
            try:
                outcome = await asyncio.to_thread(self.hub.store_jobs, self.application_id, self.editor_id, self.last, jobs)
            except Exception:
                log.exception("could not fold the shared state of application %s", self.application_id)
                self.dirty = True
                return
            if outcome is None:  # a peer is folding: try again later
                self.dirty = True
                return
            stored, stale, problems, after = outcome.stored, outcome.stale, outcome.problems, outcome.after
            for kind, entity_id, values in stored:
                getattr(self.last, kind)[entity_id].update(values)
                if kind == "pages":
                    self.last.revisions[entity_id] = after.revisions.get(entity_id, 0)
            if self.hub.fanout is not None:
                # With peers, a stale entity is most likely one a peer folded from the same shared
                # document: take the store's copy as agreed without setting it into the document.
                for kind, entity_id in stale:
                    stored_copy = getattr(after, kind).get(entity_id)
                    if stored_copy is not None:
                        getattr(self.last, kind)[entity_id] = dict(stored_copy)
                        if kind == "pages":
                            self.last.revisions[entity_id] = after.revisions.get(entity_id, 0)
            self._reconcile(after)
            revisions = {entity_id: self.last.revisions[entity_id] for kind, entity_id, _ in stored if kind == "pages"}
            if stored:
                self.broadcast_json({"type": "saved", "revisions": revisions, "diagnostics": outcome.diagnostics})
            for message, details in problems:
                self.broadcast_json({"type": "invalid", "message": message, "details": details})
            if problems or stale:
                self.dirty = self.dirty or bool(stale)

    def _reconcile(self, store: EditState) -> int:
        changed = apply_changes(self.doc, flatten(self.last), flatten(store))
        self.last = store
        return changed

    async def store_changed(self, reason: str) -> None:
        """A REST change to the edit state: set what the store changed into the document."""
        await self.ready.wait()
        if self.failed:
            return
        async with self.lock:
            store = await asyncio.to_thread(self.hub.read_state, self.application_id)
            self._reconcile(store)
        self.broadcast_json({"type": "reloaded", "reason": reason})

    async def close(self) -> None:
        """The last local editor left: fold now (after a fold under way, never cutting one short)."""
        pending = self.fold_task
        if self.ready.is_set():
            self.dirty = True
            await self.fold()
        if pending is not None and not pending.done():
            pending.cancel()


Jobs = dict[str, list[tuple[str, dict[str, Any]]]]


@dataclass
class Folded:
    """What a fold stored: (kind, id, values) written, (kind, id) overtaken by another change,
    (message, details) refused, each stored page's lint diagnostics, and the store read back."""

    stored: list[tuple[str, str, dict[str, Any]]]
    stale: list[tuple[str, str]]
    problems: list[tuple[str, dict[str, Any]]]
    diagnostics: dict[str, list[dict[str, Any]]]
    after: EditState


def _fold_jobs(last: EditState, shared: EditState) -> Jobs:
    """What the shared document changed since the store and it last agreed, entity by entity."""
    jobs: Jobs = {"pages": [], "actions": [], "js_objects": []}
    for page_id, page in shared.pages.items():
        known = last.pages.get(page_id)
        if known is not None and isinstance(page["dsl"], dict) and page["dsl"] != known["dsl"]:
            jobs["pages"].append((page_id, {"dsl": page["dsl"]}))
    for kind, keys in (("actions", ("name", "config")), ("js_objects", ("name", "body"))):
        for entity_id, entity in getattr(shared, kind).items():
            known = getattr(last, kind).get(entity_id)
            if known is None:
                continue
            changes = {k: entity[k] for k in keys if entity.get(k) is not None and entity[k] != known[k]}
            if changes:
                jobs[kind].append((entity_id, changes))
    return jobs


class Hub:
    """The rooms and live viewers of one server process."""

    def __init__(self, runtime: Runtime, fanout: Fanout | None) -> None:
        self.runtime = runtime
        self.loop = asyncio.get_running_loop()
        self.rooms: dict[str, Room] = {}
        self.viewers: dict[str, set[Connection]] = {}
        self.per_user: dict[str, int] = {}
        self.fanout = fanout
        self.starting: asyncio.Task[None] | None = None
        runtime.notices.listen(self.notice_from_thread)

    def save_seconds(self) -> float:
        return self.runtime.settings.realtime_save_seconds

    # --- joining and leaving -----------------------------------------------------------------

    async def enter(self, connection: Connection) -> Room:
        application_id = connection.joined.application_id
        room = self.rooms.get(application_id)
        if room is None:
            room = self.rooms[application_id] = Room(self, application_id)
            asyncio.create_task(room.open())
        room.connections.add(connection)
        try:
            await asyncio.wait_for(room.ready.wait(), OPEN_TIMEOUT_SECONDS)
        except TimeoutError:
            room.failed = room.failed or "The application's edit state did not load in time."
        if room.failed:
            await self.leave_room(room, connection)
            raise ChannelClosed(room.failed, 4500)
        return room

    async def leave_room(self, room: Room, connection: Connection) -> None:
        room.leave(connection)
        if room.connections:
            return
        await room.close()
        if not room.connections and self.rooms.get(room.application_id) is room:
            del self.rooms[room.application_id]
            room._subscription = None
            if self.fanout is not None:
                await self.fanout.leave(room.application_id)

    async def close(self) -> None:
        """The server stops: store every room's shared state, then leave Redis."""
        for room in list(self.rooms.values()):
            try:
                await room.close()
            except Exception:
                log.exception("could not store the shared state of application %s at shutdown", room.application_id)
        if self.fanout is not None:
            await self.fanout.close()

    def watch(self, connection: Connection) -> None:
        self.viewers.setdefault(connection.joined.application_id, set()).add(connection)

    def unwatch(self, connection: Connection) -> None:
        viewers = self.viewers.get(connection.joined.application_id)
        if viewers is not None:
            viewers.discard(connection)
            if not viewers:
                del self.viewers[connection.joined.application_id]

    # --- notices and peers -------------------------------------------------------------------

    def notice_from_thread(self, notice: dict[str, Any]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody listens any more
            self.loop.call_soon_threadsafe(self.notice, notice)

    def notice(self, notice: dict[str, Any]) -> None:
        application_id = str(notice.get("applicationId"))
        if notice.get("kind") == "published":
            message = {"type": "published", "applicationId": application_id, "publishedAt": notice.get("publishedAt")}
            room = self.rooms.get(application_id)
            for connection in [*self.viewers.get(application_id, ()), *(room.connections if room else ())]:
                connection.send_json(message)
        elif notice.get("kind") == "edit" and notice.get("origin") != service.FOLD_ORIGIN:
            room = self.rooms.get(application_id)
            if room is not None:
                asyncio.create_task(room.store_changed(str(notice.get("reason") or "")))

    def from_peer(self, application_id: str, data: bytes) -> None:
        room = self.rooms.get(application_id)
        if room is None:
            return
        try:
            room.receive(None, data)
        except ChannelClosed as exc:
            log.warning("dropped a malformed real-time message from a peer: %s", exc.message)

    def publish(self, application_id: str, message: bytes) -> None:
        if self.fanout is not None:
            self.fanout.publish(application_id, message)

    # --- the store (worker threads) ----------------------------------------------------------

    def read_state(self, application_id: str) -> EditState:
        with self.runtime.db.session() as db:
            return service.edit_state(Context(runtime=self.runtime, db=db), application_id)

    def store_jobs(
        self, application_id: str, user_id: str | None, last: EditState, jobs: Jobs
    ) -> Folded | None:
        """Write each changed entity in its own transaction, as `user_id`; then read the store back.

        None when another replica holds the app's fold lock."""
        lock = self.fanout.lock(application_id) if self.fanout is not None else contextlib.nullcontext(True)
        with lock as acquired:
            if not acquired:
                return None
            stored: list[tuple[str, str, dict[str, Any]]] = []
            stale: list[tuple[str, str]] = []
            problems: list[tuple[str, dict[str, Any]]] = []
            diagnostics: dict[str, list[dict[str, Any]]] = {}
            for kind, items in jobs.items():
                for entity_id, values in items:
                    try:
                        with self.runtime.db.session() as db:
                            user = db.get(User, user_id) if user_id else None
                            if user is None or not user.is_active:
                                raise ChannelClosed("The last editor's account is not active.")
                            ctx = Context(runtime=self.runtime, db=db, user=user, via="realtime",
                                          extra={"origin": service.FOLD_ORIGIN})
                            if kind == "pages":
                                diagnostics[entity_id] = service.fold_page(
                                    ctx, entity_id, values["dsl"], last.revisions.get(entity_id, 0))
                            else:
                                current = service.edit_state(ctx, application_id)
                                now = getattr(current, kind).get(entity_id)
                                known = getattr(last, kind)[entity_id]
                                if now is None or any(now[k] != known[k] for k in values):
                                    stale.append((kind, entity_id))
                                    continue
                                if kind == "actions":
                                    service.fold_action(ctx, entity_id, values)
                                else:
                                    service.fold_js_object(ctx, entity_id, name=values.get("name"), body=values.get("body"))
                        stored.append((kind, entity_id, values))
                    except StaleRevision:
                        stale.append((kind, entity_id))
                    except LowcraftError as exc:
                        log.info("shared state of application %s not stored: %s", application_id, exc.message)
                        problems.append((exc.message, {"entity": entity_id, **exc.details}))
            return Folded(stored, stale, problems, diagnostics, self.read_state(application_id))
