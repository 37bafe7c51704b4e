import ATOF
import Testing

@testable import ATOFBridge

@Suite struct SpanAssemblerTests {
    typealias E = TestEvents
    static let agent = "01a1fdfa-5a34-7350-b758-610a8a3b5e4e"
    static let tool = "01a1fdfa-5a34-7350-b758-6135fab12dc6"
    static let implicitRoot = "01a1fdfa-5a34-7350-b758-60e476203cbd"

    func assemble(_ events: [Event]) -> (scopes: [AssembledScope], orphans: [OrphanMark], report: AssemblyReport) {
        let (items, report) = SpanAssembler(source: "t.jsonl").assemble(E.sourced(events))
        return (E.scopes(items), E.orphans(items), report)
    }

    @Test func derivesIdsFromUUIDsAndTreatsAnUnknownParentAsRoot() throws {
        let (scopes, _, _) = assemble([
            E.start(Self.tool, parent: Self.agent, at: 1), E.end(Self.tool, parent: Self.agent, at: 2),
            E.start(Self.agent, parent: Self.implicitRoot, at: 0), E.end(Self.agent, parent: Self.implicitRoot, at: 3),
        ])
        #expect(scopes.count == 2)
        let agent = try #require(scopes.first { $0.start?.uuid == Self.agent })
        let tool = try #require(scopes.first { $0.start?.uuid == Self.tool })
        #expect(agent.identity.spanID.hex == "b758610a8a3b5e4e")
        #expect(agent.identity.traceID.hex == "01a1fdfa5a347350b758610a8a3b5e4e")
        #expect(agent.identity.parentSpanID == nil)
        #expect(tool.identity.parentSpanID == agent.identity.spanID)
        #expect(tool.identity.traceID == agent.identity.traceID)
        #expect(tool.identity.spanID.hex == "b7586135fab12dc6")
    }

    @Test func nonUUIDIdsGetStableHashedIds() {
        let events = [E.start("llm-001", at: 0), E.end("llm-001", at: 1)]
        let first = assemble(events).scopes[0].identity
        let second = assemble(events).scopes[0].identity
        #expect(first == second)
        #expect(first.spanID.value != 0)
        #expect(first.traceID != OTLP.TraceID(high: 0, low: 0))
        #expect(SpanIdentity.murmur3(Array("hello".utf8)).0 == 0xcbd8_a7b3_41bd_9b02)
    }

    @Test func pairsByUUIDWhateverTheFileOrder() {
        let (scopes, _, report) = assemble([
            E.end("a", at: 2), E.start("b", parent: "a", at: 1), E.end("b", parent: "a", at: 1.5), E.start("a", at: 0),
        ])
        #expect(scopes.count == 2)
        #expect(report.unmatchedEnds == 0 && report.unended == 0)
        let a = scopes.first { $0.start?.uuid == "a" }
        #expect(a?.endTime == E.time(2).nanosecondsSinceEpoch)
        #expect(a?.anomalies == [])
    }

