import ATOF
import ATOFBridge
import Testing

@testable import ATOFInstrumentation

#if canImport(Glibc)
import Glibc
#endif

extension InstrumentationSuite {
    @Suite("Bootstrap and subscribers")
    struct SubscriberTests {
        typealias H = Harness

        @Test("bootstrapping twice throws alreadyBootstrapped, also after a shutdown")
        func bootstrapTwiceFails() throws {
            H.reset()
            defer { H.reset() }
            try ATOFInstrumentation.bootstrap(.closure { _ in })
            #expect(throws: ATOFInstrumentationError.alreadyBootstrapped) { try ATOFInstrumentation.bootstrap(.closure { _ in }) }
            ATOFInstrumentation.shutdown()
            #expect(throws: ATOFInstrumentationError.alreadyBootstrapped) { try ATOFInstrumentation.bootstrap([]) }
        }

        @Test("a .jsonLines path that cannot be opened fails the bootstrap and installs nothing")
        func unopenableFile() throws {
            H.reset()
            defer { H.reset() }
            #expect(throws: ATOFInstrumentationError.self) {
                try ATOFInstrumentation.bootstrap(.closure { _ in }, .jsonLines(path: "/nonexistent-dir/run.jsonl"))
            }
            #expect(!ATOFInstrumentation.isActive)
        }

        @Test("without subscribers, and after shutdown, scopes run their bodies and emit nothing")
        func nothingInstalledEmitsNothing() throws {
            H.reset()
            defer { H.reset() }
            #expect(!ATOFInstrumentation.isActive)
            let value = withAgentScope("idle") { withToolCall(name: "t") { "r" } }
            #expect(value == "r")
            let log = EventLog()
            try ATOFInstrumentation.bootstrap(.closure { log.append($0) })
            ATOFInstrumentation.shutdown()
            let after = withScope(name: "late", category: .function) { 3 }
            mark(name: "late-mark")
            #expect(after == 3 && log.events.isEmpty)
        }

        @Test("every subscriber receives every event, in order")
        func allSubscribersReceive() throws {
            H.reset()
            defer { H.reset() }
            let first = EventLog()
            let second = EventLog()
            try ATOFInstrumentation.bootstrap([.closure { first.append($0) }, .closure { second.append($0) }])
            withAgentScope("a") { mark(name: "m") }
            #expect(first.events.count == 3 && first.events == second.events)
        }

        @Test("an EventSubscriber of the app's own receives every event; flush and shutdown reach it once each, within their timeouts")
        func ownEventSubscriber() throws {
            H.reset()
            defer { H.reset() }
            let subscriber = RecordingSubscriber()
            let log = EventLog()
            try ATOFInstrumentation.bootstrap(.subscriber(subscriber), .closure { log.append($0) })
            _ = withAgentScope("a") {
                withToolCall(name: "t") {
                    mark(name: "m")
                    return "r"
                }
            }
            ATOFInstrumentation.forceFlush(timeout: .seconds(20))
            ATOFInstrumentation.shutdown(timeout: .seconds(10))
            ATOFInstrumentation.shutdown(timeout: .seconds(10))
            let calls = subscriber.calls
            #expect(calls.events.count == 5 && calls.events == log.events)
            #expect(calls.flushTimeouts.count == 1 && calls.flushTimeouts.allSatisfy { $0 <= .seconds(20) })
            #expect(calls.shutdownTimeouts.count == 1 && calls.shutdownTimeouts.allSatisfy { $0.map { $0 <= .seconds(10) } == true })
        }

        @Test("bootstrap with one subscriber installs it alone")
        func bootstrapOneSubscriber() throws {
            H.reset()
            defer { H.reset() }
            let subscriber = RecordingSubscriber()
            try ATOFInstrumentation.bootstrap(subscriber)
            withAgentScope("only") {}
            ATOFInstrumentation.shutdown()
            #expect(subscriber.calls.events.map(\.name) == ["only", "only"] && subscriber.calls.shutdownTimeouts.count == 1)
        }

        @Test(".jsonLines writes one ATOF line per event, owner-only, appending across runs")
        func jsonLinesFile() throws {
            H.reset()
            defer { H.reset() }
            let path = H.temporaryPath("events.jsonl")
            let log = EventLog()
            try ATOFInstrumentation.bootstrap(.closure { log.append($0) }, .jsonLines(path: path))
            withAgentScope("first-run", input: "ünïcode ✓\u{2028}") { mark(name: "m", data: ["k": [1, 2]]) }
            let flushed = ATOFInstrumentation.forceFlush()
            #expect(flushed.eventsWritten == 3 && flushed.eventsDropped == 0 && flushed.eventsFailed == 0)
            var status = stat()
            #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o600)
            #expect(try Self.readLines(path) == log.events.map(\.jsonLine))
            ATOFInstrumentation.shutdown()

            H.reset()
            let secondLog = EventLog()
            try ATOFInstrumentation.bootstrap(.closure { secondLog.append($0) }, .jsonLines(path: path))
            withAgentScope("second-run") {}
            let final = ATOFInstrumentation.shutdown()
            #expect(final.eventsWritten == 2)
            #expect(try Self.readLines(path) == (log.events + secondLog.events).map(\.jsonLine))
            let decoded = try OfflineConversion(path: path, mapper: SpanMapper())
            #expect(decoded.badLineCount == 0 && decoded.eventCount == 5 && decoded.spans.count == 2)
        }

        @Test(".jsonLines never waits: a full queue drops and counts, and the count adds up")
        func jsonLinesDropsWhenFull() throws {
            H.reset()
            defer { H.reset() }
            let path = H.temporaryPath("small-queue.jsonl")
            try ATOFInstrumentation.bootstrap(.jsonLines(path: path, queueCapacity: 4))
            let sink = try #require(Registry.active?.sinks.first as? JSONLinesSink)
            sink._holdForTesting(true)
            for index in 0..<10 { mark(name: "m\(index)") }
            sink._holdForTesting(false)
            let statistics = ATOFInstrumentation.shutdown()
            #expect(statistics.eventsDropped == 6 && statistics.eventsWritten == 4)
            #expect(try Self.readLines(path).count == 4)
        }

        static func readLines(_ path: String) throws -> [String] {
            var lines: [String] = []
            let reader = try JSONLReader(path: path)
            try reader.forEachLine { line in lines.append(String(decoding: line.bytes, as: UTF8.self)) }
            return lines
        }
    }
}
