import ATOF

/// A uuid as a key of the live assembler's tables. A canonical uuid (128 bits) is hashed with
/// one 64×64-bit multiply keyed by the table's random seed, instead of SipHash over 16 bytes:
/// the producer's call does about ten lookups per event, and SipHash was a quarter of it. Other
/// uuids are hashed as text, as before.
struct ScopeKey: Hashable, Sendable {
    var key: UUIDKey

    init(_ key: UUIDKey) {
        self.key = key
    }

    static func == (lhs: ScopeKey, rhs: ScopeKey) -> Bool {
        lhs.key == rhs.key
    }

    func hash(into hasher: inout Hasher) {
        key.hash(into: &hasher)
    }

    /// The hash the tables use. Both factors carry the seed (random per process and per table),
    /// so that input cannot choose uuids whose hashes collide.
    func _rawHashValue(seed: Int) -> Int {
        guard case .canonical(let value) = key else { return key._rawHashValue(seed: seed) }
        let salt = UInt64(UInt(bitPattern: seed))
        let left = value.high ^ salt ^ 0x9E37_79B9_7F4A_7C15
        let right = value.low ^ (salt << 32 | salt >> 32) ^ 0xD6E8_FEB8_6659_FD93
        let product = left.multipliedFullWidth(by: right)
        return Int(Int64(bitPattern: product.high ^ product.low))
    }
}

/// A table keyed by uuid with ``ScopeKey``'s hash: the live assembler's open, pairing and
/// recently-ended tables.
///
/// Entries are kept dense (a key array and a value array side by side, no holes: a removal moves
/// the last entry into the gap) and found through an open-addressing index of 32-bit positions,
/// at most half full. Per entry that costs the key, the value and 8 to 16 bytes of index, where a
/// `Dictionary` costs key and value per bucket at a load that can be as low as 3/8. The arrays
/// and the index shrink again when the table falls to a quarter of its room, so that a burst of
/// open scopes does not stay resident.
///
/// An ``Index`` is an entry's position: valid until the next insertion or removal.
struct ScopeTable<Value: Sendable>: Sendable {
    typealias Index = Int

    private var keys: [UUIDKey] = []
    /// The values, at the same positions as their keys.
    private(set) var values: [Value] = []
    /// Positions into `keys`/`values`, -1 for an empty slot; the size is a power of two (or 0).
    private var slots: [Int32] = []
    /// Keys the hash, so that input cannot choose uuids that collide.
    private let seed = Int.random(in: Int.min...Int.max)

    var count: Int { keys.count }

    subscript(key: UUIDKey) -> Value? {
        get { index(forKey: key).map { values[$0] } }
        set {
            if let newValue {
                if let index = index(forKey: key) {
                    values[index] = newValue
                } else {
                    insert(newValue, forKey: key)
                }
            } else {
                removeValue(forKey: key)
            }
        }
    }

    subscript(key: UUIDKey, default defaultValue: @autoclosure () -> Value) -> Value {
        get { index(forKey: key).map { values[$0] } ?? defaultValue() }
        _modify {
            let index = index(forKey: key) ?? insert(defaultValue(), forKey: key)
            yield &values[index]
        }
    }

    /// The value at `index` (a position from ``index(forKey:)``).
    subscript(at index: Index) -> Value {
        _read { yield values[index] }
        _modify { yield &values[index] }
    }

    func index(forKey key: UUIDKey) -> Index? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var slot = home(of: key, mask: mask)
        while true {
            let position = slots[slot]
            if position < 0 { return nil }
            if keys[Int(position)] == key { return Int(position) }
            slot = (slot + 1) & mask
        }
    }

    @discardableResult
    mutating func removeValue(forKey key: UUIDKey) -> Value? {
        guard let index = index(forKey: key) else { return nil }
        let value = values[index]
        remove(at: index)
        return value
    }

    mutating func remove(at index: Index) {
        let mask = slots.count - 1
        clearSlot(ofPosition: index, key: keys[index], mask: mask)
        let last = keys.count - 1
        if index != last {
            // The last entry fills the gap; its slot is pointed at its new position.
            let slot = slot(ofPosition: last, key: keys[last], mask: mask)
            slots[slot] = Int32(index)
            keys.swapAt(index, last)
            values.swapAt(index, last)
        }
        keys.removeLast()
        values.removeLast()
        // Either array may have been given more room than asked (malloc rounds up): look at both.
        let room = max(keys.capacity, values.capacity)
        if room > 1_024, keys.count * 4 < room { shrink() }
    }

    // MARK: - Index

    private func home(of key: UUIDKey, mask: Int) -> Int {
        ScopeKey(key)._rawHashValue(seed: seed) & mask
    }

    @discardableResult
    private mutating func insert(_ value: Value, forKey key: UUIDKey) -> Index {
        if 2 * (keys.count + 1) > slots.count { rebuildIndex(size: max(16, 2 * slots.count)) }
        let mask = slots.count - 1
        var slot = home(of: key, mask: mask)
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        let position = keys.count
        slots[slot] = Int32(position)
        keys.append(key)
        values.append(value)
        return position
    }

    /// The slot holding `position` (whose key is `key`).
    private func slot(ofPosition position: Int, key: UUIDKey, mask: Int) -> Int {
        var slot = home(of: key, mask: mask)
        while Int(slots[slot]) != position { slot = (slot + 1) & mask }
        return slot
    }

    /// Empties the slot of `position` and moves later entries of its probe run back (linear
    /// probing's deletion without tombstones), so that every entry stays reachable from its home.
    private mutating func clearSlot(ofPosition position: Int, key: UUIDKey, mask: Int) {
        var gap = slot(ofPosition: position, key: key, mask: mask)
        var next = gap
        while true {
            next = (next + 1) & mask
            let moving = slots[next]
            if moving < 0 { break }
            let home = home(of: keys[Int(moving)], mask: mask)
            // The entry at `next` may move back to `gap` unless its home lies in (gap, next].
            let staysPut = gap <= next ? (gap < home && home <= next) : (gap < home || home <= next)
            if staysPut { continue }
            slots[gap] = moving
            gap = next
        }
        slots[gap] = -1
    }

    private mutating func rebuildIndex(size: Int) {
        slots = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for position in keys.indices {
            var slot = home(of: keys[position], mask: mask)
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(position)
        }
    }

    /// Gives back the room of a table that has fallen to a quarter of it.
    private mutating func shrink() {
        var keptKeys: [UUIDKey] = []
        keptKeys.reserveCapacity(2 * keys.count)
        keptKeys.append(contentsOf: keys)
        var keptValues: [Value] = []
        keptValues.reserveCapacity(2 * values.count)
        keptValues.append(contentsOf: values)
        keys = keptKeys
        values = keptValues
        var size = 16
        while size < 4 * keys.count { size *= 2 }
        if size < slots.count { rebuildIndex(size: size) }
    }
}
