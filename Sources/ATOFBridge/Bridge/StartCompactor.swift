import ATOFThreads

/// The thread that stores the starts of long-open scopes compactly for the ``Bridge``
/// (``HeldEvent/compacting(_:)``: encode and check), so that the producer's call only pairs. The
/// producer lists the starts; they are handed over in groups and the results given back to the
/// assembler under the intake lock, once per group.
final class StartCompactor: Sendable {
    typealias Request = LiveSpanAssembler.CompactionRequest

    private struct State: Sendable {
        var requests: [Request] = []
        var stopped = false
    }

    /// Starts handed over at once: the thread waits for this many, or ``groupDelay`` after the
    /// first (compaction only saves memory, so a few may wait without harm).
    static let groupSize = 64
    /// The longest a listed start waits for a group: 50 ms.
    static let groupDelay: Duration = .milliseconds(50)

    private let state = ConditionLock(State())

    /// Starts the thread; `adopt` stores a group of results (it takes the intake lock). Returns
    /// `nil` when the system refuses a thread.
    init?(adopt: @escaping @Sendable ([(request: Request, held: HeldEvent)]) -> Void) {
        guard WorkerThread.start({ [state] in Self.run(state, adopt) }) else { return nil }
    }

    /// Lists starts to compact (called by the producer, after the intake lock).
    func submit(_ requests: [Request]) {
        let wake = state.withLock { state in
            let wasEmpty = state.requests.isEmpty
            state.requests.append(contentsOf: requests)
            return wasEmpty || state.requests.count >= Self.groupSize
        }
        if wake { state.broadcast() }
    }

    /// Ends the thread; starts still listed stay as they came.
    func stop() {
        state.withLock { $0.stopped = true }
        state.broadcast()
    }

    private static func run(_ state: ConditionLock<State>, _ adopt: @Sendable ([(request: Request, held: HeldEvent)]) -> Void) {
        while true {
            state.withLock(when: { !$0.requests.isEmpty || $0.stopped }, before: nil) { _, _ in }
            let requests = state.withLock(when: { $0.requests.count >= groupSize || $0.stopped }, before: .after(groupDelay)) { state, _ in
                var taken: [Request] = []
                swap(&taken, &state.requests)
                return state.stopped ? nil : taken
            }
            guard let requests else { return }
            let compacted = requests.compactMap { request in HeldEvent.compacting(request.start).map { (request, $0) } }
            if !compacted.isEmpty { adopt(compacted) }
        }
    }
}
