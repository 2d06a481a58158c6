"""One turn of the conversation: what the client said, read against the basket, into changes
and a short Swedish answer.

Every question the assistant asks lives in the order service's database, not in Rasa's
tracker: open choices are basket lines, and the last question about the order ("Passar den
tiden?", "Ska jag skicka beställningen?") with the slot and total it named is the basket's
`dialogue`. So "ja", "den ljusa" or "nej förresten fyra" mean the same after a restart of any
process, and the tablet page shows the same open questions as the chat.

Rasa's intent picks the handler; each handler still looks at what is on the table, because a
short answer ("Bregott", "fyra", "nej") means different things at different moments.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from actions.choosing import WORD_FEATURE, Shown, choose, names_a_product, words_of
from actions.slot_words import pick_slot
from assistant.db.models import Client, Order, OrderLine, Product, PurchaseHistory
from assistant.orders.basket import (
    find_basket,
    remove_line,
    set_said_amount,
)
from assistant.orders.basket_state import BasketState, basket_state, choice_view
from assistant.orders.booking import available_slots, book_slot
from assistant.orders.choices import (
    CARDS_SHOWN,
    open_lines,
    reopen,
    replace_product,
    shown_candidates,
)
from assistant.orders.choices import (
    choose as choose_product,
)
from assistant.orders.confirm import confirm_order
from assistant.orders.errors import ServiceError
from assistant.orders.intake import Intake, match_text, status_of, take_text, take_usual
from assistant.orders.money import format_sek
from assistant.orders.product_view import display_name, quantity_text
from assistant.orders.slots import as_utc, slot_label
from assistant.orders.status import status_text
from assistant.orders.wording import count_word, intake_notes, join_words, quoted
from catalog_matcher.quantities import read_amount, to_number

ANYTHING_ELSE = "Något mer?"
ASK_WHAT = "Vad vill du handla? Säg till exempel ”två liter mjölk och en limpa”."
NOT_UNDERSTOOD = "Förlåt, det förstod jag inte. Säg vad du vill handla, till exempel ”en limpa”."
MAX_SLOTS_OFFERED = 3
CORRECTION_WORDS = {"förresten", "istället", "stället", "nej", "ändra", "gör", "blir", "hellre",
                    "egentligen", "rättelse", "fel", "menade", "ska", "vara", "det", "till",
                    "de", "dem", "den", "ta", "vill", "ha", "jag", "bara", "i", "av", "så",
                    "mycket", "många", "nu", "st", "stycken", "mindre", "färre", "mer"}  # fmt: skip
LAST_WORDS = {"sista", "senaste", "den", "det", "dem", "de"}
USUAL_WORDS = {"som", "vanligt", "det", "vanliga", "samma", "förra", "gången", "veckan", "sist",
               "jag", "brukar", "ta", "handla", "mina", "min", "beställ", "vill", "ha", "listan",
               "lista", "sak", "varor", "tack", "också", "igen", "köpa", "köper", "brukade",
               "beställa", "beställer", "handlar", "alltid"}  # fmt: skip
# one of these makes a sentence of USUAL_WORDS mean the usual order ("det jag brukar köpa")
USUAL_MARKERS = {"vanligt", "vanliga", "brukar", "brukade", "samma", "förra", "alltid"}
DESCRIBING = set(WORD_FEATURE) | {"laktos"}
# The words of asking for other cards ("finns det fler", "har ni andra sorter", "visa nästa");
# what else a sentence read as that says names products ("finns det laktosfri mjölk").
MORE_WORDS = {"visa", "fler", "flera", "andra", "annan", "annat", "sorter", "sorters", "sort",
              "märken", "märke", "mer", "nästa", "alla", "några", "någon", "något", "vilka",
              "vilken", "vad", "finns", "har", "ni", "se", "får", "kan", "jag", "inget", "inga",
              "där", "här", "de", "det", "den", "dem", "av", "nej", "inte", "kvar", "era", "säljer",
              "billigare", "dyrare", "större", "mindre", "också", "då", "tack"}  # fmt: skip
# Words without which a sentence does not take anything away ("vi behöver tvål" is a wish).
REMOVING_WORDS = {"bort", "stryk", "stryka", "inte", "ingen", "inget", "inga", "skippa",
                  "skippar", "släng", "ur", "radera", "glöm", "glömma", "hoppa", "hoppar",
                  "strunta", "struntar", "skit", "låt", "slopa", "utan"}  # fmt: skip
# "glöm inte mjölken", "inte glömma kaffet", "kom ihåg smöret": a reminder, not a removal.
REMINDER = re.compile(r"\bglöm(?:ma)?\s+(?:\w+\s+)?inte\b|\binte\s+glömma\b|\bkom\s+ihåg\b")
# The order's question was asked ("Ska jag skicka beställningen?"), answered "nej" or not yet:
# "beställ" / "skicka" after either sends it.
SEND_QUESTIONS = ("confirm", "confirm_declined")
FINISHED = {"räcker", "allt", "klart", "klar", "färdig", "färdigt", "nöjd", "bra"}


@dataclass
class Reply:
    text: str
    custom: dict[str, Any] | None = None
    buttons: list[dict[str, str]] | None = None

    def as_json(self) -> dict[str, Any]:
        """As the chat keeps and shows it (the shape of Rasa's REST answer)."""
        return {"text": self.text, "custom": self.custom or {}, "buttons": self.buttons or []}


@dataclass
class Turn:
    """What the client said this turn (the latest message as Rasa understood it)."""

    text: str
    intent: str = ""
    entities: dict[str, list[str]] = field(default_factory=dict)

    def entity(self, name: str) -> str | None:
        values = self.entities.get(name) or []
        return values[0] if values else None


class Conversation:
    """The client's side of one turn; call one handler, then read `replies`."""

    def __init__(self, session: Session, client_id: int, turn: Turn) -> None:
        self.session = session
        self.client_id = client_id
        self.turn = turn
        self.replies: list[Reply] = []
        self._basket: Order | None = None
        client = session.get(Client, client_id)
        if client is None:
            raise ServiceError("Kunden finns inte.")
        self.client = client

    # -- the state of the basket and of the dialogue --------------------------------------

    @property
    def basket(self) -> Order | None:
        """The client's basket (looked up once it exists; the session keeps it current)."""
        if self._basket is None:
            self._basket = find_basket(self.session, self.client_id)
        return self._basket

    def _dialogue(self) -> dict[str, Any]:
        basket = self.basket
        return dict(basket.dialogue or {}) if basket is not None else {}

    def _remember(self, **values: Any) -> None:
        """Keep what was just asked (and the line last changed) on the basket."""
        basket = self.basket
        if basket is None:
            return
        dialogue = {**(basket.dialogue or {}), **values}
        basket.dialogue = {k: v for k, v in dialogue.items() if v is not None}
        self.session.flush()

    def _asked(self) -> str:
        return str(self._dialogue().get("asked", ""))

    def say(self, text: str, **extra: Any) -> None:
        self.replies.append(Reply(text, **extra))

    def _open_choices(self) -> list[OrderLine]:
        return open_lines(self.basket, "needs_choice")

    def _lines(self) -> list[OrderLine]:
        basket = self.basket
        if basket is None:
            return []
        return sorted((ln for ln in basket.lines if ln.status == "ok" and ln.product),
                      key=lambda ln: ln.id)  # fmt: skip

    def _last_line(self) -> OrderLine | None:
        last = self._dialogue().get("last_line")
        lines = self._lines()
        return next((ln for ln in lines if ln.id == last), lines[-1] if lines else None)

    # -- showing choices --------------------------------------------------------------------

    def _shown(
        self, line: OrderLine, keys: list[int] | None = None
    ) -> tuple[list[Product], list[Shown]]:
        if keys is None:
            keys = (
                shown_candidates(line) if line.status == "needs_choice" else list(line.candidates)
            )
        rows = {
            p.id: p
            for p in self.session.scalars(
                select(Product)
                .where(Product.id.in_(keys), Product.active)
                .options(selectinload(Product.offers))
            )
        }
        products = [rows[k] for k in keys if k in rows]
        bought = set(
            self.session.scalars(
                select(PurchaseHistory.product_id).where(
                    PurchaseHistory.client_id == self.client_id,
                    PurchaseHistory.product_id.in_(keys),
                )
            )
        )
        return products, [
            Shown(
                name=p.name,
                brand=p.brand or "",
                price_ore=p.price_ore,
                compare_ore=p.compare_price_ore,
                size_total=(Decimal(p.size_amount) * (p.size_count or 1))
                if p.size_amount
                else None,
                organic=p.organic,
                usual=p.id in bought,
            )
            for p in products
        ]

    def _ask_choice(self, line: OrderLine, lead: str = "") -> None:
        view = choice_view(self.session, line)
        names = [c.name if not c.brand else f"{c.name} från {c.brand}" for c in view.cards]
        listed = (
            f" Jag visar {count_word(len(names))}: {join_words(names, 'eller')}." if names else ""
        )
        self.say(
            f"{lead}{view.question}{listed}",
            custom={
                "line_id": line.id,
                "cards": [card.to_json() for card in view.cards],
                "item": {"text": line.spoken_text, "said": view.said},
            },
        )
        self._remember(asked="choice", choice_line=line.id)

    def _next_question(self, lead: str = "") -> None:
        """Ask the first open choice, or "Något mer?"."""
        choices = self._open_choices()
        if choices:
            self._ask_choice(choices[0], lead)
        else:
            self.say(f"{lead}{ANYTHING_ELSE}".strip())
            self._remember(asked="more", choice_line=None)

    # -- adding -----------------------------------------------------------------------------

    def add_items(self) -> None:
        """A list of things to buy (the one intake), or a short answer to what is on the table."""
        if self._answers_choice() or self._corrects_amount():
            return
        words = set(words_of(self.turn.text))
        if words and words <= USUAL_WORDS and words & USUAL_MARKERS:
            self.usual_order()
            return
        intake = take_text(self.session, self.client_id, self.turn.text)
        self._report_intake(intake)

    def _report_intake(self, intake: Intake) -> None:
        parts = []
        if intake.added:
            parts.append("Lagt i korgen: " + " ".join(_added_text(a.line, a.product, a.usual)
                                                      for a in intake.added))  # fmt: skip
            self._remember(last_line=intake.added[-1].line.id)
        parts += intake_notes(intake)
        if not intake.changed and not parts:
            parts.append("Jag hörde ingen vara. Säg till exempel ”en limpa”.")
        lead = " ".join(parts) + " " if parts else ""
        if intake.changed or self._open_choices():
            self._next_question(lead)
        else:
            self.say(lead.strip())

    def _answers_choice(self) -> bool:
        """ "Bregott", "den grova", "den första" while cards are shown: that card."""
        choices = self._open_choices()
        if not choices or self._asked() not in ("choice", ""):
            return False
        line = choices[0]
        products, shown = self._shown(line)
        at = names_a_product(self.turn.text, shown)
        if at is None:
            return False
        self._choose(line, products[at])
        return True

    # -- choosing ---------------------------------------------------------------------------

    def choose(self) -> None:
        picked = self.turn.entity("product_id"), self.turn.entity("line_id")
        if all(picked) and str(picked[0]).isdigit() and str(picked[1]).isdigit():
            self._pick(int(str(picked[1])), int(str(picked[0])))
            return
        target = self._choice_for_words()
        if target is not None:
            product = self._described(target)
            if product is not None:
                self._choose(target, product)
                return
            self.say("Jag förstod inte vilken du menar. Säg till exempel ”den första” eller ”den "
                     "billigaste”.")  # fmt: skip
            return
        if self._changes_last_line():
            return
        if self._corrects_amount():
            return
        intake = take_text(self.session, self.client_id, self.turn.text)
        if intake.changed:
            self._report_intake(intake)
            return
        self.say("Det finns inget att välja just nu. " + ASK_WHAT)

    def _pick(self, line_id: int, product_id: int) -> None:
        """A card tapped in the chat: that product for that open choice (once)."""
        line = next((ln for ln in open_lines(self.basket) if ln.id == line_id), None)
        if line is None:
            self.say("Den varan är redan vald. " + ANYTHING_ELSE)
            return
        product = self.session.get(Product, product_id)
        if product is None:
            raise ServiceError("Varan finns inte i sortimentet.")
        self._choose(line, product)

    def _described(self, line: OrderLine, exclude: int | None = None) -> Product | None:
        """The product the words describe for `line`: among the cards on screen, then among
        all its candidates, then by searching the line's words with the describing ones
        ("mjölk" + "laktosfria" when no lactose-free milk was among the cards)."""
        products, shown = self._shown(line)
        at = choose(self.turn.text, shown)
        if at is not None and products[at].id != exclude:
            return products[at]
        keys = [k for k in line.candidates or [] if k != exclude]
        products, shown = self._shown(line, keys)
        at = choose(self.turn.text, shown, unique=True)
        if at is not None:
            return products[at]
        describing = [w for w in words_of(self.turn.text) if w in DESCRIBING]
        if not describing:
            return None
        said = " ".join([*words_of(line.spoken_text)[-2:], *describing])
        found = [c for i in match_text(self.session, self.client_id, said) for c in i.candidates]
        keys = [int(c.key) for c in found if c.key.isdigit() and int(c.key) != exclude]
        products, shown = self._shown(line, keys)
        at = choose(self.turn.text, shown, unique=True)
        return products[at] if at is not None else None

    def _choice_for_words(self) -> OrderLine | None:
        """The open choice the words are about: the one whose word they repeat, else the first."""
        choices = self._open_choices()
        if not choices:
            return None
        words = set(words_of(self.turn.text))
        for line in choices:
            if set(words_of(line.spoken_text)) & words:
                return line
        return choices[0]

    def _choose(self, line: OrderLine, product: Product) -> None:
        chosen = choose_product(self.session, self.client_id, line.id, product.id)
        self._remember(last_line=chosen.id)
        self._next_question(f"{_added_text(chosen, product, False)} ")

    # -- corrections --------------------------------------------------------------------------

    def _line_named(self) -> OrderLine | None:
        """The basket line the words name ("mjölken", "kaffet"), if any."""
        words = [w for w in words_of(self.turn.text) if len(w) >= 3]
        best: tuple[int, OrderLine] | None = None
        for line in self._lines():
            assert line.product is not None  # _lines() holds product lines only
            name = words_of(f"{line.product.name} {line.product.brand or ''} {line.spoken_text}")
            score = max((_word_fit(w, name) for w in words), default=0)
            if score and (best is None or score > best[0]):
                best = (score, line)
        return best[1] if best else None

    def _new_amount(self, line: OrderLine) -> Decimal | None:
        words = words_of(self.turn.text)
        if "dubbla" in words or "dubbelt" in words:
            return Decimal(line.said_quantity or line.quantity) * 2
        if "hälften" in words or "halva" in words:
            return max(Decimal(1), Decimal(line.said_quantity or line.quantity) / 2)
        numbers = [n for n in (to_number(w) for w in words) if n is not None]
        if not numbers:
            amount = read_amount(words)
            return Decimal(amount.quantity) if amount.quantity != 1 else None
        return numbers[-1]

    def _corrects_amount(self) -> bool:
        """ "nej förresten fyra", "tre istället", "gör det till två": a new amount for the last
        line (or the one named), when the words say nothing else."""
        words = words_of(self.turn.text)
        if not words or not any(to_number(w) is not None for w in words):
            return False
        line = self._line_named() or self._last_line()
        if line is None:
            return False
        named = set(words_of(f"{line.product.name} {line.spoken_text}")) if line.product else set()
        rest = [w for w in words if to_number(w) is None and w not in CORRECTION_WORDS
                and w not in named and not _word_fit(w, list(named))]  # fmt: skip
        if rest or not (set(words) & {"förresten", "istället", "stället", "nej", "gör", "ändra",
                                       "blir", "hellre", "egentligen", "menade", "bara"}
                        or len(words) <= 2):  # fmt: skip
            return False
        return self._set_amount(line)

    def change_quantity(self) -> None:
        line = self._line_named() or self._last_line()
        if line is None:
            self.say("Korgen är tom. " + ASK_WHAT)
            return
        if not self._set_amount(line):
            self.say(f"Hur många {line.product.name if line.product else ''} vill du ha?")

    def _set_amount(self, line: OrderLine) -> bool:
        words = words_of(self.turn.text)
        said = Decimal(line.said_quantity or line.quantity)
        step = _step(words)
        if step:  # "en till", "två till", "en mindre"
            wanted = said + step
        else:
            found = self._new_amount(line)
            if found is None:
                return False
            wanted = found
        if wanted <= 0:
            return False
        changed = set_said_amount(self.session, self.client_id, line.id, wanted)
        self._remember(last_line=changed.id)
        product = changed.product
        self._next_question(f"Nu är det {quantity_text(product, changed.quantity)} "
                            f"{display_name(product) if product else ''}. ")  # fmt: skip
        return True

    def change_product(self) -> None:
        """ "inte den, den andra", "byt till den laktosfria", "jag ville ha Arla"."""
        if self._choice_for_words() is not None:
            self.choose()
            return
        if not self._changes_last_line():
            self.say("Vilken vara vill du byta? Säg till exempel ”byt mjölken mot lättmjölk”.")

    def _changes_last_line(self) -> bool:
        """ "inte den, den andra", "byt till den laktosfria", "byt mjölken mot lättmjölk"."""
        line = self._line_named() or self._last_line()
        if line is None or line.product_id is None:
            return False
        words = words_of(self.turn.text)
        product = self._described(line, exclude=line.product_id)
        if product is None and {"andra", "annan"} & set(words):
            others = [k for k in line.candidates or [] if k != line.product_id]
            product = self.session.get(Product, others[0]) if others else None
        wanted = _after(words, ("till", "mot"))
        if product is None and wanted:
            items = match_text(self.session, self.client_id, " ".join(wanted))
            found = [i for i in items if status_of(i) == "found" and i.candidates]
            if found:
                product = self.session.get(Product, int(found[0].candidates[0].key))
        if product is None:
            return False
        chosen = replace_product(self.session, self.client_id, line.id, product.id)
        self._remember(last_line=chosen.id)
        self._next_question(f"Jag har bytt till {_added_text(chosen, product, False)} ")
        return True

    # -- removing, skipping, other cards -------------------------------------------------------

    def _reminds_or_asks(self) -> bool:
        """Read as removing or skipping, but asking for something: "glöm inte mjölken" (a
        reminder), "vi behöver tvål" (no word that takes anything away). Answered here."""
        words = set(words_of(self.turn.text))
        reminder = REMINDER.search(self.turn.text.lower()) and not words & {"bort", "stryk"}
        if not reminder and words & REMOVING_WORDS:
            return False
        named = self._line_named()
        if named is not None:
            if named.product is None:
                self.say(f"{quoted(named.spoken_text)} finns redan i korgen. {ANYTHING_ELSE}")
            else:
                amount = quantity_text(named.product, Decimal(named.quantity))
                self.say(f"{display_name(named.product)} finns redan i korgen, {amount}. "
                         f"{ANYTHING_ELSE}")  # fmt: skip
            return True
        if not reminder and all(status_of(item) == "not_found"
                                for item in match_text(self.session, self.client_id, self.turn.text)):  # fmt: skip
            return False
        self.add_items()
        return True

    def remove_item(self) -> None:
        if self._reminds_or_asks():
            return
        named = self._line_named()
        choices = self._open_choices()
        if named is None and choices and self._asked() == "choice":
            self.skip()
            return
        words = set(words_of(self.turn.text))
        if named is None and not (words & LAST_WORDS):
            choice = self._choice_for_words()
            if choice is not None and set(words_of(choice.spoken_text)) & words:
                self.skip()
                return
            self.say("Den varan finns inte i korgen.")
            return
        line = named or self._last_line()
        if line is None:
            self.say("Korgen är tom.")
            return
        name = display_name(line.product) if line.product else line.spoken_text
        remove_line(self.session, self.client_id, line.id)
        self._remember(last_line=None)
        self._next_question(f"Jag har tagit bort {name}. ")

    def skip(self) -> None:
        """ "hoppa över", "strunta i det": the open choice (or wish) goes, said out loud."""
        if self._reminds_or_asks():
            return
        basket = self.basket
        waiting = self._choice_for_words() or next(iter(open_lines(basket)), None)
        if waiting is None:
            self.say("Det finns inget att hoppa över. " + ANYTHING_ELSE)
            return
        remove_line(self.session, self.client_id, waiting.id)
        self._next_question(f"Okej, jag hoppar över {waiting.spoken_text}. ")

    def show_more(self) -> None:
        """ "visa andra", "finns det fler": the next cards, or others for the last line."""
        if self._asks_for_other_products():
            return
        target = self._choice_for_words()
        if target is None:
            line = self._line_named() or self._last_line()
            if line is None:
                self.say("Det finns inget att visa. " + ASK_WHAT)
                return
            target = reopen(self.session, self.client_id, line.id)
        else:
            if len(target.candidates or []) <= CARDS_SHOWN:
                self._ask_choice(target, "Det finns inga fler, här är samma igen. ")
                return
            target = reopen(self.session, self.client_id, target.id)
        self._ask_choice(target)

    def _asks_for_other_products(self) -> bool:
        """ "finns det laktosfri mjölk", "har ni några bananer": read as asking for other cards,
        but naming products that are neither an open choice nor in the basket: those are
        wanted, and go in as any list does. Answered here."""
        rest = [w for w in words_of(self.turn.text) if w not in MORE_WORDS]
        nouns = {w for w in rest if w not in DESCRIBING}
        about: set[str] = set()
        for line in self._open_choices():
            about |= set(words_of(line.spoken_text))
        for line in self._lines():
            assert line.product is not None  # _lines() holds product lines only
            about |= set(words_of(f"{line.product.name} {line.spoken_text}"))
        if not nouns or nouns <= about:
            return False
        text = " ".join(rest)
        if all(status_of(item) == "not_found"
               for item in match_text(self.session, self.client_id, text)):  # fmt: skip
            return False
        self._report_intake(take_text(self.session, self.client_id, text))
        return True

    # -- questions about the basket ----------------------------------------------------------

    def _state(self) -> BasketState:
        return basket_state(self.session, self.client)

    def ask_price(self) -> None:
        state = self._state()
        if state.empty:
            self.say("Korgen är tom. " + ASK_WHAT)
            return
        named = self._line_named()
        view = next((v for v in state.lines if named is not None and v.id == named.id), None)
        lead = f"{view.name} kostar {view.total}. " if view else ""
        self.say(f"{lead}{_total_text(state)}")

    def read_basket(self) -> None:
        state = self._state()
        if state.empty:
            self.say("Korgen är tom. " + ASK_WHAT)
            return
        listed = [f"{v.quantity_text} {v.name}" for v in state.lines]
        text = f"I korgen finns {join_words(listed)}. " if listed else ""
        waiting = [quoted(c.spoken_text) for c in state.choices]
        if waiting:
            text += f"Du har inte valt vara för {join_words(waiting)} än. "
        self.say(text + _total_text(state))

    # -- to the order ------------------------------------------------------------------------

    def finish(self) -> None:
        """ "det var allt", "beställ": the open questions, then the slot, then the question
        whether to send the order, with the exact total and the slot named."""
        if self._asked() in SEND_QUESTIONS and self._says_send():
            self.place_order()  # "beställ" / "skicka" right after the question: an explicit yes
            return
        choices = self._open_choices()
        if choices:
            self._ask_choice(choices[0], "Innan vi beställer: ")
            return
        state = self._state()
        basket = self.basket
        if state.empty or basket is None:
            self.say("Korgen är tom, så det finns inget att beställa än. " + ASK_WHAT)
            return
        wishes = open_lines(basket, "needs_staff")
        if wishes:
            listed = join_words([quoted(w.spoken_text) for w in wishes])
            self.say(f"{listed} finns inte i butiken och väntar på personalen. "
                     "Ska jag beställa utan det?")  # fmt: skip
            self._remember(asked="drop_wishes")
            return
        if state.problems:
            self.say(" ".join(state.problems) + " Vill du lägga till något?")
            self._remember(asked="more")
            return
        if basket.slot_id is None:
            self._propose_slot()
            return
        self._ask_confirm(state)

    def _slots(self) -> list[tuple[int, datetime, datetime]]:
        basket = self.basket
        if basket is None:
            return []
        return [
            (s.id, s.starts_at, s.ends_at) for s in available_slots(self.session, basket.store_id)
        ]

    def _propose_slot(self, lead: str = "") -> None:
        slots = self._slots()
        if not slots:
            self.say(f"{lead}Butiken har inga lediga leveranstider just nu. Personalen hjälper "
                     "till att boka en tid.")  # fmt: skip
            self._remember(asked=None)
            return
        first = slots[0]
        label = slot_label(as_utc(first[1]), as_utc(first[2]))
        self.say(
            f"{lead}När vill du ha varorna? Första lediga tid är {label}. Passar den?",
            buttons=_slot_buttons(slots),
        )
        self._remember(asked="slot", slot_id=first[0])

    def choose_delivery(self) -> None:
        slots = self._slots()
        if self.basket is None or not self._lines():
            self.say("Lägg något i korgen först, sedan väljer vi leveranstid. " + ASK_WHAT)
            return
        if not slots:
            self._propose_slot()
            return
        wanted = pick_slot(self.turn.text, slots, datetime.now(UTC))
        if wanted is None:
            labels = [slot_label(as_utc(s[1]), as_utc(s[2])) for s in slots[:MAX_SLOTS_OFFERED]]
            self.say(f"Lediga tider: {join_words(labels, 'eller')}. Vilken passar?",
                     buttons=_slot_buttons(slots))  # fmt: skip
            self._remember(asked="slot_list")
            return
        self._book(wanted)

    def _book(self, slot_id: int) -> None:
        slot = book_slot(self.session, self.client_id, slot_id)
        label = slot_label(as_utc(slot.starts_at), as_utc(slot.ends_at))
        if self._open_choices():
            self._next_question(f"Jag har bokat leverans {label}. ")
            return
        self.session.expire_all()
        state = self._state()
        if state.orderable:
            self._ask_confirm(state, f"Jag har bokat leverans {label}. ")
        else:
            self.say(f"Jag har bokat leverans {label}. " + " ".join(state.problems))
            self._remember(asked="more")

    def _ask_confirm(self, state: BasketState, lead: str = "") -> None:
        total = state.total + (" med avgifter" if state.fees else "")
        self.say(f"{lead}Du beställer {state.items} för {total}, leverans {state.slot_label}. "
                 "Ska jag skicka beställningen?")  # fmt: skip
        self._remember(asked="confirm", total_ore=state.total_ore, slot_id=state.slot_id,
                       key=secrets.token_urlsafe(16))  # fmt: skip

    def place_order(self) -> None:
        dialogue = self._dialogue()
        basket = self.basket
        if basket is None or dialogue.get("asked") not in SEND_QUESTIONS:
            self.finish()
            return
        try:
            order = confirm_order(
                self.session,
                self.client_id,
                f"chat-{basket.id}-{dialogue.get('key', '')}",
                "client",
                expected_total_ore=int(dialogue.get("total_ore", -1)),
            )
        except ServiceError as refusal:
            self.session.rollback()
            self.say(f"{refusal.message}")
            self.finish()
            return
        slot = order.slot
        when = slot_label(as_utc(slot.starts_at), as_utc(slot.ends_at)) if slot else ""
        self.say(f"Beställt! Beställning {order.id}, {format_sek(order.total_ore)}, leverans "
                 f"{when}. {status_text(order.status)}")  # fmt: skip

    # -- yes and no --------------------------------------------------------------------------

    def _says_send(self) -> bool:
        """The words ask to send the order ("ja skicka", "beställ nu")."""
        return any(w.startswith(("skicka", "beställ")) for w in words_of(self.turn.text))

    def affirm(self) -> None:
        asked = self._asked()
        if asked == "confirm" or (asked == "confirm_declined" and self._says_send()):
            self.place_order()
        elif asked == "slot":
            slot_id = self._dialogue().get("slot_id")
            if slot_id and any(s[0] == slot_id for s in self._slots()):
                self._book(int(slot_id))
            else:
                self._propose_slot("Den tiden hann bli upptagen. ")
        elif asked == "drop_wishes":
            for wish in open_lines(self.basket, "needs_staff"):
                remove_line(self.session, self.client_id, wish.id)
            self._remember(asked=None)
            self.finish()
        elif asked == "choice" and self._answers_choice():
            return
        elif asked == "choice":
            line = self._open_choices()[0] if self._open_choices() else None
            if line is not None and len(shown_candidates(line)) == 1:
                products, _ = self._shown(line)
                self._choose(line, products[0])
            else:
                self.say("Vilken av dem? Säg till exempel ”den första”, eller tryck på bilden.")
        elif asked == "more" and set(words_of(self.turn.text)) & FINISHED:
            self.finish()  # "ja det blir bra": yes, that is all
        elif asked == "more":
            self.say("Vad mer vill du handla?")
        else:
            self.say(ASK_WHAT)

    def deny(self) -> None:
        if self._corrects_amount():
            return
        asked = self._asked()
        if asked == "confirm":
            self.say("Okej, jag skickar inte beställningen än. Vill du ändra något?")
            self._remember(asked="confirm_declined")
        elif asked in ("slot", "slot_list"):
            slots = self._slots()
            labels = [slot_label(as_utc(s[1]), as_utc(s[2])) for s in slots[:MAX_SLOTS_OFFERED]]
            self.say(f"Vilken tid passar då? Lediga tider: {join_words(labels, 'eller')}.",
                     buttons=_slot_buttons(slots))  # fmt: skip
            self._remember(asked="slot_list")
        elif asked == "choice" and self._open_choices():
            self.show_more()
        elif asked == "drop_wishes":
            self.say("Okej. Personalen väljer vara, sedan kan du beställa.")
            self._remember(asked=None)
        elif asked == "more" or (self._lines() and not self._open_choices()):
            self.finish()
        else:
            self.say("Okej. " + ASK_WHAT)

    def cancel(self) -> None:
        self._remember(asked=None)
        self.say("Okej, jag har avbrutit. Inget är beställt och korgen är som förut.")

    def usual_order(self) -> None:
        """ "som vanligt": what the client usually buys (or, with cards shown, the usual one)."""
        if self._answers_choice():  # "den vanliga" while cards are shown
            return
        words = [w for w in words_of(self.turn.text) if w not in USUAL_WORDS]
        if words:  # "smör som vanligt": that product, the usual one first
            self._report_intake(take_text(self.session, self.client_id, self.turn.text))
            return
        intake = take_usual(self.session, self.client_id)
        if not intake.changed:
            self.say("Jag hittar ingen tidigare beställning. " + ASK_WHAT)
            return
        self._report_intake(intake)

    # -- words that change nothing ---------------------------------------------------------

    def greet(self) -> None:
        self.say("Hej! Vad vill du handla i dag?")

    def goodbye(self) -> None:
        self.say("Hej då, ha en fin dag!")

    def thank(self) -> None:
        self.say("Varsågod! Säg till om du vill ha något mer.")

    def help(self) -> None:
        self.say("Säg vad du vill handla, till exempel ”två liter mjölk och en limpa”. Du kan "
                 "fråga vad det kostar, ändra eller ta bort en vara, och säga ”det var allt” när "
                 "du är klar. Innan något skickas frågar jag dig.")  # fmt: skip

    def wait(self) -> None:
        self.say("Ingen brådska, jag väntar. Säg till när du vill fortsätta.")

    def out_of_scope(self) -> None:
        self.say("Förlåt, det kan jag inte hjälpa till med. Jag hjälper dig att handla mat.")

    def fallback(self) -> None:
        """Not understood by the NLU: a short answer to what is on the table, or the intake
        (which changes nothing for odd input), else a polite answer."""
        if self._answers_choice() or self._corrects_amount():
            return
        if self._asked() in ("slot", "slot_list"):
            wanted = pick_slot(self.turn.text, self._slots(), datetime.now(UTC))
            if wanted is not None:
                self._book(wanted)
                return
        intake = take_text(self.session, self.client_id, self.turn.text)
        if intake.changed:
            self._report_intake(intake)
        elif intake.foreign:
            self.say(intake_notes(intake)[0])
        else:
            self.say(NOT_UNDERSTOOD)


def _word_fit(word: str, name_words: list[str]) -> int:
    """How well a spoken word ("mjölken") names a word of a product: 2 exact, 1 a root."""
    roots = [word] + [word[: -len(e)] for e in ("erna", "arna", "orna", "na", "en", "et", "n", "t")
                      if word.endswith(e) and len(word) - len(e) >= 3]  # fmt: skip
    best = 0
    for token in name_words:
        for root in roots:
            if token == root:
                return 2
            if len(root) >= 4 and token.startswith(root) or len(root) >= 3 and token.endswith(root):
                best = 1  # "mjölken" in "mellanmjölk", "riset" in "jasminris"
    return best


def _step(words: list[str]) -> Decimal:
    """ "en till", "två mjölk till", "en mindre" -> 1, 2, -1; 0 when the words say no step
    ("gör det till två" sets an amount instead)."""
    for marker, sign in (("till", 1), ("mer", 1), ("mindre", -1), ("färre", -1)):
        if marker not in words:
            continue
        before = words[: words.index(marker)]
        numbers = [n for n in (to_number(w) for w in before) if n is not None]
        if not numbers and marker in ("till", "mer"):
            continue
        return sign * (numbers[-1] if numbers else Decimal(1))
    return Decimal(0)


def _after(words: list[str], markers: tuple[str, ...]) -> list[str]:
    for i, word in enumerate(words):
        if word in markers:
            return [w for w in words[i + 1 :] if w not in {"den", "det", "en", "ett"}]
    return []


def _added_text(line: OrderLine, product: Product, usual: bool) -> str:
    brand = f" från {product.brand}" if product.brand else ""
    pieces = int(line.said_quantity) if product.sold_by == "kg" and line.said_unit == "st" and line.said_quantity else 0  # fmt: skip
    text = f"{display_name(product)}{brand}, {quantity_text(product, line.quantity, pieces)}"
    return text + (" (som förra gången)." if usual else ".")


def _total_text(state: BasketState) -> str:
    text = f"Varorna kostar {format_sek(state.goods_ore)}"
    if state.fees:
        text += f", med avgifter blir det {state.total}"
    return text + "."


def _slot_buttons(slots: list[tuple[int, datetime, datetime]]) -> list[dict[str, str]]:
    labels = [slot_label(as_utc(s[1]), as_utc(s[2])) for s in slots[:MAX_SLOTS_OFFERED]]
    return [{"title": label, "payload": f"leverans {label}"} for label in labels]
