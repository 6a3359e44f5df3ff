"""Digital certificates (出生証明書, 死亡診断書, 在学証明書, 就労証明書) as SD-JWT VCs.

An issuer (a hospital, a school, an employer) signs a certificate bound to the
resident's wallet key (``issuer.issue_credential``); the wallet shows it
disclosing only the claims a procedure needs (``presentation``, ``wallet``);
the city verifies it against its trust registry of issuers per kind and the
issuer's status list (``verify.verify_presentation``) and checks it names the
application's subject (``verify.check_names_subject``). docs/credentials.md
describes the format, the trust registry and what is verified.
"""
