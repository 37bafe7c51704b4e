import ATOF
import Testing

@testable import ATOFBridge

@Suite struct LiveSpanAssemblerTests {
    typealias E = TestEvents

    func feed(_ assembler: inout LiveSpanAssembler, _ events: [Event]) -> [AssembledItem] {
        events.flatMap { assembler.receive(SourcedEvent($0)) }
    }

    @Test func exportsASpanWhenItsEndArrivesWithMarksAttached() {
        var assembler = LiveSpanAssembler()
        let early = feed(&assembler, [E.start("p", at: 0), E.mark("m", parent: "p", at: 0.5), E.start("c", parent: "p", at: 1)])
        #expect(early.isEmpty)
        let child = E.scopes(feed(&assembler, [E.end("c", parent: "p", at: 2)]))
        let parent = E.scopes(feed(&assembler, [E.end("p", at: 3)]))
        #expect(child.count == 1 && parent.count == 1)
        #expect(child[0].identity.parentSpanID == parent[0].identity.spanID)
        #expect(child[0].identity.traceID == parent[0].identity.traceID)
        #expect(parent[0].marks.map(\.uuid) == ["m"])
        #expect(assembler.openScopeCount == 0)
    }

    @Test func aLateMarkForAnExportedSpanBecomesItsChildSpan() {
        var assembler = LiveSpanAssembler()
        let parent = E.scopes(feed(&assembler, [E.start("p", at: 0), E.end("p", at: 1)]))
        let late = E.orphans(feed(&assembler, [E.mark("m", parent: "p", at: 0.5)]))
        #expect(late.count == 1)
        #expect(late[0].identity.parentSpanID == parent[0].identity.spanID)
        #expect(late[0].identity.traceID == parent[0].identity.traceID)
    }

    @Test("bookkeeping stays bounded when scopes keep ending below the open-scope bound")
    func bookkeepingStaysFlatUnderTheBound() {
        var assembler = LiveSpanAssembler(limits: .init(maximumOpenScopes: 10_000, recentlyEndedCapacity: 1_000))
        var largest = 0
        for index in 0..<50_000 {
            let time = Double(index)
            _ = feed(&assembler, [E.start("p\(index)", at: time), E.start("c\(index)", parent: "p\(index)", at: time + 0.1)])
            _ = feed(&assembler, [E.end("c\(index)", parent: "p\(index)", at: time + 0.2), E.end("p\(index)", at: time + 0.3)])
            largest = max(largest, assembler.bookkeepingCount)
        }
        #expect(assembler.openScopeCount == 0)
        #expect(largest < 4_000, "start-order and ended lists must not grow with every scope ever seen (largest \(largest))")
    }

    @Test func theOldestOpenScopeIsExportedAsUnendedPastTheBound() {
        var assembler = LiveSpanAssembler(limits: .init(maximumOpenScopes: 100))
        var exported: [AssembledScope] = []
        for index in 0..<1_000 {
            exported += E.scopes(assembler.receive(SourcedEvent(E.start("s\(index)", at: Double(index)))))
            #expect(assembler.openScopeCount <= 100)
        }
        #expect(exported.count == 900)
        #expect(exported.first?.start?.uuid == "s0")
        #expect(exported.allSatisfy { $0.anomalies == .unended })
        #expect(E.scopes(assembler.finish()).count == 100)
        #expect(assembler.report.unended == 1_000)
    }

    @Test func anUnendedScopeEndsAtItsLatestDescendantEvent() throws {
        var assembler = LiveSpanAssembler()
        _ = feed(
            &assembler,
            [E.start("a", at: 0), E.start("b", parent: "a", at: 1), E.end("b", parent: "a", at: 4), E.mark("m", parent: "a", at: 7)])
        let unended = try #require(E.scopes(assembler.finish()).first)
        #expect(unended.anomalies == .unended)
        #expect(unended.endTime == E.time(7).nanosecondsSinceEpoch)
    }

