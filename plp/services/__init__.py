"""Use cases: plain values in (keyword-only), one unit of work, one commit.

Each function opens a unit of work on the given :class:`~plp.db.Database`, reads,
asks the engine, writes the rows and the history event together, and commits.
Nothing else talks to the database.
"""
