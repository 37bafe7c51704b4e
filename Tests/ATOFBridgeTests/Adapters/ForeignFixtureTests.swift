import Foundation
import Testing

@testable import ATOFBridge

/// The example files of every foreign format (Tests/Fixtures/foreign/<format>/, see
/// ``ForeignFixture``): each `<name>.atof.jsonl` is the golden translation of its input, and each
/// `<name>.spans.json` lists the spans its input must give.
@Suite struct ForeignFixtureTests {
    /// One example file of one format.
    struct Example: Sendable, CustomTestStringConvertible {
        var format: ForeignFormat
        var name: String

        var testDescription: String { "\(format.rawValue)/\(name)" }
    }

    /// The examples of every format that have a file ending in `suffix`.
    static func examples(with suffix: String) -> [Example] {
        ForeignFormat.allCases.flatMap { format in
            let files = (try? FileManager.default.contentsOfDirectory(atPath: ForeignFixture.directory(format))) ?? []
            return files.filter { $0.hasSuffix(suffix) }.sorted().map { Example(format: format, name: String($0.dropLast(suffix.count))) }
        }
    }

    /// The examples with a golden translation (a `mixed` file, which holds a line of another
    /// format, has none).
    static let golden = examples(with: ".atof.jsonl")
    /// The examples with span expectations.
    static let withSpans = examples(with: ".spans.json")

    @Test("every format has examples, each with span expectations and an input")
    func examplesArePresent() {
        for format in ForeignFormat.allCases {
            let names = Self.withSpans.filter { $0.format == format }.map(\.name)
            #expect(names.contains("mixed") && names.contains("e2e") && names.count >= 4, "\(format.rawValue): \(names)")
            for name in names {
                #expect(FileManager.default.fileExists(atPath: ForeignFixture.inputPath(name, format)), "\(format.rawValue)/\(name)")
            }
        }
        #expect(Set(Self.golden.map(\.testDescription)).isSubset(of: Self.withSpans.map(\.testDescription)))
    }

    @Test("each example translates to its golden ATOF 0.2 lines", arguments: golden)
    func translationMatchesTheGolden(_ example: Example) throws {
        try ForeignFixture.expectGolden(example.name, example.format)
    }

    @Test("translating an example twice gives identical events", arguments: golden)
    func translationIsDeterministic(_ example: Example) throws {
        try ForeignFixture.expectDeterministic(example.name, example.format)
    }

    @Test(
        "each example gives exactly the spans its hand-written expectations list: names, parents, kinds, status, attributes, inferred fields",
        arguments: withSpans)
    func spansMatchTheExpectations(_ example: Example) throws {
        try ForeignFixture.expectSpans(example.name, example.format)
    }

    @Test(
        "an example's events fed in order to the live assembler give the offline spans (ids, parents, traces, status, events)",
        arguments: withSpans)
    func liveAssemblyGivesTheOfflineSpans(_ example: Example) throws {
        try ForeignFixture.expectLiveMatchesOffline(example.name, example.format)
    }
}
