"""
## What it does
Flags broken cryptographic primitives in Go code:

- ciphers: `des.NewCipher`, `des.NewTripleDESCipher`, `rc4.NewCipher`, `blowfish.NewCipher`;
- ECB mode: a block cipher's raw `Encrypt`/`Decrypt` called inside a loop, on a block made in the
  same function with `aes.NewCipher`/`des.NewCipher` or received as a `cipher.Block` (each block
  encrypted on its own, the ECB construction Go deliberately does not ship);
- short keys: `rsa.GenerateKey(rand, bits)` / `rsa.GenerateMultiPrimeKey` with fewer than 2048
  bits, `dsa` parameter sizes `L1024N160`;
- broken hashes where they must resist forgery: `hmac.New(md5.New, key)`, `hmac.New(sha1.New,
  key)`, and signatures over MD5 or SHA-1 (`rsa.SignPKCS1v15(rand, key, crypto.MD5, ...)`,
  `crypto.SHA1`).

Password hashing with fast digests is GO-SEC-020; test files are not scanned.

## Why it matters
DES keys are brute-forced in hours, RC4 leaks plaintext through keystream biases, 3DES falls to
Sweet32, and ECB encrypts equal blocks to equal ciphertext, so structure shows through (CWE-327).
RSA keys below 2048 bits are within reach of well-funded attackers (CWE-326). MD5 and SHA-1
collisions are practical, so signatures over them can be forged; HMAC with them is not yet broken
but fails every current baseline (FIPS, PCI) and signals an unreviewed design.

## Example
    package vault

    import (
    	"crypto/cipher"
    	"crypto/des"
    )

    func Encrypt(key, iv, plaintext []byte) ([]byte, error) {
    	block, err := des.NewCipher(key)
    	if err != nil {
    		return nil, err
    	}
    	out := make([]byte, len(plaintext))
    	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, plaintext)
    	return out, nil
    }

## Use instead
    package vault

    import (
    	"crypto/aes"
    	"crypto/cipher"
    	"crypto/rand"
    )

    func Encrypt(key, plaintext []byte) ([]byte, error) {
    	block, err := aes.NewCipher(key)
    	if err != nil {
    		return nil, err
    	}
    	gcm, err := cipher.NewGCM(block)
    	if err != nil {
    		return nil, err
    	}
    	nonce := make([]byte, gcm.NonceSize())
    	if _, err := rand.Read(nonce); err != nil {
    		return nil, err
    	}
    	return gcm.Seal(nonce, nonce, plaintext, nil), nil
    }

## Known limitations
HMAC-SHA1 inside implementations of protocols that mandate it (TOTP/HOTP, OAuth 1.0, a package or
function named so) is not reported. Key sizes held in variables are not followed. CBC without a
MAC and a static IV are not detected. Plain `md5.Sum`/`sha1.Sum` (checksums, cache keys, ETags)
is never reported.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import (
    declared_type, function_name, local_declaration, type_ref, unparen, words,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import call_target, generated_or_tool, local_constructor, view
from prodcheck.rules.go.security_helpers import int_value, loop_ancestor, selector_package, test_support

BROKEN_CIPHERS = {
    ("crypto/des", "NewCipher"): "DES", ("crypto/des", "NewTripleDESCipher"): "3DES",
    ("crypto/rc4", "NewCipher"): "RC4", ("golang.org/x/crypto/blowfish", "NewCipher"): "Blowfish",
}
BLOCK_MAKERS = frozenset({("crypto/aes", "NewCipher"), ("crypto/des", "NewCipher"),
                          ("crypto/des", "NewTripleDESCipher"), ("golang.org/x/crypto/blowfish", "NewCipher")})
WEAK_HASHES = {("crypto/md5", "New"): "MD5", ("crypto/sha1", "New"): "SHA-1"}
WEAK_HASH_IDS = {"MD5": "MD5", "SHA1": "SHA-1", "MD5SHA1": "MD5+SHA-1"}
SIGNERS = {("crypto/rsa", "SignPKCS1v15"): 2, ("crypto/rsa", "VerifyPKCS1v15"): 1}
PROTOCOL_WORDS = frozenset({"totp", "hotp", "otp", "oauth1", "oauth", "sigv2", "ntlm", "cram", "scram"})
MIN_RSA_BITS = 2048


def check(call, ctx):
    if generated_or_tool(ctx) or test_support(ctx):
        return
    target = call_target(call, ctx)
    args = view(ctx).arguments(call)
    if target in BROKEN_CIPHERS:
        yield ctx.finding(RULE, call, f"{BROKEN_CIPHERS[target]} cipher (`{target[0].rsplit('/', 1)[-1]}."
                                      f"{target[1]}`) is broken")
        return
    if target in (("crypto/rsa", "GenerateKey"), ("crypto/rsa", "GenerateMultiPrimeKey")):
        bits = int_value(args[-1], ctx) if args else None
        if bits is not None and bits < MIN_RSA_BITS:
            yield ctx.finding(RULE, call, f"RSA key of {bits} bits: use at least {MIN_RSA_BITS}",
                              fix="Generate RSA keys of 3072 bits (at least 2048) or use Ed25519.")
        return
    if target == ("crypto/dsa", "GenerateParameters") and len(args) >= 3:
        path, name = selector_package(args[2], ctx)
        if path == "crypto/dsa" and name.startswith("L1024"):
            yield ctx.finding(RULE, call, f"DSA parameters `{name}`: 1024-bit DSA keys are too short")
        return
    if target == ("crypto/hmac", "New") and args:
        yield from _hmac(call, args[0], ctx)
        return
    if target in SIGNERS and len(args) > SIGNERS[target]:
        path, name = selector_package(args[SIGNERS[target]], ctx)
        if path == "crypto" and name in WEAK_HASH_IDS:
            yield ctx.finding(RULE, call, f"signature over {WEAK_HASH_IDS[name]} (`crypto.{name}`): collisions "
                                          f"let an attacker forge it")
        return
    yield from _ecb(call, args, ctx)


def _hmac(call, factory, ctx):
    factory = unparen(factory)
    if factory is None or factory.type != "selector_expression":
        return
    algorithm = WEAK_HASHES.get(selector_package(factory, ctx))
    if not algorithm or _protocol_code(call, ctx):
        return
    confidence = Confidence.HIGH if algorithm == "MD5" else Confidence.MEDIUM
    yield ctx.finding(RULE, call, f"HMAC over {algorithm}: use SHA-256 (`hmac.New(sha256.New, key)`)",
                      confidence=confidence)


def _protocol_code(call, ctx) -> bool:
    file_view = view(ctx)
    names = [file_view.package, function_name(file_view.outermost_function(call))]
    return any(set(words(n)) & PROTOCOL_WORDS for n in names if n)


def _ecb(call, args, ctx):
    file_view = view(ctx)
    operand, name = file_view.call_parts(call)
    operand = unparen(operand)
    if name not in ("Encrypt", "Decrypt") or len(args) != 2 or operand is None or operand.type != "identifier":
        return
    func = file_view.enclosing_function(call)
    if func is None or loop_ancestor(call, func) is None:
        return
    block = file_view.text(operand)
    if local_constructor(block, call, ctx) in BLOCK_MAKERS or _block_param(block, call, ctx):
        yield ctx.finding(RULE, call, f"`{block}.{name}` called block by block in a loop: ECB mode leaks "
                                      f"patterns of the plaintext",
                          fix="Use an AEAD mode: `cipher.NewGCM(block)` and `gcm.Seal` with a random nonce.")


def _block_param(name: str, at, ctx) -> bool:
    file_view = view(ctx)
    decl = local_declaration(name, at, file_view)
    kind = declared_type(decl, name) if decl is not None else None
    return type_ref(kind, file_view) == ("crypto/cipher", "Block") if kind is not None else False


RULE = NodeRule(
    id="GO-SEC-029", slug="weak-cryptography", area=Area.SEC,
    title="Broken cipher, ECB mode, short key or weak hash in a MAC or signature",
    fix="Encrypt with AES-GCM or ChaCha20-Poly1305 (`cipher.NewGCM`, `chacha20poly1305.New`), sign and MAC "
        "with SHA-256 or better, and generate RSA keys of at least 2048 bits (or Ed25519).",
    rows=("SEC-17",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-327", "CWE-326"),
    stride=(Stride.INFORMATION_DISCLOSURE, Stride.TAMPERING),
    example_path="vault.go", visits=("call_expression",), check=check,
)
