"""Domain core: records, vocabularies, checks and rules. Imports no Qt, SQL, PDF or file code."""
