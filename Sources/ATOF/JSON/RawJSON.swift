/// A JSON value as its line wrote it: a byte range of a buffer copied from the line, already
/// validated by ``JSONScanner``. The payloads of one event share one buffer.
///
/// It is parsed only when a value inside it is needed (``value``), and copied instead of written
/// again when its bytes are already the compact form (``compactJSON``).
@usableFromInline package struct RawJSON: Sendable {
    /// The bytes the value is part of (an event's payloads, copied from its line).
    package let line: [UInt8]
    /// Where the value is in ``line``.
    package let range: Range<Int>
    /// Whether the bytes are exactly what ``JSONWriter`` writes for the value.
    package let isCompact: Bool

    /// A slice of `line`; the caller guarantees that `range` holds one valid JSON value.
    package init(line: [UInt8], range: Range<Int>, isCompact: Bool) {
        self.line = line
        self.range = range
        self.isCompact = isCompact
    }

    /// Calls `body` with the value's bytes.
    package func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try line.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// The first byte, which tells the value's type.
    private var firstByte: UInt8 { range.isEmpty ? 0 : line[range.lowerBound] }

    /// `true` for JSON `null`.
    package var isNull: Bool { firstByte == UInt8(ascii: "n") }

    /// `true` for a JSON string.
    package var isString: Bool { firstByte == UInt8(ascii: "\"") }

    /// The value, parsed. The bytes were validated when the line was read, so parsing cannot
    /// fail; should it, the value reads as `null`.
    package var value: JSONValue {
        if let text = plainString { return .string(text) }
        return withBytes { bytes in (try? JSONParser.parse(bytes)) ?? .null }
    }

    /// The text of a string without escapes, straight from the bytes; `nil` for anything else.
    package var plainString: String? {
        guard isString, range.count >= 2 else { return nil }
        return withBytes { bytes -> String? in
            let inner = UnsafeBufferPointer(rebasing: bytes[1..<(bytes.count - 1)])
            guard !inner.contains(UInt8(ascii: "\\")) else { return nil }
            return String(decoding: inner, as: UTF8.self)
        }
    }

    /// The value as compact JSON text, byte for byte ``JSONValue/compactJSON``: a copy of the
    /// bytes when they are already compact, else parsed and written.
    package var compactJSON: String {
        guard isCompact else { return value.compactJSON }
        return withBytes { String(decoding: $0, as: UTF8.self) }
    }
}

/// A payload as an ``Event`` holds it: a value (events built in code) or the raw bytes of the
/// line it was read from. Compared and hashed by value, whatever the form.
@usableFromInline package enum EventPayload: Sendable, Hashable {
    /// A value built in code (or parsed).
    case value(JSONValue)
    /// The bytes of the line the event was read from.
    case raw(RawJSON)

    /// The value, parsed when raw.
    package var value: JSONValue {
        switch self {
        case .value(let value): value
        case .raw(let raw): raw.value
        }
    }

    /// `true` for JSON `null`.
    package var isNull: Bool {
        switch self {
        case .value(let value): value.isNull
        case .raw(let raw): raw.isNull
        }
    }

    /// The value as compact JSON text (``JSONValue/compactJSON``), copied from the line when it can be.
    package var compactJSON: String {
        switch self {
        case .value(let value): value.compactJSON
        case .raw(let raw): raw.compactJSON
        }
    }

    /// The text when the payload is a JSON string; `nil` for any other value.
    package var stringValue: String? {
        switch self {
        case .value(let value): return value.stringValue
        case .raw(let raw):
            guard raw.isString else { return nil }
            return raw.plainString ?? raw.value.stringValue
        }
    }

    @usableFromInline package static func == (lhs: EventPayload, rhs: EventPayload) -> Bool {
        lhs.value == rhs.value
    }

    @usableFromInline package func hash(into hasher: inout Hasher) {
        value.hash(into: &hasher)
    }
}
