"""Delivering queued messages: the outbox worker and the sender interface channels implement."""
