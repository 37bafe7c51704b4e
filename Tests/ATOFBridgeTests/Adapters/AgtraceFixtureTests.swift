import Testing

@testable import ATOFBridge

/// The agtrace example files (Tests/Fixtures/foreign/agtrace): each translates to its golden ATOF
/// lines, translates the same way twice, and gives exactly the spans its hand-written
/// `<name>.spans.json` lists (the checks of ``ForeignFixture``).
@Suite struct AgtraceFixtureTests {
    static let files = ["subagent", "llm-usage", "parallel-tools", "errors", "interrupted", "unknown-type", "e2e"]

    @Test("each example translates to its golden ATOF 0.2 lines", arguments: files)
    func translationMatchesTheGolden(_ name: String) throws {
        try ForeignFixture.expectGolden(name, .agtrace)
    }

    @Test("translating an example twice gives identical events", arguments: files)
    func translationIsDeterministic(_ name: String) throws {
        try ForeignFixture.expectDeterministic(name, .agtrace)
    }

    @Test("each example gives exactly the spans its spans.json lists", arguments: files + ["mixed"])
    func spansMatchTheExpectations(_ name: String) throws {
        try ForeignFixture.expectSpans(name, .agtrace)
    }
}
