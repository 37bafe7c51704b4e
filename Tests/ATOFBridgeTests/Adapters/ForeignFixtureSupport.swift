import ATOF
import Foundation
import Testing

@testable import ATOFBridge

/// The example files of the foreign formats and the checks ``ForeignFixtureTests`` makes of them
/// (the translators' unit tests read the same files through these helpers).
///
/// `Tests/Fixtures/foreign/<format>/` holds, per example `<name>`:
/// - the input, `<name>.jsonl` or `<name>.sse` (framed by the real ``SSEFraming``);
/// - its golden translation `<name>.atof.jsonl`: the translator's events through
///   ``InferredTimes``, one ``Event/jsonLine`` per line (`mixed` has none: it holds a line of
///   another format);
/// - the spans it must give, `<name>.spans.json`, written by hand and checked by the rules of
///   scripts/foreign_check.py (see ``spanProblems(_:_:spans:)``).
///
/// Regenerating the goldens: after reviewing a change of a translation, run
/// `ATOF_BRIDGE_UPDATE_GOLDENS=1 swift test --filter ForeignFixtureTests`; the golden test then writes
/// `<name>.atof.jsonl` instead of comparing (``updateGoldensVariable``).
enum ForeignFixture {
    /// The environment variable that makes the golden test rewrite the goldens (value `1`).
    static let updateGoldensVariable = "ATOF_BRIDGE_UPDATE_GOLDENS"

    static let root = "\(#filePath)".replacingOccurrences(
        of: "/ATOFBridgeTests/Adapters/ForeignFixtureSupport.swift", with: "/Fixtures/foreign")

    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// The folder of a format's example files.
    static func directory(_ format: ForeignFormat) -> String {
        "\(root)/\(format.rawValue)"
    }

    /// The input of example `name`: `<name>.sse` if there is one, else `<name>.jsonl`.
    static func inputPath(_ name: String, _ format: ForeignFormat) -> String {
        let sse = "\(directory(format))/\(name).sse"
        return FileManager.default.fileExists(atPath: sse) ? sse : "\(directory(format))/\(name).jsonl"
    }

    /// The JSON lines of example `name` with their 1-based line numbers, framed as the reader
    /// frames them (``SSEFraming``: in SSE mode `data:` stripped, other fields skipped, the input
    /// ends at `data: [DONE]`); blank lines are left out.
    static func lines(_ name: String, _ format: ForeignFormat) throws -> [(number: Int, text: String)] {
        let text = try String(contentsOfFile: inputPath(name, format), encoding: .utf8)
        var framing = SSEFraming()
        var result: [(number: Int, text: String)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let framed: String?? = Array(raw.utf8).withUnsafeBufferPointer { line in
                switch framing.frame(line) {
                case .payload(let payload): String(decoding: payload, as: UTF8.self)
                case .skip: .some(nil)
                case .done: .none
                }
            }
            guard let payload = framed else { break }
            guard let payload, !payload.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
            result.append((index + 1, payload))
        }
        return result
    }

    /// The objects of example `name` that `format`'s translator recognizes, with their line
    /// numbers (the other format's line of `mixed` is left out).
    static func objects(_ name: String, _ format: ForeignFormat) throws -> [(object: JSONObject, line: Int)] {
        try lines(name, format).compactMap { line in
            guard let object = try JSONParser.parse(line.text).objectValue, FormatDetector.detect(object) == .foreign(format) else {
                return nil
            }
            return (object, line.number)
        }
    }

    /// Objects given as JSON text, one per line, numbered from 1.
    static func objects(_ lines: [String]) throws -> [(object: JSONObject, line: Int)] {
        try lines.enumerated().map { offset, text in
            guard let object = try JSONParser.parse(text).objectValue else {
                throw Problem(description: "line \(offset + 1) is not a JSON object")
            }
            return (object, offset + 1)
        }
    }

    // MARK: - Translation

    /// What one translation gave: the events after the time pass, and the adapter's notes.
    struct Translation {
        var items: [AdapterOutput.Item]
        var notes: [AdapterOutput.Note]

        var events: [Event] { items.map(\.event) }
        var warnings: [String] { notes.map(\.message) }

        func start(_ uuid: String) -> Event? { events.first { $0.uuid == uuid && $0.kind == .scopeStart } }
        func end(_ uuid: String) -> Event? { events.first { $0.uuid == uuid && $0.kind == .scopeEnd } }
        func marks(named name: String) -> [Event] { events.filter { $0.kind == .mark && $0.name == name } }

        /// The start, end or mark with `uuid` (the first of that kind).
        func event(_ kind: Event.Kind, _ uuid: String) throws -> Event {
            try #require(events.first { $0.kind == kind && $0.uuid == uuid }, "no \(kind) for \(uuid)")
        }
    }

