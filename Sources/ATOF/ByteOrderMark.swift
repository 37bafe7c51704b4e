/// The UTF-8 byte order mark (`EF BB BF`), which some editors and Windows tools write at the start
/// of a text file. It is not JSON; at the start of an input it is skipped, anywhere else it is
/// part of the line (and makes it a bad line).
public enum ByteOrderMark {
    /// The mark's bytes.
    public static let utf8: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Whether `bytes` begin with the mark.
    public static func isPrefix(of bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: utf8)
    }

    /// `bytes` without a leading mark (all of them when there is none).
    static func dropped(from bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF else { return bytes }
        return UnsafeBufferPointer(rebasing: bytes[3...])
    }
}
