#!/usr/bin/env python3
"""An independent reader of TensorBoard event files, for tests: standard library only.

Usage: tfevents.py DIR   prints JSON {"files": [{"name", "file_version", "events"}], "summaries": [{"file", "step",
"wall_time", "values": {tag: value}}]} for every file in DIR whose name contains "tfevents" (as TensorBoard picks
them), in name order, one summary per event that has one, in file order. Every record's two CRCs are checked; a bad one is an error (exit 1).

Written from the published formats, not from Perennial's writer:
- TFRecord (tensorflow/core/lib/io/record_writer.cc): uint64 little-endian length, uint32 masked CRC-32C of those
  8 bytes, the data, uint32 masked CRC-32C of the data; mask(crc) = ((crc >> 15) | (crc << 17)) + 0xa282ead8 (mod 2^32).
- CRC-32C: the Castagnoli polynomial, reflected 0x82F63B78, initial value and final xor 0xFFFFFFFF.
- Event (tensorflow/core/util/event.proto): double wall_time = 1; int64 step = 2; string file_version = 3;
  Summary summary = 5. Summary (summary.proto): repeated Value value = 1; Value: string tag = 1; float simple_value = 2.
- Protocol buffer wire format (protobuf.dev/programming-guides/encoding): key = field << 3 | wire type;
  0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.
"""
import json
import os
import struct
import sys


def crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


TABLE = crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked(crc):
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def varint(buf, pos):
    result, shift = 0, 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos


def fields(buf):
    """(field number, wire type, value) for each field of a message."""
    pos = 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            length, pos = varint(buf, pos)
            value, pos = buf[pos:pos + length], pos + length
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"wire type {wire} of field {number}")
        yield number, wire, value


def records(path):
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while pos < len(data):
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        if masked(crc32c(header)) != length_crc:
            raise ValueError(f"{path}: bad length CRC at byte {pos}")
        body = data[pos + 12:pos + 12 + length]
        (body_crc,) = struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])
        if len(body) != length or masked(crc32c(body)) != body_crc:
            raise ValueError(f"{path}: bad data CRC at byte {pos}")
        yield body
        pos += 16 + length


def main(folder):
    files, summaries = [], []
    for name in sorted(n for n in os.listdir(folder) if "tfevents" in n):
        version, count = None, 0
        for body in records(os.path.join(folder, name)):
            count += 1
            wall_time, step, values = 0.0, 0, []
            for number, wire, value in fields(body):
                if number == 1 and wire == 1:
                    (wall_time,) = struct.unpack("<d", value)
                elif number == 2 and wire == 0:
                    step = value
                elif number == 3 and wire == 2:
                    version = version or value.decode("utf-8")
                elif number == 5 and wire == 2:
                    for n, w, v in fields(value):
                        if n == 1 and w == 2:
                            values.append(dict(fields_of_value(v)))
            if values:
                summaries.append({"file": name, "step": step, "wall_time": wall_time,
                                  "values": {v["tag"]: v["value"] for v in values}})
        files.append({"name": name, "file_version": version, "events": count})
    json.dump({"files": files, "summaries": summaries}, sys.stdout)


def fields_of_value(buf):
    for number, wire, value in fields(buf):
        if number == 1 and wire == 2:
            yield "tag", value.decode("utf-8")
        elif number == 2 and wire == 5:
            (f,) = struct.unpack("<f", value)
            yield "value", f if f == f else "NaN"


if __name__ == "__main__":
    main(sys.argv[1])
