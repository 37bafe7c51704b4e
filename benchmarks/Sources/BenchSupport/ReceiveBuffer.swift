import Glibc

/// A growable byte buffer filled from a socket: bytes in `readIndex..<writeIndex` are unread.
/// Reused across the requests of one connection so that steady traffic allocates nothing.
public final class ReceiveBuffer {
    public private(set) var storage: UnsafeMutableRawPointer
    public private(set) var capacity: Int
    public private(set) var readIndex = 0
    public private(set) var writeIndex = 0
    /// The most bytes one message may need in memory.
    public let limit: Int

    public init(initialCapacity: Int = 1 << 20, limit: Int = 1 << 30) {
        capacity = max(4096, initialCapacity)
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        self.limit = limit
    }

    deinit { storage.deallocate() }

    /// Unread byte count.
    public var readable: Int { writeIndex - readIndex }

    /// The unread bytes (valid until the next fill).
    public var unread: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage + readIndex, count: readable)
    }

    /// Marks `count` bytes read.
    public func consume(_ count: Int) {
        readIndex += min(count, readable)
        if readIndex == writeIndex {
            readIndex = 0
            writeIndex = 0
        }
    }

    /// Reads at least `count` unread bytes from `socket` in total. `false` at end of stream, on
    /// an error, or when `count` is over ``limit``.
    public func fill(toAtLeast count: Int, from socket: Socket) -> Bool {
        guard count <= limit else { return false }
        while readable < count {
            makeRoom(for: max(count - readable, 64 * 1024))
            let got = socket.read(into: storage + writeIndex, count: capacity - writeIndex)
            if got <= 0 { return false }
            writeIndex += got
        }
        return true
    }

    /// Reads more bytes (however many are available). `false` at end of stream or on an error.
    public func fillMore(from socket: Socket) -> Bool {
        fill(toAtLeast: readable + 1, from: socket)
    }

    /// The offset (from `readIndex`) just past the first `\r\n\r\n`, if the unread bytes hold one.
    public func headLength(searchingFrom start: Int = 0) -> Int? {
        let bytes = storage.assumingMemoryBound(to: UInt8.self) + readIndex
        var index = max(0, start - 3)
        let end = readable - 3
        while index < end {
            if bytes[index + 3] == 10 {
                if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13 { return index + 4 }
                index += 1
            } else if bytes[index + 3] == 13 {
                index += 1
            } else {
                index += 4
            }
        }
        return nil
    }

    /// Ensures `extra` bytes of free space after `writeIndex`, moving unread bytes to the front
    /// or growing the storage.
    private func makeRoom(for extra: Int) {
        if capacity - writeIndex >= extra { return }
        if readIndex > 0 {
            let count = readable
            storage.copyMemory(from: storage + readIndex, byteCount: count)
            readIndex = 0
            writeIndex = count
            if capacity - writeIndex >= extra { return }
        }
        var newCapacity = capacity
        while newCapacity - writeIndex < extra { newCapacity *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        grown.copyMemory(from: storage + readIndex, byteCount: readable)
        storage.deallocate()
        writeIndex = readable
        readIndex = 0
        storage = grown
        capacity = newCapacity
    }
}
