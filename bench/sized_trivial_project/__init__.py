"""The size-matched baseline's modules, imported as ``sized_trivial_project.*`` (``bench/`` on PYTHONPATH).

Imported from the repository rather than copied into the run's project directory, so that the recorded
stack frames and the pickled provider references have about the length of the real ones.
"""
