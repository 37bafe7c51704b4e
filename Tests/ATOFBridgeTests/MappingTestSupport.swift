import ATOF
import Foundation
import Testing

@testable import ATOFBridge

/// Builders for the mapping tests: ATOF lines in, events and assembled scopes out.
enum MappingFixtures {
    struct NotAnEvent: Error, CustomStringConvertible {
        var line: String
        var description: String { "not an event: \(line)" }
    }

    static let traceID = OTLP.TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10)
    static let spanID = OTLP.SpanID(0x1112_1314_1516_1718)
    static let parentSpanID = OTLP.SpanID(0x2122_2324_2526_2728)
    static let identity = AssembledScope.Identity(traceID: traceID, spanID: spanID, parentSpanID: parentSpanID)

    /// 2026-01-01T00:00:01Z and 2026-01-01T00:00:02Z in nanoseconds.
    static let t1: Int64 = 1_767_225_601_000_000_000
    static let t2: Int64 = 1_767_225_602_000_000_000

    /// Decodes one JSON line into an event.
    static func event(_ line: String) throws -> Event {
        guard case .event(let event, _) = try Event.decode(line: Array(line.utf8)) else { throw NotAnEvent(line: line) }
        return event
    }

    /// A 0.1 scope line.
    static func v01(
        _ phase: String, uuid: String = "u-1", parent: String = "null", name: String = "step", category: String = "function",
        attributes: String = "[]", profile: String = "null", data: String = "null", metadata: String = "null",
        dataSchema: String = "null", timestamp: String? = nil
    ) -> String {
        let time = timestamp ?? (phase == "start" ? "2026-01-01T00:00:01Z" : "2026-01-01T00:00:02Z")
        return
            #"{"atof_version":"0.1","kind":"scope","scope_category":"\#(phase)","uuid":"\#(uuid)","parent_uuid":\#(parent),"timestamp":"\#(time)","name":"\#(name)","category":"\#(category)","attributes":\#(attributes),"category_profile":\#(profile),"data":\#(data),"data_schema":\#(dataSchema),"metadata":\#(metadata)}"#
    }

    /// A 0.2 ScopeStart line.
    static func v02Start(
        uuid: String = "u-1", parent: String = "null", name: String = "step", scopeType: String = "function", flags: String = "[]",
        profile: String = "null", input: String = "null", metadata: String = "null"
    ) -> String {
        #"{"kind":"ScopeStart","schema_version":"0.2","uuid":"\#(uuid)","parent_uuid":\#(parent),"timestamp":"2026-01-01T00:00:01Z","name":"\#(name)","scope_type":"\#(scopeType)","flags":\#(flags),"profile":\#(profile),"input":\#(input),"data":null,"metadata":\#(metadata)}"#
    }

    /// A 0.2 ScopeEnd line; `status` is a raw JSON fragment such as `"ok"` (with quotes) or nil to leave it out.
    static func v02End(
        uuid: String = "u-1", parent: String = "null", name: String = "step", scopeType: String = "function", flags: String = "[]",
        profile: String = "null", output: String = "null", status: String? = #""ok""#, error: String = "null", metadata: String = "null"
    ) -> String {
        let statusMember = status.map { #","status":\#($0)"# } ?? ""
        return
            #"{"kind":"ScopeEnd","schema_version":"0.2","uuid":"\#(uuid)","parent_uuid":\#(parent),"timestamp":"2026-01-01T00:00:02Z","name":"\#(name)","scope_type":"\#(scopeType)","flags":\#(flags),"profile":\#(profile),"output":\#(output)\#(statusMember),"error":\#(error),"data":null,"metadata":\#(metadata)}"#
    }

    /// A 0.1 mark line.
    static func mark01(
        name: String = "checkpoint", uuid: String = "m-1", parent: String = #""u-1""#, category: String = "null",
        data: String = "null", metadata: String = "null", dataSchema: String = "null", timestamp: String = "2026-01-01T00:00:01.5Z"
    ) -> String {
        #"{"atof_version":"0.1","kind":"mark","uuid":"\#(uuid)","parent_uuid":\#(parent),"timestamp":"\#(timestamp)","name":"\#(name)","category":\#(category),"category_profile":null,"data":\#(data),"data_schema":\#(dataSchema),"metadata":\#(metadata)}"#
    }

    /// An assembled scope from lines, with times from the events.
    static func scope(
        start: String?, end: String?, marks: [String] = [], anomalies: AssembledScope.Anomalies = [],
        identity: AssembledScope.Identity = identity
    ) throws -> AssembledScope {
        let startEvent = try start.map(event)
        let endEvent = try end.map(event)
        let startTime = (startEvent ?? endEvent)?.timestamp.nanosecondsSinceEpoch ?? 0
        let endTime = max(startTime, (endEvent ?? startEvent)?.timestamp.nanosecondsSinceEpoch ?? 0)
        return AssembledScope(
            start: startEvent, end: endEvent, marks: try marks.map(event), identity: identity,
            startTime: startTime, endTime: endTime, anomalies: anomalies
        )
    }

    /// Maps a start and an end line.
    static func span(
        start: String?, end: String?, marks: [String] = [], anomalies: AssembledScope.Anomalies = [],
        options: MappingOptions = MappingOptions()
    ) throws -> OTLP.Span {
        SpanMapper(options: options).span(for: try scope(start: start, end: end, marks: marks, anomalies: anomalies))
    }

    /// The lines of a fixture file under Tests/Fixtures.
    static func fixtureLines(_ name: String) throws -> [String] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }
}

extension OTLP.Span {
    /// The attribute keys, in order.
    var attributeKeys: [String] { attributes.map(\.key) }

    /// `true` when some attribute key starts with `prefix`.
    func hasAttribute(prefixed prefix: String) -> Bool {
        attributes.contains { $0.key.hasPrefix(prefix) }
    }
}

extension OTLP.SpanEvent {
    /// The value of the attribute `key`, if the event has it.
    subscript(attribute key: String) -> OTLP.AttributeValue? {
        attributes.first { $0.key == key }?.value
    }
}