    @Test func aHeldEndPairsWithAStartThatArrivesLate() {
        var assembler = LiveSpanAssembler()
        #expect(feed(&assembler, [E.end("x", at: 2)]).isEmpty)
        let paired = E.scopes(feed(&assembler, [E.start("x", at: 1)]))
        #expect(paired.count == 1)
        #expect(paired[0].anomalies == [])
        #expect(paired[0].endTime == E.time(2).nanosecondsSinceEpoch)
    }

    @Test func aHeldEndIsGivenUpAfterTheGracePeriod() {
        var assembler = LiveSpanAssembler(limits: .init(unmatchedEndGrace: 1_000_000_000))
        #expect(feed(&assembler, [E.end("x", at: 0)]).isEmpty)
        #expect(feed(&assembler, [E.mark("m", parent: nil, at: 0.5)]).count == 1)
        let released = E.scopes(feed(&assembler, [E.mark("m2", parent: nil, at: 2)]))
        #expect(released.count == 1)
        #expect(released[0].anomalies == .unmatchedEnd)
        #expect(assembler.report.unmatchedEnds == 1)
    }

    @Test func aDuplicateStartIsExportedAtOnce() {
        var assembler = LiveSpanAssembler()
        _ = feed(&assembler, [E.start("d", at: 0)])
        let duplicate = E.scopes(feed(&assembler, [E.start("d", at: 1)]))
        #expect(duplicate.count == 1 && duplicate[0].anomalies == .duplicateStart)
        #expect(duplicate[0].identity.spanID == SpanIdentity.spanID(of: UUIDKey("d#2")))
        let owner = E.scopes(feed(&assembler, [E.end("d", at: 2)]))
        #expect(owner[0].identity.spanID == SpanIdentity.spanID(of: UUIDKey("d")))
    }

    @Test func theRecentIndexIsBounded() {
        var assembler = LiveSpanAssembler(limits: .init(recentlyEndedCapacity: 10))
        for index in 0..<100 {
            _ = feed(&assembler, [E.start("s\(index)", at: Double(index)), E.end("s\(index)", at: Double(index) + 0.5)])
        }
        // s0 is long forgotten: its late mark is a root of its own; s99 is remembered.
        let forgotten = E.orphans(feed(&assembler, [E.mark("m0", parent: "s0", at: 0.2)]))
        let remembered = E.orphans(feed(&assembler, [E.mark("m99", parent: "s99", at: 99.2)]))
        #expect(forgotten[0].identity.parentSpanID == nil)
        #expect(remembered[0].identity.parentSpanID == SpanIdentity.spanID(of: UUIDKey("s99")))
    }

    @Test("1,000,000 marks into one open scope: the held marks stay at the cap, the rest are counted")
    func marksOfOneOpenScopeAreCappedAndCounted() throws {
        var assembler = LiveSpanAssembler()
        var items: [AssembledItem] = []
        assembler.receive(SourcedEvent(PathologicalInput.scope(.scopeStart, level: 1, at: 0)), into: &items)
        let count = 1_000_000
        let marks = (0..<1_000).map { SourcedEvent(PathologicalInput.mark($0)) }  // fed again and again: cheaper in debug builds
        for index in 0..<count {
            assembler.receive(marks[index % marks.count], into: &items)
            if index % 100_000 == 0 { #expect(assembler.heldMarkCount <= 128) }
        }
        #expect(assembler.heldMarkCount == 128)
        assembler.receive(SourcedEvent(PathologicalInput.scope(.scopeEnd, level: 1, at: count + 1)), into: &items)
        let scope = try #require(E.scopes(items).first)
        #expect(scope.marks.count == 128)
        #expect(
            scope.droppedMarks
                == DroppedMarks(
                    count: count - 128, chunkCount: count - 128, earliestChunkTime: PathologicalInput.time(1).nanosecondsSinceEpoch))
        #expect(assembler.report.attachedMarks == count)
        let span = SpanMapper().span(for: scope)
        #expect(span.events.count == 128 && span.droppedEventsCount == UInt32(count - 128))
        #expect(span[attribute: "atof.chunk_count"] == .int(Int64(count)))
    }

