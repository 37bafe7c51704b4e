/// Protobuf wire-format helpers for what is written or read by hand: the request envelope
/// (``ProtobufEnvelope``) and the `google.rpc.Status` of a failure (``ExportResponseDecoding``).
enum ProtobufWire {
    /// The wire type of strings, bytes and embedded messages.
    static let lengthDelimited: UInt64 = 2

    /// Bytes taken by `value` as a varint (1 to 10).
    @inline(__always)
    static func varintSize(_ value: UInt64) -> Int {
        // One byte per started group of 7 significant bits; zero still takes one byte.
        (64 - (value | 1).leadingZeroBitCount + 6) / 7
    }

    /// Bytes taken by a length-delimited field with a one-byte tag (field numbers 1 to 15) and
    /// `length` bytes of content.
    @inline(__always)
    static func lengthDelimitedFieldSize(_ length: Int) -> Int {
        1 + varintSize(UInt64(length)) + length
    }

    /// Writes `value` as a varint at `out` and returns the position after it.
    @inline(__always)
    static func writeVarint(_ value: UInt64, to out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var value = value
        var out = out
        while value >= 0x80 {
            out.pointee = UInt8(truncatingIfNeeded: value) | 0x80
            out += 1
            value >>= 7
        }
        out.pointee = UInt8(value)
        return out + 1
    }

    /// Writes the tag of length-delimited `field` (1 to 15) and `length`, and returns the
    /// position where the content goes.
    @inline(__always)
    static func writeLengthDelimitedHeader(
        field: UInt64, length: Int, to out: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        out.pointee = UInt8(truncatingIfNeeded: field << 3 | lengthDelimited)
        return writeVarint(UInt64(length), to: out + 1)
    }

    /// Reads the varint at `index` in `bytes` and moves `index` past it; `nil` when the bytes end
    /// first or the varint is longer than 64 bits.
    static func readVarint(_ bytes: [UInt8], at index: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
