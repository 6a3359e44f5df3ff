"""What the journey benchmark (``bench/journey.py``) is made of: the demo site, the scripted user, the scenarios."""
