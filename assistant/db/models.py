"""Typed SQLAlchemy 2 models. Money is integer öre everywhere; timestamps are UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from assistant.db.enums import (
    AttemptState,
    EnumText,
    LineStatus,
    OrderStatus,
    OutboxStatus,
    StaffRole,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


UtcDateTime = DateTime(timezone=True)

ORDER_CHANNELS = ("webhook", "email", "file")
STAFF_ROLES = tuple(StaffRole)
ORDER_STATUSES = tuple(OrderStatus)
SUBSTITUTIONS = ("similar", "none", "ask")
LINE_STATUSES = tuple(LineStatus)
SPEAKERS = ("client", "assistant")
FEE_PAYERS = ("client", "municipality")
OUTBOX_STATUSES = tuple(OutboxStatus)
ATTEMPT_STATES = tuple(AttemptState)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Store(Base):
    __tablename__ = "store"
    __table_args__ = (
        CheckConstraint(_in("order_channel", ORDER_CHANNELS), name="order_channel"),
        CheckConstraint(
            "picking_fee_ore >= 0 AND delivery_fee_ore >= 0 AND invoice_fee_ore >= 0"
            " AND minimum_order_ore >= 0",
            name="fees_non_negative",
        ),
        CheckConstraint(
            "(picking_free_from_ore IS NULL OR picking_free_from_ore >= 0)"
            " AND (delivery_free_from_ore IS NULL OR delivery_free_from_ore >= 0)",
            name="free_from_non_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    order_channel: Mapped[str] = mapped_column(String(20), default="email")
    order_target: Mapped[str] = mapped_column(String(500), default="")
    """Webhook URL, e-mail address, or (file drop) the folder name under
    $HANDLA_DATA_DIR/outgoing/ that receives orders."""
    secret_ref: Mapped[str | None] = mapped_column(String(200))
    """Name of the environment variable holding the channel secret (never the secret itself)."""
    picking_fee_ore: Mapped[int] = mapped_column(Integer, default=0)
    delivery_fee_ore: Mapped[int] = mapped_column(Integer, default=0)
    invoice_fee_ore: Mapped[int] = mapped_column(Integer, default=0)
    minimum_order_ore: Mapped[int] = mapped_column(Integer, default=0)
    picking_free_from_ore: Mapped[int | None] = mapped_column(Integer)
    """No picking fee from this order value (goods after offers) up; None: always charged."""
    delivery_free_from_ore: Mapped[int | None] = mapped_column(Integer)
    """No delivery fee from this order value up; None: always charged (0 fee: always free)."""
    slots_generated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When the weekly patterns last made this store's slots (see orders/slot_patterns.py)."""

    products: Mapped[list[Product]] = relationship(back_populates="store")
    slots: Mapped[list[DeliverySlot]] = relationship(back_populates="store")
    patterns: Mapped[list[SlotPattern]] = relationship(back_populates="store")


