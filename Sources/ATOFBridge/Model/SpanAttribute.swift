extension OTLP {
    /// One span, event or resource attribute.
    ///
    /// Two attributes are equal when their keys and values are; whether the key came from the
    /// mapper's fixed vocabulary (see ``keyCString``) does not take part.
    public struct Attribute: Sendable, Hashable {
        /// The attribute key, e.g. `gen_ai.request.model`.
        public var key: String {
            didSet { keyCString = nil }
        }
        /// The typed value.
        public var value: OTLP.AttributeValue
        /// The key as a process-lifetime C string when it is one of the mapper's fixed keys
        /// (``StaticAttributeKey``): the protobuf encoder points protobuf-c at it instead of
        /// copying the key. `nil` for any other key, and again as soon as ``key`` is changed.
        private(set) var keyCString: OTLP.StaticCString?

        public init(_ key: String, _ value: OTLP.AttributeValue) {
            self.key = key
            self.value = value
            keyCString = nil
        }

        /// An attribute whose key is the fixed key `key`.
        init(_ key: StaticAttributeKey, _ value: OTLP.AttributeValue) {
            self.key = key.name
            self.value = value
            keyCString = key.cString
        }

        public static func == (lhs: Attribute, rhs: Attribute) -> Bool {
            lhs.key == rhs.key && lhs.value == rhs.value
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(key)
            hasher.combine(value)
        }
    }
}

extension OTLP {
    /// A typed attribute value: the OTLP `AnyValue` kinds this project writes.
    public enum AttributeValue: Sendable, Hashable {
        case string(String)
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case stringArray([String])

        /// The string, when this is a string value.
        public var stringValue: String? {
            if case .string(let value) = self { return value }
            return nil
        }

        /// The integer, when this is an integer value.
        public var intValue: Int64? {
            if case .int(let value) = self { return value }
            return nil
        }
    }
}

extension OTLP.AttributeValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
}
