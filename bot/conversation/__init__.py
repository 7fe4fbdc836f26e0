"""The conversation core: channel-agnostic flows, steps and the engine that runs them."""
