"""
Drives the card emulator's own PACE implementation (pace_card.py of the chip emulator, an
independent card side: its own curve arithmetic, pycryptodome ciphers) one APDU at a time,
so the terminal's PACE is tested against a card it was not written with, on every curve and
cipher, without pcscd. One JSON request a line on stdin, one JSON answer a line on stdout.

argv[1]: the emulator's folder.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])
import pace_card as pc  # noqa: E402

card = None


def answer(request):
    global card
    if request["op"] == "card":
        configs = [tuple(config) for config in request["configs"]]
        passwords = {
            pc.PW_MRZ: pc.mrz_password(request["mrz"]) if request.get("mrz") else None,
            pc.PW_CAN: request["can"].encode("ascii") if request.get("can") else None,
        }
        card = pc.PaceCard(configs, passwords)
        return {"cardAccess": pc.card_access(configs).hex()}
    if request["op"] == "apdu":
        apdu = bytes.fromhex(request["hex"])
        cla, ins = apdu[0], apdu[1]
        data = apdu[5:5 + apdu[4]] if len(apdu) > 5 else b""
        try:
            if ins == 0x22:
                card.set_at(data)
                body = b""
            elif ins == 0x86:
                body = card.general_authenticate(data, bool(cla & 0x10))
            else:
                raise pc.PaceError(0x6D00, "not a PACE command")
            sw = 0x9000
        except pc.PaceError as error:
            body, sw = b"", error.sw
        return {"response": (body + sw.to_bytes(2, "big")).hex()}
    if request["op"] == "keys":
        session = card.last
        result = session.result if session is not None else None
        if result is None:
            return {"keys": None}
        return {"keys": {"cipher": result[0], "kEnc": result[1].hex(), "kMac": result[2].hex(),
                         "parameterId": session.curve.param_id}}
    return {"error": "unknown op " + request["op"]}


for line in sys.stdin:
    try:
        reply = answer(json.loads(line))
    except Exception as error:  # reported to the test, which fails with it
        reply = {"error": repr(error)}
    print(json.dumps(reply), flush=True)
