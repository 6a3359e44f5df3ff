"""The My Number card (公的個人認証, JPKI): signing a bundle and logging in with its certificates.

In the demo and the tests the card is simulated (``virtual_card``) and its
authority is a local test CA (``card_authority``); the cryptography is real.
Verification (``card_verify``) trusts only the CAs configured in a
``CardTrust`` (``card_trust``) and checks their CRLs; ``card_links`` maps a
verified certificate to a resident (宛名番号).
"""
