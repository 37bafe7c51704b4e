import Testing

@testable import ATOFBridge

/// The agent-sdk example files (Tests/Fixtures/foreign/agent-sdk): each translates to its golden
/// ATOF lines, and its events pair and map into the spans its hand-written `.spans.json` lists
/// (the checks of ``ForeignFixture``).
@Suite struct AgentSDKFixtureTests {
    typealias F = AgentSDKFixtures

    @Test("each example file translates to its golden ATOF 0.2 lines", arguments: F.translatedFiles)
    func translationMatchesTheGolden(_ name: String) throws {
        try ForeignFixture.expectGolden(name, .agentSDK)
    }

    @Test(
        "events fed in emission order to the live assembler give the offline spans (ids, parents, traces, status, events)",
        arguments: F.translatedFiles)
    func liveAssemblyGivesTheOfflineSpans(_ name: String) throws {
        try ForeignFixture.expectLiveMatchesOffline(name, .agentSDK)
    }

    @Test(
        "each example file gives the spans its hand-written expectations list: names, parents, kinds, status, attributes, inferred fields",
        arguments: F.translatedFiles + ["mixed"])
    func spansMatchTheExpectations(_ name: String) throws {
        try ForeignFixture.expectSpans(name, .agentSDK)
    }
}
