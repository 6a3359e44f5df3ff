"""The resident data hub (共通DB): what the city's back-office systems know, with history."""
