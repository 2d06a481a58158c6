"""Order service: money, basket pricing with offers and fees, and delivery-slot rules.

Service API (pure parts, no database):
- `money.format_sek(ore) -> str` and `money.to_ore(Decimal|str) -> int`: integer öre, Swedish text.
- `pricing.price_basket(lines, fees) -> Breakdown`: the exact total shown before confirmation.
- `slots.check_bookable(slot, now) -> None`: raises `SlotRefused` with a Swedish message.
"""
