extension OTLP {
    /// One span, event or resource attribute.
    public struct Attribute: Sendable, Hashable {
        /// The attribute key, e.g. `gen_ai.request.model`.
        public var key: String
        /// The typed value.
        public var value: OTLP.AttributeValue

        public init(_ key: String, _ value: OTLP.AttributeValue) {
            self.key = key
            self.value = value
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
