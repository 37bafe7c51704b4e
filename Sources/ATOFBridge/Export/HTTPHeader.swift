/// One HTTP header sent with every export request.
///
/// Header values often carry credentials, so ``description`` and ``debugDescription`` (and
/// therefore `print`, string interpolation and `dump`) show `name: <redacted>`; read ``value``
/// explicitly when it is really needed.
public struct HTTPHeader: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The header name, e.g. `Authorization`.
    public var name: String
    /// The header value. Never printed by this type.
    public var value: String

    /// Creates a header.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// `name: <redacted>`.
    public var description: String { "\(name): <redacted>" }
    /// `name: <redacted>`.
    public var debugDescription: String { description }
    /// The name, with the value redacted.
    public var customMirror: Mirror { Mirror(self, children: ["name": name, "value": "<redacted>"]) }
}