    /// What an adapter emits for `objects`, `finish` included, before the time pass.
    static func output<Adapter: ForeignEventAdapter>(
        _: Adapter.Type, _ objects: [(object: JSONObject, line: Int)], options: AdapterOptions = AdapterOptions()
    ) -> AdapterOutput {
        var adapter = Adapter(options: options)
        var output = AdapterOutput()
        for (object, line) in objects { adapter.translate(object, line: line, into: &output) }
        adapter.finish(into: &output)
        return output
    }

    /// The items with their times settled by ``InferredTimes`` (no known time at all: epoch 0).
    static func settled(_ output: AdapterOutput) -> [AdapterOutput.Item] {
        var times = InferredTimes()
        var items: [AdapterOutput.Item] = []
        for item in output.items { times.pass(item, into: &items) }
        times.finish(fallback: Timestamp(nanosecondsSinceEpoch: 0), into: &items)
        return items
    }

    /// `objects` through the adapter and the time pass.
    static func translate<Adapter: ForeignEventAdapter>(
        _ type: Adapter.Type, _ objects: [(object: JSONObject, line: Int)], options: AdapterOptions = AdapterOptions()
    ) -> Translation {
        let output = output(type, objects, options: options)
        return Translation(items: settled(output), notes: output.notes)
    }

    /// Example `name` (its lines of `format`) through `format`'s translator and the time pass.
    static func translate(_ name: String, _ format: ForeignFormat, options: AdapterOptions = AdapterOptions()) throws -> Translation {
        let type = try #require(ForeignFormat.adapterTypes.first { $0.format == format })
        return translate(type, try objects(name, format), options: options)
    }

