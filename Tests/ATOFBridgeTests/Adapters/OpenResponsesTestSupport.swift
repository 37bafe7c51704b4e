import ATOF
import Foundation
import Testing

@testable import ATOFBridge

/// Feeds Open Responses objects to the adapter and checks its events and spans.
enum OpenResponsesFixture {
    static let folder = "\(#filePath)".replacingOccurrences(
        of: "/ATOFBridgeTests/Adapters/OpenResponsesTestSupport.swift", with: "/Fixtures/foreign/open-responses")

    struct NotAnObject: Error, CustomStringConvertible {
        var line: Int
        var description: String { "line \(line) is not a JSON object" }
    }

    /// The adapter's output for objects given as JSON text, one per line (finish included).
    static func translate(_ lines: [String], options: AdapterOptions = AdapterOptions()) throws -> AdapterOutput {
        try translate(lines.enumerated().map { (number: $0.offset + 1, text: $0.element) }, options: options)
    }

    static func translate(_ lines: [(number: Int, text: String)], options: AdapterOptions = AdapterOptions()) throws -> AdapterOutput {
        var adapter = OpenResponsesAdapter(options: options)
        var output = AdapterOutput()
        for (number, text) in lines {
            guard let object = try JSONParser.parse(text).objectValue else { throw NotAnObject(line: number) }
            adapter.translate(object, line: number, into: &output)
        }
        adapter.finish(into: &output)
        return output
    }

    /// The events with their times settled by `InferredTimes`.
    static func settled(_ output: AdapterOutput) -> [Event] {
        var times = InferredTimes()
        var events: [Event] = []
        for item in output.items { events += times.pass(item).map(\.event) }
        events += times.finish(fallback: Timestamp(nanosecondsSinceEpoch: 0)).map(\.event)
        return events
    }

    /// The objects of an example file with their line numbers: JSON lines, or an SSE stream
    /// (`data: ` stripped, `event:`/`id:`/`retry:`/comment lines skipped, `[DONE]` ends it).
    /// Lines the adapter does not recognize (another format's, in `mixed.jsonl`) are left out.
    static func lines(of name: String) throws -> [(number: Int, text: String)] {
        let text = try String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8)
        var result: [(number: Int, text: String)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = String(raw)
            if name.hasSuffix(".sse") {
                guard line.hasPrefix("data:") else { continue }
                line = String(line.dropFirst(5).drop { $0 == " " })
                if line == "[DONE]" { break }
            }
            guard !line.isEmpty, let object = try JSONParser.parse(line).objectValue, OpenResponsesAdapter.recognizes(object) else {
                continue
            }
            result.append((index + 1, line))
        }
        return result
    }

    /// The golden translation of an example file: its events, one `jsonLine` per line.
    static func goldenText(of name: String) throws -> String {
        settled(try translate(lines(of: name))).map { $0.jsonLine + "\n" }.joined()
    }

    /// The spans the events give through `SpanAssembler` and `SpanMapper`.
    static func spans(_ events: [Event]) -> [OTLP.Span] {
        let (items, _) = SpanAssembler().assemble(events.enumerated().map { SourcedEvent($0.element, line: $0.offset + 1) })
        let mapper = SpanMapper()
        return items.map { item in
            switch item {
            case .scope(let scope): mapper.span(for: scope)
            case .orphanMark(let orphan): mapper.span(for: orphan)
            }
        }
    }

    /// An attribute as JSON, for comparison with the expectations.
    static func json(_ value: OTLP.AttributeValue?) -> JSONValue? {
        switch value {
        case .string(let text)?: .string(text)
        case .bool(let flag)?: .bool(flag)
        case .int(let number)?: .number(JSONNumber(number))
        case .double(let number)?: .number(JSONNumber(number))
        case .stringArray(let strings)?: .array(strings.map { .string($0) })
        case nil: nil
        }
    }

    /// `atof.source.format` and `atof.inferred`, or what they are made from where the mapper does
    /// not write them yet: `atof.metadata.adapter.format`, and the union of the start's and the
    /// end's `adapter.inferred` (the merged metadata keeps only the end's).
    static func attribute(_ key: String, of span: OTLP.Span, events: [Event]) -> JSONValue? {
        if let value = json(span[attribute: key]) { return value }
        switch key {
        case "atof.source.format":
            return json(span[attribute: "atof.metadata.adapter.format"])
        case "atof.inferred":
            let uuid = span[attribute: "atof.uuid"]?.stringValue
            var fields: [JSONValue] = []
            for event in events where event.isScope && event.uuid == uuid {
                for field in event.metadata?["adapter.inferred"]?.arrayValue ?? [] where !fields.contains(field) { fields.append(field) }
            }
            return fields.isEmpty ? nil : .array(fields)
        default:
            return nil
        }
    }

    /// The differences between the spans and `<name>.spans.json` (the checker's rules).
    static func mismatches(_ spans: [OTLP.Span], events: [Event], expectations name: String) throws -> [String] {
        let text = try String(contentsOfFile: "\(folder)/\(name).spans.json", encoding: .utf8)
        let entries = try JSONParser.parse(text)["spans"]?.arrayValue ?? []
        var problems: [String] = []
        var taken: [String: Int] = [:]
        for entry in entries {
            let key = entry["key"]?.stringValue ?? "?"
            let wanted = entry["attributes"]?.objectValue ?? JSONObject()
            let candidates = spans.indices.filter { index in
                spans[index].name == entry["name"]?.stringValue
                    && wanted.allSatisfy { attribute($0.key, of: spans[index], events: events) == $0.value }
            }
            guard candidates.count == 1, let index = candidates.first else {
                problems.append("entry \(key) matches \(candidates.count) spans, needs exactly 1")
                continue
            }
            taken[key] = index
        }
        let leftover = spans.indices.filter { !taken.values.contains($0) }.map { spans[$0].name }
        if !leftover.isEmpty { problems.append("spans not expected: \(leftover)") }
        for entry in entries {
            guard let key = entry["key"]?.stringValue, let index = taken[key] else { continue }
            let span = spans[index]
            if let parent = entry["parent"]?.stringValue {
                let parentSpan = taken[parent].map { spans[$0] }
                if span.parentSpanID != parentSpan?.spanID || span.traceID != parentSpan?.traceID {
                    problems.append("\(key): parent is not \(parent)")
                }
            } else if span.parentSpanID != nil {
                problems.append("\(key): has a parent, expected a root")
            }
            if let kind = entry["kind"]?.int64Value, Int64(span.kind.rawValue) != kind {
                problems.append("\(key): kind \(span.kind.rawValue), expected \(kind)")
            }
            if let code = entry["statusCode"]?.int64Value, Int64(span.status.code.rawValue) != code {
                problems.append("\(key): status \(span.status.code.rawValue), expected \(code)")
            }
            if attribute("atof.source.format", of: span, events: events) != "open-responses" {
                problems.append("\(key): atof.source.format is not open-responses")
            }
            let inferred = (attribute("atof.inferred", of: span, events: events)?.arrayValue ?? []).compactMap(\.stringValue).sorted()
            let expected = (entry["inferred"]?.arrayValue ?? []).compactMap(\.stringValue).sorted()
            if inferred != expected { problems.append("\(key): atof.inferred \(inferred), expected \(expected)") }
        }
        return problems
    }
}
