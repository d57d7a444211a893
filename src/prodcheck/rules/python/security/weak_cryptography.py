"""
## What it does
Flags broken or too-weak cryptographic primitives:
- ciphers: DES, 3DES, RC4, RC2, Blowfish, IDEA, CAST5, SEED and XOR from PyCryptodome/PyCrypto
  (`DES.new`, `DES3.new`, `ARC4.new`, `Blowfish.new`, ...) and `cryptography`
  (`algorithms.TripleDES`, `ARC4`, `Blowfish`, `IDEA`, `CAST5`, `SEED`, including
  `cryptography.hazmat.decrepit`);
- ECB mode: `AES.new(key, AES.MODE_ECB)`, `modes.ECB()`;
- short keys: RSA and DSA keys under 2048 bits (`rsa.generate_private_key(key_size=1024)`,
  `RSA.generate(1024)`), elliptic curves under 224 bits (`ec.SECP192R1()`, `SECT163K1`);
- old protocols: `ssl.PROTOCOL_SSLv2/SSLv3/TLSv1/TLSv1_1`, pyOpenSSL `SSLv2/SSLv3/TLSv1/TLSv1_1_METHOD`,
  and `minimum_version = ssl.TLSVersion.TLSv1` (or `SSLv3`, `TLSv1_1`).

## Why it matters
DES falls to brute force in hours, 3DES and Blowfish leak plaintext after a few gigabytes under the
same key (Sweet32), and RC4's keystream is biased. ECB encrypts equal blocks to equal ciphertext, so
the structure of the data shows through. RSA-1024 keys are within reach of well-funded attackers,
and SSLv3/TLS 1.0/1.1 have practical downgrade and padding-oracle attacks.

## Example
    from Crypto.Cipher import AES


    def encrypt_card(key, card_number):
        cipher = AES.new(key, AES.MODE_ECB)
        return cipher.encrypt(card_number.ljust(16).encode())

## Use instead
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


    def encrypt_card(key, nonce, card_number):
        return AESGCM(key).encrypt(nonce, card_number.encode(), None)

## Known limitations
Key sizes and curves are read only from literals. Hash functions are not reported here (MD5/SHA-1
on passwords is PY-SEC-020; MD5 for checksums and cache keys is fine). Comparisons such as
`if proto == ssl.PROTOCOL_TLSv1` and entries of version mapping tables
(`versions[ssl.PROTOCOL_TLSv1] = SSL.TLSv1_METHOD`) are not reported. Decrypting legacy data is reported like
encrypting; suppress it with a justification when it is only a migration path.
"""
from __future__ import annotations

import ast
from types import MappingProxyType

from prodcheck.facts.extractors.python_common import argument
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.ast_helpers import literal_number
from prodcheck.rules.python.helpers import parent_of, qualified

PYCRYPTO_PACKAGES = ("Crypto.Cipher.", "Cryptodome.Cipher.")
WEAK_PYCRYPTO = MappingProxyType({"DES": "DES", "DES3": "3DES", "ARC4": "RC4", "ARC2": "RC2",
                                  "Blowfish": "Blowfish", "CAST": "CAST5", "XOR": "XOR"})
CRYPTOGRAPHY_ALGORITHMS = ("cryptography.hazmat.primitives.ciphers.algorithms.",
                           "cryptography.hazmat.decrepit.ciphers.algorithms.")
WEAK_CRYPTOGRAPHY = MappingProxyType({"TripleDES": "3DES", "ARC4": "RC4", "Blowfish": "Blowfish", "IDEA": "IDEA",
                                      "CAST5": "CAST5", "SEED": "SEED", "RC2": "RC2"})