    /// `metadata["adapter.inferred"]` of an event, as strings.
    static func inferred(_ event: Event?) -> [String] {
        event?.metadata?[AdapterMetadataKey.inferred]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    // MARK: - Spans

    /// The events of example `name` as the CLI reads them: every line through the router
    /// (``ForeignTranslation``), ATOF lines decoded as ATOF, in line order.
    static func sourcedEvents(_ name: String, _ format: ForeignFormat) throws -> [SourcedEvent] {
        var router = ForeignTranslation(source: name, fallbackTime: Timestamp(nanosecondsSinceEpoch: 0))
        var events: [SourcedEvent] = []
        var items: [AdapterOutput.Item] = []
        for line in try lines(name, format) {
            let value = try JSONParser.parse(line.text)
            if router.route(value, line: line.number, into: &items) == .atof,
                case .event(let event, _) = try Event.decode(line: Array(line.text.utf8))
            {
                events.append(SourcedEvent(event, line: line.number))
            }
            events += items.map { SourcedEvent($0.event, line: $0.line) }
            items.removeAll()
        }
        router.finish(into: &items)
        return events + items.map { SourcedEvent($0.event, line: $0.line) }
    }

    /// The span of an assembled scope or orphan mark.
    static func span(_ item: AssembledItem) -> OTLP.Span {
        switch item {
        case .scope(let scope): SpanMapper().span(for: scope)
        case .orphanMark(let orphan): SpanMapper().span(for: orphan)
        }
    }

    /// The spans the offline assembler and the mapper make of `events`.
    static func spans(_ events: [SourcedEvent]) -> [OTLP.Span] {
        SpanAssembler().assemble(events).items.map(span)
    }

    /// The spans of settled translator items.
    static func spans(_ items: [AdapterOutput.Item]) -> [OTLP.Span] {
        spans(items.map { SourcedEvent($0.event, line: $0.line) })
    }

    /// The spans the live assembler makes of `events` fed in order.
    static func liveSpans(_ events: [SourcedEvent]) -> [OTLP.Span] {
        var live = LiveSpanAssembler()
        let items = events.flatMap { live.receive($0) } + live.finish()
        return items.map(span)
    }

    /// What must agree between the live and the offline spans of an input.
    struct SpanShape: Hashable {
        var name: String
        var spanID: OTLP.SpanID
        var parentSpanID: OTLP.SpanID?
        var traceID: OTLP.TraceID
        var status: OTLP.SpanStatus
        var eventNames: [String]

        init(_ span: OTLP.Span) {
            name = span.name
            spanID = span.spanID
            parentSpanID = span.parentSpanID
            traceID = span.traceID
            status = span.status
            eventNames = span.events.map(\.name)
        }
    }

    /// The shapes of some spans with how often each occurs.
    static func shapes(_ spans: [OTLP.Span]) -> [SpanShape: Int] {
        spans.reduce(into: [:]) { $0[SpanShape($1), default: 0] += 1 }
    }

    /// Whether an attribute has the expected JSON value (`null`: the attribute is absent; numbers
    /// compare by value).
    static func matches(_ value: OTLP.AttributeValue?, _ expected: JSONValue) -> Bool {
        switch (value, expected) {
        case (nil, .null): true
        case (.string(let actual)?, .string(let wanted)): actual == wanted
        case (.bool(let actual)?, .bool(let wanted)): actual == wanted
        case (.int(let actual)?, .number(let wanted)): wanted.int64Value == actual || wanted.doubleValue == Double(actual)
        case (.double(let actual)?, .number(let wanted)): wanted.doubleValue == actual
        case (.stringArray(let actual)?, .array(let wanted)): wanted.map(\.stringValue) == actual.map(Optional.some)
        default: false
        }
    }

    /// The differences between `spans` and example `name`'s `<name>.spans.json`, by the rules of
    /// scripts/foreign_check.py: each entry matches exactly one span by `name` and its
    /// `attributes` subset, no span is left over, parents (same trace) or roots, `kind` and
    /// `statusCode` as given, `atof.source.format` the format's name unless the entry gives it
    /// (`null` for the span of an ATOF line), and `atof.inferred` the given set (absent when empty).
    static func spanProblems(_ name: String, _ format: ForeignFormat, spans: [OTLP.Span]) throws -> [String] {
        let text = try String(contentsOfFile: "\(directory(format))/\(name).spans.json", encoding: .utf8)
        let entries = try #require(try JSONParser.parse(text)["spans"]?.arrayValue, "\(name).spans.json needs a \"spans\" array")
        var problems: [String] = []
        var taken: [String: Int] = [:]
        for entry in entries {
            let key = entry["key"]?.stringValue ?? "?"
            let wanted = entry["attributes"]?.objectValue ?? JSONObject()
            let candidates = spans.indices.filter { index in
                spans[index].name == entry["name"]?.stringValue
                    && wanted.allSatisfy { matches(spans[index][attribute: $0.key], $0.value) }
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
                if span.parentSpanID == nil || span.parentSpanID != parentSpan?.spanID || span.traceID != parentSpan?.traceID {
                    problems.append("\(key): parent is not \(parent)")
                }
            } else if span.parentSpanID != nil {
                problems.append("\(key): has a parent, expected a root")
            }
            if Int64(span.kind.rawValue) != entry["kind"]?.int64Value {
                problems.append("\(key): kind \(span.kind.rawValue), expected \(entry["kind"].map { "\($0)" } ?? "a kind")")
            }
            if Int64(span.status.code.rawValue) != entry["statusCode"]?.int64Value {
                problems.append("\(key): status \(span.status), expected \(entry["statusCode"].map { "\($0)" } ?? "a statusCode")")
            }
            if entry["attributes"]?["atof.source.format"] == nil, span[attribute: "atof.source.format"] != .string(format.rawValue) {
                problems.append("\(key): atof.source.format is not \(format.rawValue)")
            }
            var inferred: [String] = []
            if case .stringArray(let fields)? = span[attribute: "atof.inferred"] { inferred = fields.sorted() }
            let expected = (entry["inferred"]?.arrayValue ?? []).compactMap(\.stringValue).sorted()
            if inferred != expected { problems.append("\(key): atof.inferred \(inferred), expected \(expected)") }
        }
        return problems
    }

    // MARK: - The checks every suite makes

    /// Example `name` translates to its golden `<name>.atof.jsonl` (or rewrites it when
    /// ``updateGoldensVariable`` is `1`).
    static func expectGolden(_ name: String, _ format: ForeignFormat) throws {
        let lines = try translate(name, format).events.map(\.jsonLine)
        let path = "\(directory(format))/\(name).atof.jsonl"
        let text = lines.map { $0 + "\n" }.joined()
        if ProcessInfo.processInfo.environment[updateGoldensVariable] == "1" {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let golden = try String(contentsOfFile: path, encoding: .utf8)
        guard text != golden else { return }
        let goldenLines = golden.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let first =
            zip(lines, goldenLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(lines.count, goldenLines.count)
        Issue.record(
            """
            \(format.rawValue)/\(name).atof.jsonl differs from the translation at line \(first + 1) \
            (\(lines.count) lines translated); after reviewing the change, regenerate with \
            \(updateGoldensVariable)=1 swift test --filter ForeignFixtureTests
            """)
    }

    /// Translating example `name` twice gives identical events (and identical lines).
    static func expectDeterministic(_ name: String, _ format: ForeignFormat) throws {
        let first = try translate(name, format).events
        let second = try translate(name, format).events
        #expect(!first.isEmpty, "\(name)")
        #expect(first == second, "\(name)")
        #expect(first.map(\.jsonLine) == second.map(\.jsonLine), "\(name)")
    }

    /// Example `name` read as the CLI reads it gives exactly the spans of `<name>.spans.json`.
    static func expectSpans(_ name: String, _ format: ForeignFormat) throws {
        let problems = try spanProblems(name, format, spans: spans(sourcedEvents(name, format)))
        #expect(problems.isEmpty, "\(format.rawValue)/\(name): \(problems.joined(separator: "; "))")
    }

    /// The events of example `name` fed in order to the live assembler give the offline spans
    /// (ids, parents, traces, status, event names), as many of each.
    static func expectLiveMatchesOffline(_ name: String, _ format: ForeignFormat) throws {
        let events = try sourcedEvents(name, format)
        let offline = spans(events)
        #expect(!offline.isEmpty, "\(name)")
        #expect(shapes(liveSpans(events)) == shapes(offline), "\(format.rawValue)/\(name)")
    }
}
