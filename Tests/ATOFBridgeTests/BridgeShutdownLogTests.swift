import ATOF
import Testing

@testable import ATOFBridge

@Suite("Bridge shutdown, called more than once")
struct BridgeShutdownLogTests {
    @Test("a second shutdown returns the same counts and logs the final statistics only once")
    func finalStatisticsLoggedOnce() {
        let logs = CapturedLogs()
        let exporter = RecordingExporter()
        let bridge = Bridge(configuration: Bridge.Configuration(), exporter: exporter, logger: logs.logger())
        bridge.receive(TestEvents.start("0190a000-0000-7000-8000-000000000001", at: 0, name: "planner", category: "agent"))
        bridge.receive(TestEvents.end("0190a000-0000-7000-8000-000000000001", at: 1, name: "planner", category: "agent"))
        let first = bridge.shutdown(timeout: .seconds(5))
        let second = bridge.shutdown(timeout: .seconds(5))
        #expect(first == second)
        #expect(first.spansExported == 1)
        #expect(logs.all.filter { $0.hasPrefix("info: atof-bridge finished:") }.count == 1)
        #expect(logs.all.contains { $0.hasPrefix("debug: atof-bridge already shut down:") })
    }
}
