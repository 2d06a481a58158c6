"""Text chat: the app's side of the conversation with the Rasa server."""