    @Test func joinsTheTraceOfARootTraceparentAndIgnoresItElsewhere() throws {
        let parentHeader: JSONValue = ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "tracestate": "k=v"]
        let (scopes, _, _) = assemble([
            E.start("root", at: 0, metadata: parentHeader), E.end("root", at: 3),
            E.start("child", parent: "root", at: 1, metadata: ["traceparent": "00-11111111111111111111111111111111-2222222222222222-01"]),
            E.end("child", parent: "root", at: 2),
        ])
        let root = try #require(scopes.first { $0.start?.uuid == "root" })
        let child = try #require(scopes.first { $0.start?.uuid == "child" })
        #expect(root.identity.traceID.hex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(root.identity.parentSpanID?.hex == "00f067aa0ba902b7")
        #expect(root.identity.traceState == "k=v")
        #expect(root.identity.flags == 0x301)
        #expect(child.identity.traceID == root.identity.traceID)
        #expect(child.identity.parentSpanID == root.identity.spanID)
    }

    @Test(arguments: [
        "00-xyz-00f067aa0ba902b7-01", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "garbage",
    ])
    func ignoresAMalformedTraceparent(_ header: String) throws {
        let (scopes, _, report) = assemble([E.start("root", at: 0, metadata: ["traceparent": .string(header)]), E.end("root", at: 1)])
        #expect(scopes[0].identity.parentSpanID == nil)
        #expect(scopes[0].identity.traceID == SpanIdentity.traceID(of: UUIDKey("root")))
        #expect(report.diagnostics.isEmpty)
    }

    @Test func acceptsTraceIdAndSpanIdMetadataAsATraceContext() {
        let (scopes, _, _) = assemble([
            E.start("root", at: 0, metadata: ["trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"]),
            E.end("root", at: 1),
        ])
        #expect(scopes[0].identity.traceID.hex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(scopes[0].identity.parentSpanID?.hex == "00f067aa0ba902b7")
    }

    @Test func attachesMarksInsideTheOpenParentInclusiveOfBothEnds() {
        let (scopes, orphans, report) = assemble([
            E.start("p", at: 1), E.mark("m1", parent: "p", at: 1), E.mark("m2", parent: "p", at: 1.5), E.mark("m3", parent: "p", at: 2),
            E.end("p", at: 2),
        ])
        #expect(scopes[0].marks.map(\.uuid) == ["m1", "m2", "m3"])
        #expect(orphans.isEmpty)
        #expect(report.attachedMarks == 3)
    }

    @Test func aMarkOutsideItsParentBecomesAChildSpanInTheParentsTrace() throws {
        let (scopes, orphans, report) = assemble([
            E.start("p", at: 1), E.end("p", at: 2), E.mark("late", parent: "p", at: 3), E.mark("early", parent: "p", at: -100),
        ])
        #expect(scopes[0].marks.isEmpty)
        #expect(orphans.count == 2)
        #expect(
            orphans.allSatisfy {
                $0.identity.parentSpanID == scopes[0].identity.spanID && $0.identity.traceID == scopes[0].identity.traceID
            })
        #expect(report.orphanMarks == 2)
    }

    @Test func aMarkWithAnUnknownOrNoParentIsARootOfItsOwn() {
        let (_, orphans, _) = assemble([E.mark("m1", parent: "nowhere", at: 0), E.mark("m2", parent: nil, at: 0)])
        #expect(orphans.count == 2)
        #expect(
            orphans.allSatisfy { $0.identity.parentSpanID == nil && $0.identity.traceID == SpanIdentity.traceID(of: UUIDKey($0.mark.uuid)) }
        )
    }

    @Test func anUnendedScopeEndsAtTheLatestTimeInItsSubtree() throws {
        let (scopes, _, report) = assemble([
            E.start("a", at: 0), E.start("b", parent: "a", at: 1), E.start("c", parent: "b", at: 2), E.end("c", parent: "b", at: 5),
            E.mark("m", parent: "b", at: 6), E.start("lonely", at: 10),
        ])
        let a = try #require(scopes.first { $0.start?.uuid == "a" })
        let b = try #require(scopes.first { $0.start?.uuid == "b" })
        let lonely = try #require(scopes.first { $0.start?.uuid == "lonely" })
        #expect(a.anomalies == .unended && b.anomalies == .unended)
        #expect(a.endTime == E.time(6).nanosecondsSinceEpoch)
        #expect(b.endTime == E.time(6).nanosecondsSinceEpoch)
        #expect(lonely.endTime == lonely.startTime)
        #expect(b.marks.map(\.uuid) == ["m"])
        #expect(report.unended == 3)
        #expect(report.diagnostics.filter { $0.message.contains("never ended") }.compactMap(\.line).sorted() == [1, 2, 6])
    }

    @Test func anEndWithoutStartIsAZeroDurationSpanAtItsTime() {
        let (scopes, _, report) = assemble([E.end("x", at: 4)])
        #expect(scopes.count == 1)
        #expect(scopes[0].start == nil && scopes[0].end?.uuid == "x")
        #expect(scopes[0].anomalies == .unmatchedEnd)
        #expect(scopes[0].startTime == E.time(4).nanosecondsSinceEpoch && scopes[0].endTime == scopes[0].startTime)
        #expect(report.unmatchedEnds == 1)
        #expect(report.diagnostics.first?.line == 1)
    }

    @Test func aDuplicateStartIsExportedAloneWithACollisionFreeId() throws {
        let (scopes, _, report) = assemble([E.start("d", at: 0), E.start("d", at: 1), E.end("d", at: 2)])
        #expect(scopes.count == 2)
        let owner = try #require(scopes.first { $0.anomalies.isEmpty })
        let duplicate = try #require(scopes.first { $0.anomalies == .duplicateStart })
        #expect(owner.startTime == E.time(0).nanosecondsSinceEpoch && owner.endTime == E.time(2).nanosecondsSinceEpoch)
        #expect(duplicate.startTime == E.time(1).nanosecondsSinceEpoch && duplicate.endTime == duplicate.startTime)
        #expect(duplicate.identity.spanID == SpanIdentity.spanID(of: UUIDKey("d#2")))
        #expect(duplicate.identity.spanID != owner.identity.spanID)
        #expect(report.duplicateStarts == 1)
        #expect(report.diagnostics.first?.message.contains("line 1") == true)
    }

    @Test func anEndStampedBeforeItsStartStillClosesIt() {
        let (scopes, _, report) = assemble([E.start("s", at: 5), E.end("s", at: 3)])
        #expect(scopes.count == 1)
        #expect(scopes[0].anomalies == .clockSkew)
        #expect(scopes[0].endTime == scopes[0].startTime)
        #expect(report.clockSkews == 1)
    }

    @Test func streamHeadersMakeNoSpan() {
        let header = Event(family: .v0_2, kind: .streamHeader, uuid: "h", timestamp: E.time(0), name: "h")
        let (scopes, orphans, report) = assemble([header])
        #expect(scopes.isEmpty && orphans.isEmpty)
        #expect(report.streamHeaders == 1)
    }
    @Test("a parent cycle is cut at its first scope, which becomes a root; a warning names its line")
    func aParentCycleIsCutAtItsFirstScope() throws {
        let (scopes, _, report) = assemble([
            E.start("b", parent: "a", at: 1), E.start("a", parent: "b", at: 0), E.end("a", parent: "b", at: 3),
            E.end("b", parent: "a", at: 2),
        ])
        let a = try #require(scopes.first { $0.start?.uuid == "a" })
        let b = try #require(scopes.first { $0.start?.uuid == "b" })
        #expect(a.identity.parentSpanID == nil)
        #expect(b.identity.parentSpanID == a.identity.spanID)
        #expect(a.identity.traceID == b.identity.traceID && a.identity.traceID == SpanIdentity.traceID(of: UUIDKey("a")))
        #expect(report.parentCycles == 1)
        #expect(report.diagnostics.count == 1)
        #expect(report.diagnostics.first?.line == 2)
        #expect(report.diagnostics.first?.message.contains("names parent b, which descends from it (a parent cycle of 2 scopes)") == true)
    }

    @Test("the cut span keeps its declared parent in atof.parent_uuid")
    func theCutSpanKeepsItsDeclaredParent() throws {
        let conversion = OfflineConversion(
            events: E.sourced([
                E.start("a", parent: "b", at: 0), E.start("b", parent: "a", at: 1), E.end("b", parent: "a", at: 2),
                E.end("a", parent: "b", at: 3),
            ]),
            mapper: SpanMapper())
        let a = try #require(conversion.spans.first { $0.name == "a" })
        #expect(a.parentSpanID == nil)
        #expect(a[attribute: "atof.parent_uuid"] == "b")
        #expect(conversion.warningCount == 1)
    }

    @Test("a 10,000-scope cycle becomes one trace with one cut; unended subtree times still reach its root")
    func aLongCycleIsOneTrace() throws {
        let count = 10_000
        let events = (0..<count).map { E.start("s\($0)", parent: "s\(($0 + 1) % count)", at: Double($0)) }
        let (scopes, _, report) = assemble(events)
        #expect(Set(scopes.map(\.identity.traceID)).count == 1)
        #expect(scopes.filter { $0.identity.parentSpanID == nil }.map { $0.start?.uuid } == ["s0"])
        #expect(report.parentCycles == 1)
        let root = try #require(scopes.first { $0.start?.uuid == "s0" })
        #expect(root.endTime == E.time(Double(count - 1)).nanosecondsSinceEpoch)
    }

    @Test("a scope naming itself as its parent is a root, with a warning")
    func aSelfParentIsARootWithAWarning() throws {
        let (scopes, _, report) = assemble([E.start("s", parent: "s", at: 0), E.end("s", parent: "s", at: 1)])
        #expect(scopes.first?.identity.parentSpanID == nil)
        #expect(report.parentCycles == 1)
        #expect(report.diagnostics.first?.message.contains("names itself as its parent") == true)
    }

    @Test("orphan marks reusing a scope's uuid get the next #n span ids, never the scope's")
    func marksReusingAScopeUUIDGetTheirOwnIDs() throws {
        let (scopes, orphans, report) = assemble([
            E.start("s", at: 0), E.end("s", at: 1), E.mark("s", parent: "s", at: 2), E.mark("s", parent: "s", at: 3),
        ])
        let scope = try #require(scopes.first)
        #expect(orphans.map(\.identity.spanID) == [SpanIdentity.spanID(of: UUIDKey("s#2")), SpanIdentity.spanID(of: UUIDKey("s#3"))])
        #expect(orphans.allSatisfy { $0.identity.parentSpanID == scope.identity.spanID && $0.identity.traceID == scope.identity.traceID })
        let ids =
            scopes.map { [$0.identity.traceID.hex, $0.identity.spanID.hex] }
            + orphans.map { [$0.identity.traceID.hex, $0.identity.spanID.hex] }
        #expect(Set(ids).count == ids.count)
        #expect(report.marksReusingScopeUUIDs == 2)
        #expect(report.diagnostics.map(\.line) == [3, 4])
    }
}
