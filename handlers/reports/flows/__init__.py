"""The reports domain's conversation flows, one per module, and the steps they share."""
