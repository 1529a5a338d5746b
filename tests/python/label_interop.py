"""Verify iotlabel's signed labels and QR codes with independent implementations.

Usage:
  label_interop.py cose STATEMENT.cose PUBLIC_KEY_B64URL    pycose: COSE_Sign1, EdDSA
  label_interop.py dsse ENVELOPE.json PUBLIC_KEY_B64URL KEYID   securesystemslib: DSSE
  label_interop.py qr IMAGE.png                             zxing-cpp: decode QR codes

Prints a JSON summary; exit 0 on success, 1 when verification fails.
"""

import base64
import json
import sys


def b64url(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def cose(path, public):
    import cbor2
    from pycose.keys import OKPKey
    from pycose.keys.curves import Ed25519
    from pycose.messages import CoseMessage

    with open(path, "rb") as f:
        data = f.read()
    msg = CoseMessage.decode(data)
    msg.key = OKPKey(crv=Ed25519, x=b64url(public))
    if not msg.verify_signature():
        print(json.dumps({"verified": False}))
        return 1
    claims = cbor2.loads(msg.payload)
    cwt = msg.phdr.get(15) or {k: v for k, v in msg.phdr.items() if getattr(k, "identifier", k) == 15}
    print(json.dumps({
        "verified": True,
        "alg": str(msg.phdr.get(next(k for k in msg.phdr if "Alg" in str(k)))) if msg.phdr else None,
        "label_id": claims[1],
        "level": claims[4],
        "cwt_claims": bool(cwt),
    }, default=str))
    return 0


def dsse(path, public, keyid):
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import SSlibKey

    with open(path) as f:
        envelope = Envelope.from_dict(json.load(f))
    key = SSlibKey(keyid, "ed25519", "ed25519", {"public": b64url(public).hex()})
    try:
        verified = envelope.verify([key], 1)
    except Exception as e:  # VerificationError and friends
        print(json.dumps({"verified": False, "error": str(e)}))
        return 1
    statement = json.loads(envelope.payload)
    print(json.dumps({
        "verified": keyid in verified,
        "type": statement["_type"],
        "predicate_type": statement["predicateType"],
        "subjects": [s["name"] for s in statement["subject"]],
    }))
    return 0


def qr(path):
    import zxingcpp
    from PIL import Image

    results = zxingcpp.read_barcodes(Image.open(path))
    print(json.dumps([r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode]))
    return 0 if results else 1


def main():
    kind, args = sys.argv[1], sys.argv[2:]
    return {"cose": cose, "dsse": dsse, "qr": qr}[kind](*args)


if __name__ == "__main__":
    sys.exit(main())