    @Test("the per-scope mark bound follows the limit; zero holds none and counts all")
    func theMarkBoundFollowsTheLimit() throws {
        var limits = LiveSpanAssembler.Limits()
        limits.maximumMarksPerScope = 0
        var assembler = LiveSpanAssembler(limits: limits)
        let events = [E.start("p", at: 0), E.mark("m1", parent: "p", at: 1), E.mark("m2", parent: "p", at: 2), E.end("p", at: 3)]
        let scope = try #require(E.scopes(feed(&assembler, events)).first)
        #expect(scope.marks.isEmpty && scope.droppedMarks.count == 2)
    }

    @Test("a scope naming a parent inside its own subtree is cut: it stays a root and a warning names its line")
    func aParentCycleIsCut() throws {
        var assembler = LiveSpanAssembler(source: "live.jsonl")
        let events = [
            E.start("x", parent: "p", at: 0), E.start("p", parent: "x", at: 1), E.end("x", parent: "p", at: 2),
            E.end("p", parent: "x", at: 3),
        ]
        var items: [AssembledItem] = []
        for (offset, event) in events.enumerated() { assembler.receive(SourcedEvent(event, line: offset + 1), into: &items) }
        let scopes = E.scopes(items)
        let x = try #require(scopes.first { $0.start?.uuid == "x" })
        let p = try #require(scopes.first { $0.start?.uuid == "p" })
        #expect(x.identity.parentSpanID == nil)
        #expect(p.identity.parentSpanID == x.identity.spanID)
        #expect(p.identity.traceID == x.identity.traceID)
        #expect(assembler.report.parentCycles == 1)
        let warning = try #require(assembler.report.diagnostics.first)
        #expect(warning.line == 1 && warning.severity == .warning)
        #expect(warning.message.contains("names parent p, which descends from it"))
    }

    @Test("a cycle closed through a parent that became known late is cut too")
    func aCycleThroughALateParentIsCut() throws {
        var assembler = LiveSpanAssembler()
        let events = [
            E.start("z", parent: "x", at: 0), E.start("x", parent: "p", at: 1), E.start("p", parent: "z", at: 2),
            E.end("z", parent: "x", at: 3), E.end("x", parent: "p", at: 4), E.end("p", parent: "z", at: 5),
        ]
        let scopes = E.scopes(feed(&assembler, events))
        var parentOf: [OTLP.SpanID: OTLP.SpanID] = [:]
        for scope in scopes { parentOf[scope.identity.spanID] = scope.identity.parentSpanID }
        // Following parents from any span ends at a root.
        for scope in scopes {
            var current: OTLP.SpanID? = scope.identity.spanID
            var hops = 0
            while let id = current, hops <= scopes.count {
                current = parentOf[id]
                hops += 1
            }
            #expect(hops <= scopes.count, "span \(scope.start?.uuid ?? "") is on a parent cycle")
        }
        #expect(assembler.report.parentCycles == 1)
    }

    @Test("a scope naming itself as its parent is a root, with a warning")
    func aSelfParentIsARootWithAWarning() throws {
        var assembler = LiveSpanAssembler()
        let scope = try #require(E.scopes(feed(&assembler, [E.start("s", parent: "s", at: 0), E.end("s", parent: "s", at: 1)])).first)
        #expect(scope.identity.parentSpanID == nil)
        #expect(assembler.report.parentCycles == 1)
        #expect(assembler.report.diagnostics.first?.message.contains("names itself as its parent") == true)
    }

    @Test("an orphan mark reusing its scope's uuid gets the next #n span id, never the scope's")
    func aMarkReusingItsScopesUUIDGetsItsOwnID() throws {
        var assembler = LiveSpanAssembler()
        let scope = try #require(E.scopes(feed(&assembler, [E.start("s", at: 0), E.end("s", at: 1)])).first)
        let late = try #require(E.orphans(feed(&assembler, [E.mark("s", parent: "s", at: 2)])).first)
        #expect(late.identity.spanID == SpanIdentity.spanID(of: UUIDKey("s#2")))
        #expect(late.identity.spanID != scope.identity.spanID)
        #expect(late.identity.parentSpanID == scope.identity.spanID)
        #expect(assembler.report.marksReusingScopeUUIDs == 1)
        #expect(assembler.report.diagnostics.last?.message.contains("reuses the uuid s of a scope") == true)
        // The uuid's next scope comes after the mark's use.
        let again = try #require(E.scopes(feed(&assembler, [E.start("s", at: 3), E.end("s", at: 4)])).first)
        #expect(again.identity.spanID == SpanIdentity.spanID(of: UUIDKey("s#3")))
    }

