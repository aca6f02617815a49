"""Use cases: one function per user action, each owning its transaction and returning its result
with a ``Changes`` value. Never imports Qt."""
