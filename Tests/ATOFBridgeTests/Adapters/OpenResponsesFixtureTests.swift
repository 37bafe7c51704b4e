import Testing

@testable import ATOFBridge

/// The Open Responses example files: golden ATOF translations and hand-written span expectations
/// (the checks of ``ForeignFixture``).
@Suite struct OpenResponsesFixtureTests {
    /// Files with a golden translation (`mixed` has another format's line; `tool-args` is SSE).
    static let goldenFiles = ["stream", "thread", "errors", "incomplete", "unknown", "tool-args", "e2e"]

    @Test("each example file translates to its golden ATOF lines", arguments: goldenFiles)
    func golden(_ name: String) throws {
        try ForeignFixture.expectGolden(name, .openResponses)
    }

    @Test("each example file gives exactly the spans its .spans.json expects", arguments: goldenFiles + ["mixed"])
    func spans(_ name: String) throws {
        try ForeignFixture.expectSpans(name, .openResponses)
    }

    @Test("the example files raise warnings only for the unknown types and items of unknown.jsonl")
    func warnings() throws {
        for name in Self.goldenFiles + ["mixed"] {
            let notes = try ForeignFixture.translate(name, .openResponses).notes
            #expect(name == "unknown" ? notes.count == 3 : notes.isEmpty, "\(name): \(notes.map(\.message))")
        }
    }

    @Test("e2e.jsonl gives 10 to 40 spans for the Phoenix test")
    func e2eSize() throws {
        let spans = ForeignFixture.spans(try ForeignFixture.translate("e2e", .openResponses).items)
        #expect((10...40).contains(spans.count))
    }
}
