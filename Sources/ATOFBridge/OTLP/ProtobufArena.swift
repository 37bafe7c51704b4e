/// A bump allocator for the C memory of one protobuf-c message tree.
///
/// Every struct, pointer list, string and id the encoder hands to protobuf-c for one batch comes
/// from here. Memory is taken from a few large chunks (each new chunk at least twice the previous
/// one, so a batch needs a handful of system allocations however many fields it has) and is freed
/// all at once when the arena goes away. Nothing is freed individually and nothing is ever
/// deinitialized: only trivial C types may be placed in it.
///
/// An arena is used by one thread at a time and must outlive every pointer it returned.
final class ProtobufArena {
    /// Chunks are allocated with this alignment, enough for every C type protobuf-c uses.
    static let chunkAlignment = 16

    /// The largest chunk grown by doubling; a single larger request still gets its own chunk.
    static let maximumGrowthChunkSize = 8 << 20

    /// Each chunk starts with the address of the previous one (the list the deinitializer walks
    /// to free them), padded to keep the rest of the chunk 16-byte aligned.
    private static let chunkHeaderSize = 16

    private var chunk: UnsafeMutableRawPointer
    private var chunkCapacity: Int
    private var used: Int
    private var nextChunkSize: Int

    /// How many system allocations the arena has made.
    private(set) var chunkCount = 1

    /// Total bytes of the chunks obtained so far.
    private(set) var reservedBytes: Int

    /// Creates an arena whose first chunk holds `initialCapacity` bytes (at least 256).
    init(initialCapacity: Int) {
        let capacity = max(initialCapacity, 256) + Self.chunkHeaderSize
        chunk = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: Self.chunkAlignment)
        chunk.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
        chunkCapacity = capacity
        used = Self.chunkHeaderSize
        reservedBytes = capacity
        nextChunkSize = min(capacity * 2, Self.maximumGrowthChunkSize)
    }

    deinit {
        var next: UnsafeMutableRawPointer? = chunk
        while let current = next {
            next = current.load(as: UnsafeMutableRawPointer?.self)
            current.deallocate()
        }
    }

    /// Returns `byteCount` uninitialized bytes aligned to `alignment` (a power of two, at most 16).
    @inline(__always)
    func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        var start = (used + alignment - 1) & ~(alignment - 1)
        if byteCount > chunkCapacity - start {
            startChunk(holding: byteCount)
            start = used  // the header size keeps it 16-byte aligned
        }
        used = start + byteCount
        return chunk + start
    }

    /// Returns uninitialized, typed room for `count` values of the trivial type `T`.
    @inline(__always)
    func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        allocate(byteCount: MemoryLayout<T>.stride * count, alignment: MemoryLayout<T>.alignment)
            .bindMemory(to: T.self, capacity: count)
    }

    /// Moves to a new chunk with room for at least `byteCount` bytes after its header.
    @inline(never)
    private func startChunk(holding byteCount: Int) {
        let capacity = max(byteCount + Self.chunkHeaderSize, nextChunkSize)
        let newChunk = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: Self.chunkAlignment)
        newChunk.storeBytes(of: chunk, as: UnsafeMutableRawPointer?.self)
        chunk = newChunk
        chunkCapacity = capacity
        used = Self.chunkHeaderSize
        chunkCount += 1
        reservedBytes += capacity
        nextChunkSize = min(nextChunkSize * 2, Self.maximumGrowthChunkSize)
    }

    // MARK: - C strings

    /// Copies UTF-8 bytes into the arena as a NUL-terminated C string.
    ///
    /// C strings end at the first zero byte, so each U+0000 (the only code point whose UTF-8 form
    /// contains a zero byte) is written as U+FFFD REPLACEMENT CHARACTER instead: the rest of the
    /// string is kept and the result is still valid UTF-8.
    ///
    /// - Returns: the string and its length in bytes, without the terminator.
    @inline(__always)
    func copyCString(_ utf8: UnsafeBufferPointer<UInt8>) -> (pointer: UnsafeMutablePointer<CChar>, length: Int) {
        let count = utf8.count
        guard let source = utf8.baseAddress, count > 0 else {
            let empty = allocate(byteCount: 1, alignment: 1)
            empty.storeBytes(of: 0, as: UInt8.self)
            return (empty.bindMemory(to: CChar.self, capacity: 1), 0)
        }
        if Self.containsZeroByte(UnsafeRawPointer(source), count: count) {
            return copyCStringReplacingNUL(utf8)
        }
        let destination = allocate(byteCount: count + 1, alignment: 1)
        destination.copyMemory(from: source, byteCount: count)
        destination.storeBytes(of: 0, toByteOffset: count, as: UInt8.self)
        return (destination.bindMemory(to: CChar.self, capacity: count + 1), count)
    }

    @inline(never)
    private func copyCStringReplacingNUL(
        _ utf8: UnsafeBufferPointer<UInt8>
    ) -> (pointer: UnsafeMutablePointer<CChar>, length: Int) {
        var zeroCount = 0
        for byte in utf8 where byte == 0 {
            zeroCount += 1
        }
        // U+FFFD is three bytes (EF BF BD) where U+0000 was one.
        let length = utf8.count + 2 * zeroCount
        let destination = allocate(byteCount: length + 1, alignment: 1)
        var offset = 0
        for byte in utf8 {
            if byte == 0 {
                destination.storeBytes(of: 0xEF, toByteOffset: offset, as: UInt8.self)
                destination.storeBytes(of: 0xBF, toByteOffset: offset + 1, as: UInt8.self)
                destination.storeBytes(of: 0xBD, toByteOffset: offset + 2, as: UInt8.self)
                offset += 3
            } else {
                destination.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
                offset += 1
            }
        }
        destination.storeBytes(of: 0, toByteOffset: length, as: UInt8.self)
        return (destination.bindMemory(to: CChar.self, capacity: length + 1), length)
    }

    /// Whether any of the `count` bytes at `bytes` is zero, eight bytes at a time.
    @inline(__always)
    static func containsZeroByte(_ bytes: UnsafeRawPointer, count: Int) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var offset = 0
        while offset + 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            // Nonzero exactly when some byte of `word` is zero.
            if (word &- ones) & ~word & highBits != 0 { return true }
            offset += 8
        }
        while offset < count {
            if bytes.load(fromByteOffset: offset, as: UInt8.self) == 0 { return true }
            offset += 1
        }
        return false
    }
}
