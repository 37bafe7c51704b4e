import ATOF
import Synchronization

/// UUIDs version 7 (RFC 9562 §5.7), the ids of the events the instrumentation writes: 48-bit
/// Unix time in milliseconds, version `0111`, 12 bits of sub-millisecond time (§6.2 method 3, so
/// ids made in one process sort by time), variant `10`, and 62 random bits.
///
/// The random bits come from SplitMix64 over a process-wide atomic counter seeded once from the
/// system's secure generator: every id of a process gets different bits (the mix is a bijection)
/// and ids of different processes differ by their seeds, without a `getrandom` call per id. They
/// are unique, not secret (trace ids need not be).
///
/// The span id the bridge derives from a scope is the low 8 bytes (span-mapping.md §2); the
/// variant bits make its first byte at least `0x80`, so it is never the invalid all-zero id.
extension UUIDValue {
    /// A new version 7 id for the instant `nanosecondsSinceEpoch` (times before 1970 count as 1970).
    init(nanosecondsSinceEpoch: Int64) {
        self.init(nanosecondsSinceEpoch: nanosecondsSinceEpoch, random: Self.nextRandom())
    }

    private static let counter: Atomic<UInt64> = {
        var generator = SystemRandomNumberGenerator()
        return Atomic(generator.next())
    }()

    /// The next SplitMix64 output.
    static func nextRandom() -> UInt64 {
        var z = counter.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A version 7 id from a time and 64 random bits (62 are used).
    init(nanosecondsSinceEpoch: Int64, random: UInt64) {
        let nanoseconds = UInt64(max(0, nanosecondsSinceEpoch))
        let milliseconds = (nanoseconds / 1_000_000) & 0xFFFF_FFFF_FFFF
        // The fraction of the millisecond scaled to 12 bits (0...4095).
        let fraction = (nanoseconds % 1_000_000) * 4096 / 1_000_000
        self.init(high: milliseconds << 16 | 0x7000 | fraction, low: 0x8000_0000_0000_0000 | (random & 0x3FFF_FFFF_FFFF_FFFF))
    }

    /// The version nibble (7 for ids made here).
    var version: Int { Int((high >> 12) & 0xF) }

    /// The Unix time in milliseconds the id carries.
    var milliseconds: UInt64 { high >> 16 }
}
