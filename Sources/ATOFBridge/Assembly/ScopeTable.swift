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

/// A dictionary keyed by uuid with ``ScopeKey``'s hash: the live assembler's open, pairing and
/// recently-ended tables.
struct ScopeTable<Value: Sendable>: Sendable {
    typealias Index = Dictionary<ScopeKey, Value>.Index

    private var storage: [ScopeKey: Value] = [:]

    var count: Int { storage.count }

    subscript(key: UUIDKey) -> Value? {
        get { storage[ScopeKey(key)] }
        _modify { yield &storage[ScopeKey(key)] }
    }

    subscript(key: UUIDKey, default defaultValue: @autoclosure () -> Value) -> Value {
        get { storage[ScopeKey(key), default: defaultValue()] }
        _modify { yield &storage[ScopeKey(key), default: defaultValue()] }
    }

    var values: Dictionary<ScopeKey, Value>.Values {
        get { storage.values }
        _modify { yield &storage.values }
    }

    func index(forKey key: UUIDKey) -> Index? {
        storage.index(forKey: ScopeKey(key))
    }

    @discardableResult
    mutating func removeValue(forKey key: UUIDKey) -> Value? {
        storage.removeValue(forKey: ScopeKey(key))
    }

    mutating func remove(at index: Index) {
        storage.remove(at: index)
    }
}
