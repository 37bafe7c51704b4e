import ATOF

// Scalars, ids, enums and attribute values of OTLP/JSON, for ``OTLPJSONDecoder``.

extension OTLPJSONReader {
    // MARK: Ids

    /// A required 16-byte trace id: 32 hex digits, either case, not all zero.
    func traceID(_ value: JSONValue, _ field: String) throws(OTLPJSONDecodingError) -> OTLP.TraceID {
        guard case .string(let text) = value else { throw invalid(field, "expected 32 hex digits", got: value) }
        if text.isEmpty { throw missing(field, "every span needs a traceId (32 hex digits), got \"\"") }
        guard let id = OTLP.TraceID(hex: text) else {
            if text.utf8.count == 32, text.utf8.allSatisfy({ $0 == UInt8(ascii: "0") }) {
                throw invalid(field, "expected 32 hex digits, not all zero (the all-zero trace id is invalid)", got: value)
            }
            throw invalid(field, "expected 32 hex digits", got: value)
        }
        return id
    }

    /// An 8-byte span id: 16 hex digits, either case. `required` for `spanId`; for
    /// `parentSpanId`, empty means no parent and all-zero means no parent with a warning.
    mutating func spanID(_ value: JSONValue, _ field: String, required: Bool) throws(OTLPJSONDecodingError) -> OTLP.SpanID? {
        guard case .string(let text) = value else { throw invalid(field, "expected 16 hex digits", got: value) }
        if text.isEmpty {
            if required { throw missing(field, "every span needs a spanId (16 hex digits), got \"\"") }
            return nil
        }
        if let id = OTLP.SpanID(hex: text) { return id }
        let allZero = text.utf8.count == 16 && text.utf8.allSatisfy { $0 == UInt8(ascii: "0") }
        guard allZero else { throw invalid(field, "expected 16 hex digits", got: value) }
        guard !required else {
            throw invalid(field, "expected 16 hex digits, not all zero (the all-zero span id is invalid)", got: value)
        }
        warn(.zeroParentSpanID, field, "the all-zero parent span id is invalid; read as no parent (a root span)")
        return nil
    }

    // MARK: Scalars

    func string(_ value: JSONValue, _ field: String) throws(OTLPJSONDecodingError) -> String {
        guard case .string(let text) = value else { throw invalid(field, "expected a string", got: value) }
        return text
    }

    func bool(_ value: JSONValue, _ field: String) throws(OTLPJSONDecodingError) -> Bool {
        guard case .bool(let flag) = value else { throw invalid(field, "expected true or false", got: value) }
        return flag
    }

    /// The decimal integer text of a number or string member (proto3 JSON accepts both for
    /// every integer type), or `nil` when it is neither.
    static func integerText(_ value: JSONValue) -> String? {
        switch value {
        case .number(let number): number.text
        case .string(let text): text
        default: nil
        }
    }

    /// `fixed64` / `uint64`: a decimal string or number in 0...2^64-1.
    func uint64(_ value: JSONValue, _ field: String) throws(OTLPJSONDecodingError) -> UInt64 {
        guard let text = Self.integerText(value), Self.isDecimal(text, signed: false), let number = UInt64(text) else {
            throw invalid(
                field, "expected an unsigned 64-bit integer (a decimal string such as \"1544712660000000000\", or a number)", got: value)
        }
        return number
    }

    /// `uint32` / `fixed32`: a number or decimal string in 0...2^32-1.
    func uint32(_ value: JSONValue, _ field: String) throws(OTLPJSONDecodingError) -> UInt32 {
        guard let text = Self.integerText(value), Self.isDecimal(text, signed: false), let number = UInt32(text) else {
            throw invalid(field, "expected an unsigned 32-bit integer", got: value)
        }
        return number
    }

    /// `int64`: a decimal string or number in -2^63...2^63-1.
    func int64(_ value: JSONValue, _ field: String) throws(OTLPJSONDecodingError) -> Int64 {
        guard let text = Self.integerText(value), Self.isDecimal(text, signed: true), let number = Int64(text) else {
            throw invalid(field, "expected a 64-bit integer (a decimal string such as \"42\", or a number)", got: value)
        }
        return number
    }

