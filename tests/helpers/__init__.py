"""Shared test helpers: a whole Handla (app, Rasa, actions) running as a user runs it."""
