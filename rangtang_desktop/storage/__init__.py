"""Storage: the SQLite database, its one migration list, the change log and the register's queries.
Never imports Qt."""