    @Test func liveAndOfflineAgreeOnAWellOrderedInput() {
        let events = [
            E.start("a", at: 0), E.start("b", parent: "a", at: 1), E.mark("m", parent: "b", at: 1.5), E.end("b", parent: "a", at: 2),
            E.end("a", at: 3),
        ]
        var assembler = LiveSpanAssembler()
        let live = E.scopes(feed(&assembler, events) + assembler.finish())
        let offline = E.scopes(SpanAssembler().assemble(E.sourced(events)).items)
        #expect(Set(live) == Set(offline))
    }

    @Test("starts packed while open give the same spans, in the same order, with the same report")
    func packedStartsAssembleTheSame() {
        var events: [Event] = [E.start("root", at: 0, metadata: ["traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"])]
        for index in 0..<300 {
            let time = Double(index)
            events.append(
                E.start(
                    "s\(index)", parent: index % 3 == 0 ? "root" : "s\(index - 1)", at: time + 0.1,
                    data: ["i": .number(JSONNumber(Int64(index)))]))
            events.append(E.mark("m\(index)", parent: "s\(index)", at: time + 0.2))
            if index % 7 == 0 { events.append(E.start("s\(index)", at: time + 0.3)) }  // duplicate start
            if index % 5 == 0 { events.append(E.end("late\(index)", at: time + 0.3)) }  // end before its start
            if index % 5 == 0 { events.append(E.start("late\(index)", at: time + 0.4)) }
            if index % 11 == 0 { events.append(E.end("s\(index)", at: time - 0.5)) }  // clock skew
            if index % 2 == 0, index >= 10 { events.append(E.end("s\(index - 10)", at: time + 0.5)) }
        }
        func run(unpackedStartsKept: Int) -> ([AssembledItem], AssemblyReport, Int) {
            var assembler = LiveSpanAssembler(limits: .init(maximumOpenScopes: 200), unpackedStartsKept: unpackedStartsKept)
            var items: [AssembledItem] = []
            var packed = 0
            for (offset, event) in events.enumerated() {
                items += assembler.receive(SourcedEvent(event, line: offset + 1))
                packed = max(packed, assembler.packedStartCount)
            }
            items += assembler.finish()
            return (items, assembler.report, packed)
        }
        let held = run(unpackedStartsKept: 1_024)
        let packed = run(unpackedStartsKept: 0)
        #expect(held.2 == 0)
        #expect(packed.2 > 100)
        #expect(packed.0.count == held.0.count)
        let differing = zip(packed.0, held.0).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(
            differing == nil,
            "first differing item: \(String(describing: differing.map { ($0.offset, E.scopes([$0.element.0]).first?.start?.uuid, E.scopes([$0.element.0]).first?.end?.uuid) }))"
        )
        #expect(packed.1 == held.1)
        #expect(held.1.unended > 0 && held.1.duplicateStarts > 0 && held.1.clockSkews > 0)
    }

    @Test("only the open starts beyond the kept number are packed, the oldest first")
    func packsTheOldestStartsBeyondTheKeptNumber() {
        var assembler = LiveSpanAssembler(limits: .init(), unpackedStartsKept: 10)
        for index in 0..<100 { _ = assembler.receive(SourcedEvent(E.start("s\(index)", at: Double(index)))) }
        #expect(assembler.packedStartCount == 90)
        // Ending packed and held scopes alike leaves the rest as they were.
        _ = assembler.receive(SourcedEvent(E.end("s0", at: 200)))
        _ = assembler.receive(SourcedEvent(E.end("s99", at: 200)))
        #expect(assembler.packedStartCount == 89)
        let unended = E.scopes(assembler.finish())
        #expect(unended.count == 98)
        #expect(unended.first?.start?.uuid == "s1")
        #expect(unended.first?.start?.timestamp == E.time(1))
    }
}
