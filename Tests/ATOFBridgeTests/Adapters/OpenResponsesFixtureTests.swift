import ATOF
import Foundation
import Testing

@testable import ATOFBridge

/// The Open Responses example files: golden ATOF translations and hand-written span expectations.
@Suite struct OpenResponsesFixtureTests {
    typealias F = OpenResponsesFixture

    /// Files with a golden translation (`mixed.jsonl` has another format's line: the router's part).
    static let goldenFiles = [
        "stream.jsonl", "thread.jsonl", "errors.jsonl", "incomplete.jsonl", "unknown.jsonl", "tool-args.sse", "e2e.jsonl",
    ]

    @Test("each example file translates to its golden ATOF lines", arguments: goldenFiles)
    func golden(_ name: String) throws {
        let base = name.split(separator: ".").dropLast().joined(separator: ".")
        let path = "\(F.folder)/\(base).atof.jsonl"
        let text = try F.goldenText(of: name)
        if ProcessInfo.processInfo.environment["ATOF_UPDATE_FOREIGN_GOLDEN"] == "1" {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            text == golden,
            "regenerate with ATOF_UPDATE_FOREIGN_GOLDEN=1 swift test --filter OpenResponsesFixtureTests, after reviewing the change")
    }

    @Test("each example file gives exactly the spans its .spans.json expects", arguments: goldenFiles + ["mixed.jsonl"])
    func spans(_ name: String) throws {
        let base = name.split(separator: ".").dropLast().joined(separator: ".")
        let events = F.settled(try F.translate(F.lines(of: name)))
        let problems = try F.mismatches(F.spans(events), events: events, expectations: base)
        #expect(problems.isEmpty, "\(name): \(problems.joined(separator: "; "))")
    }

    @Test("the example files raise warnings only for the unknown types and items of unknown.jsonl")
    func warnings() throws {
        for name in Self.goldenFiles + ["mixed.jsonl"] {
            let notes = try F.translate(F.lines(of: name)).notes
            #expect(name == "unknown.jsonl" ? notes.count == 3 : notes.isEmpty, "\(name): \(notes.map(\.message))")
        }
    }

    @Test("e2e.jsonl gives 10 to 40 spans for the Phoenix test")
    func e2eSize() throws {
        let spans = F.spans(F.settled(try F.translate(F.lines(of: "e2e.jsonl"))))
        #expect((10...40).contains(spans.count))
    }
}
