import Testing

@testable import ATOFBridge

@Suite struct ParentForestTests {
    @Test("every cycle is cut at its smallest node; tails hanging off a cycle keep their parents")
    func cutsEachCycleAtItsSmallestNode() {
        // 0 → 1 → 2 → 0 (a cycle), 3 → 1 (a tail into it), 4 → 4 (names itself), 5 → 6 → 5, 7 (a root).
        let forest = ParentForest(parents: [1, 2, 0, 1, 4, 6, 5, nil])
        #expect(
            forest.cuts == [
                ParentForest.Cut(node: 0, parent: 1, length: 3), ParentForest.Cut(node: 4, parent: 4, length: 1),
                ParentForest.Cut(node: 5, parent: 6, length: 2),
            ])
        #expect((0..<8).map { forest.parent(of: $0) } == [nil, 2, 0, 1, nil, nil, 5, nil])
        #expect(forest.roots() == [0, 0, 0, 0, 4, 5, 5, 7])
    }

    @Test("children are visited before their parents, so maxima folded upward reach the roots")
    func visitsChildrenBeforeParents() {
        // A chain 0 ← 1 ← 2 ← ... ← 99 999, numbered from the top.
        let count = 100_000
        let forest = ParentForest(parents: (0..<count).map { $0 == 0 ? nil : $0 - 1 })
        var latest = Array(0..<count)
        forest.forEachChildBeforeItsParent { child, parent in latest[parent] = max(latest[parent], latest[child]) }
        #expect(latest.allSatisfy { $0 == count - 1 })
        #expect(Set(forest.roots()) == [0])
        #expect(forest.cuts.isEmpty)
    }

    @Test("a forest given 32-bit parent ids, -1 for none, cuts and roots as one given optional ids")
    func thirtyTwoBitIdsMatchOptionalIds() {
        let optional: [Int?] = [1, 2, 0, 1, 4, 6, 5, nil]
        let compact = ParentForest(parentIDs: optional.map { Int32($0 ?? -1) })
        let reference = ParentForest(parents: optional)
        #expect(compact.cuts == reference.cuts)
        #expect(compact.roots() == [0, 0, 0, 0, 4, 5, 5, 7])
        #expect((0..<8).map { compact.parent(of: $0) } == (0..<8).map { reference.parent(of: $0) })
    }
}
