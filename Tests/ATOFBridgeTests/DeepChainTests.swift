import ATOF
import Testing

@testable import ATOFBridge

/// Parent chains deeper than any old limit: one trace, correct parent links, complete subtree times, in both
/// assemblers (inputs from ``PathologicalInput``, the shapes of scripts/generate_pathological.py).
@Suite struct DeepChainTests {
    typealias P = PathologicalInput
    /// Deeper than the old 4,096 cut-off; 100,000 is checked by hand with the release CLI (a few
    /// seconds per test in debug builds at that depth).
    static let depth = 20_000

    /// Every level's span, by level (1 is the top).
    static func byLevel(_ scopes: [AssembledScope]) -> [Int: AssembledScope] {
        var levels: [Int: AssembledScope] = [:]
        for scope in scopes {
            if let name = scope.describingEvent?.name, let level = Int(name.dropFirst("level-".count)) { levels[level] = scope }
        }
        return levels
    }

    /// Checks that the chain is one trace with each level the parent of the next.
    static func expectOneChain(_ scopes: [AssembledScope], depth: Int) {
        let levels = byLevel(scopes)
        #expect(levels.count == depth)
        #expect(Set(scopes.map(\.identity.traceID)) == [SpanIdentity.traceID(of: UUIDKey(P.level(1)))])
        #expect(levels[1]?.identity.parentSpanID == nil)
        var wrongParents = 0
        for level in 2...depth where levels[level]?.identity.parentSpanID != SpanIdentity.spanID(of: UUIDKey(P.level(level - 1))) {
            wrongParents += 1
        }
        #expect(wrongParents == 0)
    }

    @Test("a 20,000-deep chain converted offline is one trace with every parent link in place")
    func offlineDeepChainIsOneTrace() {
        let events = P.deepChain(depth: Self.depth)
        let (items, report) = SpanAssembler().assemble(TestEvents.sourced(events))
        let scopes = TestEvents.scopes(items)
        Self.expectOneChain(scopes, depth: Self.depth)
        #expect(report.diagnostics.isEmpty)
    }

    @Test("offline, an unended top scope ends at the last event at the bottom of a 20,000-deep chain")
    func offlineSubtreeTimeReachesTheTop() throws {
        let events = P.deepChain(depth: Self.depth, withEnds: false) + [P.scope(.scopeEnd, level: Self.depth, at: Self.depth + 5)]
        let (items, report) = SpanAssembler().assemble(TestEvents.sourced(events))
        #expect(report.unended == Self.depth - 1)
        let top = try #require(Self.byLevel(TestEvents.scopes(items))[1])
        #expect(top.anomalies == .unended)
        #expect(top.endTime == P.time(Self.depth + 5).nanosecondsSinceEpoch)
    }

    @Test("live, a 20,000-deep chain is one trace with every parent link in place")
    func liveDeepChainIsOneTrace() {
        var assembler = LiveSpanAssembler(limits: .init(maximumOpenScopes: 2 * Self.depth))
        var items: [AssembledItem] = []
        for event in P.deepChain(depth: Self.depth) { assembler.receive(SourcedEvent(event), into: &items) }
        items += assembler.finish()
        Self.expectOneChain(TestEvents.scopes(items), depth: Self.depth)
        #expect(assembler.report.unended == 0 && assembler.report.diagnostics.isEmpty)
    }

    @Test("live, a chain deeper than the open-scope bound still stays one trace")
    func liveDeepChainPastTheBoundStaysOneTrace() {
        var assembler = LiveSpanAssembler(limits: .init(maximumOpenScopes: 1_000))
        var items: [AssembledItem] = []
        for event in P.deepChain(depth: 20_000) { assembler.receive(SourcedEvent(event), into: &items) }
        items += assembler.finish()
        let scopes = TestEvents.scopes(items)
        #expect(Set(scopes.map(\.identity.traceID)) == [SpanIdentity.traceID(of: UUIDKey(P.level(1)))])
        #expect(assembler.openScopeCount == 0)
    }

    @Test("live, an unended top scope ends at the last event at the bottom of a 20,000-deep chain")
    func liveSubtreeTimeReachesTheTop() throws {
        var assembler = LiveSpanAssembler(limits: .init(maximumOpenScopes: 2 * Self.depth))
        var items: [AssembledItem] = []
        for event in P.deepChain(depth: Self.depth, withEnds: false) { assembler.receive(SourcedEvent(event), into: &items) }
        let mark = Event(
            family: .v0_1, kind: .mark, uuid: "bottom-mark", parentUUID: P.level(Self.depth), timestamp: P.time(Self.depth + 7),
            name: "checkpoint")
        assembler.receive(SourcedEvent(mark), into: &items)
        #expect(items.isEmpty)
        items += assembler.finish()
        let top = try #require(Self.byLevel(TestEvents.scopes(items))[1])
        #expect(top.anomalies == .unended)
        #expect(top.endTime == P.time(Self.depth + 7).nanosecondsSinceEpoch)
    }
}
