/// An ATOF uuid as a dictionary key: a canonical lowercase UUID as its 128 bits (hashed and
/// compared without touching the string), any other text as itself. Two keys are equal exactly
/// when their texts are equal (the uppercase spelling of a UUID is a different uuid).
package enum UUIDKey: Sendable, Hashable {
    /// A canonical lowercase UUID.
    case canonical(UUIDValue)
    /// Any other text.
    case text(String)

    /// The key of the uuid `text`.
    @inlinable
    package init(_ text: String) {
        if let value = UUIDValue(canonical: text, acceptingUppercase: false) {
            self = .canonical(value)
        } else {
            self = .text(text)
        }
    }

    @inlinable
    package static func == (lhs: UUIDKey, rhs: UUIDKey) -> Bool {
        switch (lhs, rhs) {
        case (.canonical(let l), .canonical(let r)): l.high == r.high && l.low == r.low
        case (.text(let l), .text(let r)): l == r
        default: false
        }
    }

    @inlinable
    package func hash(into hasher: inout Hasher) {
        switch self {
        case .canonical(let value):
            hasher.combine(value.high)
            hasher.combine(value.low)
        case .text(let text):
            hasher.combine(text)
        }
    }

    /// The uuid as it was written.
    package var text: String {
        switch self {
        case .canonical(let value): value.string
        case .text(let text): text
        }
    }

    /// The 128 bits of a uuid in the canonical form, either case; `nil` for other text.
    @inlinable
    package var value: UUIDValue? {
        switch self {
        case .canonical(let value): value
        case .text(let text): UUIDValue(canonical: text, acceptingUppercase: true)
        }
    }
}
