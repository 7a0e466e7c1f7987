"""Rasa SDK actions: thin adapters between the conversation and bot/ (no rule or figure here)."""