class SlotPattern(Base):
    """A weekly delivery time: every `weekday` (0 = Monday) `starts`–`ends` local Swedish time.

    Concrete `DeliverySlot` rows are generated from it two weeks ahead.
    """

    __tablename__ = "slot_pattern"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday"),
        CheckConstraint("ends > starts", name="ordered_times"),
        CheckConstraint("capacity >= 1 AND capacity <= 1000", name="capacity"),
        CheckConstraint("cutoff_hours >= 0 AND cutoff_hours <= 336", name="cutoff"),
        UniqueConstraint("store_id", "weekday", "starts", name="uq_slot_pattern_store_day_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)
    capacity: Mapped[int] = mapped_column(Integer)
    cutoff_hours: Mapped[int] = mapped_column(Integer)
    """Last order this many hours (local clock time) before the slot starts."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    store: Mapped[Store] = relationship(back_populates="patterns")


class DeliverySlot(Base):
    __tablename__ = "delivery_slot"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ordered_times"),
        CheckConstraint("capacity >= 0 AND booked >= 0 AND booked <= capacity", name="capacity"),
        UniqueConstraint("store_id", "starts_at", name="uq_delivery_slot_store_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    cutoff_at: Mapped[datetime] = mapped_column(UtcDateTime)
    pattern_id: Mapped[int | None] = mapped_column(
        ForeignKey("slot_pattern.id", ondelete="SET NULL"), index=True
    )
    """The weekly pattern that made this slot; None for a slot an admin added by hand."""

    store: Mapped[Store] = relationship(back_populates="slots")


class Product(Base):
    __tablename__ = "product"
    __table_args__ = (
        UniqueConstraint("store_id", "key", name="uq_product_store_key"),
        CheckConstraint("price_ore >= 0", name="price_non_negative"),
        CheckConstraint(_in("sold_by", ("st", "kg")), name="sold_by"),
        Index("ix_product_store_active", "store_id", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id", ondelete="RESTRICT"))
    key: Mapped[str] = mapped_column(String(300))
    """Unique within the store: the article number, or a key derived from name and size."""
    article_number: Mapped[str | None] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(300))
    brand: Mapped[str | None] = mapped_column(String(200))
    size_text: Mapped[str | None] = mapped_column(String(100))
    size_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    """Per piece, in size_unit: g, ml, st or m (see catalog_matcher.product.Size)."""
    size_unit: Mapped[str | None] = mapped_column(String(5))
    size_count: Mapped[int] = mapped_column(Integer, default=1)
    size_pieces: Mapped[int] = mapped_column(Integer, default=0)
    size_approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    price_ore: Mapped[int] = mapped_column(Integer)
    """Per piece, or per kilogram when sold_by is "kg"."""
    sold_by: Mapped[str] = mapped_column(String(5), default="st")
    compare_price_ore: Mapped[int | None] = mapped_column(Integer)
    compare_unit: Mapped[str | None] = mapped_column(String(50))
    department: Mapped[str | None] = mapped_column(String(200))
    subcategory: Mapped[str | None] = mapped_column(String(200))
    organic: Mapped[bool] = mapped_column(Boolean, default=False)
    image_url: Mapped[str | None] = mapped_column(String(1000))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    store: Mapped[Store] = relationship(back_populates="products")
    offers: Mapped[list[Offer]] = relationship(
        back_populates="product", cascade="all, delete-orphan"
    )


class Offer(Base):
    __tablename__ = "offer"
    __table_args__ = (
        CheckConstraint("price_ore >= 0 AND quantity >= 1", name="sane"),
        CheckConstraint(_in("kind", ("multibuy", "reduction")), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    """"multibuy" ("2 för 25:-": quantity 2, price 2500) or "reduction" (quantity 1)."""
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    price_ore: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200), default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    product: Mapped[Product] = relationship(back_populates="offers")


staff_client = Table(
    "staff_client",
    Base.metadata,
    Column("staff_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("client_id", ForeignKey("client.id", ondelete="CASCADE"), primary_key=True),
)


class Client(Base):
    """Personal data is minimised: a display name only; deleting a client cascades."""

    __tablename__ = "client"
    __table_args__ = (
        CheckConstraint(_in("substitution", SUBSTITUTIONS), name="substitution"),
        CheckConstraint("speech_rate > 0", name="speech_rate"),
        CheckConstraint(
            f"{_in('picking_payer', FEE_PAYERS)} AND {_in('delivery_payer', FEE_PAYERS)}",
            name="fee_payers",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("store.id", ondelete="SET NULL"))
    substitution: Mapped[str] = mapped_column(String(20), default="ask")
    speech_rate: Mapped[float] = mapped_column(default=1.0)
    debug_recording_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """Staff turned on saving this client's speech for troubleshooting; it stops by itself."""
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    unit: Mapped[str] = mapped_column(String(100), default="", server_default="")
    """The home-care unit or municipality the client belongs to ("Hemtjänst Norr")."""
    picking_payer: Mapped[str] = mapped_column(
        String(20), default="client", server_default="client"
    )
    """Who pays the store's picking fee by the client's agreement: "client" or "municipality"."""
    delivery_payer: Mapped[str] = mapped_column(
        String(20), default="client", server_default="client"
    )
    pays_by_invoice: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    """The client pays the store by invoice (and so pays the store's invoice fee)."""

    store: Mapped[Store | None] = relationship()
    staff: Mapped[list[StaffUser]] = relationship(secondary=staff_client, back_populates="clients")


class StaffUser(Base):
    __tablename__ = "staff_user"
    __table_args__ = (CheckConstraint(_in("role", STAFF_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[StaffRole] = mapped_column(EnumText(StaffRole, 10), default=StaffRole.STAFF)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    clients: Mapped[list[Client]] = relationship(secondary=staff_client, back_populates="staff")


class StaffSession(Base):
    """A logged-in browser. The signed cookie carries a random token; the row is keyed by the
    token's SHA-256, so logging out (deleting the row) ends that cookie however it was saved, and
    a database dump holds no usable cookie."""

    __tablename__ = "staff_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class LoginFailure(Base):
    """A wrong password (or unknown user), kept for the throttling window only."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_username_failed_at", "username", "failed_at"),
        Index("ix_login_failure_address_failed_at", "address", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class PurchaseHistory(Base):
    __tablename__ = "purchase_history"
    __table_args__ = (Index("ix_purchase_history_client_product", "client_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="RESTRICT"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    ordered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    client: Mapped[Client] = relationship()
    product: Mapped[Product] = relationship()


class Order(Base):
    __tablename__ = "order"
    __table_args__ = (
        CheckConstraint(_in("status", ORDER_STATUSES), name="status"),
        CheckConstraint(
            "goods_ore >= 0 AND fees_ore >= 0 AND discount_ore >= 0 AND total_ore >= 0",
            name="totals_non_negative",
        ),
        CheckConstraint("municipality_fees_ore >= 0", name="municipality_fees_non_negative"),
        Index("ix_order_client_status", "client_id", "status"),
        # one open basket per client, whatever two tabs or processes do at the same moment
        Index(
            "uq_order_one_basket_per_client",
            "client_id",
            unique=True,
            sqlite_where=text("status = 'basket'"),
            postgresql_where=text("status = 'basket'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    store_id: Mapped[int] = mapped_column(ForeignKey("store.id", ondelete="RESTRICT"))
    status: Mapped[OrderStatus] = mapped_column(EnumText(OrderStatus), default=OrderStatus.BASKET)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_slot.id", ondelete="SET NULL"))
    goods_ore: Mapped[int] = mapped_column(Integer, default=0)
    discount_ore: Mapped[int] = mapped_column(Integer, default=0)
    fees_ore: Mapped[int] = mapped_column(Integer, default=0)
    total_ore: Mapped[int] = mapped_column(Integer, default=0)
    """What the client pays: goods and the fees the client's agreement leaves to the client."""
    municipality_fees_ore: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """The fees the municipality pays for this order (by the client's agreement at confirm)."""
    unit: Mapped[str] = mapped_column(String(100), default="", server_default="")
    """The client's unit when the order was confirmed (the monthly fee report groups by it)."""
    fee_detail: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    """Every fee of the store at confirm: [{"fee", "amount", "payer", "note"}] (see pricing)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    dialogue: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """What the assistant last asked about this basket ("confirm" with the total and slot it
    named, "slot" with the slot it proposed) and the line it last changed, so that "ja" or
    "nej förresten fyra" mean the same after a restart of any process."""

    client: Mapped[Client] = relationship()
    store: Mapped[Store] = relationship()
    slot: Mapped[DeliverySlot | None] = relationship()
    confirmed_by: Mapped[StaffUser | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )
    events: Mapped[list[AuditEvent]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="AuditEvent.id"
    )


class OrderLine(Base):
    __tablename__ = "order_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price_ore >= 0", name="price_non_negative"),
        CheckConstraint(_in("status", LINE_STATUSES), name="status"),
        # one line per product: parallel adds of a product raise its quantity instead of
        # making a second line (wishes and open choices have no product and never collide)
        UniqueConstraint("order_id", "product_id", "status", name="uq_order_line_product"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="RESTRICT"))
    spoken_text: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    """Packages (or kg for weight items); for an open choice, the amount said."""
    said_unit: Mapped[str | None] = mapped_column(String(20))
    """The unit the client said ("l", "kg", "st", "paket", or None), so a choice or a later
    "nej, fyra" turns the spoken amount into packages of the chosen product."""
    said_quantity: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    candidates: Mapped[list[int]] = mapped_column(JSON, default=list)
    """Product ids the matcher proposed, best first: the cards of an open choice, and the
    alternatives of a chosen line ("inte den, den andra", "visa andra")."""
    choice_reason: Mapped[str | None] = mapped_column(String(20))
    """Why the client must choose: "kind" (many kinds), "pack" (the amount fits no package),
    "brand" (the brand asked for is missing), "other" (the client asked to see others)."""
    shown_from: Mapped[int] = mapped_column(Integer, default=0)
    """The first candidate shown ("visa andra" moves it on)."""
    unit_price_ore: Mapped[int] = mapped_column(Integer, default=0)
    substitution: Mapped[str] = mapped_column(String(20), default="ask")
    status: Mapped[LineStatus] = mapped_column(EnumText(LineStatus), default=LineStatus.OK)

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product | None] = relationship()


class ChatMessage(Base):
    """The visible conversation of a client's tablet, kept for the day (a reload shows it
    again); deleted with the client and after the day by the janitor."""

    __tablename__ = "chat_message"
    __table_args__ = (
        CheckConstraint(_in("speaker", SPEAKERS), name="speaker"),
        Index("ix_chat_message_client_at", "client_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    speaker: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class OutboxMessage(Base):
    """An order waiting to be handed to its store; the outbox workers work through these.

    "pending" rows are due at `next_attempt_at`; a worker handing one over holds it until
    `leased_until` (a crashed worker's hold then ends). "failed": automatic retries stopped
    (the delivery time has begun); "cancelled": staff cancelled the order.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint(_in("status", OUTBOX_STATUSES), name="status"),
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"))
    adapter: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    """Attempts since the order was confirmed or staff sent it again (drives the back-off)."""
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    leased_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(
        EnumText(OutboxStatus), default=OutboxStatus.PENDING
    )

    order: Mapped[Order] = relationship()
    history: Mapped[list[DeliveryAttempt]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="DeliveryAttempt.id"
    )


class DeliveryAttempt(Base):
    """One hand-off attempt, written ("sending", with the key the store will see) and committed
    before anything is sent, then "done" or "failed". An attempt a crashed worker left
    "sending" becomes "interrupted" when the next attempt takes the row over (the store may or
    may not have the order; the next attempt sends it again under the same key)."""

    __tablename__ = "delivery_attempt"
    __table_args__ = (CheckConstraint(_in("state", ATTEMPT_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(200))
    """What lets the store recognise a repeat: the Idempotency-Key, Message-ID or file name."""
    state: Mapped[AttemptState] = mapped_column(
        EnumText(AttemptState), default=AttemptState.SENDING
    )
    worker: Mapped[str] = mapped_column(String(100), default="")
    """host:pid:thread of the worker, for troubleshooting."""
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str | None] = mapped_column(Text)

    message: Mapped[OutboxMessage] = relationship(back_populates="history")


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("order.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(50))
    """A staff user's id as text, or "client"."""
    action: Mapped[str] = mapped_column(String(50))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    order: Mapped[Order | None] = relationship(back_populates="events")
