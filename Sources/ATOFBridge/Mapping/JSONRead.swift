import ATOF

/// Typed reads of optional JSON values for the mapping (absent and `null` read the same).
enum JSONRead {
    /// The string, when the value is a JSON string.
    static func string(_ value: JSONValue?) -> String? {
        value?.stringValue
    }

    /// The string, when the value is a non-empty JSON string.
    static func nonEmptyString(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue, !text.isEmpty else { return nil }
        return text
    }

    /// The object, when the value is a JSON object.
    static func object(_ value: JSONValue?) -> JSONObject? {
        value?.objectValue
    }

    /// The elements, when the value is a JSON array.
    static func array(_ value: JSONValue?) -> [JSONValue]? {
        value?.arrayValue
    }

    /// The value unless it is absent or `null`.
    static func present(_ value: JSONValue?) -> JSONValue? {
        guard let value, !value.isNull else { return nil }
        return value
    }

    /// A non-negative whole number (an integral JSON number such as `12` or `12.0`).
    static func count(_ value: JSONValue?) -> Int64? {
        guard case .number(let number) = value else { return nil }
        if let integer = number.int64Value { return integer >= 0 ? integer : nil }
        guard let double = number.doubleValue, double >= 0, double < 9.0e18, double == double.rounded(.towardZero) else {
            return nil
        }
        return Int64(double)
    }

    /// The number as a double.
    static func double(_ value: JSONValue?) -> Double? {
        guard case .number(let number) = value, let double = number.doubleValue, double.isFinite else { return nil }
        return double
    }

    /// A string or an integer as text (ids written as numbers by some producers).
    static func identifier(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text): return text.isEmpty ? nil : text
        case .number(let number): return number.isInteger ? number.text : nil
        default: return nil
        }
    }
}