ECB_MODES = frozenset({"cryptography.hazmat.primitives.ciphers.modes.ECB"})
RSA_DSA_GENERATORS = MappingProxyType({
    "cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key": (1, "key_size", "RSA"),
    "cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key": (0, "key_size", "DSA"),
    "cryptography.hazmat.primitives.asymmetric.dsa.generate_parameters": (0, "key_size", "DSA"),
    "Crypto.PublicKey.RSA.generate": (0, "bits", "RSA"), "Cryptodome.PublicKey.RSA.generate": (0, "bits", "RSA"),
    "Crypto.PublicKey.DSA.generate": (0, "bits", "DSA"), "Cryptodome.PublicKey.DSA.generate": (0, "bits", "DSA"),
    "rsa.newkeys": (0, "nbits", "RSA"),
})
WEAK_CURVES = frozenset({"SECP192R1", "SECT163K1", "SECT163R2"})
EC_PREFIX = "cryptography.hazmat.primitives.asymmetric.ec."
MIN_KEY_BITS = 2048
OLD_PROTOCOLS = MappingProxyType({
    "ssl.PROTOCOL_SSLv2": "SSLv2", "ssl.PROTOCOL_SSLv3": "SSLv3", "ssl.PROTOCOL_TLSv1": "TLS 1.0",
    "ssl.PROTOCOL_TLSv1_1": "TLS 1.1", "ssl.TLSVersion.SSLv3": "SSLv3", "ssl.TLSVersion.TLSv1": "TLS 1.0",
    "ssl.TLSVersion.TLSv1_1": "TLS 1.1", "OpenSSL.SSL.SSLv2_METHOD": "SSLv2", "OpenSSL.SSL.SSLv3_METHOD": "SSLv3",
    "OpenSSL.SSL.TLSv1_METHOD": "TLS 1.0", "OpenSSL.SSL.TLSv1_1_METHOD": "TLS 1.1",
})
PROTOCOL_ATTRIBUTES = frozenset(name.rsplit(".", 1)[1] for name in OLD_PROTOCOLS)
LAST_NAMES = frozenset({"new", "generate_private_key", "generate_parameters", "generate", "newkeys", "ECB",
                        *WEAK_CRYPTOGRAPHY, *WEAK_CURVES})


def check(node: ast.AST, ctx):
    found = _attribute(node, ctx) if isinstance(node, ast.Attribute) else _call(node, ctx)
    if found is not None:
        at, message = found
        yield ctx.finding(RULE, at, message)


def _call(call: ast.Call, ctx):
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if last not in LAST_NAMES:
        return None
    name = qualified(ctx, func)
    if name.startswith(PYCRYPTO_PACKAGES) and last == "new":
        cipher = name.split(".")[-2]
        if cipher in WEAK_PYCRYPTO:
            return call, f"{WEAK_PYCRYPTO[cipher]} is a broken cipher"
        mode = argument(call, 1, "mode")
        if mode is not None and qualified(ctx, mode).endswith(".MODE_ECB"):
            return mode, f"{cipher} in ECB mode encrypts equal blocks to equal ciphertext"
        return None
    if name.startswith(CRYPTOGRAPHY_ALGORITHMS) and last in WEAK_CRYPTOGRAPHY:
        return call, f"{WEAK_CRYPTOGRAPHY[last]} is a broken cipher"
    if name in ECB_MODES:
        return call, "ECB mode encrypts equal blocks to equal ciphertext"
    if name in RSA_DSA_GENERATORS:
        position, keyword_name, algorithm = RSA_DSA_GENERATORS[name]
        bits = literal_number(argument(call, position, keyword_name))
        if bits is not None and 0 < bits < MIN_KEY_BITS:
            return call, f"a {int(bits)}-bit {algorithm} key is too short (use at least {MIN_KEY_BITS} bits)"
        return None
    if name.startswith(EC_PREFIX) and last in WEAK_CURVES:
        return call, f"the {last} curve is under 224 bits"
    return None


def _attribute(node: ast.Attribute, ctx):
    if node.attr not in PROTOCOL_ATTRIBUTES or not isinstance(node.ctx, ast.Load):
        return None
    name = qualified(ctx, node)
    if name not in OLD_PROTOCOLS or not _used_as_value(node, ctx):
        return None
    return node, f"`{name}` selects {OLD_PROTOCOLS[name]}, which has practical attacks"


def _used_as_value(node: ast.AST, ctx) -> bool:
    parent = parent_of(ctx, node)
    if isinstance(parent, ast.Assign) and parent.value is node:
        return not any(isinstance(t, ast.Subscript) for t in parent.targets)    # not a mapping table
    if isinstance(parent, ast.AnnAssign) and parent.value is node:
        return True
    if isinstance(parent, ast.keyword):
        return True
    return isinstance(parent, ast.Call) and node in parent.args


RULE = NodeRule(
    id="PY-SEC-029", slug="weak-cryptography", area=Area.SEC,
    title="Broken cipher, ECB mode, short key or old TLS version",
    fix="Use AES-GCM or ChaCha20-Poly1305 (`cryptography`'s AEAD classes), RSA keys of 3072 bits (at least "
        "2048) or P-256 and newer curves, and TLS 1.2 or later (`ssl.create_default_context()`).",
    rows=("SEC-17",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-327", "CWE-326"),
    stride=(Stride.INFORMATION_DISCLOSURE, Stride.TAMPERING), example_path="app.py",
    coverage="partial", coverage_note="broken hashes used for signatures or MACs are not checked",
    visits=(ast.Call, ast.Attribute), check=check,
)
