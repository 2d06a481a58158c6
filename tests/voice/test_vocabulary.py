from pathlib import Path

from assistant.db import make_engine, make_sessionmaker, session_scope, upgrade_database
from assistant.db.models import Product, Store
from assistant.voice.vocabulary import recognition_words


def test_recognition_words_are_words_of_letters(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade_database(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with session_scope(sessions) as session:
        store = Store(name="Butiken")
        store.products = [Product(key="m", name="Mellanmjölk 1,5% 1l", brand="Arla",
                                  price_ore=1495)]  # fmt: skip
        session.add(store)
    words = recognition_words(sessions, extra=["coca-cola", "10-p"])
    engine.dispose()
    assert {"mellanmjölk", "arla", "limpa"} <= words  # catalog and dialogue words
    assert not [w for w in words if not w.isalpha()]  # no "1,5%", "%", "1l" or "coca-cola"
