import ATOF

/// A dictionary keyed by uuid with ``ScopeKey``'s hash: the live assembler's table of recently
/// ended scopes (bounded, so its load factor is no concern; lookups and evictions on every event
/// are cheapest in the standard library's table).
struct ScopeDictionary<Value: Sendable>: Sendable {
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

    subscript(at index: Index) -> Value {
        get { storage.values[index] }
        _modify { yield &storage.values[index] }
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
