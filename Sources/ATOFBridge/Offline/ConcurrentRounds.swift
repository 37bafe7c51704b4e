import Dispatch

/// One round of batches being made on a background thread.
final class RoundInFlight<Output: Sendable>: @unchecked Sendable {
    private let group = DispatchGroup()
    private var result: SlotArray<Output>?
    private var started = false

    /// Starts `make` on a global queue (the thread that calls ``wait()`` then reads the result:
    /// the group orders the write before the read).
    func start(_ make: @escaping @Sendable () -> SlotArray<Output>) {
        started = true
        DispatchQueue.global().async(group: group) { self.result = make() }
    }

    /// Waits for the round (if one was started) and hands it over once.
    @discardableResult
    func wait() -> SlotArray<Output>? {
        guard started else { return nil }
        group.wait()
        let value = result
        result = nil
        return value
    }
}

/// Results written by concurrent workers, one slot each, then read on one thread once they have
/// all finished (`DispatchQueue.concurrentPerform` returns only then).
final class SlotArray<Element>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Element?>
    /// The number of slots.
    let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    /// Sets slot `index`; each slot is written by one worker only.
    func set(_ index: Int, _ value: Element) {
        slots[index] = value
    }

    /// Moves slot `index` out.
    func take(_ index: Int) -> Element? {
        let value = slots[index]
        slots[index] = nil
        return value
    }
}

/// A read-only view of bytes that outlive the concurrent work reading them.
struct SharedBytes: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
}
