"""The load test and the fault drills (``make drills``); see run.py."""
