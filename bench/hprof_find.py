#!/usr/bin/env python3
"""Which arrays of a heap dump (HPROF) hold a given text: prints, for each copy, the array's element type and length,
and the class of every instance or array that points at it (one level up). Usage: hprof_find.py DUMP TEXT..."""
import struct
import sys

BASIC = {2: 'object', 4: 'boolean', 5: 'char', 6: 'float', 7: 'double', 8: 'byte', 9: 'short', 10: 'int', 11: 'long'}
SIZE = {4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}


def main(path, texts):
    data = open(path, 'rb').read()
    header_end = data.index(b'\0') + 1
    ids = struct.unpack('>I', data[header_end:header_end + 4])[0]
    SIZE[2] = ids
    rid = lambda o: int.from_bytes(data[o:o + ids], 'big')
    names, class_names, class_fields, class_super = {}, {}, {}, {}
    arrays, instances = [], []  # (start, end, id, kind)
    pos = header_end + 12
    while pos < len(data):
        tag, _, length = struct.unpack('>BII', data[pos:pos + 9])
        body, pos = pos + 9, pos + 9 + length
        if tag == 0x01:
            names[rid(body)] = data[body + ids:pos].decode('utf-8', 'replace')
        elif tag == 0x02:
            class_names[rid(body + 4)] = rid(body + 8 + ids)
        elif tag in (0x0c, 0x1c):
            p = body
            while p < pos:
                sub = data[p]; p += 1
                if sub == 0xff: p += ids
                elif sub in (0x01,): p += 2 * ids
                elif sub in (0x02, 0x03): p += ids + 8
                elif sub in (0x04, 0x06): p += ids + 4
                elif sub in (0x05, 0x07): p += ids
                elif sub == 0x08: p += ids + 8
                elif sub == 0x20:
                    cid = rid(p); class_super[cid] = rid(p + 4 + ids); p += 4 + 7 * ids + 4
                    n = struct.unpack('>H', data[p:p + 2])[0]; p += 2
                    for _ in range(n):
                        t = data[p + 2]; p += 3 + SIZE[t]
                    n = struct.unpack('>H', data[p:p + 2])[0]; p += 2
                    for _ in range(n):
                        t = data[p + ids]; p += ids + 1 + SIZE[t]
                    n = struct.unpack('>H', data[p:p + 2])[0]; p += 2
                    fields = []
                    for _ in range(n):
                        fields.append(data[p + ids]); p += ids + 1
                    class_fields[cid] = fields
                elif sub == 0x21:
                    oid, cid = rid(p), rid(p + 4 + ids)
                    n = struct.unpack('>I', data[p + 4 + 2 * ids:p + 8 + 2 * ids])[0]
                    start = p + 8 + 2 * ids
                    instances.append((oid, cid, start, start + n)); p = start + n
                elif sub == 0x22:
                    oid = rid(p); n = struct.unpack('>I', data[p + 4 + ids:p + 8 + ids])[0]; start = p + 8 + 2 * ids
                    arrays.append((start, start + n * ids, oid, 'object[]', rid(p + 8 + ids))); p = start + n * ids
                elif sub == 0x23:
                    oid = rid(p); n = struct.unpack('>I', data[p + ids + 4:p + ids + 8])[0]; t = data[p + ids + 8]; start = p + ids + 9
                    arrays.append((start, start + n * SIZE[t], oid, BASIC[t] + '[' + str(n) + ']', None)); p = start + n * SIZE[t]
                else:
                    raise SystemExit('unknown heap sub-record %x at %d' % (sub, p))
    cls = lambda cid: names.get(class_names.get(cid), '?')
    def holders(target):
        found = []
        for oid, cid, start, end in instances:
            c, off = cid, start
            while c and off < end:
                for t in class_fields.get(c, []):
                    if t == 2 and rid(off) == target: found.append(cls(cid))
                    off += SIZE[t]
                c = class_super.get(c)
        for start, end, oid, kind, elem in arrays:
            if kind == 'object[]' and any(rid(o) == target for o in range(start, end, ids)):
                found.append(names.get(class_names.get(elem), 'Object') + '[]')
        return found
    for text in texts:
        for encoding in ('latin-1', 'utf-16-be'):
            needle, at = text.encode(encoding), 0
            while (at := data.find(needle, at)) >= 0:
                hit = next((a for a in arrays if a[0] <= at < a[1]), None)
                if hit:
                    print(f'{text[:10]}… ({encoding}) in {hit[3]} held by {sorted(set(holders(hit[2])))[:6]}')
                else:
                    print(f'{text[:10]}… ({encoding}) outside any array (a name or a field)')
                at += len(needle)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
