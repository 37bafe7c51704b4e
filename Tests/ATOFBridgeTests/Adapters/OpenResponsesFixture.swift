import ATOF
import Testing

@testable import ATOFBridge

/// Feeds Open Responses objects to the adapter for the tests (files and checks: ``ForeignFixture``).
enum OpenResponsesFixture {
    /// The adapter's output for objects given as JSON text, one per line (finish included).
    static func translate(_ lines: [String], options: AdapterOptions = AdapterOptions()) throws -> AdapterOutput {
        ForeignFixture.output(OpenResponsesAdapter.self, try ForeignFixture.objects(lines), options: options)
    }

    /// The events with their times settled by `InferredTimes`.
    static func settled(_ output: AdapterOutput) -> [Event] {
        ForeignFixture.settled(output).map(\.event)
    }
}
