import ATOF
import ATOFBridge
import Logging
import Testing

@testable import ATOFInstrumentation

extension InstrumentationSuite {
    @Suite("Log records in the trace")
    struct LogHandlerTests {
        typealias H = Harness

        /// A logger whose ATOFLogHandler wraps a recording handler.
        static func logger(threshold: Logger.Level = .info, captureContent: Bool = true) -> (Logger, LogRecords) {
            let records = LogRecords()
            var handler = ATOFLogHandler(
                label: "agent", wrapping: RecordingLogHandler(records: records), threshold: threshold, captureContent: captureContent)
            handler.metadata = ["app": "demo"]
            return (Logger(label: "agent") { _ in handler }, records)
        }

        @Test("a record inside a scope is a log mark on it with level, logger, message and metadata, and is forwarded")
        func insideScope() throws {
            let log = try H.capture()
            defer { H.reset() }
            let (logger, records) = Self.logger()
            withAgentScope("agent") {
                logger.warning("rate limited", metadata: ["retry": "2", "ids": ["a", "b"]])
            }
            let agent = try #require(log.scope("agent"))
            let mark = try #require(log.marks("log").first)
            #expect(mark.parentUUID == agent.start.uuid)
            #expect(mark.metadata == ["level": "warning", "logger": "agent", "source": "ATOFInstrumentationTests"])
            #expect(mark.data == ["message": "rate limited", "metadata": ["app": "demo", "ids": ["a", "b"], "retry": "2"]])
            #expect(records.events.map(\.message.description) == ["rate limited"])
        }

        @Test("below the threshold there is no mark, but the record is forwarded")
        func belowThreshold() throws {
            let log = try H.capture()
            defer { H.reset() }
            let (logger, records) = Self.logger(threshold: .notice)
            withAgentScope("agent") { logger.info("chatty") }
            #expect(log.marks("log").isEmpty)
            #expect(records.events.count == 1)
        }

        @Test("with content capture off the mark has level, logger and source but no message or metadata")
        func contentOff() throws {
            let log = try H.capture()
            defer { H.reset() }
            let (logger, records) = Self.logger(captureContent: false)
            withAgentScope("agent") { logger.error("secret: sk-123", metadata: ["user": "alice"]) }
            let mark = try #require(log.marks("log").first)
            #expect(mark.data == nil || mark.data == .null)
            #expect(mark.metadata?["level"] == "error")
            #expect(!mark.jsonLine.contains("sk-123") && !mark.jsonLine.contains("alice"))
            #expect(records.events.count == 1)
        }

        @Test("outside any scope, and with no subscriber, records are only forwarded")
        func outsideScope() throws {
            let log = try H.capture()
            let (logger, records) = Self.logger()
            logger.error("no scope here")
            #expect(log.events.isEmpty)
            H.reset()
            withAgentScope("agent") { logger.error("no subscriber") }
            #expect(records.events.map(\.message.description) == ["no scope here", "no subscriber"])
        }

        @Test("the bridge writes the log mark as a span event with atof.metadata.level and the message in atof.data")
        func bridgeMapsLogMarks() throws {
            let (bridge, exporter) = try H.bridged()
            defer { H.reset() }
            let (logger, _) = Self.logger()
            _ = withToolCall(name: "search") { () -> JSONValue in
                logger.info("searching", metadata: ["query": "Lyon"])
                return "done"
            }
            bridge.shutdown()
            let span = try #require(exporter.span("search"))
            let event = try #require(span.events.first { $0.name == "log" })
            #expect(event.attributes.contains { $0.key == "atof.metadata.level" && $0.value == .string("info") })
            let data = event.attributes.first { $0.key == "atof.data" }?.value
            #expect(data == .string(#"{"message":"searching","metadata":{"app":"demo","query":"Lyon"}}"#))
        }
    }
}
