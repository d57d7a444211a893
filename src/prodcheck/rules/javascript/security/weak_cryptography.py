"""
## What it does
Flags broken or deprecated cryptography in Node code:
- `crypto.createCipher` / `createDecipher`: deprecated, no IV, the key is derived with a single
  MD5 pass;
- `createCipheriv`/`createDecipheriv` with a broken cipher or mode: DES and 3DES (`des-*`,
  `des-ede3-cbc`), RC2, RC4, Blowfish (`bf-*`), and any ECB mode (`aes-128-ecb`, `aes-256-ecb`);
- `crypto-js` with `CryptoJS.DES`/`TripleDES`/`RC4`/`RC4Drop`, or `mode: CryptoJS.mode.ECB`;
- signatures over MD5 or SHA-1: `crypto.createSign('sha1' | 'RSA-SHA1' | 'md5')`,
  `createVerify(...)`, `crypto.sign('sha1', ...)`;
- RSA/DSA keys shorter than 2048 bits: `generateKeyPair('rsa', { modulusLength: 1024 })`.

The algorithm must be a literal (or a module constant). Plain digests (`createHash('md5')`) are
not reported: checksums, ETags and cache keys legitimately use them, and password hashing is the
job of JS-SEC-020.

## Why it matters
DES and RC4 are broken outright, 3DES and Blowfish have 64-bit blocks (Sweet32), ECB encrypts equal
blocks to equal ciphertext so the structure of the data shows through, and `createCipher`
derives the same key and IV for every message from the password. SHA-1 and MD5 collisions are
practical, so signatures over them can be forged for chosen documents, and 1024-bit RSA is within
reach of well-funded attackers (CWE-327, CWE-326).

## Example
    import crypto from 'node:crypto';

    export function encrypt(key, plaintext) {
      const cipher = crypto.createCipheriv('aes-256-ecb', key, null);
      return Buffer.concat([cipher.update(plaintext), cipher.final()]);
    }

## Use instead
    import crypto from 'node:crypto';

    export function encrypt(key, plaintext) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), data]);
    }

## Known limitations
Algorithms read from configuration or computed at run time are not reported. HMAC with MD5 or
SHA-1 (still sound as a MAC) and digests used outside signatures are not reported. Other crypto
libraries (`node-forge`, `tweetnacl`, WebCrypto `subtle`) are not checked.
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.js_common import (
    callee, number_of, object_pairs, required_spec, resolve_object,
    string_of, unwrap,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import string_value
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import view

CRYPTO_PACKAGES = frozenset({"crypto", "node:crypto"})
WEAK_CIPHER = re.compile(r"^(des|des3|des-ede|des-ede3|desx|rc2|rc4|bf|blowfish|cast|cast5|idea|seed)(-|$)", re.I)
ECB = re.compile(r"-ecb$", re.I)
WEAK_SIGN = re.compile(r"^(rsa-)?(md4|md5|sha1|sha-1|ripemd160)(withrsaencryption)?$", re.I)
CRYPTO_JS_WEAK = frozenset({"DES", "TripleDES", "RC4", "RC4Drop"})
MIN_RSA_BITS = 2048


def check(call, ctx):
    receiver, method = view(ctx).call_parts(call)
    if not method:
        return
    args = view(ctx).arguments(call)
    if method in ("createCipher", "createDecipher", "createCipheriv", "createDecipheriv", "createSign",
                  "createVerify", "sign", "verify", "generateKeyPair", "generateKeyPairSync"):
        if not _node_crypto(call, receiver, method, ctx):
            return
        if method in ("createCipher", "createDecipher"):
            yield ctx.finding(RULE, call, f"`{method}()` is deprecated: no IV and an MD5-derived key; "
                                          f"use `{method}iv()` with an AEAD cipher")
            return
        algorithm = _string(args[0], ctx) if args else None
        if algorithm is None:
            return
        if method in ("createCipheriv", "createDecipheriv"):
            if WEAK_CIPHER.match(algorithm):
                yield ctx.finding(RULE, call, f"`{method}('{algorithm}')`: a broken or 64-bit-block cipher")
            elif ECB.search(algorithm):
                yield ctx.finding(RULE, call, f"`{method}('{algorithm}')`: ECB mode leaks the structure "
                                              f"of the plaintext")
        elif method in ("createSign", "createVerify", "sign", "verify"):
            if WEAK_SIGN.match(algorithm):
                yield ctx.finding(RULE, call, f"`{method}('{algorithm}')`: a signature over a "
                                              f"collision-prone digest")
        elif algorithm.lower() in ("rsa", "dsa", "rsa-pss") and len(args) >= 2:
            pairs = object_pairs(resolve_object(args[1], view(ctx)))
            bits = number_of(pairs.get("modulusLength")) if "modulusLength" in pairs else None
            if bits is not None and bits < MIN_RSA_BITS:
                yield ctx.finding(RULE, call, f"`{method}('{algorithm}')` with a {int(bits)}-bit key "
                                              f"(under {MIN_RSA_BITS})")
        return
    if method in ("encrypt", "decrypt") and receiver is not None:
        names = view(ctx).member_names(receiver)
        if len(names) != 2 or not _crypto_js(names[0], call, ctx):
            return
        if names[1] in CRYPTO_JS_WEAK:
            yield ctx.finding(RULE, call, f"`{names[0]}.{names[1]}.{method}()`: a broken cipher")
            return
        options = object_pairs(resolve_object(args[2], view(ctx))) if len(args) >= 3 else {}
        mode = options.get("mode")
        if mode is not None and view(ctx).member_names(mode)[-2:] == ["mode", "ECB"]:
            yield ctx.finding(RULE, call, f"`{names[0]}.{names[1]}.{method}()` in ECB mode")


def _node_crypto(call, receiver, method: str, ctx) -> bool:
    v = view(ctx)
    if receiver is None:
        function = callee(call)
        if function is None or function.type != "identifier":
            return False
        binding = v.binding(method, call)
        return binding is not None and binding.spec in CRYPTO_PACKAGES
    inner = unwrap(receiver)
    if inner is not None and inner.type == "call_expression":
        return required_spec(inner) in CRYPTO_PACKAGES
    names = view(ctx).member_names(receiver)
    if len(names) != 1:
        return False
    binding = v.binding(names[0], call)
    if binding is not None:
        return binding.spec in CRYPTO_PACKAGES
    local = v.value_of(names[0], call)
    return local is not None and required_spec(unwrap(local)) in CRYPTO_PACKAGES


def _crypto_js(name: str, at, ctx) -> bool:
    binding = view(ctx).binding(name, at)
    return binding is not None and binding.spec.startswith("crypto-js")


def _string(node, ctx) -> str | None:
    value = string_of(node, view(ctx).consts)
    if value is None and node is not None and node.type == "string":
        value = string_value(node)
    return value.strip() if value is not None else None


RULE = NodeRule(
    id="JS-SEC-029", slug="weak-cryptography", area=Area.SEC,
    title="Broken or deprecated cryptographic algorithm",
    fix="Encrypt with an AEAD cipher and a random IV (`createCipheriv('aes-256-gcm', key, iv)` or "
        "`chacha20-poly1305`), sign with SHA-256 or better, and use RSA keys of at least 2048 bits "
        "(or Ed25519).",
    rows=("SEC-17",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-327",), stride=(Stride.INFORMATION_DISCLOSURE, Stride.TAMPERING),
    example_path="cipher.js", visits=("call_expression",), check=check,
)