    /// `true` when `text` is only decimal digits, with one leading `-` when `signed`.
    static func isDecimal(_ text: String, signed: Bool) -> Bool {
        var digits = text.utf8[...]
        if signed, digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// `double`: a number, `"NaN"`, `"Infinity"`, `"-Infinity"`, or a number in a string.
    func double(_ value: JSONValue, _ field: String) throws(OTLPJSONDecodingError) -> Double {
        switch value {
        case .number(let number):
            if let double = Double(number.text) { return double }
        case .string(let text):
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                // A quoted JSON number; Swift's parser would also take "inf", "nan" or hex floats.
                if Self.isJSONNumberText(text), let double = Double(text) { return double }
            }
        default: break
        }
        throw invalid(field, "expected a number, or \"NaN\", \"Infinity\" or \"-Infinity\"", got: value)
    }

    /// Whether `text` is made of the characters a JSON number uses (the JSON parser already
    /// checked the grammar for real numbers; this only screens quoted ones).
    static func isJSONNumberText(_ text: String) -> Bool {
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            return false
        }
        return text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                true
            default: false
            }
        }
    }

    // MARK: Enums

    /// `Span.SpanKind`: its number or its name.
    func spanKind(_ value: JSONValue, _ field: String) throws(OTLPJSONDecodingError) -> OTLP.SpanKind {
        let kind: OTLP.SpanKind? =
            switch value {
            case .number(let number): Int32(number.text).flatMap(OTLP.SpanKind.init(rawValue:))
            case .string(let name): Self.spanKindNames[name]
            default: nil
            }
        guard let kind else {
            throw invalid(field, "expected a SpanKind: an integer 0...5 or a name such as \"SPAN_KIND_SERVER\"", got: value)
        }
        return kind
    }

    static let spanKindNames: [String: OTLP.SpanKind] = [
        "SPAN_KIND_UNSPECIFIED": .unspecified, "SPAN_KIND_INTERNAL": .internal, "SPAN_KIND_SERVER": .server,
        "SPAN_KIND_CLIENT": .client, "SPAN_KIND_PRODUCER": .producer, "SPAN_KIND_CONSUMER": .consumer,
    ]

    /// `Status.StatusCode`: its number or its name.
    func statusCode(_ value: JSONValue, _ field: String) throws(OTLPJSONDecodingError) -> OTLP.SpanStatus.Code {
        let code: OTLP.SpanStatus.Code? =
            switch value {
            case .number(let number): Int32(number.text).flatMap(OTLP.SpanStatus.Code.init(rawValue:))
            case .string(let name): Self.statusCodeNames[name]
            default: nil
            }
        guard let code else {
            throw invalid(field, "expected a StatusCode: an integer 0...2 or a name such as \"STATUS_CODE_ERROR\"", got: value)
        }
        return code
    }

    static let statusCodeNames: [String: OTLP.SpanStatus.Code] = [
        "STATUS_CODE_UNSET": .unset, "STATUS_CODE_OK": .ok, "STATUS_CODE_ERROR": .error,
    ]

    // MARK: Attributes

    /// A `repeated KeyValue` member: the attributes, and how many were dropped for having no value.
    mutating func attributes(_ member: JSONObject.Member) throws(OTLPJSONDecodingError) -> (attributes: [OTLP.Attribute], empty: UInt32) {
        var attributes: [OTLP.Attribute] = []
        var empty: UInt32 = 0
        try forEachElement(of: member) { (reader: inout OTLPJSONReader, element) throws(OTLPJSONDecodingError) in
            if let attribute = try reader.keyValue(element) {
                attributes.append(attribute)
            } else if empty < .max {
                empty += 1
            }
        }
        return (attributes, empty)
    }

    /// `KeyValue`, with the path at the element; `nil` (and a warning) when it has no value.
    mutating func keyValue(_ value: JSONValue) throws(OTLPJSONDecodingError) -> OTLP.Attribute? {
        let object = try self.object(value, "a KeyValue object")
        var key = ""
        var anyValue = OTLPAnyValue.empty
        for member in object where !member.value.isNull {
            switch member.key {
            case "key": key = try string(member.value, member.key)
            case "value":
                path.append(.key(member.key))
                defer { path.removeLast() }
                anyValue = try self.anyValue(member.value)
            default: continue
            }
        }
        switch anyValue {
        case .empty:
            warn(.emptyValueDropped, nil, "attribute \(Self.quoted(key)) has no value; dropped")
            return nil
        case .string(let text): return OTLP.Attribute(key, .string(text))
        case .bool(let flag): return OTLP.Attribute(key, .bool(flag))
        case .int(let number): return OTLP.Attribute(key, .int(number))
        case .double(let number): return OTLP.Attribute(key, .double(number))
        case .array(let elements):
            var strings: [String] = []
            strings.reserveCapacity(elements.count)
            for element in elements {
                guard case .string(let text) = element else { break }
                strings.append(text)
            }
            if strings.count == elements.count { return OTLP.Attribute(key, .stringArray(strings)) }
            let text = anyValue.jsonText
            warn(
                .valueConvertedToString, "value",
                "attribute \(Self.quoted(key)): an arrayValue not made only of strings was kept as its JSON text \(Self.cut(text))"
            )
            return OTLP.Attribute(key, .string(text))
        case .kvlist:
            let text = anyValue.jsonText
            warn(
                .valueConvertedToString, "value", "attribute \(Self.quoted(key)): a kvlistValue was kept as its JSON text \(Self.cut(text))"
            )
            return OTLP.Attribute(key, .string(text))
        case .bytes(let base64):
            warn(.valueConvertedToString, "value", "attribute \(Self.quoted(key)): a bytesValue was kept as its base64 text")
            return OTLP.Attribute(key, .string(base64))
        }
    }

    /// `AnyValue`, with the path at it. At most one member of its `value` oneof may be set.
    mutating func anyValue(_ value: JSONValue) throws(OTLPJSONDecodingError) -> OTLPAnyValue {
        let object = try self.object(value, "an AnyValue object")
        var result = OTLPAnyValue.empty
        var setBy: String?
        for member in object where !member.value.isNull {
            let decoded: OTLPAnyValue
            switch member.key {
            case "stringValue", "string_value": decoded = .string(try string(member.value, member.key))
            case "boolValue", "bool_value": decoded = .bool(try bool(member.value, member.key))
            case "intValue", "int_value": decoded = .int(try int64(member.value, member.key))
            case "doubleValue", "double_value": decoded = .double(try double(member.value, member.key))
            case "bytesValue", "bytes_value": decoded = .bytes(try base64(member.value, member.key))
            case "arrayValue", "array_value":
                path.append(.key(member.key))
                defer { path.removeLast() }
                decoded = .array(try arrayValue(member.value))
            case "kvlistValue", "kvlist_value":
                path.append(.key(member.key))
                defer { path.removeLast() }
                decoded = .kvlist(try kvlistValue(member.value))
            default: continue
            }
            if let setBy, setBy != member.key {
                throw invalid(
                    nil,
                    "expected at most one of stringValue, boolValue, intValue, doubleValue, arrayValue, kvlistValue, bytesValue (found \(setBy) and \(member.key))",
                    got: value)
            }
            setBy = member.key
            result = decoded
        }
        return result
    }

    /// `ArrayValue`: `{"values": [AnyValue...]}`.
    mutating func arrayValue(_ value: JSONValue) throws(OTLPJSONDecodingError) -> [OTLPAnyValue] {
        let object = try self.object(value, "an ArrayValue object")
        var values: [OTLPAnyValue] = []
        for member in object where !member.value.isNull && member.key == "values" {
            values = []
            try forEachElement(of: member) { (reader: inout OTLPJSONReader, element) throws(OTLPJSONDecodingError) in
                values.append(try reader.anyValue(element))
            }
        }
        return values
    }

    /// `KeyValueList`: `{"values": [KeyValue...]}`, kept whole (empty values included).
    mutating func kvlistValue(_ value: JSONValue) throws(OTLPJSONDecodingError) -> [(String, OTLPAnyValue)] {
        let object = try self.object(value, "a KeyValueList object")
        var values: [(String, OTLPAnyValue)] = []
        for member in object where !member.value.isNull && member.key == "values" {
            values = []
            try forEachElement(of: member) { (reader: inout OTLPJSONReader, element) throws(OTLPJSONDecodingError) in
                let pair = try reader.object(element, "a KeyValue object")
                var key = ""
                var nested = OTLPAnyValue.empty
                for field in pair where !field.value.isNull {
                    switch field.key {
                    case "key": key = try reader.string(field.value, field.key)
                    case "value":
                        reader.path.append(.key(field.key))
                        defer { reader.path.removeLast() }
                        nested = try reader.anyValue(field.value)
                    default: continue
                    }
                }
                values.append((key, nested))
            }
        }
        return values
    }

    /// `bytes` other than ids: base64 (standard or URL-safe, padding optional), kept as text.
    func base64(_ value: JSONValue, _ field: String) throws(OTLPJSONDecodingError) -> String {
        guard case .string(let text) = value else { throw invalid(field, "expected base64 text", got: value) }
        var padding = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "-"),
                UInt8(ascii: "_"):
                if padding > 0 { throw invalid(field, "expected base64 text", got: value) }
            case UInt8(ascii: "="):
                padding += 1
            default:
                throw invalid(field, "expected base64 text", got: value)
            }
        }
        guard padding <= 2, (text.utf8.count - padding) % 4 != 1 else {
            throw invalid(field, "expected base64 text", got: value)
        }
        return text
    }

    /// `text` cut to a readable length.
    static func cut(_ text: String, limit: Int = 60) -> String {
        text.count > limit ? String(text.prefix(limit)) + "…" : text
    }

    static func quoted(_ key: String) -> String {
        var writer = JSONWriter(reservingCapacity: key.utf8.count + 2)
        writer.writeString(key)
        return writer.string
    }
}

