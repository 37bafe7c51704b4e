import ATOF
import Foundation
import Testing

@testable import ATOFBridge

/// Feeding agent-sdk objects to `AgentSDKAdapter` and reading what comes out, for the tests.
enum AgentSDKFixtures {
    static let directory = "\(#filePath)".replacingOccurrences(
        of: "/ATOFBridgeTests/Adapters/AgentSDKFixtures.swift", with: "/Fixtures/foreign/agent-sdk")

    /// The example files with a golden translation (`mixed` holds a line of another format).
    static let translatedFiles = ["tools", "retries", "cancelled", "nested", "confirmation", "e2e"]

    struct NotAnObject: Error, CustomStringConvertible {
        var line: Int
        var description: String { "line \(line) is not a JSON object" }
    }

    /// What one translation gave: the events after the time pass, and the warnings.
    struct Translation {
        var items: [AdapterOutput.Item]
        var notes: [AdapterOutput.Note]

        var events: [Event] { items.map(\.event) }
        var warnings: [String] { notes.map(\.message) }

        func events(_ uuid: String) -> [Event] { events.filter { $0.uuid == uuid } }
        func start(_ uuid: String) -> Event? { events.first { $0.uuid == uuid && $0.kind == .scopeStart } }
        func end(_ uuid: String) -> Event? { events.first { $0.uuid == uuid && $0.kind == .scopeEnd } }
        func marks(named name: String) -> [Event] { events.filter { $0.kind == .mark && $0.name == name } }
    }

    /// Translates JSON lines (each an object) through the adapter and the time pass.
    static func translate(_ lines: [String], options: AdapterOptions = AdapterOptions()) throws -> Translation {
        var adapter = AgentSDKAdapter(options: options)
        var output = AdapterOutput()
        for (offset, line) in lines.enumerated() {
            guard case .object(let object) = try JSONParser.parse(line) else { throw NotAnObject(line: offset + 1) }
            adapter.translate(object, line: offset + 1, into: &output)
        }
        adapter.finish(into: &output)
        var times = InferredTimes()
        var items: [AdapterOutput.Item] = []
        for item in output.items { items += times.pass(item) }
        items += times.finish(fallback: Timestamp(nanosecondsSinceEpoch: 0))
        return Translation(items: items, notes: output.notes)
    }

    /// The lines of an example file.
    static func lines(of name: String, extension fileExtension: String = "jsonl") throws -> [String] {
        try String(contentsOfFile: "\(directory)/\(name).\(fileExtension)", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    static func translate(file name: String, options: AdapterOptions = AdapterOptions()) throws -> Translation {
        try translate(lines(of: name), options: options)
    }

    /// One event line of an envelope; `fields` is the variant's members as JSON text without braces.
    static func line(_ number: Int, _ type: String, at seconds: String, _ fields: String = "", sequence: Int? = nil) -> String {
        let id = String(format: "00000000-0000-4000-8000-%012d", number)
        let members = fields.isEmpty ? "" : ",\(fields)"
        return
            #"{"event_id":"\#(id)","sequence":\#(sequence ?? number),"timestamp":"2026-11-21T10:00:\#(seconds)Z","type":"\#(type)"\#(members)}"#
    }

    /// The run key of a run whose first line is `line(number, ...)` in thread `thread`.
    static func runKey(_ thread: String, _ number: Int) -> String {
        "agent-sdk:\(thread):" + String(format: "00000000-0000-4000-8000-%012d", number)
    }

    /// `metadata["adapter.inferred"]` as strings.
    static func inferred(_ event: Event?) -> [String] {
        event?.metadata?[AdapterMetadataKey.inferred]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
