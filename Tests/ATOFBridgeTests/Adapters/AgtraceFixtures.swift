import ATOF
import Foundation
import Testing

@testable import ATOFBridge

/// Builders and checks for the agtrace adapter tests: objects in, settled events and spans out.
enum AgtraceFixtures {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    static let session = "5e55a000-0000-4000-8000-000000000000"

    /// The folder of the example files.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/foreign/agtrace")

    /// The event UUID numbered `n`.
    static func id(_ n: Int) -> String {
        let digits = String(n)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
    }

    /// One agtrace object: event `n` of `type` at `2026-01-12T09:00:<seconds>Z`, its `parent_id`
    /// the event numbered `parent` (nil: `null`).
    static func object(
        _ n: Int, _ type: String, _ content: JSONValue, at seconds: String, parent: Int? = nil, stream: JSONValue? = nil,
        metadata: JSONValue? = nil, session: String = session
    ) -> JSONObject {
        var object = JSONObject([
            "id": .string(id(n)), "session_id": .string(session), "parent_id": parent.map { .string(id($0)) } ?? .null,
            "timestamp": .string("2026-01-12T09:00:\(seconds)Z"), "stream_id": stream ?? ["stream_type": "main"], "type": .string(type),
            "content": content,
        ])
        if let metadata { object["metadata"] = metadata }
        return object
    }

    /// Claude's raw record metadata naming a response and its model.
    static func claude(_ messageID: String, model: String = "claude-sonnet-4-5") -> JSONValue {
        ["message": ["id": .string(messageID), "model": .string(model)]]
    }

    /// A snapshot-schema `token_usage` content.
    static func usage(cached: Int64, uncached: Int64, generated: Int64, reasoning: Int64 = 0) -> JSONValue {
        [
            "input": ["cached": .number(JSONNumber(cached)), "uncached": .number(JSONNumber(uncached))],
            "output": ["generated": .number(JSONNumber(generated)), "reasoning": .number(JSONNumber(reasoning)), "tool": 0],
        ]
    }

    /// What translating some objects gives: the settled items (times filled by `InferredTimes`) and the notes.
    struct Translation {
        var items: [AdapterOutput.Item]
        var notes: [AdapterOutput.Note]

        var events: [Event] { items.map(\.event) }

        /// The start, end or mark with `uuid` (the first of that kind).
        func event(_ kind: Event.Kind, _ uuid: String) throws -> Event {
            try #require(events.first { $0.kind == kind && $0.uuid == uuid }, "no \(kind) for \(uuid)")
        }

        /// `metadata["adapter.inferred"]` of an event, as strings.
        static func inferred(_ event: Event) -> [String] {
            event.metadata?["adapter.inferred"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
    }

    /// Feeds the objects to a fresh adapter, finishes it and passes the items through `InferredTimes`.
    static func translate(_ objects: [JSONObject], options: AdapterOptions = AdapterOptions()) -> Translation {
        var adapter = AgtraceAdapter(options: options)
        var output = AdapterOutput()
        for (index, object) in objects.enumerated() {
            adapter.translate(object, line: index + 1, into: &output)
        }
        adapter.finish(into: &output)
        var times = InferredTimes()
        var settled = output.items.flatMap { times.pass($0) }
        settled += times.finish(fallback: Timestamp(nanosecondsSinceEpoch: 0))
        return Translation(items: settled, notes: output.notes)
    }

    /// The objects of an example file.
    static func objects(inFile name: String) throws -> [JSONObject] {
        let text = try String(contentsOf: folder.appendingPathComponent("\(name).jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONParser.parse(String(line)).objectValue else { throw Problem(description: "not an object: \(line)") }
            return object
        }
    }

    /// The spans the assembler and the mapper make of a translation.
    static func spans(of translation: Translation) -> [OTLP.Span] {
        let sourced = translation.items.map { SourcedEvent($0.event, line: $0.line) }
        let mapper = SpanMapper()
        return SpanAssembler(source: "agtrace").assemble(sourced).items.map { item in
            switch item {
            case .scope(let scope): mapper.span(for: scope)
            case .orphanMark(let orphan): mapper.span(for: orphan)
            }
        }
    }
}