/// An OTLP `AnyValue` as read, before it is fitted to an ``OTLP/AttributeValue``.
enum OTLPAnyValue {
    case empty
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case array([OTLPAnyValue])
    case kvlist([(String, OTLPAnyValue)])
    /// Base64 text, as it was written.
    case bytes(String)

    /// The value as text, the way the Collector's `pcommon.Value.AsString` renders it: strings
    /// as themselves, bytes as their base64 text, anything else as compact JSON (kvlists as
    /// objects, arrays as arrays, empty as `null`, non-finite doubles as `"NaN"`, `"Infinity"`,
    /// `"-Infinity"`).
    var jsonText: String {
        switch self {
        case .string(let text), .bytes(let text): return text
        default:
            var writer = JSONWriter()
            write(to: &writer)
            return writer.string
        }
    }

    /// Writes the value as plain JSON.
    func write(to writer: inout JSONWriter) {
        switch self {
        case .empty: writer.writeRaw("null")
        case .string(let text), .bytes(let text): writer.writeString(text)
        case .bool(let flag): writer.writeRaw(flag ? "true" : "false")
        case .int(let number): writer.writeRaw(String(number))
        case .double(let number):
            if number.isNaN {
                writer.writeRaw(#""NaN""#)
            } else if number == .infinity {
                writer.writeRaw(#""Infinity""#)
            } else if number == -.infinity {
                writer.writeRaw(#""-Infinity""#)
            } else {
                writer.writeRaw(number.description)
            }
        case .array(let elements):
            writer.bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { writer.bytes.append(UInt8(ascii: ",")) }
                element.write(to: &writer)
            }
            writer.bytes.append(UInt8(ascii: "]"))
        case .kvlist(let pairs):
            writer.bytes.append(UInt8(ascii: "{"))
            for (index, pair) in pairs.enumerated() {
                if index > 0 { writer.bytes.append(UInt8(ascii: ",")) }
                writer.writeString(pair.0)
                writer.bytes.append(UInt8(ascii: ":"))
                pair.1.write(to: &writer)
            }
            writer.bytes.append(UInt8(ascii: "}"))
        }
    }
}
