/// The parent links of a whole input's scopes made into a forest: nodes are dense scope ids,
/// cycles are cut, and roots and child-before-parent orders come out of iterative passes in time
/// and memory linear in the nodes, at any depth (no recursion, no depth limit). Node ids are
/// kept in 32 bits (4 bytes per node), as every id of an offline run is (``EventIndex/capacity``).
struct ParentForest {
    /// A cycle cut at `node`, which no longer has its declared parent `parent` and becomes a root.
    struct Cut: Equatable {
        var node: Int
        var parent: Int
        /// The nodes on the cycle (1 for a node naming itself).
        var length: Int
    }

    /// Per node, its parent or -1.
    private var parents: [Int32]
    /// The cuts made, in the order the cycles were found.
    private(set) var cuts: [Cut] = []

    /// The forest of `parents` (`parents[i]` is node i's parent, or `nil`), with every cycle cut
    /// at its smallest node: the node that comes first (ids are given in order of first
    /// appearance), so the cut does not depend on anything but the input. A node naming itself
    /// is a cycle of one.
    init(parents: [Int?]) {
        self.init(parentIDs: parents.map { Int32($0 ?? -1) })
    }

    /// The forest of `parentIDs` (`parentIDs[i]` is node i's parent, or -1), cut as
    /// ``init(parents:)`` does; the array becomes the forest's own (no copy is made).
    init(parentIDs: [Int32]) {
        parents = parentIDs
        cutCycles()
    }

    /// The parent of `node` after the cuts.
    func parent(of node: Int) -> Int? {
        parents[node] >= 0 ? Int(parents[node]) : nil
    }

    /// Walks up from each node not yet seen, marking the path; a walk that meets its own path
    /// has found a cycle (each node is walked once).
    private mutating func cutCycles() {
        let count = parents.count
        var state = [UInt8](repeating: 0, count: count)  // 0 new, 1 on the current path, 2 done
        var position = [Int](repeating: 0, count: count)
        var path: [Int] = []
        for start in 0..<count where state[start] == 0 {
            var node = start
            while true {
                state[node] = 1
                position[node] = path.count
                path.append(node)
                let next = Int(parents[node])
                if next < 0 || state[next] == 2 { break }
                if state[next] == 1 {
                    let cycle = path[position[next]...]
                    let cut = cycle.min() ?? next
                    cuts.append(Cut(node: cut, parent: Int(parents[cut]), length: cycle.count))
                    parents[cut] = -1
                    break
                }
                node = next
            }
            for member in path { state[member] = 2 }
            path.removeAll(keepingCapacity: true)
        }
    }

    /// Each node's root: the top of its chain of parents (itself for a root). Each node is
    /// visited once: a walk stops at the first node whose root is known.
    func roots() -> [Int32] {
        var root = [Int32](repeating: -1, count: parents.count)
        var path: [Int] = []
        for start in parents.indices where root[start] < 0 {
            var node = start
            while root[node] < 0, parents[node] >= 0 {
                path.append(node)
                node = Int(parents[node])
            }
            let top = root[node] >= 0 ? root[node] : Int32(node)
            root[node] = top
            for member in path { root[member] = top }
            path.removeAll(keepingCapacity: true)
        }
        return root
    }

    /// Calls `body(child, parent)` for every node that has a parent, each child after all of its
    /// own children: values folded from children into parents this way reach the roots complete.
    func forEachChildBeforeItsParent(_ body: (_ child: Int, _ parent: Int) -> Void) {
        var pendingChildren = [Int32](repeating: 0, count: parents.count)
        for parent in parents where parent >= 0 { pendingChildren[Int(parent)] += 1 }
        var ready = parents.indices.filter { pendingChildren[$0] == 0 }
        var next = 0
        while next < ready.count {
            let child = ready[next]
            next += 1
            let parent = Int(parents[child])
            guard parent >= 0 else { continue }
            body(child, parent)
            pendingChildren[parent] -= 1
            if pendingChildren[parent] == 0 { ready.append(parent) }
        }
    }
}
