"""The test suite (a package, so that its helpers import as ``tests.…`` ahead of any installed package named ``tests``)."""
