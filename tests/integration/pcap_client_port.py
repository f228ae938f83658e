#!/usr/bin/env python3
"""pcap_client_port.py - rewrite one session's client port in a capture.

usage: pcap_client_port.py IN.pcap OUT.pcap STREAM PORT

Gives the client side of TCP stream STREAM (counted in SYN order) the
port PORT in every frame of that stream, for the test that a session
whose ephemeral port tshark knows for another protocol (44818 is
EtherNet/IP) is still compared correctly.  Handles what --pcap writes:
classic pcap, Ethernet, IPv4; the TCP checksum is zeroed (tshark does
not verify it by default).
"""
import struct
import sys

ETHERNET = 14
SYN, ACK = 0x02, 0x10


def main():
    src, dst, stream, port = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4])
    data = open(src, "rb").read()
    out = bytearray(data[:24])
    off = 24
    clients = []
    while off < len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        frame = bytearray(data[off + 16:off + 16 + incl])
        tcp = ETHERNET + (frame[ETHERNET] & 15) * 4
        sport, dport = struct.unpack(">HH", frame[tcp:tcp + 4])
        flags = frame[tcp + 13]
        if flags & SYN and not flags & ACK:
            clients.append(sport)
        if len(clients) > stream and clients[stream] in (sport, dport):
            at = tcp if sport == clients[stream] else tcp + 2
            frame[at:at + 2] = struct.pack(">H", port)
            frame[tcp + 16:tcp + 18] = b"\0\0"
        out += data[off:off + 16] + frame
        off += 16 + incl
    if len(clients) <= stream:
        sys.exit("pcap_client_port.py: no stream %d in %s" % (stream, src))
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main()
