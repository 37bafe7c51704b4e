import ATOF
import Testing

@testable import ATOFBridge

@Suite("Live assembly: long-open starts held as their JSON line")
struct LiveSpanAssemblerCompactionTests {
    typealias E = TestEvents

    /// Opens and ends `count` children of `parent`, one after another.
    private func churn(_ assembler: inout LiveSpanAssembler, parent: String, count: Int) -> [AssembledScope] {
        var ready: [AssembledItem] = []
        for index in 0..<count {
            let uuid = "child-\(index)"
            assembler.receive(SourcedEvent(E.start(uuid, parent: parent, at: 1 + Double(index) / 1_000)), into: &ready)
            assembler.receive(SourcedEvent(E.end(uuid, parent: parent, at: 1.0005 + Double(index) / 1_000)), into: &ready)
        }
        return E.scopes(ready)
    }

    @Test("a scope that stays open while many others open is held compactly and ends with the very same start")
    func longOpenStartIsCompactedAndRestored() {
        var assembler = LiveSpanAssembler()
        let start = E.start(
            "6f1c1d2e-3b4a-4c5d-8e6f-708192a3b4c5", at: 0, name: "planner", category: "agent",
            metadata: ["traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "note": ["n": 1.50]],
            data: ["question": "what is open?", "list": [1, "two", false]])
        _ = assembler.receive(SourcedEvent(start, line: 7))
        _ = assembler.receive(SourcedEvent(E.mark("m", parent: start.uuid, at: 0.5)))
        let children = churn(&assembler, parent: start.uuid, count: LiveSpanAssembler.compactionDistance + 10)
        #expect(assembler.compactStartCount == 1)
        let ended = E.scopes(assembler.receive(SourcedEvent(E.end(start.uuid, at: 100, name: "planner", category: "agent"))))
        #expect(ended.count == 1)
        #expect(ended.first?.start == start)
        #expect(ended.first?.marks.map(\.uuid) == ["m"])
        #expect(ended.first?.identity.traceID == children.first?.identity.traceID)
        #expect(children.allSatisfy { $0.identity.parentSpanID == ended.first?.identity.spanID })
        #expect(assembler.compactStartCount == 0)
    }

    @Test("a long-open scope still open at the end is exported unended with its start as it came")
    func compactedStartExportedUnended() {
        var assembler = LiveSpanAssembler()
        let start = E.start("root", at: 0, data: ["k": "v"])
        _ = assembler.receive(SourcedEvent(start))
        _ = churn(&assembler, parent: "root", count: LiveSpanAssembler.compactionDistance + 1)
        #expect(assembler.compactStartCount == 1)
        let unended = E.scopes(assembler.finish())
        #expect(unended.count == 1)
        #expect(unended.first?.start == start)
        #expect(unended.first?.anomalies == .unended)
    }

    @Test("a start whose JSON line would not give it back (a null payload) is kept as it came")
    func startThatDoesNotRoundTripIsKept() {
        var assembler = LiveSpanAssembler()
        let start = E.start("root", at: 0, data: .null)
        _ = assembler.receive(SourcedEvent(start))
        _ = churn(&assembler, parent: "root", count: LiveSpanAssembler.compactionDistance + 1)
        #expect(assembler.compactStartCount == 0)
        let ended = E.scopes(assembler.receive(SourcedEvent(E.end("root", at: 100))))
        #expect(ended.first?.start == start)
        #expect(ended.first?.start?.data == .null)
    }

    @Test("scopes that end soon are never compacted")
    func shortScopesStayAsTheyCame() {
        var assembler = LiveSpanAssembler()
        _ = churn(&assembler, parent: "none", count: 3 * LiveSpanAssembler.compactionDistance)
        #expect(assembler.compactStartCount == 0)
        #expect(assembler.openScopeCount == 0)
    }
}
