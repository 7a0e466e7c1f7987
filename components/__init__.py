"""Custom Rasa NLU components (registered in config.yml)."""
