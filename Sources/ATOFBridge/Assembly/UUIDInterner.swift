import ATOF

/// Gives each distinct uuid a dense id (0, 1, 2, ... in order of first appearance) and keeps
/// each uuid once: an open-addressing table of 32-bit ids over the array of uuids, about 8 to 16
/// bytes per uuid beyond the uuid itself (a `Dictionary` would hold each key a second time).
struct UUIDInterner: Sendable {
    /// Per id: the uuid.
    private(set) var keys: [UUIDKey] = []
    /// The table: ids, -1 for an empty slot; its size is a power of two, at most half full.
    private var slots: [Int32] = []

    /// The id of `key`, given when it is first seen.
    mutating func id(of key: UUIDKey) -> Int32 {
        if 2 * (keys.count + 1) > slots.count { grow() }
        let mask = slots.count - 1
        var slot = Self.hash(key) & mask
        while true {
            let id = slots[slot]
            if id < 0 {
                let new = Int32(keys.count)
                slots[slot] = new
                keys.append(key)
                return new
            }
            if keys[Int(id)] == key { return id }
            slot = (slot + 1) & mask
        }
    }

    /// Lets the table go, keeping the uuids (no more ids are asked for).
    mutating func dropTable() {
        slots = []
    }

    /// Doubles the table and places every id again.
    private mutating func grow() {
        let size = max(1024, 2 * slots.count)
        slots = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for id in keys.indices {
            var slot = Self.hash(keys[id]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }

    /// A well-mixed hash: a canonical UUID's bits folded and multiplied, other text hashed.
    private static func hash(_ key: UUIDKey) -> Int {
        switch key {
        case .canonical(let value):
            var mixed = value.high ^ (value.low &* 0x9E37_79B9_7F4A_7C15)
            mixed ^= mixed >> 29
            mixed = mixed &* 0xBF58_476D_1CE4_E5B9
            mixed ^= mixed >> 32
            return Int(truncatingIfNeeded: mixed)
        case .text:
            return key.hashValue
        }
    }
}
