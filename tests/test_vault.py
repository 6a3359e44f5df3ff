import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from madoguchi.vault import SealError, Vault, load_vault

MY_NUMBER = "123456789018"


def test_a_sealed_value_opens_only_with_its_context() -> None:
    vault = Vault.generate()
    sealed = vault.seal(MY_NUMBER, "my_number")
    assert MY_NUMBER not in sealed
    assert vault.open(sealed, "my_number") == MY_NUMBER
    with pytest.raises(SealError) as refused:
        vault.open(sealed, "account")
    assert MY_NUMBER not in str(refused.value)


def test_an_altered_ciphertext_is_refused() -> None:
    vault = Vault.generate()
    key_id, nonce, ciphertext = vault.seal(MY_NUMBER, "my_number").split(".")
    flipped = ciphertext[:-2] + ("A" if ciphertext[-2] != "A" else "B") + ciphertext[-1]
    with pytest.raises(SealError):
        vault.open(f"{key_id}.{nonce}.{flipped}", "my_number")


def test_after_rotation_new_values_use_the_new_key_and_old_ones_still_open() -> None:
    vault = Vault.generate()
    old = vault.seal(MY_NUMBER, "my_number")
    new_key = vault.rotate()
    new = vault.seal(MY_NUMBER, "my_number")
    assert new.startswith(f"{new_key}.") and not old.startswith(f"{new_key}.")
    assert vault.open(old, "my_number") == vault.open(new, "my_number") == MY_NUMBER


def test_another_vault_cannot_open_a_value_and_hashes_differently() -> None:
    ours, theirs = Vault.generate(), Vault.generate()
    with pytest.raises(SealError):
        theirs.open(ours.seal(MY_NUMBER, "my_number"), "my_number")
    assert ours.lookup_hash(MY_NUMBER) == ours.lookup_hash(MY_NUMBER)
    assert ours.lookup_hash(MY_NUMBER) != theirs.lookup_hash(MY_NUMBER)


def test_the_key_file_is_made_private_once_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "keys.json"
    first = load_vault(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    sealed = first.seal(MY_NUMBER, "my_number")
    again = load_vault(path)
    assert again.open(sealed, "my_number") == MY_NUMBER
    assert again.lookup_hash(MY_NUMBER) == first.lookup_hash(MY_NUMBER)


def nonce(sealed: str) -> str:
    return sealed.split(".")[1]


def test_every_seal_draws_a_fresh_nonce_across_many_draws_and_threads() -> None:
    vault = Vault.generate()
    with ThreadPoolExecutor(4) as pool:
        sealed = list(pool.map(lambda n: vault.seal(MY_NUMBER, "my_number"), range(5_000)))
    assert len({nonce(value) for value in sealed}) == len(sealed)
    assert {vault.open(value, "my_number") for value in sealed} == {MY_NUMBER}

