"""Which delivery slot the client's words mean: "första lediga", "på torsdag", "torsdag
förmiddag", "i morgon eftermiddag", "klockan tio", "den tredje".

Pure: the bookable slots (start and end times) in, the first one that fits every constraint
said out; times are read in Swedish local time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from assistant.orders.slots import LOCAL_TZ, WEEKDAYS, as_utc
from catalog_matcher.normalize import fold
from catalog_matcher.quantities import NUMBER_WORDS

SOONEST = ("första", "snarast", "tidigast", "fort", "närmaste", "nästa", "snart", "tidigaste")
DAYPARTS = {
    "förmiddag": (6, 12),
    "förmiddagen": (6, 12),
    "morgonen": (6, 11),
    "lunch": (11, 14),
    "lunchtid": (11, 14),
    "eftermiddag": (12, 18),
    "eftermiddagen": (12, 18),
    "kväll": (16, 23),
    "kvällen": (16, 23),
}
ORDINAL_DAYS = {"första": 1, "andra": 2, "tredje": 3, "fjärde": 4, "femte": 5, "sjätte": 6,
                "sjunde": 7, "åttonde": 8, "nionde": 9, "tionde": 10}  # fmt: skip


def _words(text: str) -> list[str]:
    return [w.strip(".,!?") for w in fold(text).replace("/", " / ").split()]


def _day(words: list[str], today: date) -> date | set[int] | None:
    """A date ("i morgon", "den 3/12") or weekdays ("torsdag") the words name."""
    joined = " ".join(words)
    if "övermorgon" in joined:
        return today + timedelta(days=2)
    if "i morgon" in joined or "imorgon" in joined or "morgondagen" in joined:
        return today + timedelta(days=1)
    if "i dag" in joined or "idag" in joined:
        return today
    days = {i for i, name in enumerate(WEEKDAYS) for w in words if w.startswith(name)}
    if days:
        return days
    for i, word in enumerate(words):
        if word == "/" and 0 < i < len(words) - 1 and words[i - 1].isdigit():
            day, month = int(words[i - 1]), words[i + 1]
            if month.isdigit() and 1 <= int(month) <= 12 and 1 <= day <= 31:
                year = today.year + (int(month) < today.month)
                try:
                    return date(year, int(month), day)
                except ValueError:
                    return None
        if word == "den" and i + 1 < len(words):
            following = words[i + 1]
            number = int(following) if following.isdigit() else ORDINAL_DAYS.get(following)
            if number and 1 <= number <= 31:
                for ahead in range(0, 62):
                    candidate = today + timedelta(days=ahead)
                    if candidate.day == number:
                        return candidate
    return None


def _hour(words: list[str]) -> int | None:
    for i, word in enumerate(words):
        if word in ("klockan", "kl", "kl.") and i + 1 < len(words):
            following = words[i + 1].split(".")[0].split(":")[0]
            value = NUMBER_WORDS.get(following)
            number = (
                int(value)
                if value is not None
                else (int(following) if following.isdigit() else None)
            )
            if number is not None and 0 <= number <= 23:
                return number
    return None


def pick_slot(
    text: str,
    slots: Sequence[tuple[int, datetime, datetime]],
    now: datetime,
) -> int | None:
    """The id of the first slot (id, starts_at, ends_at) that fits what the words say, or
    None when they name no day, part of day, hour or "första lediga"."""
    words = _words(text)
    today = as_utc(now).astimezone(LOCAL_TZ).date()
    day = _day(words, today)
    part = next((DAYPARTS[w] for w in words if w in DAYPARTS), None)
    if part is None and "morgon" in words and "i" not in words:
        part = DAYPARTS["morgonen"]
    hour = _hour(words)
    soonest = any(w.startswith(SOONEST) for w in words)
    if day is None and part is None and hour is None and not soonest:
        return None
    for slot_id, starts_at, ends_at in slots:
        start = as_utc(starts_at).astimezone(LOCAL_TZ)
        end = as_utc(ends_at).astimezone(LOCAL_TZ)
        if isinstance(day, date) and start.date() != day:
            continue
        if isinstance(day, set) and start.weekday() not in day:
            continue
        if part is not None and not (part[0] <= start.hour < part[1]):
            continue
        if hour is not None and not (start.hour <= hour < max(end.hour, start.hour + 1)):
            continue
        return slot_id
    return None
