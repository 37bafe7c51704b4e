import ATOF
import Testing

@testable import ATOFInstrumentation

extension InstrumentationSuite {
    @Suite("Errors and cancellation")
    struct StatusTests {
        typealias H = Harness

        @Test("a thrown error ends the scope with ERROR, its description and type, and is rethrown")
        func thrownErrorEndsWithError() async throws {
            let log = try H.capture()
            defer { H.reset() }
            await #expect(throws: ToolFailure.self) {
                try await withAgentScope("agent", metadata: ["session_id": "s1", "otel.status_code": "caller value"]) {
                    try await withToolCall(name: "broken", arguments: ["q": "x"]) { () async throws -> JSONValue in
                        throw ToolFailure(reason: "exploded")
                    }
                }
            }
            let tool = try #require(log.scope("broken"))
            #expect(tool.end.data == nil)
            #expect(
                tool.end.metadata == [
                    "otel.status_code": "ERROR", "otel.status_description": "tool failed: exploded", "error.type": "ToolFailure",
                ])
            let agent = try #require(log.scope("agent"))
            #expect(
                agent.end.metadata == [
                    "session_id": "s1", "otel.status_code": "ERROR", "otel.status_description": "tool failed: exploded",
                    "error.type": "ToolFailure",
                ])
        }

        @Test("a synchronous scope that throws ends with ERROR and rethrows")
        func synchronousThrow() throws {
            let log = try H.capture()
            defer { H.reset() }
            #expect(throws: ToolFailure.self) {
                try withScope(name: "parse", category: .function) { () throws -> Int in throw ToolFailure(reason: "bad input") }
            }
            #expect(H.metadata(log.scope("parse")?.end, "otel.status_code") == "ERROR")
            #expect(H.metadata(log.scope("parse")?.end, "error.type") == "ToolFailure")
        }

        @Test("a CancellationError ends the scope as cancelled: ERROR, description and error.type 'cancelled'")
        func cancellationEndsAsCancelled() async throws {
            let log = try H.capture()
            defer { H.reset() }
            let (started, signal) = AsyncStream<Void>.makeStream()
            let task = Task {
                try await withToolCall(name: "slow") { () async throws -> JSONValue in
                    signal.yield()
                    try await Task.sleep(for: .seconds(600))
                    return "never"
                }
            }
            for await _ in started { break }
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            let slow = try #require(log.scope("slow"))
            #expect(
                slow.end.metadata == [
                    "otel.status_code": "ERROR", "otel.status_description": "cancelled", "error.type": "cancelled",
                    "exception.type": "CancellationError",
                ])
        }

        @Test("another error thrown while the task is cancelled is also recorded as cancelled, with its own type")
        func errorWhileCancelled() async throws {
            let log = try H.capture()
            defer { H.reset() }
            let task = Task {
                try await withScope(name: "interrupted", category: .function) { () async throws -> Void in
                    withUnsafeCurrentTask { $0?.cancel() }
                    throw ToolFailure(reason: "stopped")
                }
            }
            _ = await task.result
            let scope = try #require(log.scope("interrupted"))
            #expect(H.metadata(scope.end, "otel.status_description") == "cancelled: tool failed: stopped")
            #expect(H.metadata(scope.end, "error.type") == "cancelled")
            #expect(H.metadata(scope.end, "exception.type") == "ToolFailure")
        }

        @Test("the bridge maps the statuses: OK, ERROR with message and error.type, cancelled")
        func bridgeMapsStatuses() async throws {
            let (bridge, exporter) = try H.bridged()
            defer { H.reset() }
            await withAgentScope("ok") { await Task.yield() }
            _ = try? await withToolCall(name: "failing") { () async throws -> JSONValue in throw ToolFailure(reason: "boom") }
            _ = try? await withToolCall(name: "cancelled") { () async throws -> JSONValue in throw CancellationError() }
            bridge.shutdown()
            #expect(exporter.span("ok")?.status == .ok)
            let failing = try #require(exporter.span("failing"))
            #expect(failing.status == .error("tool failed: boom"))
            #expect(H.attribute(failing, "error.type") == "ToolFailure")
            #expect(failing.events.first { $0.name == "exception" } != nil)
            let cancelled = try #require(exporter.span("cancelled"))
            #expect(cancelled.status == .error("cancelled"))
            #expect(H.attribute(cancelled, "error.type") == "cancelled")
        }
    }
}
